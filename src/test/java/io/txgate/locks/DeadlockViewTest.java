package io.txgate.locks;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two txgate sessions deadlock on purpose: A locks row 4 and sleeps; meanwhile B locks row 5 and
 * asks for row 4; A wakes and asks for row 5. InnoDB rolls one back (txgate retries it, so both
 * succeed) and the last deadlock in GET /api/locks names both sessions and both statements'
 * fingerprints.
 */
class DeadlockViewTest {

  @Test
  void theLastDeadlockNamesBothSessions() throws Exception {
    try (TestServer server = TestServer.start();
         WireClient a = server.connect();
         WireClient b = server.connect()) {
      String sessionA = Contention.hello(a, "deadlock-a");
      String sessionB = Contention.hello(b, "deadlock-b");
      JsonObject deadlock = null;
      // The database is shared: another client's deadlock may come between ours and the read of
      // the status, and be the latest. Ours is made again then (never seen more than once).
      for (int round = 0; round < 3 && deadlock == null; round++) {
        TestSql.update("UPDATE t_locks SET v = 0 WHERE id IN (4, 5)");
        String marker = "deadlock_holder_" + round;
        a.send(batch("a", step("UPDATE t_locks SET v = v + 1 WHERE id = 4"),
          step("SELECT SLEEP(2) AS " + marker), step("UPDATE t_locks SET v = v + 1 WHERE id = 5")));
        Contention.awaitRunning(marker);
        b.send(batch("b", step("UPDATE t_locks SET v = v + 10 WHERE id = 5"),
          step("UPDATE t_locks SET v = v + 10 WHERE id = 4")));
        JsonObject answerA = a.read();
        JsonObject answerB = b.read();
        // One of them was rolled back and ran again: both are applied in the end.
        assertThat(answerA.getBoolean("ok")).as(answerA.encode()).isTrue();
        assertThat(answerB.getBoolean("ok")).as(answerB.encode()).isTrue();
        assertThat(answerA.getJsonObject("result").getInteger("attempts")
          + answerB.getJsonObject("result").getInteger("attempts")).isEqualTo(3);
        assertThat(Contention.value(4)).isEqualTo(11);
        assertThat(Contention.value(5)).isEqualTo(11);
        deadlock = awaitDeadlockOf(server, Set.of(sessionA, sessionB));
      }

      assertThat(deadlock).as("a deadlock naming sessions %s and %s; /api/locks: %s", sessionA, sessionB,
        Contention.locks(server)).isNotNull();
      JsonArray parties = deadlock.getJsonArray("transactions");
      assertThat(parties.size()).isEqualTo(2);
      for (int i = 0; i < 2; i++) {
        JsonObject p = parties.getJsonObject(i);
        assertThat(p.getBoolean("txgate")).isTrue();
        assertThat(p.getString("client")).isEqualTo(p.getString("session").equals(sessionA) ? "deadlock-a"
          : "deadlock-b");
        assertThat(p.getString("op")).isEqualTo("batch");
        assertThat(p.getLong("threadId")).isPositive();
        // The fingerprint, never the values the database shows in its report.
        assertThat(p.getString("digest")).isIn("UPDATE t_locks SET v = v + ? WHERE id = ?");
      }
      assertThat(parties.stream().filter(p -> ((JsonObject) p).getBoolean("rolledBack")).count())
        .as("exactly one was rolled back").isEqualTo(1);
      assertThat(deadlock.getString("at")).isNotBlank();
      assertThat(Contention.locks(server).getLong("deadlocksSeen")).isPositive();
    }
  }

  /** The last deadlock once it names both sessions; null when it came to name others. */
  private static JsonObject awaitDeadlockOf(TestServer server, Set<String> sessions) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject d = Contention.locks(server).getJsonObject("lastDeadlock");
      if (d != null) {
        Set<String> named = d.getJsonArray("transactions").stream()
          .map(p -> ((JsonObject) p).getString("session")).filter(s -> s != null).collect(Collectors.toSet());
        if (named.equals(sessions)) {
          return d;
        }
      }
      Thread.sleep(100);
    }
    return null;
  }
}
