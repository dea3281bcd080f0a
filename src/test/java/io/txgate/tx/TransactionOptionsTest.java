package io.txgate.tx;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-request isolation and read-only apply to that one transaction only; expectations turn a
 * batch into a compare-and-set. One pooled connection, so "the next request" is on the same session.
 */
class TransactionOptionsTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer(new JsonObject().put("TXGATE_DB_POOL_SIZE", 1));

  @BeforeEach
  void rows() {
    TestSql.update("DELETE FROM t_accounts");
    TestSql.update("INSERT INTO t_accounts (id, owner, balance, version) VALUES (1, 'a', 100, 7), (2, 'b', 100, 0)");
    TestSql.update("DELETE FROM t_items WHERE tag LIKE 'opt-%'");
  }

  // Isolation is observed by what a transaction can see and what it blocks on; InnoDB's own
  // INNODB_TRX.trx_isolation_level is not reliable for this on MariaDB.

  /** Counts rows another, uncommitted transaction inserted: 1 only under READ UNCOMMITTED. */
  private static long dirtyRowsSeen(WireClient c, JsonObject request) throws Exception {
    JsonObject r = c.call(request);
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    return r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getLong(0);
  }

  private static JsonObject countDirty(Object id) {
    return execute(id, "SELECT COUNT(*) FROM t_items WHERE tag = 'opt-dirty'");
  }

  @Test
  void isolationAppliesToOneTransactionOnly() throws Exception {
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      other.run("BEGIN");
      other.run("INSERT INTO t_items (tag, n) VALUES ('opt-dirty', 1)");
      assertThat(dirtyRowsSeen(c, countDirty(1))).isZero();
      assertThat(dirtyRowsSeen(c, countDirty(2).put("isolation", "READ_UNCOMMITTED"))).isEqualTo(1);
      assertThat(dirtyRowsSeen(c, countDirty(3))).isZero();
      assertThat(dirtyRowsSeen(c, countDirty(4).put("isolation", "READ_COMMITTED"))).isZero();
      assertThat(dirtyRowsSeen(c, countDirty(5).put("isolation", "READ_UNCOMMITTED"))).isEqualTo(1);
      assertThat(dirtyRowsSeen(c, countDirty(6))).isZero();
      other.run("ROLLBACK");
    }
  }

  @Test
  void serializableReadsTakeSharedLocks() throws Exception {
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      other.run("BEGIN");
      other.run("UPDATE t_accounts SET balance = balance WHERE id = 1");
      JsonObject read = batch(1,
        step("SET SESSION innodb_lock_wait_timeout = 1"),
        step("SELECT balance FROM t_accounts WHERE id = 1")).put("maxAttempts", 1);
      // REPEATABLE READ reads the snapshot and does not wait for the writer.
      assertThat(c.call(read).getBoolean("ok")).isTrue();
      // SERIALIZABLE turns the read into a locking read, which waits for the writer and times out.
      JsonObject blocked = c.call(read.copy().put("id", 2).put("isolation", "SERIALIZABLE"));
      assertThat(blocked.getJsonObject("error").getString("code")).isEqualTo("RETRIES_EXHAUSTED");
      assertThat(blocked.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1205);
      // And the next request is back at the default.
      assertThat(c.call(read.copy().put("id", 3)).getBoolean("ok")).isTrue();
      other.run("ROLLBACK");
    }
  }

  @Test
  void serverDefaultIsolationComesFromConfig() throws Exception {
    try (TestServer ru = TestServer.start(new JsonObject().put("TXGATE_TX_ISOLATION", "READ_UNCOMMITTED")
        .put("TXGATE_DB_POOL_SIZE", 1));
         HeldConnection other = new HeldConnection(); WireClient c = ru.connect()) {
      other.run("BEGIN");
      other.run("INSERT INTO t_items (tag, n) VALUES ('opt-dirty', 2)");
      assertThat(dirtyRowsSeen(c, countDirty(1))).isEqualTo(1);
      assertThat(dirtyRowsSeen(c, countDirty(2).put("isolation", "REPEATABLE_READ"))).isZero();
      assertThat(dirtyRowsSeen(c, countDirty(3))).isEqualTo(1);
      other.run("ROLLBACK");
    }
  }

  @Test
  void readOnlyRefusesWritesForThatTransactionOnly() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject refused = c.call(execute(1, "INSERT INTO t_items (tag, n) VALUES ('opt-ro', 1)").put("readOnly", true));
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("SQL_ERROR");
      assertThat(refused.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1792);
      JsonObject read = c.call(execute(2, "SELECT COUNT(*) FROM t_accounts").put("readOnly", true));
      assertThat(read.getBoolean("ok")).isTrue();
      JsonObject write = c.call(execute(3, "INSERT INTO t_items (tag, n) VALUES ('opt-ro', 2)"));
      assertThat(write.getBoolean("ok")).as(write.encode()).isTrue();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'opt-ro'")).isEqualTo(1);
  }

  @Test
  void compareAndSetCommitsWhenTheVersionMatches() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(batch(1,
        step("UPDATE t_accounts SET balance = ?, version = version + 1 WHERE id = ? AND version = ?", "150.00", 1, 7)
          .put("expect", new JsonObject().put("affectedRows", 1)),
        step("SELECT version FROM t_accounts WHERE id = ?", 1).put("expect", new JsonObject().put("rowCount", 1))));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getInteger("attempts")).isEqualTo(1);
    }
    assertThat(TestSql.count("SELECT version FROM t_accounts WHERE id = 1")).isEqualTo(8);
  }

  @Test
  void missedExpectationIsConflictAndRollsEverythingBack() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(batch(1,
        step("INSERT INTO t_items (tag, n) VALUES ('opt-cas', 1)"),
        step("UPDATE t_accounts SET balance = ?, version = version + 1 WHERE id = ? AND version = ?", "0.00", 1, 6)
          .put("expect", new JsonObject().put("affectedRows", 1))));
      assertThat(r.getBoolean("ok")).isFalse();
      JsonObject error = r.getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("CONFLICT");
      assertThat(error.getInteger("step")).isEqualTo(1);
      assertThat(error.getBoolean("retryable")).isFalse();
      assertThat(error.getString("message")).contains("expected affectedRows 1, got 0");

      JsonObject single = c.call(execute(2, "SELECT * FROM t_accounts WHERE id = 99")
        .put("expect", new JsonObject().put("rowCount", 1)));
      assertThat(single.getJsonObject("error").getString("code")).isEqualTo("CONFLICT");
      assertThat(single.getJsonObject("error").getInteger("step")).isZero();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'opt-cas'")).isZero();
    assertThat(TestSql.count("SELECT version FROM t_accounts WHERE id = 1")).isEqualTo(7);
  }

  @Test
  void everySuccessReportsItsAttempts() throws Exception {
    try (WireClient c = server.connect()) {
      assertThat(c.call(execute(1, "SELECT 1")).getJsonObject("result").getInteger("attempts")).isEqualTo(1);
      assertThat(c.call(batch(2, step("SELECT 1"))).getJsonObject("result").getInteger("attempts")).isEqualTo(1);
    }
  }
}
