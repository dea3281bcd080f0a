package io.txgate.digest;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two sessions deadlock on purpose, in opposite order on two accounts; txgate's transaction is the
 * victim and runs again. The digests count the retry against the statement that hit the deadlock,
 * the credit of account 2, and not against the debit of account 1 that ran before it.
 */
class DigestDeadlockTest {

  /** The statements of a transaction sent all at once (tx.pipeline, the default). */
  @RegisterExtension
  static final SharedServer pipelined = new SharedServer();

  /** One statement at a time: the second is sent only once the first has succeeded. */
  @RegisterExtension
  static final SharedServer oneByOne = new SharedServer(new JsonObject().put(Keys.TX_PIPELINE.env(), false));

  private static final String DEBIT = "UPDATE t_accounts_digests SET balance = balance - 5 WHERE id = 1";
  private static final String CREDIT = "UPDATE t_accounts_digests SET balance = balance + 5 WHERE id = 2";

  @BeforeEach
  void rows() {
    TestSql.update("DELETE FROM t_accounts_digests");
    TestSql.update("INSERT INTO t_accounts_digests (id, balance) VALUES (1, 100), (2, 100)");
  }

  @Test
  void pipelinedTheRetryIsCountedUnderTheStatementThatHitTheDeadlock() throws Exception {
    deadlockOnceAndCheckTheDigests(pipelined);
  }

  @Test
  void oneByOneTheRetryIsCountedUnderTheStatementThatHitTheDeadlock() throws Exception {
    deadlockOnceAndCheckTheDigests(oneByOne);
  }

  private static void deadlockOnceAndCheckTheDigests(SharedServer server) throws Exception {
    JsonObject r;
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      // The other transaction is made heavier (more rows changed), so that InnoDB picks txgate's
      // as the victim: InnoDB rolls back the transaction that changed fewer rows.
      other.run("BEGIN");
      for (int i = 0; i < 50; i++) {
        other.run("INSERT INTO t_accounts_digests (id, balance) VALUES (?, 0)", 1000 + i);
      }
      other.run("UPDATE t_accounts_digests SET balance = balance + 1 WHERE id = 2");
      c.send(batch(1, step(DEBIT), step(CREDIT)));
      // txgate's credit is running, which it can only be doing while it waits for row 2.
      TestSql.awaitCount(1, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = '" + CREDIT
        + "' AND ID <> ?", other.id());
      // Closes the cycle: txgate holds row 1 and waits for row 2; this waits for row 1.
      TestServer.await(other.start("UPDATE t_accounts_digests SET balance = balance + 1 WHERE id = 1"));
      other.run("COMMIT");
      r = c.read();
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getJsonObject("result").getInteger("attempts")).isEqualTo(2);

    JsonObject credit = row(server, "UPDATE t_accounts_digests SET balance = balance + ? WHERE id = ?");
    JsonObject debit = row(server, "UPDATE t_accounts_digests SET balance = balance - ? WHERE id = ?");
    assertThat(credit.getJsonObject("retries").encode()).as(credit.encode()).isEqualTo("{\"deadlock\":1}");
    assertThat(credit.getJsonObject("errors").getMap()).as("a retried deadlock is not an error").isEmpty();
    // Twice each: the victim attempt and the retry. Only the credit's first run failed.
    assertThat(credit.getLong("calls")).isEqualTo(2);
    assertThat(credit.getLong("rows")).as("rows changed by the run that succeeded").isEqualTo(1);
    assertThat(debit.getLong("calls")).isEqualTo(2);
    assertThat(debit.getJsonObject("retries").getMap()).as(debit.encode()).isEmpty();
    assertThat(debit.getLong("rows")).as("one row changed by each run").isEqualTo(2);
  }

  /** The row of {@code fingerprint} run as ad-hoc SQL, from GET /api/statements. */
  private static JsonObject row(SharedServer server, String fingerprint) throws Exception {
    JsonObject body = new JsonObject(Http.get(server.adminUrl() + "/api/statements?sort=retries").body());
    return body.getJsonArray("statements").stream().map(JsonObject.class::cast)
      .filter(s -> s.getString("fingerprint").equals(fingerprint) && s.getString("op").isEmpty())
      .findFirst().orElseThrow(() -> new AssertionError("no digest " + fingerprint + " in " + body.encode()));
  }
}
