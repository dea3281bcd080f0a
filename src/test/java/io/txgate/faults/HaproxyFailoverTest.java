package io.txgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.HaproxyProcess;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TxgateProcess;
import io.vertx.core.json.JsonArray;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Debian's HAProxy, running the shipped packaging/haproxy.cfg, in front of two txgate nodes (separate
 * JVMs on the shared test database), under a load of keyed transfers sent by the shipped Java client
 * with the resend rule of the README ({@link ResendingBank}).
 *
 * <ol>
 *   <li>Phase 1: node1 is killed with SIGKILL mid-load, HAProxy marks it DOWN, clients resend through
 *       HAProxy to node2; node1 is restarted and HAProxy marks it UP again.
 *   <li>Phase 2, a rolling restart, each node in turn (the node holding the clients first): pause it
 *       (POST /api/pause), wait until HAProxy has it DOWN, SIGTERM (its requests in flight finish),
 *       wait for the exit, restart, wait until HAProxy has it UP.
 * </ol>
 * Afterwards the books are exact, every acknowledged transfer is in the ledger once, nothing is
 * applied twice, no client gave up on a transfer, and pausing a node broke no connection.
 */
class HaproxyFailoverTest {

  private static final int TRANSFER_CLIENTS = 8;
  private static final int TIMEOUT_MS = 3_000;
  private static final long HEALTHY_MILLIS = 3_000;
  private static final String KILL = "1 ";
  private static final String ROLLING = "2 ";

  @Test
  void transfersSurviveAKilledNodeAndARollingRestartBehindHaproxy() throws Exception {
    Path haproxyBinary = HaproxyProcess.require();
    String run = Long.toString(ProcessHandle.current().pid(), 36) + Long.toString(System.nanoTime() & 0xffffffL, 36);
    Map<String, String> env = Map.of(
      "TXGATE_TX_REQUEST_TIMEOUT_MS", Integer.toString(TIMEOUT_MS),
      "TXGATE_TX_CANCEL_GRACE_MS", "1000",
      "TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", "10");
    try (TxgateProcess node1 = TxgateProcess.start(TestDatabase.url(), env, "haproxy-node1");
         TxgateProcess node2 = TxgateProcess.start(TestDatabase.url(), env, "haproxy-node2");
         HaproxyProcess haproxy = HaproxyProcess.start(haproxyBinary, Path.of("packaging", "haproxy.cfg"),
           List.of(new int[] {node1.port(), node1.adminPort()}, new int[] {node2.port(), node2.adminPort()}))) {
      haproxy.awaitStatus("node1", "UP", 60);
      haproxy.awaitStatus("node2", "UP", 60);
      ResendingBank bank = new ResendingBank("t_ha_accounts_" + run, "t_ha_ledger_" + run, haproxy.port(), TIMEOUT_MS);
      bank.createSchema();
      List<String> timings = new ArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(TRANSFER_CLIENTS + 1);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (int k = 0; k < TRANSFER_CLIENTS; k++) {
          int n = k;
          work.add(clients.submit(() -> bank.transfers(n)));
        }
        work.add(clients.submit(bank::reads));
        try {
          bank.phase("0 healthy");
          Thread.sleep(HEALTHY_MILLIS);

          bank.phase(KILL + "node1 killed with SIGKILL");
          node1.kill9();
          timings.add("killed node1 marked DOWN after " + haproxy.awaitStatus("node1", "DOWN", 30) + " ms");
          Thread.sleep(HEALTHY_MILLIS);
          bank.phase(KILL + "node1 restarting");
          node1.restart();
          timings.add("restarted node1 (listening) marked UP after " + haproxy.awaitStatus("node1", "UP", 60) + " ms");
          bank.phase(KILL + "node1 back");
          Thread.sleep(HEALTHY_MILLIS);

          // After the kill every client is on node2: restart it first, so that both drains carry load.
          rollingRestart(bank, haproxy, node2, "node2", timings);
          rollingRestart(bank, haproxy, node1, "node1", timings);
          bank.phase("3 after the rolling restart");
          Thread.sleep(HEALTHY_MILLIS);
        } finally {
          bank.stop();
        }
        for (Future<?> f : work) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        clients.shutdownNow();
      }

      System.out.printf("haproxy failover: %s%n  %s%n", bank.summary(), String.join("\n  ", timings));
      System.out.printf("client-visible failures: phase 1 (kill -9) %d, phase 2 (rolling restart) %d%n",
        bank.sum(KILL, p -> p.gaveUp.sum()), bank.sum(ROLLING, p -> p.gaveUp.sum()));
      try {
        bank.assertBooks();
        assertThat(bank.sum(KILL, p -> p.acknowledged.sum())).as("transfers acknowledged in phase 1").isPositive();
        assertThat(bank.sum(ROLLING, p -> p.acknowledged.sum())).as("transfers acknowledged in phase 2").isPositive();
        assertThat(bank.sum(KILL + "node1 killed", p -> p.resendCount()))
          .as("resends after the kill (else the kill hit no request and proves nothing)").isPositive();
        assertThat(bank.gaveUp).as("transfers given up after resending for "
          + ResendingBank.RESEND_BUDGET_MS + " ms").isEmpty();
        // A client that reconnects before HAProxy has marked the killed node DOWN is sent there,
        // refused, and redispatched to the live node: HAProxy never closes a client for want of a
        // node while one is up (else the client waits out 3 retries and sees its connection close).
        assertThat(haproxy.unplacedConnections()).as("connections HAProxy could not place on a node").isEmpty();
        // Pausing only takes a node out of rotation: its clients keep their connections until the
        // SIGTERM drain (HAProxy must not shut sessions down when it marks the node DOWN).
        assertThat(bank.sum(ROLLING + "pause", p -> p.lostInFlight.sum()))
          .as("requests that lost their connection while their node was paused").isZero();
      } finally {
        bank.dropSchema();
      }
    }
  }

  /** Pause, out of rotation, SIGTERM (drain), exit, restart, back in rotation. */
  private static void rollingRestart(ResendingBank bank, HaproxyProcess haproxy, TxgateProcess node, String name,
      List<String> timings) throws Exception {
    String admin = "http://127.0.0.1:" + node.adminPort();
    int sessions = new JsonArray(Http.get(admin + "/api/sessions").body()).size();
    bank.phase(ROLLING + "pause " + name);
    HttpResponse<String> paused = Http.post(admin + "/api/pause", "X-Txgate-Console", "1");
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    timings.add("paused " + name + " (" + sessions + " sessions) marked DOWN after "
      + haproxy.awaitStatus(name, "DOWN", 30) + " ms");
    // A moment out of rotation with its clients still on it, to show the pause cuts nobody off.
    Thread.sleep(1_000);
    assertThat(sessions).as("client sessions on " + name + " when it was paused (else its drain proves nothing)")
      .isPositive();

    bank.phase(ROLLING + "SIGTERM " + name);
    long stop = System.nanoTime();
    node.sigterm();
    assertThat(node.waitForExit(60)).as(name + " exits on SIGTERM; its log:\n" + node.log()).isTrue();
    timings.add(name + " drained and exited " + (System.nanoTime() - stop) / 1_000_000 + " ms after SIGTERM");
    node.restart();
    timings.add("restarted " + name + " marked UP after " + haproxy.awaitStatus(name, "UP", 60) + " ms");
    bank.phase(ROLLING + name + " back");
    Thread.sleep(HEALTHY_MILLIS);
  }
}
