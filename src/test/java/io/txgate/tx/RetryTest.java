package io.txgate.tx;

import static io.txgate.testsupport.WireClient.batch;
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
 * Transient conflicts are absorbed: the whole transaction runs again, the client sees success and
 * the number of attempts, and when attempts run out, RETRIES_EXHAUSTED with nothing applied.
 */
class RetryTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeEach
  void rows() {
    TestSql.update("DELETE FROM t_accounts");
    TestSql.update("INSERT INTO t_accounts (id, owner, balance) VALUES (1, 'a', 100), (2, 'b', 100)");
    TestSql.update("DELETE FROM t_items WHERE tag LIKE 'retry-%'");
  }

  /**
   * txgate's second UPDATE is running, which it can only be doing while it waits for the row the
   * other transaction holds. (INNODB_TRX.trx_state does not reliably say LOCK WAIT on MariaDB 11.)
   */
  private static final String WAITING =
    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = 'UPDATE t_accounts SET balance = balance + 5 WHERE id = 2'"
      + " AND ID <> ?";

  @Test
  void deadlockVictimIsRunAgainAndSucceeds() throws Exception {
    long retriesBefore = server.txgate().stats().retries();
    JsonObject r = deadlockedOnce(batch(1,
      step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 1"),
      step("UPDATE t_accounts SET balance = balance + 5 WHERE id = 2")));
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getJsonObject("result").getInteger("attempts")).isEqualTo(2);
    assertThat(server.txgate().stats().retries()).isGreaterThan(retriesBefore);
    assertThat(server.txgate().stats().snapshot().getJsonObject("retriesByCause").getLong("deadlock")).isPositive();
    // Applied exactly once (both attempts applied would leave 91 and 111): the first attempt was
    // rolled back as a whole.
    assertThat(TestSql.query("SELECT balance FROM t_accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("96");
    assertThat(TestSql.query("SELECT balance FROM t_accounts WHERE id = 2").get(0).getBigDecimal(0))
      .isEqualByComparingTo("106");
  }

  @Test
  void aRetryStartsFromACleanSession() throws Exception {
    // The first attempt sets a user variable, then is chosen as the deadlock victim. The retry
    // runs on the same connection, reset first: it must not see the first attempt's @n.
    JsonObject r = deadlockedOnce(batch(1,
      step("SET @n = COALESCE(@n, 0) + 1"),
      step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 1"),
      step("UPDATE t_accounts SET balance = balance + 5 WHERE id = 2"),
      step("SELECT @n")));
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    JsonObject result = r.getJsonObject("result");
    assertThat(result.getInteger("attempts")).isEqualTo(2);
    Number n = (Number) result.getJsonArray("results").getJsonObject(3).getJsonArray("rows").getJsonArray(0).getValue(0);
    assertThat(n.intValue()).as("@n after the retry").isEqualTo(1);
  }

  /**
   * Sends {@code request}, whose steps update row 1 and then row 2, and makes it the victim of
   * exactly one deadlock with a heavier transaction; returns its response.
   */
  private static JsonObject deadlockedOnce(JsonObject request) throws Exception {
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      // The other transaction is made heavier, so that InnoDB picks txgate's as the deadlock victim.
      other.run("BEGIN");
      for (int i = 0; i < 50; i++) {
        other.run("INSERT INTO t_items (tag, n) VALUES ('retry-heavy', ?)", i);
      }
      other.run("UPDATE t_accounts SET balance = balance + 1 WHERE id = 2");
      c.send(request);
      try {
        TestSql.awaitCount(1, WAITING, other.id());
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; transactions: "
          + TestSql.query("SELECT trx_mysql_thread_id, trx_state, trx_query FROM information_schema.INNODB_TRX")
            .stream().map(r -> r.toJson().encode()).toList()
          + "; processes: " + TestSql.query("SELECT ID, COMMAND, STATE, INFO FROM information_schema.PROCESSLIST")
            .stream().map(r -> r.toJson().encode()).toList(), e);
      }
      // Closes the cycle: txgate's transaction holds row 1 and waits for row 2; this waits for row 1.
      var closing = other.start("UPDATE t_accounts SET balance = balance + 1 WHERE id = 1");
      TestServer.await(closing);
      other.run("COMMIT");
      return c.read();
    }
  }

  @Test
  void lockWaitTimeoutRollsBackAndRetries() throws Exception {
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      other.run("BEGIN");
      other.run("UPDATE t_accounts SET balance = balance WHERE id = 1");
      long retries = server.txgate().stats().retries();
      c.send(batch(1,
        step("SET SESSION innodb_lock_wait_timeout = 1"),
        step("INSERT INTO t_items (tag, n) VALUES ('retry-timeout', 1)"),
        step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 1")));
      // Let at least one attempt time out on the lock, then release it.
      while (server.txgate().stats().retries() == retries) {
        Thread.sleep(20);
      }
      other.run("COMMIT");
      JsonObject r = c.read();
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getInteger("attempts")).isGreaterThanOrEqualTo(2);
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'retry-timeout'")).isEqualTo(1);
  }

  @Test
  void exhaustedAttemptsAreReportedAndNothingIsApplied() throws Exception {
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      other.run("BEGIN");
      other.run("UPDATE t_accounts SET balance = balance WHERE id = 1");
      JsonObject req = batch(1,
        step("SET SESSION innodb_lock_wait_timeout = 1"),
        step("INSERT INTO t_items (tag, n) VALUES ('retry-exhausted', 1)"),
        step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 1")).put("maxAttempts", 2);
      JsonObject r = c.call(req);
      other.run("ROLLBACK");
      assertThat(r.getBoolean("ok")).isFalse();
      JsonObject error = r.getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("RETRIES_EXHAUSTED");
      assertThat(error.getBoolean("retryable")).isTrue();
      assertThat(error.getInteger("vendorCode")).isEqualTo(1205);
      assertThat(error.getString("message")).contains("2 attempt");
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'retry-exhausted'")).isZero();
    assertThat(TestSql.query("SELECT balance FROM t_accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("100");
  }

  @Test
  void aRequestCannotRaiseTheServersAttemptLimit() throws Exception {
    try (TestServer strict = TestServer.start(new JsonObject().put("TXGATE_TX_MAX_ATTEMPTS", 1));
         HeldConnection other = new HeldConnection(); WireClient c = strict.connect()) {
      other.run("BEGIN");
      other.run("UPDATE t_accounts SET balance = balance WHERE id = 2");
      JsonObject r = c.call(batch(1,
        step("SET SESSION innodb_lock_wait_timeout = 1"),
        step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 2")).put("maxAttempts", 50));
      other.run("ROLLBACK");
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("RETRIES_EXHAUSTED");
      assertThat(r.getJsonObject("error").getString("message")).contains("1 attempt");
    }
  }
}
