package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The protocol end to end: real sockets, a real txgate, a real database. */
class ProtocolIntegrationTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeEach
  void resetRows() {
    TestSql.update("DELETE FROM t_accounts");
    TestSql.update("INSERT INTO t_accounts (id, owner, balance) VALUES (1, 'alice', 100.00), (2, 'bob', 50.00)");
  }

  @Test
  void helloReportsServerSessionProtocolAndLimits() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(new JsonObject().put("id", 1).put("op", "hello").put("client", "tests").put("protocol", 1));
      assertThat(r.getBoolean("ok")).isTrue();
      JsonObject result = r.getJsonObject("result");
      assertThat(result.getString("server")).startsWith("txgate/");
      assertThat(result.getString("session")).isNotBlank();
      assertThat(result.getInteger("protocol")).isEqualTo(1);
      assertThat(result.getJsonObject("limits").getInteger("maxFrameBytes")).isEqualTo(1024 * 1024);
      assertThat(c.call(new JsonObject().put("id", "p").put("op", "ping")))
        .isEqualTo(new JsonObject().put("id", "p").put("ok", true).put("result", new JsonObject()));
    }
  }

  @Test
  void selectsRowsWithColumnsAndTypes() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(execute(1, "SELECT id, owner, balance FROM t_accounts WHERE id >= ? ORDER BY id", 1));
      JsonObject result = r.getJsonObject("result");
      assertThat(result.getJsonArray("columns")).containsExactly("id", "owner", "balance");
      assertThat(result.getJsonArray("types")).containsExactly("integer", "string", "decimal");
      assertThat(result.getJsonArray("rows")).containsExactly(
        new JsonArray().add(1).add("alice").add("100.00"),
        new JsonArray().add(2).add("bob").add("50.00"));
    }
  }

  @Test
  void insertsAndUpdatesAndCommits() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject ins = c.call(execute(1, "INSERT INTO t_items (tag, n) VALUES (?, ?)", "insert-update", 1))
        .getJsonObject("result");
      assertThat(ins.getInteger("affectedRows")).isEqualTo(1);
      long id = ins.getLong("lastInsertId");
      assertThat(id).isPositive();
      JsonObject upd = c.call(execute(2, "UPDATE t_items SET n = ? WHERE id = ?", 2, id)).getJsonObject("result");
      assertThat(upd.getInteger("affectedRows")).isEqualTo(1);
    }
    assertThat(TestSql.count("SELECT n FROM t_items WHERE tag = 'insert-update'")).isEqualTo(2);
  }

  @Test
  void batchCommitsAllSteps() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(batch(7,
        step("UPDATE t_accounts SET balance = balance - ? WHERE id = ?", 30, 1),
        step("UPDATE t_accounts SET balance = balance + ? WHERE id = ?", 30, 2),
        step("SELECT balance FROM t_accounts WHERE id IN (?, ?) ORDER BY id", 1, 2)));
      assertThat(r.getBoolean("ok")).isTrue();
      JsonArray results = r.getJsonObject("result").getJsonArray("results");
      assertThat(results).hasSize(3);
      assertThat(results.getJsonObject(2).getJsonArray("rows"))
        .containsExactly(new JsonArray().add("70.00"), new JsonArray().add("80.00"));
    }
    assertThat(TestSql.query("SELECT balance FROM t_accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("70.00");
  }

  @Test
  void failedBatchLeavesNoTrace() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(batch(8,
        step("INSERT INTO t_items (tag, n) VALUES (?, ?)", "rolled-back", 1),
        step("UPDATE t_accounts SET balance = balance - ? WHERE id = ?", 30, 1),
        step("INSERT INTO t_no_such_table VALUES (?)", 1)));
      assertThat(r.getBoolean("ok")).isFalse();
      JsonObject error = r.getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("SQL_ERROR");
      assertThat(error.getString("sqlState")).isEqualTo("42S02");
      assertThat(error.getInteger("vendorCode")).isEqualTo(1146);
      assertThat(error.getInteger("step")).isEqualTo(2);
      assertThat(error.getBoolean("retryable")).isFalse();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'rolled-back'")).isZero();
    assertThat(TestSql.query("SELECT balance FROM t_accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("100.00");
  }

  @Test
  void thousandPipelinedRequestsComeBackInOrder() throws Exception {
    StringBuilder wire = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      JsonObject req = i % 3 == 0 ? new JsonObject().put("id", i).put("op", "ping")
        : i % 3 == 1 ? execute(i, "SELECT ?", i)
        : execute(i, "INSERT INTO t_items (tag, n) VALUES (?, ?)", "pipelined", i);
      wire.append(req.encode()).append('\n');
    }
    try (WireClient c = server.connect()) {
      c.sendRaw(wire.toString().getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 1000; i++) {
        JsonObject r = c.read();
        assertThat(r.getInteger("id")).isEqualTo(i);
        assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
        if (i % 3 == 1) {
          assertThat(r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getInteger(0)).isEqualTo(i);
        }
      }
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'pipelined'")).isEqualTo(333);
  }

  @Test
  void hundredConcurrentConnectionsInsertEveryRow() throws Exception {
    int clients = 100;
    int perClient = 20;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int k = 0; k < clients; k++) {
        int client = k;
        done.add(pool.submit(() -> {
          int acknowledged = 0;
          try (WireClient c = server.connect()) {
            for (int i = 0; i < perClient; i++) {
              JsonObject r = c.call(execute(i, "INSERT INTO t_items (tag, n) VALUES (?, ?)",
                "concurrent", client * perClient + i));
              if (r.getBoolean("ok")) {
                acknowledged++;
              }
            }
          }
          return acknowledged;
        }));
      }
      int acknowledged = 0;
      for (Future<Integer> f : done) {
        acknowledged += f.get();
      }
      assertThat(acknowledged).isEqualTo(clients * perClient);
    } finally {
      pool.shutdownNow();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'concurrent'")).isEqualTo(clients * perClient);
    assertThat(TestSql.count("SELECT COUNT(DISTINCT n) FROM t_items WHERE tag = 'concurrent'")).isEqualTo(clients * perClient);
  }
}
