package io.txgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shipped operations against the shipped demo schema, called over the wire. */
class NamedOperationsTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeEach
  void accounts() {
    TestSql.resetAccounts();
  }

  private static JsonObject call(Object id, String name, JsonObject args) {
    return new JsonObject().put("id", id).put("op", "call").put("name", name).put("args", args);
  }

  private static JsonObject args(Object... kv) {
    JsonObject a = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      a.put((String) kv[i], kv[i + 1]);
    }
    return a;
  }

  @Test
  void transferMovesMoneyAndWritesTheLedger() throws Exception {
    long before = TestSql.count("SELECT COUNT(*) FROM ledger");
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(call(1, "transfer", args("from", 1, "to", 2, "amount", "25.50")));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getJsonArray("results")).hasSize(4);
      JsonObject balance = c.call(call(2, "balance", args("id", 2)));
      JsonArray row = balance.getJsonObject("result").getJsonArray("results").getJsonObject(0)
        .getJsonArray("rows").getJsonArray(0);
      assertThat(row.getString(2)).isEqualTo("1025.50");
      assertThat(row.getInteger(3)).isEqualTo(1);
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM ledger")).isEqualTo(before + 1);
  }

  @Test
  void transferRefusesWhatWouldBreakTheBooks() throws Exception {
    try (WireClient c = server.connect()) {
      for (JsonObject bad : new JsonObject[] {
          args("from", 1, "to", 2, "amount", "1000.01"),
          args("from", 1, "to", 1, "amount", "1.00"),
          args("from", 1, "to", 99, "amount", "1.00"),
          args("from", 1, "to", 2, "amount", "-5.00")}) {
        JsonObject r = c.call(call(1, "transfer", bad));
        assertThat(r.getJsonObject("error").getString("code")).as(bad.encode()).isEqualTo("CONFLICT");
        assertThat(r.getJsonObject("error").containsKey("step")).isTrue();
      }
    }
    assertThat(TestSql.query("SELECT SUM(balance) FROM accounts").get(0).getBigDecimal(0))
      .isEqualByComparingTo("8000.00");
  }

  @Test
  void depositAddsToOneAccount() throws Exception {
    try (WireClient c = server.connect()) {
      assertThat(c.call(call(1, "deposit", args("id", 3, "amount", 12))).getBoolean("ok")).isTrue();
    }
    assertThat(TestSql.query("SELECT balance FROM accounts WHERE id = 3").get(0).getBigDecimal(0))
      .isEqualByComparingTo("1012.00");
  }

  @Test
  void unknownNamesAndBadArgumentsAreRefused() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject unknown = c.call(call(1, "withdraw_everything", new JsonObject()));
      assertThat(unknown.getJsonObject("error").getString("code")).isEqualTo("UNKNOWN_OPERATION");
      JsonObject bad = c.call(call(2, "transfer", args("from", "x", "amount", true)));
      assertThat(bad.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(bad.getJsonObject("error").getString("message"))
        .contains("'from' must be a whole number", "missing 'to'", "'amount' must be a decimal");
      JsonObject isolation = c.call(call(3, "balance", args("id", 1)).put("isolation", "SERIALIZABLE"));
      assertThat(isolation.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void operationsAreListedWithTheirParameters() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(new JsonObject().put("id", 1).put("op", "operations"));
      JsonArray ops = r.getJsonObject("result").getJsonArray("operations");
      assertThat(ops.stream().map(o -> ((JsonObject) o).getString("name"))).containsExactly("balance", "deposit", "transfer");
      JsonObject transfer = ops.getJsonObject(2);
      assertThat(transfer.getString("description")).contains("locked in id order");
      assertThat(transfer.getJsonArray("params").getJsonObject(2))
        .isEqualTo(new JsonObject().put("name", "amount").put("type", "decimal").put("required", true)
          .put("description", "a positive amount, e.g. \"10.00\""));
      assertThat(ops.getJsonObject(0).getBoolean("readOnly")).isTrue();
    }
  }

  @Test
  void withRawSqlDisabledOnlyNamedOperationsRun() throws Exception {
    try (TestServer locked = TestServer.start(new JsonObject().put("TXGATE_TX_ALLOW_RAW_SQL", "false"));
         WireClient c = locked.connect()) {
      JsonObject exec = c.call(new JsonObject().put("id", 1).put("op", "execute").put("sql", "DELETE FROM accounts"));
      assertThat(exec.getJsonObject("error").getString("code")).isEqualTo("FORBIDDEN");
      JsonObject batch = c.call(new JsonObject().put("id", 2).put("op", "batch")
        .put("steps", new JsonArray().add(new JsonObject().put("sql", "DELETE FROM accounts"))));
      assertThat(batch.getJsonObject("error").getString("code")).isEqualTo("FORBIDDEN");
      assertThat(c.call(call(3, "balance", args("id", 1))).getBoolean("ok")).isTrue();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM accounts")).isEqualTo(8);
  }

  @Test
  void aBadOperationsFileStopsTheServerNamingTheEntry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("ops.yaml");
    java.nio.file.Files.writeString(file, "operations:\n  pay:\n    steps:\n      - sql: UPDATE accounts SET balance = :amount\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
        TestServer.start(new JsonObject().put("TXGATE_TX_OPERATIONS_FILE", file.toString())))
      .hasRootCauseInstanceOf(io.txgate.config.ConfigException.class)
      .rootCause().hasMessageContaining("operations.pay.steps[0].sql").hasMessageContaining(":amount");
  }
}
