package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.admin.AdminVerticle;
import io.txgate.testsupport.FaultProxy;
import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deadlines and stops end the work on the database, not only the wait: after a TIMEOUT, a kill or a
 * client that went away, the statement is gone from the processlist and its locks are free. Each
 * test's statement text is unique, so that the processlist check finds only its own. The statements
 * to stop are BENCHMARK loops, which, unlike SLEEP, go on running when their connection closes:
 * only a KILL QUERY ends them.
 *
 * <p>No assertion here is about time: the client waits up to 15 s for an answer that, without the
 * deadline, would take 90 s or more to come, and the processlist is watched for up to 60 s for a
 * statement that would otherwise run for 90 s.
 */
class DeadlineTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer(new JsonObject()
    // Long enough that the server-side statement limit (deadline plus twice the grace) cannot be
    // what stops the 91 s statements below: that must be txgate's own KILL QUERY.
    .put("TXGATE_TX_REQUEST_TIMEOUT_MS", 120_000)
    .put("TXGATE_TX_CANCEL_GRACE_MS", 2000));

  private static final String[] ACT = {AdminVerticle.CSRF_HEADER, "1"};

  @BeforeEach
  void accounts() {
    TestSql.resetAccounts();
  }

  @Test
  void aStatementPastItsDeadlineIsAnsweredTimeoutAndStoppedOnTheDatabase() throws Exception {
    try (WireClient c = client()) {
      JsonObject r = c.call(WireClient.execute(1, "SELECT BENCHMARK(4000000000, MD5('deadline-91.5'))").put("timeoutMs", 300));
      assertThat(code(r)).as(r.encode()).isEqualTo("TIMEOUT");
      assertThat(r.getJsonObject("error").getBoolean("retryable")).isTrue();
      assertThat(c.call(WireClient.execute(2, "SELECT 1")).getBoolean("ok")).as("the connection still serves").isTrue();
    }
    awaitGone("SELECT BENCHMARK(4000000000, MD5('deadline-91.5'))");
  }

  @Test
  void theServerDeadlineCapsALongerOneAskedByTheClient() throws Exception {
    try (TestServer short1 = TestServer.start(new JsonObject().put("TXGATE_TX_REQUEST_TIMEOUT_MS", 400));
         WireClient c = short1.connect()) {
      c.setTimeout(15_000);
      JsonObject r = c.call(WireClient.execute(1, "SELECT BENCHMARK(4000000000, MD5('deadline-91.6'))").put("timeoutMs", 60_000));
      assertThat(code(r)).as(r.encode()).isEqualTo("TIMEOUT");
    }
    awaitGone("SELECT BENCHMARK(4000000000, MD5('deadline-91.6'))");
  }

  @Test
  void theLocksOfATimedOutTransactionAreReleasedAndItsWritesRolledBack() throws Exception {
    BigDecimal before = balance(1);
    try (WireClient c = client()) {
      JsonObject r = c.call(WireClient.batch(1,
        WireClient.step("UPDATE accounts SET balance = balance + 1 WHERE id = 1"),
        WireClient.step("SELECT SLEEP(91.7)")).put("timeoutMs", 400));
      assertThat(code(r)).as(r.encode()).isEqualTo("TIMEOUT");
    }
    awaitGone("SELECT SLEEP(91.7)");
    try (HeldConnection other = new HeldConnection()) {
      other.run("SET SESSION innodb_lock_wait_timeout = 5");
      // Would fail with 1205 if the timed-out transaction still held the row.
      other.run("UPDATE accounts SET version = version WHERE id = 1");
    }
    assertThat(balance(1)).isEqualByComparingTo(before);
  }

  @Test
  void aWriterQueuedBehindALockGivesUpAtItsDeadline() throws Exception {
    try (HeldConnection holder = new HeldConnection(); WireClient c = client()) {
      holder.run("START TRANSACTION");
      holder.run("UPDATE accounts SET version = version + 1 WHERE id = 2");
      JsonObject r = c.call(WireClient.execute(1, "UPDATE accounts SET balance = balance + 7 WHERE id = 2")
        .put("timeoutMs", 500));
      assertThat(code(r)).as(r.encode()).isEqualTo("TIMEOUT");
      awaitGone("UPDATE accounts SET balance = balance + 7 WHERE id = 2");
      holder.run("ROLLBACK");
    }
    assertThat(balance(2)).isEqualByComparingTo("1000.00");
  }

  @Test
  void aClientThatDisconnectsLeavesNoStatementRunning() throws Exception {
    WireClient c = client();
    c.send(WireClient.execute(1, "SELECT BENCHMARK(4000000000, MD5('deadline-91.8'))"));
    awaitRunning("SELECT BENCHMARK(4000000000, MD5('deadline-91.8'))");
    c.close();
    awaitGone("SELECT BENCHMARK(4000000000, MD5('deadline-91.8'))");
  }

  @Test
  void anOperatorKillLeavesNoStatementRunningAndNothingCommitted() throws Exception {
    try (WireClient victim = client()) {
      String session = victim.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "deadline-victim"))
        .getJsonObject("result").getString("session");
      victim.send(WireClient.batch(1,
        WireClient.step("UPDATE accounts SET balance = balance + 3 WHERE id = 3"),
        WireClient.step("SELECT BENCHMARK(4000000000, MD5('deadline-91.9'))")));
      awaitRunning("SELECT BENCHMARK(4000000000, MD5('deadline-91.9'))");
      assertThat(Http.post(server.adminUrl() + "/api/sessions/" + session + "/kill", ACT).statusCode()).isEqualTo(200);
      assertThat(victim.closedByServer()).isTrue();
    }
    awaitGone("SELECT BENCHMARK(4000000000, MD5('deadline-91.9'))");
    assertThat(balance(3)).isEqualByComparingTo("1000.00");
  }

  @Test
  void aDeadlineThatPassesDuringCommitIsCommitUnknownAndAKeyedResendIsAnsweredFromTheKeyStore() throws Exception {
    TestSql.update("DELETE FROM t_items WHERE tag = 'stalled-commit'");
    String key = "stalled-" + UUID.randomUUID();
    JsonObject insert = new JsonObject().put("id", 1).put("op", "batch").put("requestKey", key).put("timeoutMs", 500)
      .put("steps", new JsonArray()
        .add(new JsonObject().put("sql", "INSERT INTO t_items (tag, n) VALUES ('stalled-commit', 1)")));
    try (FaultProxy proxy = new FaultProxy();
         TestServer behind = TestServer.start(new JsonObject().put("TXGATE_DB_URL", proxy.url())
           .put("TXGATE_TX_CANCEL_GRACE_MS", 300));
         WireClient c = behind.connect()) {
      c.setTimeout(15_000);
      proxy.stallNextCommit();
      JsonObject r = c.call(insert);
      assertThat(code(r)).as(r.encode()).isEqualTo("COMMIT_UNKNOWN");
      JsonObject again = c.call(insert.copy().put("id", 2));
      assertThat(again.getBoolean("ok")).as(again.encode()).isTrue();
      assertThat(again.getJsonObject("result").getBoolean("replayed")).isTrue();
      TestSql.awaitCount(0, "SELECT 0 - COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_rows_modified > 0"
        + " AND trx_mysql_thread_id <> CONNECTION_ID()");
      assertThat(behind.txgate().stats().inUse()).isZero();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'stalled-commit'")).isEqualTo(1);
  }

  @Test
  void shutdownPastItsGracePeriodStopsTheStatementStillRunning() throws Exception {
    TestServer stopping = TestServer.start(new JsonObject().put("TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", 1)
      .put("TXGATE_TX_REQUEST_TIMEOUT_MS", 120_000));
    try (WireClient c = stopping.connect()) {
      c.send(WireClient.execute(1, "SELECT BENCHMARK(4000000000, MD5('deadline-shutdown'))"));
      awaitRunning("SELECT BENCHMARK(4000000000, MD5('deadline-shutdown'))");
      stopping.stop();
      assertThat(stopping.txgate().stats().inUse()).isZero();
    } finally {
      stopping.close();
    }
    awaitGone("SELECT BENCHMARK(4000000000, MD5('deadline-shutdown'))");
  }

  @Test
  void everyPooledConnectionCarriesTheServerSideStatementLimit() throws Exception {
    try (TestServer limited = TestServer.start(new JsonObject().put("TXGATE_TX_REQUEST_TIMEOUT_MS", 5000)
           .put("TXGATE_TX_CANCEL_GRACE_MS", 1000));
         WireClient c = limited.connect()) {
      JsonObject r = c.call(WireClient.execute(1, "SELECT @@max_statement_time"));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      double seconds = Double.parseDouble(String.valueOf(
        r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getValue(0)));
      assertThat(seconds).isEqualTo(7.0);
      // A reset clears session variables: the limit is set again after it.
      c.call(WireClient.execute(2, "SET @x = 1"));
      JsonObject after = c.call(WireClient.execute(3, "SELECT @@max_statement_time, @x"));
      assertThat(after.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getValue(1)).isNull();
      assertThat(Double.parseDouble(String.valueOf(
        after.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getValue(0)))).isEqualTo(7.0);
    }
  }

  private static WireClient client() throws Exception {
    WireClient c = server.connect();
    c.setTimeout(15_000);
    return c;
  }

  private static String code(JsonObject r) {
    return r.getBoolean("ok") ? "ok" : r.getJsonObject("error").getString("code");
  }

  private static BigDecimal balance(int id) {
    return TestSql.query("SELECT balance FROM accounts WHERE id = ?", id).get(0).getBigDecimal(0);
  }

  private static void awaitRunning(String sql) throws InterruptedException {
    TestSql.awaitCount(1, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", sql);
  }

  private static void awaitGone(String sql) throws InterruptedException {
    TestSql.awaitCount(0, "SELECT 0 - COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", sql);
  }
}
