package io.txgate.locks;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A row lock held by one session and wanted by another: GET /api/locks names both sides, as txgate
 * sessions when they are, and as "not a txgate session" when the blocker is some other client of the
 * database. And a server where nobody waits never queries the lock views.
 */
class LockWaitTest {

  @Test
  void aWaitBetweenTwoTxgateSessionsNamesBoth() throws Exception {
    TestSql.update("UPDATE t_locks SET v = 0 WHERE id = 1");
    try (TestServer server = TestServer.start();
         WireClient a = server.connect();
         WireClient b = server.connect()) {
      String sessionA = Contention.hello(a, "locks-a");
      String sessionB = Contention.hello(b, "locks-b");
      // Two pooled connections opened beforehand: on a loaded machine opening one for B can take
      // a second, and the 2 s below are for txgate's sampling, not for the connection's handshake.
      a.send(execute("warm-a", "SELECT SLEEP(0.2)"));
      assertThat(b.call(execute("warm-b", "SELECT 1")).getBoolean("ok")).isTrue();
      assertThat(a.read().getBoolean("ok")).isTrue();
      // A takes the row lock and holds it while it sleeps.
      a.send(batch("a", step("UPDATE t_locks SET v = v + 1 WHERE id = 1"),
        step("SELECT SLEEP(4) AS locks_wait_holder")));
      Contention.awaitRunning("locks_wait_holder");
      b.send(execute("b", "UPDATE t_locks SET v = v + 10 WHERE id = 1"));
      long sent = System.currentTimeMillis();

      JsonObject wait = Contention.awaitWait(server, sent + 2_000,
        w -> sessionB.equals(w.getJsonObject("waiter").getString("session")));

      assertThat(wait).as("B's wait within 2 s; /api/locks now: %s", Contention.locks(server)).isNotNull();
      JsonObject waiter = wait.getJsonObject("waiter");
      JsonObject blocker = wait.getJsonObject("blocker");
      assertThat(waiter.getBoolean("txgate")).isTrue();
      assertThat(waiter.getString("client")).isEqualTo("locks-b");
      assertThat(waiter.getString("op")).isEqualTo("execute");
      assertThat(waiter.getString("statement")).isEqualTo("UPDATE t_locks SET v = v + 10 WHERE id = 1");
      assertThat(waiter.getLong("waitedMs")).isNotNull();
      assertThat(waiter.getString("node")).isNotBlank();
      assertThat(blocker.getBoolean("txgate")).isTrue();
      assertThat(blocker.getString("session")).isEqualTo(sessionA);
      assertThat(blocker.getString("client")).isEqualTo("locks-a");
      assertThat(blocker.getString("op")).isEqualTo("batch");
      assertThat(blocker.getString("statement")).startsWith("2 steps: UPDATE t_locks");
      assertThat(blocker.getLong("trxOpenMs")).isNotNull();

      assertThat(a.read().getBoolean("ok")).isTrue();
      assertThat(b.read().getBoolean("ok")).isTrue();
      assertThat(Contention.value(1)).isEqualTo(11);
      // The wait is over: the list no longer shows it.
      assertThat(Contention.awaitWait(server, System.currentTimeMillis() + 3_000,
        w -> false)).isNull();
    }
  }

  @Test
  void aBlockerOutsideTxgateIsShownAsSuch() throws Exception {
    TestSql.update("UPDATE t_locks SET v = 0 WHERE id = 2");
    try (TestServer server = TestServer.start();
         WireClient b = server.connect();
         HeldConnection outside = new HeldConnection()) {
      String sessionB = Contention.hello(b, "locks-b");
      long thread = outside.id();
      outside.run("BEGIN");
      outside.run("UPDATE t_locks SET v = v + 1 WHERE id = 2");
      b.send(execute("b", "UPDATE t_locks SET v = v + 10 WHERE id = 2"));
      long sent = System.currentTimeMillis();

      JsonObject wait = Contention.awaitWait(server, sent + 3_000,
        w -> sessionB.equals(w.getJsonObject("waiter").getString("session")));

      assertThat(wait).as("B's wait").isNotNull();
      JsonObject blocker = wait.getJsonObject("blocker");
      assertThat(blocker.getBoolean("txgate")).isFalse();
      assertThat(blocker.getLong("threadId")).isEqualTo(thread);
      assertThat(blocker.getString("session")).isNull();
      assertThat(blocker.getString("user")).isEqualTo("root");
      // Empty on a server that resolves no client names (the embedded MariaDB), but present.
      assertThat(blocker.getString("host")).isNotNull();
      outside.run("ROLLBACK");
      assertThat(b.read().getBoolean("ok")).isTrue();
      assertThat(Contention.value(2)).isEqualTo(10);
    }
  }

  @Test
  void fastRequestsNeverSampleTheLockViews() throws Exception {
    try (TestServer server = TestServer.start()) {
      List<Thread> load = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      long until = System.currentTimeMillis() + 3_000;
      for (int i = 0; i < 4; i++) {
        int row = 3 + i;
        Thread t = new Thread(() -> {
          try (WireClient c = server.connect()) {
            for (int k = 0; System.currentTimeMillis() < until; k++) {
              JsonObject answer = k % 2 == 0 ? c.call(execute(k, "SELECT ?", k))
                : c.call(execute(k, "UPDATE t_locks SET v = v WHERE id = ?", row));
              if (!answer.getBoolean("ok")) {
                throw new AssertionError(answer.encode());
              }
            }
          } catch (Throwable e) {
            synchronized (failures) {
              failures.add(e);
            }
          }
        });
        t.start();
        load.add(t);
      }
      for (Thread t : load) {
        t.join();
      }
      assertThat(failures).isEmpty();
      JsonObject locks = Contention.locks(server);
      assertThat(locks.getLong("sampleMs")).isEqualTo(1000L);
      assertThat(locks.getLong("samples")).isZero();
      assertThat(locks.getJsonArray("waits")).isEmpty();
    }
  }
}
