package io.txgate.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The four parts of a request's time reach {@code /metrics} and the console. The bounds asserted are
 * ones the test itself enforces, never a guess at how fast anything is: a request that is known to
 * have waited from before {@code t0} until after {@code t1} has at least {@code t1 - t0} in that part.
 */
class TimingMetricsTest {

  private static final String[] FAMILIES = {"txgate_request_connection_wait_seconds", "txgate_request_db_seconds",
    "txgate_request_backoff_seconds", "txgate_request_queue_seconds"};
  private static final Pattern HELP = Pattern.compile("^# HELP (txgate_request_\\S+_seconds) (.+)$");

  @Test
  @DisplayName("a request that waited for the pool, and one queued behind it, are counted with their waits")
  void connectionWaitAndQueueAreMeasured() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.DB_POOL_SIZE.env(), 1));
         WireClient c = server.connect()) {
      Map<String, Double> before = scrape(server);
      // The test holds the pool's only connection: the next request must wait for it.
      SqlConnection held = TestServer.await(server.txgate().db().call(pool -> pool.getConnection()));
      // Two requests in one write: the second waits behind the first on the client connection.
      byte[] both = (WireClient.execute(1, "SELECT 1").encode() + "\n" + WireClient.execute(2, "SELECT 2").encode()
        + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      c.sendRaw(both);
      // Both lines have arrived, and the first waits for the pool: from here on the second is queued.
      waitFor(() -> sessionBytesIn(server) == both.length, "both lines received");
      waitFor(() -> server.txgate().stats().poolSnapshot().getInteger("waiting") == 1, "a request waiting");
      long t0 = System.nanoTime();
      Thread.sleep(50);
      long t1 = System.nanoTime();
      TestServer.await(server.txgate().db().call(pool -> held.close()));
      assertThat(c.read().getBoolean("ok")).isTrue();
      assertThat(c.read().getBoolean("ok")).isTrue();
      Map<String, Double> after = scrape(server);

      double held_s = (t1 - t0) / 1e9;
      assertThat(after.get("txgate_request_connection_wait_seconds_count")
        - before.get("txgate_request_connection_wait_seconds_count")).isEqualTo(2.0);
      assertThat(after.get("txgate_request_connection_wait_seconds_sum")
        - before.get("txgate_request_connection_wait_seconds_sum")).isGreaterThanOrEqualTo(held_s);
      assertThat(after.get("txgate_request_queue_seconds_count")
        - before.get("txgate_request_queue_seconds_count")).isEqualTo(2.0);
      assertThat(after.get("txgate_request_queue_seconds_sum")
        - before.get("txgate_request_queue_seconds_sum")).isGreaterThanOrEqualTo(held_s);
      assertThat(after.get("txgate_request_db_seconds_count")
        - before.get("txgate_request_db_seconds_count")).isEqualTo(2.0);

      JsonObject minute = new JsonObject(Http.get(server.adminUrl() + "/api/timing").body());
      assertThat(minute.getLong("requests")).isEqualTo(2);
      JsonObject parts = minute.getJsonObject("parts");
      assertThat(parts.fieldNames()).containsExactlyInAnyOrder("queue", "connectionWait", "db", "backoff");
      assertThat(parts.getJsonObject("connectionWait").getDouble("ms")).isGreaterThanOrEqualTo(held_s * 1000 - 0.001);
      assertThat(parts.getJsonObject("queue").getDouble("ms")).isGreaterThanOrEqualTo(held_s * 1000 - 0.001);
      double shares = parts.stream().mapToDouble(e -> ((JsonObject) e.getValue()).getDouble("share")).sum();
      assertThat(shares).isBetween(0.99, 1.01);
    }
  }

  @Test
  @DisplayName("a retried request's backoff is counted, and not as database time")
  void backoffIsMeasured() throws Exception {
    TestSql.update("CREATE TABLE IF NOT EXISTS t_rows_timing (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    TestSql.update("REPLACE INTO t_rows_timing VALUES (1, 0)");
    try (TestServer server = TestServer.start(); WireClient c = server.connect()) {
      c.setTimeout(30_000);
      Map<String, Double> before = scrape(server);
      try (HeldConnection holder = new HeldConnection()) {
        holder.run("START TRANSACTION");
        holder.run("UPDATE t_rows_timing SET v = v + 1 WHERE id = 1");
        // Both attempts time out on the lock (1205): one backoff between them, of at least 1 ms.
        JsonObject r = c.call(new JsonObject().put("id", 1).put("op", "batch").put("maxAttempts", 2)
          .put("steps", new JsonArray()
            .add(WireClient.step("SET SESSION innodb_lock_wait_timeout = 1"))
            .add(WireClient.step("UPDATE t_rows_timing SET v = v + 1 WHERE id = 1"))));
        assertThat(r.getJsonObject("error").getString("code")).as(r.encode()).isEqualTo("RETRIES_EXHAUSTED");
        holder.run("ROLLBACK");
      }
      Map<String, Double> after = scrape(server);
      assertThat(after.get("txgate_request_backoff_seconds_count")
        - before.get("txgate_request_backoff_seconds_count")).isEqualTo(1.0);
      assertThat(after.get("txgate_request_backoff_seconds_sum")
        - before.get("txgate_request_backoff_seconds_sum")).isGreaterThanOrEqualTo(0.001);
      // Two lock waits of a second each were in the database.
      assertThat(after.get("txgate_request_db_seconds_sum")
        - before.get("txgate_request_db_seconds_sum")).isGreaterThanOrEqualTo(1.0);
    }
  }

  @Test
  @DisplayName("/metrics says what each of the four histograms measures")
  void theFourHistogramsHaveHelpText() throws Exception {
    try (TestServer server = TestServer.start()) {
      String body = Http.get(server.adminUrl() + "/metrics").body();
      Map<String, String> help = new LinkedHashMap<>();
      for (String line : body.split("\n")) {
        Matcher m = HELP.matcher(line);
        if (m.matches()) {
          help.put(m.group(1), m.group(2).strip());
        }
      }
      for (String family : FAMILIES) {
        assertThat(help.get(family)).as(family).isNotBlank().hasSizeGreaterThan(20);
        assertThat(body).contains(family + "_bucket{le=\"0.1\"}");
      }
    }
  }

  /** The txgate_request_*_seconds _count and _sum series of a scrape. */
  private static Map<String, Double> scrape(TestServer server) throws Exception {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : Http.get(server.adminUrl() + "/metrics").body().split("\n")) {
      for (String family : FAMILIES) {
        for (String suffix : new String[] {"_count ", "_sum "}) {
          if (line.startsWith(family + suffix)) {
            out.put(family + suffix.strip(), Double.parseDouble(line.substring((family + suffix).length())));
          }
        }
      }
    }
    assertThat(out).hasSize(8);
    return out;
  }

  private static long sessionBytesIn(TestServer server) {
    try {
      JsonArray sessions = new JsonArray(Http.get(server.adminUrl() + "/api/sessions").body());
      return sessions.getJsonObject(0).getLong("bytesIn");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(BooleanSupplier state, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!state.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
