package io.txgate.digest;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator reads from {@code GET /api/statements} and {@code /metrics}: one row per
 * statement shape and operation, not per value; errors by code; and only the top few digests as
 * Prometheus series, labelled by a short id, never by SQL.
 */
class StatementsApiTest {

  private static final Pattern DIGEST_LABEL = Pattern.compile("^txgate_statement_calls_total\\{.*digest=\"([0-9a-f]+)\"");

  @BeforeEach
  void rows() {
    TestServer.loadFixtures();
    TestSql.update("DELETE FROM t_accounts_digests");
    TestSql.update("INSERT INTO t_accounts_digests (id, balance) VALUES (1, 100), (2, 100)");
  }

  @Test
  void oneRowPerShapeForManyValues() throws Exception {
    try (TestServer server = TestServer.start(); WireClient c = server.connect()) {
      for (int id = 1; id <= 30; id++) {
        // Literals in the text, and the same with a bound parameter: one shape.
        assertThat(c.call(execute(id, "SELECT id FROM t_accounts_digests WHERE id = " + id)).getBoolean("ok")).isTrue();
        assertThat(c.call(execute(100 + id, "SELECT id FROM t_accounts_digests WHERE id = ?", id)).getBoolean("ok"))
          .isTrue();
      }
      // A duplicate key: an error by code and MySQL error number.
      JsonObject dup = c.call(execute(200, "INSERT INTO t_accounts_digests (id, balance) VALUES (1, 0)"));
      assertThat(dup.getJsonObject("error").getString("code")).isEqualTo("SQL_ERROR");
      // An expectation that does not hold: counted as a conflict of that statement.
      JsonObject missed = c.call(batch(201, step("UPDATE t_accounts_digests SET balance = 0 WHERE id = 99")
        .put("expect", new JsonObject().put("affectedRows", 1))));
      assertThat(missed.getJsonObject("error").getString("code")).isEqualTo("CONFLICT");
      // A named operation: its statements are counted under its name.
      for (int id = 1; id <= 3; id++) {
        JsonObject call = c.call(new JsonObject().put("id", 300 + id).put("op", "call").put("name", "balance")
          .put("args", new JsonObject().put("id", id)));
        assertThat(call.getBoolean("ok")).as(call.encode()).isTrue();
      }

      JsonObject body = statements(server, "calls");
      List<JsonObject> rows = body.getJsonArray("statements").stream().map(JsonObject.class::cast).toList();
      List<JsonObject> selects = rows.stream()
        .filter(r -> r.getString("fingerprint").equals("SELECT id FROM t_accounts_digests WHERE id = ?")).toList();
      assertThat(selects).as(body.encode()).hasSize(1);
      JsonObject select = selects.get(0);
      assertThat(select.getString("op")).isEmpty();
      assertThat(select.getLong("calls")).isEqualTo(60);
      assertThat(select.getLong("rows")).as("ids 1 and 2 exist, each read twice").isEqualTo(4);
      assertThat(select.getString("digest")).matches("[0-9a-f]{16}");
      assertThat(select.getDouble("p50Ms")).isPositive();
      assertThat(select.getDouble("p99Ms")).isGreaterThanOrEqualTo(select.getDouble("p50Ms"));
      assertThat(select.getDouble("maxMs")).isGreaterThanOrEqualTo(select.getDouble("p99Ms"));
      assertThat(select.getDouble("totalMs")).isGreaterThanOrEqualTo(select.getDouble("maxMs"));
      assertThat(rows.get(0)).as("sorted by calls, highest first").isEqualTo(select);

      JsonObject insert = rows.stream().filter(r -> r.getString("fingerprint").startsWith("INSERT INTO t_accounts_digests"))
        .findFirst().orElseThrow();
      assertThat(insert.getJsonObject("errors").encode()).isEqualTo("{\"SQL_ERROR/1062\":1}");
      JsonObject update = rows.stream().filter(r -> r.getString("fingerprint")
        .equals("UPDATE t_accounts_digests SET balance = ? WHERE id = ?")).findFirst().orElseThrow();
      assertThat(update.getLong("conflicts")).isEqualTo(1);

      List<JsonObject> named = rows.stream().filter(r -> r.getString("op").equals("balance")).toList();
      assertThat(named).as(body.encode()).hasSize(1);
      assertThat(named.get(0).getLong("calls")).isEqualTo(3);
    }
  }

  @Test
  void metricsCarryOnlyTheTopDigestsAndNoSql() throws Exception {
    int top = 3;
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.OBSERVABILITY_DIGEST_METRICS_TOP.env(), top));
         WireClient c = server.connect()) {
      for (int i = 0; i < 10; i++) {
        assertThat(c.call(execute(i, "SELECT balance AS b" + i + " FROM t_accounts_digests WHERE id = 1"))
          .getBoolean("ok")).isTrue();
      }
      String scrape = Http.get(server.adminUrl() + "/metrics").body();
      Set<String> digests = new TreeSet<>();
      for (String line : scrape.split("\n")) {
        Matcher m = DIGEST_LABEL.matcher(line);
        if (m.find()) {
          digests.add(m.group(1));
        }
      }
      assertThat(digests).as("digest series on /metrics").hasSize(top);
      // They are the top three by total time, as the API ranks them.
      Set<String> expected = new TreeSet<>();
      statements(server, "total").getJsonArray("statements").stream().limit(top)
        .forEach(o -> expected.add(((JsonObject) o).getString("digest")));
      // Statements may have run between the two reads; the ranking of equal-cost ones can change.
      assertThat(digests).hasSize(expected.size());
      assertThat(scrape).doesNotContain("t_accounts_digests").doesNotContain("SELECT");
      assertThat(scrape).contains("# HELP txgate_statement_calls_total ", "# HELP txgate_digests_size ",
        "# HELP txgate_digests_evictions_total ", "txgate_digests_size 10.0", "txgate_digests_cap 2000.0",
        "txgate_statement_time_seconds_total{", "txgate_statement_p99_seconds{", "txgate_statement_rows_total{",
        "txgate_statement_errors_total{", "txgate_statement_retries_total{", "op=\"\"");
    }
  }

  @Test
  void offMeansNoTableAndNoSeries() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.OBSERVABILITY_DIGESTS.env(), false));
         WireClient c = server.connect()) {
      assertThat(c.call(execute(1, "SELECT 1")).getBoolean("ok")).isTrue();
      JsonObject body = statements(server, "total");
      assertThat(body.getBoolean("enabled")).isFalse();
      assertThat(body.getJsonArray("statements")).isEmpty();
      assertThat(server.txgate().stats().digests()).isNull();
      assertThat(Http.get(server.adminUrl() + "/metrics").body()).doesNotContain("txgate_statement_", "txgate_digests_");
    }
  }

  @Test
  void aBadSortOrLimitIsRefusedWithWhatIsAllowed() throws Exception {
    try (TestServer server = TestServer.start()) {
      var r = Http.get(server.adminUrl() + "/api/statements?sort=bogus");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error")).contains("total, p99, errors, retries, calls");
      assertThat(Http.get(server.adminUrl() + "/api/statements?limit=0").statusCode()).isEqualTo(400);
      assertThat(Http.get(server.adminUrl() + "/api/statements?limit=x").statusCode()).isEqualTo(400);
    }
  }

  private static JsonObject statements(TestServer server, String sort) throws Exception {
    var r = Http.get(server.adminUrl() + "/api/statements?limit=1000&sort=" + sort);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
