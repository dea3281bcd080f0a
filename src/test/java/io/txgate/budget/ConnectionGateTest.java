package io.txgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.admin.AdminVerticle;
import io.txgate.testsupport.FaultProxy;
import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of the pool, in one JVM: a node with a connection budget never runs more
 * statements at once than its share, as the database itself counts them, and every way a connection
 * comes back gives its permit back. Statements are told apart in the processlist by a text unique to
 * the run.
 */
class ConnectionGateTest {

  private static final String RUN = Long.toString(System.nanoTime());
  private static final String[] ACT = {AdminVerticle.CSRF_HEADER, "1"};

  @Test
  void aBudgetOfTwoRunsEightSleepsTwoAtATimeAndAnswersAllOfThem() throws Exception {
    String sql = "SELECT SLEEP(1), 'budget-share-" + RUN + "'";
    try (TestServer server = TestServer.start(new JsonObject()
           .put("TXGATE_DB_CLUSTER_MAX_CONNECTIONS", 2).put("TXGATE_DB_POOL_SIZE", 8));
         HeldConnection watcher = new HeldConnection()) {
      ExecutorService clients = Executors.newFixedThreadPool(8);
      try {
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          int id = i;
          answers.add(clients.submit(() -> {
            try (WireClient c = server.connect()) {
              c.setTimeout(60_000);
              return c.call(WireClient.execute(id, sql));
            }
          }));
        }
        long most = 0;
        long samples = 0;
        while (!answers.stream().allMatch(Future::isDone)) {
          long running = watcher.run("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", sql)
            .get(0).getLong(0);
          most = Math.max(most, running);
          samples++;
        }
        for (Future<JsonObject> a : answers) {
          JsonObject r = a.get(60, TimeUnit.SECONDS);
          assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
        }
        System.out.printf("budget 2, pool 8: at most %d of 8 sleeps ran at once (%d samples)%n", most, samples);
        assertThat(most).as("sleeps running at once, as the database saw them").isBetween(1L, 2L);
        assertThat(server.txgate().db().pool().size()).as("connections the pool opened").isLessThanOrEqualTo(2);
        JsonObject budget = new JsonObject(Http.get(server.adminUrl() + "/api/pool").body()).getJsonObject("budget");
        assertThat(budget.getInteger("share")).isEqualTo(2);
        assertThat(budget.getInteger("clusterMaxConnections")).isEqualTo(2);
        assertThat(budget.getInteger("nodes")).isEqualTo(1);
        assertThat(Http.get(server.adminUrl() + "/metrics").body())
          .contains("# HELP txgate_db_connection_share Database connections this node may hold")
          .contains("txgate_db_connection_share 2.0");
      } finally {
        clients.shutdownNow();
      }
    }
  }

  @Test
  void withoutABudgetThereIsNoGateAndNoShareToShow() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(server.txgate().budget()).isNull();
      JsonObject pool = new JsonObject(Http.get(server.adminUrl() + "/api/pool").body());
      assertThat(pool.containsKey("budget") ? pool.getValue("budget") : null).isNull();
      assertThat(Http.get(server.adminUrl() + "/metrics").body()).doesNotContain("txgate_db_connection_share");
    }
  }

  /**
   * A budget of one: a single permit that does not come back starves the node, which the next
   * request shows by answering BUSY instead of ok.
   */
  @Test
  void everyWayAConnectionComesBackGivesItsPermitBack() throws Exception {
    TestServer server = TestServer.start(new JsonObject()
      .put("TXGATE_DB_CLUSTER_MAX_CONNECTIONS", 1)
      .put("TXGATE_DB_ACQUIRE_TIMEOUT_MS", 1000)
      .put("TXGATE_TX_CANCEL_GRACE_MS", 1000)
      .put("TXGATE_TX_REQUEST_TIMEOUT_MS", 120_000)
      .put("TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", 1));
    ConnectionGate gate = server.txgate().budget().gate();
    try (WireClient c = server.connect(); HeldConnection db = new HeldConnection()) {
      c.setTimeout(30_000);
      assertThat(gate.limit()).isEqualTo(1);

      // An SQL error.
      assertThat(code(c.call(WireClient.execute(1, "SELECT * FROM no_such_table_" + RUN)))).isNotEqualTo("ok");
      stillServes(server, gate);

      // An expectation that does not hold: CONFLICT, rolled back.
      JsonObject missed = WireClient.batch(2, WireClient.step("UPDATE accounts SET balance = balance WHERE id = -1")
        .put("expect", new JsonObject().put("affectedRows", 1)));
      assertThat(code(c.call(missed))).isEqualTo("CONFLICT");
      stillServes(server, gate);

      // The deadline: KILL QUERY, then the connection is closed rather than lent again.
      assertThat(code(c.call(WireClient.execute(3, sleep("deadline")).put("timeoutMs", 300)))).isEqualTo("TIMEOUT");
      stillServes(server, gate);

      // The wait for a connection times out while another request holds the only permit.
      try (WireClient holder = server.connect()) {
        holder.send(WireClient.execute(4, sleep("holder", 5)));
        awaitRunning(sleep("holder", 5));
        JsonObject busy = c.call(WireClient.execute(5, "SELECT 1"));
        assertThat(code(busy)).as(busy.encode()).isEqualTo("BUSY");
        assertThat(holder.read().getBoolean("ok")).isTrue();
      }
      stillServes(server, gate);

      // An operator's kill.
      try (WireClient victim = server.connect()) {
        String session = victim.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "victim"))
          .getJsonObject("result").getString("session");
        victim.send(WireClient.execute(6, sleep("kill")));
        awaitRunning(sleep("kill"));
        assertThat(Http.post(server.adminUrl() + "/api/sessions/" + session + "/kill", ACT).statusCode())
          .isEqualTo(200);
        assertThat(victim.closedByServer()).isTrue();
      }
      stillServes(server, gate);

      // The client goes away mid-statement.
      WireClient gone = server.connect();
      gone.send(WireClient.execute(7, sleep("gone")));
      awaitRunning(sleep("gone"));
      gone.close();
      awaitGone(sleep("gone"));
      stillServes(server, gate);

      // The database connection is lost: its session killed from outside.
      try (WireClient lost = server.connect()) {
        lost.setTimeout(30_000);
        lost.send(WireClient.execute(8, sleep("lost")));
        awaitRunning(sleep("lost"));
        long id = db.run("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = ?", sleep("lost")).get(0).getLong(0);
        db.run("KILL " + id);
        assertThat(code(lost.read())).isEqualTo("UNAVAILABLE");
      }
      stillServes(server, gate);

      // Shutdown past its grace period, a statement still running.
      try (WireClient stopping = server.connect()) {
        stopping.send(WireClient.execute(9, sleep("shutdown")));
        awaitRunning(sleep("shutdown"));
        server.stop();
      }
      assertThat(gate.inUse()).as("permits out after shutdown").isZero();
      assertThat(gate.waiting()).isZero();
    } finally {
      server.close();
    }
  }

  /** The connection to the database breaks under a request, with commands still unanswered. */
  @Test
  void aConnectionCutUnderARequestGivesItsPermitBack() throws Exception {
    try (FaultProxy proxy = new FaultProxy();
         TestServer server = TestServer.start(new JsonObject().put("TXGATE_DB_URL", proxy.url())
           .put("TXGATE_DB_CLUSTER_MAX_CONNECTIONS", 1).put("TXGATE_DB_ACQUIRE_TIMEOUT_MS", 1000)
           .put("TXGATE_TX_CANCEL_GRACE_MS", 1000));
         WireClient c = server.connect()) {
      c.setTimeout(30_000);
      ConnectionGate gate = server.txgate().budget().gate();
      JsonObject write = WireClient.batch(1,
        WireClient.step("UPDATE accounts SET balance = balance WHERE id = 1"),
        WireClient.step("UPDATE accounts SET balance = balance WHERE id = 2"));

      proxy.cutNextCommit();
      assertThat(code(c.call(write))).isEqualTo("COMMIT_UNKNOWN");
      stillServes(server, gate);

      proxy.cutAfterNextStart();
      assertThat(code(c.call(write.copy().put("id", 2)))).isIn("UNAVAILABLE", "COMMIT_UNKNOWN");
      stillServes(server, gate);
    }
  }

  /** The gate is empty once the connection is back, and the next request gets the one permit. */
  private static void stillServes(TestServer server, ConnectionGate gate) throws Exception {
    for (int i = 0; i < 400 && gate.inUse() > 0; i++) {
      Thread.sleep(25);
    }
    assertThat(gate.inUse()).as("permits out with no request running").isZero();
    try (WireClient c = server.connect()) {
      c.setTimeout(30_000);
      JsonObject r = c.call(WireClient.execute(99, "SELECT 1"));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    }
  }

  private static String sleep(String what) {
    return sleep(what, 30);
  }

  private static String sleep(String what, int seconds) {
    return "SELECT SLEEP(" + seconds + "), 'budget-" + what + "-" + RUN + "'";
  }

  private static String code(JsonObject r) {
    return r.getBoolean("ok") ? "ok" : r.getJsonObject("error").getString("code");
  }

  private static void awaitRunning(String sql) throws InterruptedException {
    TestSql.awaitCount(1, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", sql);
  }

  private static void awaitGone(String sql) throws InterruptedException {
    TestSql.awaitCount(0, "SELECT 0 - COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", sql);
  }
}
