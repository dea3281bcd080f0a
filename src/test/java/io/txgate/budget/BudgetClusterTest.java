package io.txgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TxgateProcess;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in JVMs of their own share db.clusterMaxConnections = 6: 2 each; one stops (SIGTERM)
 * and the other two take 3 each; it comes back and it is 2 each again, the node that had opened 3
 * connections closing the one beyond its new share. Every figure is read from each node's
 * {@code /api/pool}. Waits are bounded (60 s) and never asserted as durations; the times to
 * rebalance are printed for the record.
 */
class BudgetClusterTest {

  private static final int WAIT_SECONDS = 60;

  @Test
  void theBudgetIsSharedByTheLiveNodesAndRebalancesWhenOneLeavesAndComesBack() throws Exception {
    String cluster = "junit-budget-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int[] ports = {TestServer.stablePort(), TestServer.stablePort(), TestServer.stablePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    List<TxgateProcess> nodes = new ArrayList<>();
    try {
      for (int port : ports) {
        Map<String, String> env = new HashMap<>();
        env.put("TXGATE_CLUSTER_ENABLED", "true");
        env.put("TXGATE_CLUSTER_NAME", cluster);
        env.put("TXGATE_CLUSTER_PORT", Integer.toString(port));
        env.put("TXGATE_CLUSTER_MEMBERS", members);
        env.put("TXGATE_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", "3");
        env.put("TXGATE_DB_CLUSTER_MAX_CONNECTIONS", "6");
        env.put("TXGATE_DB_POOL_SIZE", "8");
        env.put("TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", "2");
        nodes.add(TxgateProcess.start(TestDatabase.url(), env));
      }
      TxgateProcess a = nodes.get(0);
      TxgateProcess b = nodes.get(1);
      TxgateProcess c = nodes.get(2);
      for (TxgateProcess n : nodes) {
        awaitShare(n, 2, 3);
      }

      c.sigterm();
      long left = System.nanoTime();
      assertThat(c.waitForExit(WAIT_SECONDS)).as("node C stopped").isTrue();
      awaitShare(a, 3, 2);
      awaitShare(b, 3, 2);
      System.out.printf("budget: the two remaining nodes took share 3 %d ms after node C was sent SIGTERM%n",
        (System.nanoTime() - left) / 1_000_000);

      // Node A opens three connections, its whole share, and keeps them idle in its pool.
      runAtOnce(a, 3);
      assertThat(pool(a).getInteger("open")).as("A's open connections with share 3").isEqualTo(3);

      long restarted = System.nanoTime();
      c.restart();
      for (TxgateProcess n : nodes) {
        awaitShare(n, 2, 3);
      }
      System.out.printf("budget: 2/2/2 again %d ms after node C was started again (JVM start included)%n",
        (System.nanoTime() - restarted) / 1_000_000);
      // The pool's own idle eviction would take db.idleTimeoutSeconds (300 s): within the wait,
      // only the budget's trimming closes the connection beyond the new share.
      long shrunk = System.nanoTime();
      awaitPool(a, p -> p <= 2);
      System.out.printf("budget: A's idle connection beyond its new share closed %d ms after it had share 2%n",
        (System.nanoTime() - shrunk) / 1_000_000);
      assertThat(a.log()).contains("connection budget: this node's share is 3 of 6 across 2 node(s)");
    } finally {
      for (TxgateProcess n : nodes) {
        n.close();
      }
    }
  }

  /** {@code n} requests that overlap (each sleeps a second), all answered ok. */
  private static void runAtOnce(TxgateProcess node, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<JsonObject>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int id = i;
        answers.add(pool.submit(() -> {
          try (WireClient w = node.connect()) {
            w.setTimeout(60_000);
            return w.call(WireClient.execute(id, "SELECT SLEEP(1)"));
          }
        }));
      }
      for (Future<JsonObject> f : answers) {
        JsonObject r = f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitShare(TxgateProcess node, int share, int nodes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonObject budget = null;
    while (System.nanoTime() < deadline) {
      JsonObject pool = poolIfListening(node);
      budget = pool == null ? null : pool.getJsonObject("budget");
      if (budget == null) {
        Thread.sleep(50);
        continue;
      }
      if (budget.getInteger("share") == share && budget.getInteger("nodes") == nodes) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("node on port " + node.port() + " never showed share " + share + " of " + nodes
      + " nodes; last: " + budget + "\n" + node.log());
  }

  private static void awaitPool(TxgateProcess node, IntPredicate open) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = pool(node);
      if (open.test(last.getInteger("open"))) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the pool of node on port " + node.port() + " never got there; last: " + last);
  }

  /** The pool figures, or null while the console does not listen yet (it starts after the protocol port). */
  private static JsonObject poolIfListening(TxgateProcess node) throws Exception {
    try {
      return pool(node);
    } catch (java.net.ConnectException notYet) {
      return null;
    }
  }

  private static JsonObject pool(TxgateProcess node) throws Exception {
    HttpResponse<String> r = Http.get("http://127.0.0.1:" + node.adminPort() + "/api/pool");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
