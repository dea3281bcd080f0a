package io.txgate.tx;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.RoundTripProxy;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction's statements all go out at once, and COMMIT after their answers: two round trips to
 * the database. Sending a statement before the previous one's answer must never let it commit on its
 * own after an earlier one failed.
 */
class PipeliningTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  private static final String CREDIT_2 = "UPDATE t_accounts SET balance = balance + 5 WHERE id = 2";

  @BeforeEach
  void rows() {
    TestSql.update("DELETE FROM t_accounts");
    TestSql.update("INSERT INTO t_accounts (id, owner, balance) VALUES (1, 'a', 100), (2, 'b', 100)");
    TestSql.update("DELETE FROM t_items WHERE tag LIKE 'pipe-%'");
  }

  /**
   * The trap: a deadlock rolls back the whole transaction, and with autocommit on, the INSERT already
   * sent behind the failed UPDATE would run alone and commit. txgate's transaction is made the victim
   * while its second step waits; the third step must leave no row.
   */
  @Test
  void aStepSentBehindADeadlockedOneNeverCommits() throws Exception {
    JsonObject r;
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      // The other transaction is heavier, so that InnoDB picks txgate's as the victim.
      other.run("BEGIN");
      for (int i = 0; i < 50; i++) {
        other.run("INSERT INTO t_items (tag, n) VALUES ('pipe-heavy', ?)", i);
      }
      other.run("UPDATE t_accounts SET balance = balance + 1 WHERE id = 2");
      c.send(batch(1,
        step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 1"),
        step(CREDIT_2),
        step("INSERT INTO t_items (tag, n) VALUES ('pipe-after', 1)")).put("maxAttempts", 1));
      TestSql.awaitCount(1, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = '" + CREDIT_2
        + "' AND ID <> ?", other.id());
      // Closes the cycle: txgate holds row 1 and waits for row 2; this waits for row 1.
      TestServer.await(other.start("UPDATE t_accounts SET balance = balance + 1 WHERE id = 1"));
      r = c.read();
      // The INSERT ran after the deadlock: it must be inside a transaction that was rolled back, not
      // committed on its own. Checked while the other transaction is still open, and after.
      assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'pipe-after'")).isZero();
      other.run("ROLLBACK");
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
    assertThat(r.getJsonObject("error").getString("code")).isEqualTo("RETRIES_EXHAUSTED");
    assertThat(r.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1213);
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'pipe-after'")).isZero();
    assertThat(TestSql.query("SELECT SUM(balance) FROM t_accounts").get(0).getBigDecimal(0))
      .isEqualByComparingTo("200");
    // The connection went back in autocommit: a lone write after it commits, seen from elsewhere.
    try (WireClient c = server.connect()) {
      assertThat(c.call(execute(2, "INSERT INTO t_items (tag, n) VALUES ('pipe-later', 1)")).getBoolean("ok")).isTrue();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'pipe-later'")).isEqualTo(1);
  }

  /** A step that fails without ending the transaction: the steps sent behind it are rolled back. */
  @Test
  void stepsBehindAFailedStepAreRolledBack() throws Exception {
    TestSql.update("INSERT INTO t_items (tag, n) VALUES ('pipe-dup', 1)");
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(batch(1,
        step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 1"),
        step("INSERT INTO t_items (tag, n) VALUES ('pipe-dup', 1)"),
        step("INSERT INTO t_items (tag, n) VALUES ('pipe-behind', 1)")));
      assertThat(r.getJsonObject("error").getString("code")).as(r.encode()).isEqualTo("SQL_ERROR");
      assertThat(r.getJsonObject("error").getInteger("step")).isEqualTo(1);
      // An expectation that fails at step 0: the steps after it ran, and are rolled back.
      JsonObject e = c.call(batch(2,
        step("UPDATE t_accounts SET balance = balance - 5 WHERE id = 99").put("expect", new JsonObject().put("affectedRows", 1)),
        step("INSERT INTO t_items (tag, n) VALUES ('pipe-behind', 2)")));
      assertThat(e.getJsonObject("error").getString("code")).as(e.encode()).isEqualTo("CONFLICT");
      assertThat(e.getJsonObject("error").getInteger("step")).isZero();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'pipe-behind'")).isZero();
    assertThat(TestSql.query("SELECT balance FROM t_accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("100");
  }

  /**
   * Round trips, counted on the wire between txgate and the database (answers held back 200 ms, so
   * that commands sent together are seen together): a transfer takes two, a keyed one three, a lone
   * statement one. With {@code tx.pipeline} off the transfer takes three, and the keyed one six: START
   * TRANSACTION, the claim, each statement, the stored response and COMMIT, each waiting for the last.
   */
  @Test
  void aTransferTakesTwoRoundTrips() throws Exception {
    try (RoundTripProxy proxy = new RoundTripProxy(200)) {
      assertThat(roundTrips(proxy, true)).containsExactly(1, 2, 3);
      assertThat(roundTrips(proxy, false)).containsExactly(1, 3, 6);
    }
  }

  /** Round trips of a lone statement, a two-step transfer and a keyed one, each run warm. */
  private static List<Integer> roundTrips(RoundTripProxy proxy, boolean pipeline) throws Exception {
    // No lock-wait sampling: every request here holds its connection over a second (the proxy holds
    // each answer back), and the sampler's query on the one pooled connection would count as a flight.
    JsonObject settings = new JsonObject().put("TXGATE_DB_URL", proxy.url()).put("TXGATE_DB_POOL_SIZE", 1)
      .put("TXGATE_TX_PIPELINE", pipeline).put("TXGATE_OBSERVABILITY_LOCK_WAIT_SAMPLE_MS", 0);
    try (TestServer gate = TestServer.start(settings); WireClient c = gate.connect()) {
      JsonObject one = execute(1, "UPDATE t_accounts SET balance = balance + 0 WHERE id = 1");
      JsonObject expectOne = new JsonObject().put("affectedRows", 1);
      JsonObject transfer = batch(2,
        step("UPDATE t_accounts SET balance = balance - 1 WHERE id = 1").put("expect", expectOne),
        step("UPDATE t_accounts SET balance = balance + 1 WHERE id = 2").put("expect", expectOne));
      int[] key = {0};
      java.util.function.Supplier<JsonObject> keyed = () -> transfer.copy().put("requestKey",
        "pipe-" + pipeline + "-" + System.nanoTime() + "-" + key[0]++);
      // Warm: every statement prepared and cached on the one pooled connection.
      for (int i = 0; i < 2; i++) {
        ok(c.call(one));
        ok(c.call(transfer));
        ok(c.call(keyed.get()));
      }
      return List.of(measure(proxy, c, one), measure(proxy, c, transfer), measure(proxy, c, keyed.get()));
    }
  }

  private static int measure(RoundTripProxy proxy, WireClient c, JsonObject request) throws Exception {
    Map<io.vertx.core.net.NetSocket, Integer> before = proxy.flights();
    ok(c.call(request));
    // The connection goes back to the pool after the answer: let its last commands finish.
    Thread.sleep(600);
    List<Integer> changed = RoundTripProxy.between(before, proxy.flights()).stream().filter(n -> n > 0).toList();
    assertThat(changed).as("one pooled connection carried the request").hasSize(1);
    return changed.get(0);
  }

  private static void ok(JsonObject r) {
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
  }
}
