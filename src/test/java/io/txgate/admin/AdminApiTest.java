package io.txgate.admin;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's JSON API agrees exactly with what clients did, across two protocol instances, and
 * its actions (kill, pause, resume) act.
 */
class AdminApiTest {

  private static final String[] ACT = {AdminVerticle.CSRF_HEADER, "1"};
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonArray sessions() throws Exception {
    return new JsonArray(Http.get(server.adminUrl() + "/api/sessions").body());
  }

  private JsonObject overview() throws Exception {
    return new JsonObject(Http.get(server.adminUrl() + "/api/overview").body());
  }

  private List<JsonObject> sessionsOf(String client) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    sessions().forEach(o -> {
      if (client.equals(((JsonObject) o).getString("client"))) {
        out.add((JsonObject) o);
      }
    });
    return out;
  }

  /** Polls the API (it is fed by a one-second sampler and by connection events) until it agrees. */
  private <T> T eventually(ThrowingSupplier<T> read, Predicate<T> until) throws Exception {
    T last = null;
    for (int i = 0; i < 200; i++) {
      last = read.get();
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    return last;
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  @Test
  void sessionsAndCountsMatchWhatClientsDid() throws Exception {
    String name = "api-" + UUID.randomUUID();
    List<WireClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 37; i++) {
        WireClient c = server.connect();
        clients.add(c);
        assertThat(c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", name)).getBoolean("ok")).isTrue();
        for (int k = 1; k <= 3; k++) {
          assertThat(c.call(execute(k, "SELECT ?", k)).getBoolean("ok")).isTrue();
        }
        assertThat(c.call(execute(4, "SELECT * FROM t_missing_table")).getBoolean("ok")).isFalse();
      }
      List<JsonObject> listed = sessionsOf(name);
      assertThat(listed).hasSize(37);
      assertThat(listed.stream().mapToLong(s -> s.getLong("requests")).sum()).isEqualTo(37 * 5);
      assertThat(listed.stream().mapToLong(s -> s.getLong("errors")).sum()).isEqualTo(37);
      assertThat(listed.stream().map(s -> s.getString("instance")).distinct().count())
        .as("connections spread over both protocol instances").isEqualTo(2);
      JsonObject one = listed.get(0);
      assertThat(one.getString("remoteAddress")).startsWith("127.0.0.1:");
      assertThat(one.getLong("bytesIn")).isPositive();
      assertThat(one.getLong("bytesOut")).isPositive();

      JsonObject o = overview();
      assertThat(o.getInteger("instances")).isEqualTo(2);
      assertThat(o.getInteger("connections")).isEqualTo(37);
      assertThat(o.getLong("requests")).isEqualTo(37 * 5);
      assertThat(o.getLong("errors")).isEqualTo(37);
      assertThat(o.getJsonObject("errorsByCode").getLong("SQL_ERROR")).isEqualTo(37);

      for (int i = 0; i < 10; i++) {
        clients.remove(0).close();
      }
      assertThat(eventually(() -> sessionsOf(name), l -> l.size() == 27)).hasSize(27);
      assertThat(eventually(this::overview, x -> x.getInteger("connections") == 27).getInteger("connections")).isEqualTo(27);
    } finally {
      for (WireClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void poolAndThroughputReflectTheLoad() throws Exception {
    try (WireClient c = server.connect()) {
      for (int i = 0; i < 200; i++) {
        c.call(execute(i, "SELECT ?", i));
      }
    }
    JsonObject pool = new JsonObject(Http.get(server.adminUrl() + "/api/pool").body());
    assertThat(pool.getInteger("maxSize")).isEqualTo(16);
    assertThat(pool.getLong("acquired")).isEqualTo(200);
    assertThat(pool.getInteger("open")).isPositive();
    assertThat(pool.getInteger("inUse")).isZero();
    assertThat(pool.getInteger("waiting")).isZero();
    JsonObject o = eventually(this::overview, x -> x.getJsonArray("history").stream()
      .anyMatch(p -> ((JsonObject) p).getDouble("rps") > 0));
    assertThat(o.getDouble("latencyP99Ms")).isPositive();
    assertThat(o.getJsonArray("history").stream().mapToDouble(p -> ((JsonObject) p).getDouble("rps")).sum())
      .isPositive();
  }

  @Test
  void operationsShowCallsAndErrors() throws Exception {
    try (WireClient c = server.connect()) {
      c.call(new JsonObject().put("id", 1).put("op", "call").put("name", "balance").put("args", new JsonObject().put("id", 1)));
      c.call(new JsonObject().put("id", 2).put("op", "call").put("name", "balance").put("args", new JsonObject().put("id", 999)));
    }
    JsonArray ops = new JsonArray(Http.get(server.adminUrl() + "/api/operations").body());
    JsonObject balance = ops.stream().map(JsonObject.class::cast).filter(op -> op.getString("name").equals("balance"))
      .findFirst().orElseThrow();
    assertThat(balance.getLong("calls")).isEqualTo(2);
    assertThat(balance.getLong("errors")).isEqualTo(1);
  }

  @Test
  void killClosesTheClientAndRollsBackItsTransaction() throws Exception {
    TestSql.update("DELETE FROM t_items WHERE tag = 'killed'");
    try (WireClient victim = server.connect()) {
      victim.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "victim"));
      victim.send(WireClient.batch(1,
        WireClient.step("INSERT INTO t_items (tag, n) VALUES ('killed', 1)"),
        WireClient.step("SELECT SLEEP(1)")));
      JsonObject busy = eventually(() -> sessionsOf("victim").get(0), s -> s.containsKey("inFlight"));
      assertThat(busy.getJsonObject("inFlight").getString("op")).isEqualTo("batch");
      assertThat(busy.getJsonObject("inFlight").getString("detail")).contains("INSERT INTO t_items");

      String id = busy.getString("id");
      assertThat(Http.post(server.adminUrl() + "/api/sessions/" + id + "/kill").statusCode())
        .as("no CSRF header").isEqualTo(403);
      HttpResponse<String> killed = Http.post(server.adminUrl() + "/api/sessions/" + id + "/kill", ACT);
      assertThat(killed.statusCode()).isEqualTo(200);
      assertThat(victim.closedByServer()).isTrue();
      assertThat(Http.post(server.adminUrl() + "/api/sessions/" + id + "/kill", ACT).statusCode()).isEqualTo(404);
    }
    // The transaction was in flight when its session was killed: once it has ended, nothing of it stays.
    TestSql.awaitCount(0, "SELECT 0 - COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(1)'");
    assertThat(eventually(() -> TestSql.count("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
      + " WHERE trx_rows_modified > 0 AND trx_mysql_thread_id <> CONNECTION_ID()"), n -> n == 0)).isZero();
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'killed'")).isZero();
  }

  @Test
  void pauseRefusesNewConnectionsAndResumeAcceptsThemAgain() throws Exception {
    try (WireClient before = server.connect()) {
      assertThat(before.call(execute(1, "SELECT 1")).getBoolean("ok")).isTrue();
      assertThat(new JsonObject(Http.post(server.adminUrl() + "/api/pause", ACT).body()).getBoolean("accepting")).isFalse();
      assertThat(Http.get(server.adminUrl() + "/ready").statusCode()).isEqualTo(503);
      try (WireClient refused = server.connect()) {
        JsonObject r = refused.read();
        assertThat(r.getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");
        assertThat(refused.closedByServer()).isTrue();
      }
      // Connections that were already open keep working while draining.
      assertThat(before.call(execute(2, "SELECT 2")).getBoolean("ok")).isTrue();
      Http.post(server.adminUrl() + "/api/resume", ACT);
      assertThat(Http.get(server.adminUrl() + "/ready").statusCode()).isEqualTo(200);
      try (WireClient after = server.connect()) {
        assertThat(after.call(execute(3, "SELECT 3")).getBoolean("ok")).isTrue();
      }
    }
  }

  @Test
  void metricsHealthAndReadiness() throws Exception {
    try (WireClient c = server.connect()) {
      c.call(execute(1, "SELECT 1"));
      c.call(execute(2, "SELEC 1"));
    }
    String metrics = Http.get(server.adminUrl() + "/metrics").body();
    assertThat(metrics).contains("vertx_pool_in_use{pool_name=\"txgate\",pool_type=\"sql\"}")
      .contains("vertx_pool_queue_pending{pool_name=\"txgate\"")
      .contains("txgate_requests_total{op=\"execute\"} 2.0")
      .contains("txgate_errors_total{code=\"SQL_ERROR\"} 1.0")
      .contains("txgate_tx_retries_total")
      .contains("txgate_request_seconds_bucket");
    assertThat(Http.get(server.adminUrl() + "/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = Http.get(server.adminUrl() + "/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("database");
  }

  @Test
  void liveStreamSendsUpdates() throws Exception {
    // HTTP/1.1 explicitly: the JDK client's default h2c upgrade attempt can hang against Vert.x.
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    HttpResponse<java.io.InputStream> stream = http.send(java.net.http.HttpRequest.newBuilder(
      java.net.URI.create(server.adminUrl() + "/api/stream")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body()))) {
      int updates = 0;
      for (String line = reader.readLine(); line != null && updates < 2; line = reader.readLine()) {
        if (line.startsWith("data: ")) {
          JsonObject update = new JsonObject(line.substring(6));
          assertThat(update.fieldNames()).contains("overview", "sessions", "pool", "operations");
          updates++;
        }
      }
      assertThat(updates).isEqualTo(2);
    }
  }
}
