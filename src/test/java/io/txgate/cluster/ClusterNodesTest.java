package io.txgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.TxgateProcess;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Nodes in JVMs of their own, as an operator runs them: a lone node starts nothing of the cluster; two
 * clustered nodes find each other, log each other's arrival and departure, and serve any client
 * alike, so that a client whose node dies resends to the other and is answered from the key store.
 */
class ClusterNodesTest {

  private static final Pattern JOINED_AS = Pattern.compile("joined as node ([0-9a-f-]{36})");

  @Test
  void aLoneNodeRunsNoClusterAtAll() throws Exception {
    try (TxgateProcess node = TxgateProcess.start(TestDatabase.url(), Map.of())) {
      String threads = threadDump(node.pid());
      assertThat(threads).as("the JVM's threads").contains("vert.x-eventloop-thread");
      // Hazelcast names its threads hz.<instance>.*: none may run when cluster.enabled is off.
      assertThat(threads).doesNotContain("\"hz.");
      assertThat(node.log()).doesNotContain("cluster");
    }
  }

  @Test
  void aClientWhoseNodeDiesResendsToAnotherAndIsAnsweredFromTheKeyStore() throws Exception {
    TestSql.update("CREATE TABLE IF NOT EXISTS cluster_failover (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
      + " note VARCHAR(64) NOT NULL)");
    String name = "junit-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int portA = TestServer.stablePort();
    int portB = TestServer.stablePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    try (TxgateProcess a = TxgateProcess.start(TestDatabase.url(), cluster(name, portA, members));
         TxgateProcess b = TxgateProcess.start(TestDatabase.url(), cluster(name, portB, members))) {
      String idA = nodeId(a);
      String idB = nodeId(b);
      assertThat(idA).isNotEqualTo(idB);
      // The first node logs the second's arrival; the second found the first already there.
      awaitLog(a, "cluster: node 127.0.0.1:" + portB + " (" + idB + ") joined; 2 node(s)", b);

      String note = "failover-" + UUID.randomUUID();
      JsonObject insert = WireClient.batch(1, WireClient.step("INSERT INTO cluster_failover (note) VALUES (?)", note))
        .put("requestKey", note);
      JsonObject first;
      try (WireClient c = a.connect()) {
        first = c.call(insert);
      }
      assertThat(first.getBoolean("ok")).as(first.encode()).isTrue();

      a.kill9();
      awaitLog(b, "cluster: node " + idA + " left; 1 node(s)", a);

      JsonObject again;
      try (WireClient c = b.connect()) {
        again = c.call(insert.copy().put("id", 2));
      }
      assertThat(again.getBoolean("ok")).as(again.encode()).isTrue();
      assertThat(again.getJsonObject("result").getBoolean("replayed")).isTrue();
      JsonObject replayed = again.getJsonObject("result").copy();
      replayed.remove("replayed");
      assertThat(replayed).isEqualTo(first.getJsonObject("result"));
      assertThat(TestSql.count("SELECT COUNT(*) FROM cluster_failover WHERE note = ?", note)).isEqualTo(1);
    }
  }

  @Test
  void aFrozenNodeIsDroppedAfterTheHeartbeatTimeoutAndMergesBackWhenThawed() throws Exception {
    String name = "junit-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int portA = TestServer.stablePort();
    int portB = TestServer.stablePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    try (TxgateProcess a = TxgateProcess.start(TestDatabase.url(), cluster(name, portA, members));
         TxgateProcess b = TxgateProcess.start(TestDatabase.url(), cluster(name, portB, members))) {
      String idA = nodeId(a);
      String idB = nodeId(b);
      awaitLog(a, "cluster: node 127.0.0.1:" + portB + " (" + idB + ") joined; 2 node(s)", b);

      a.sigstop();
      try {
        awaitLog(b, "cluster: node " + idA + " left; 1 node(s)", a);
      } finally {
        a.sigcont();
      }
      // Each half saw the other go; Hazelcast's split-brain merge joins them again, and the node
      // that merges into the other logs its return as a join.
      awaitCount(b, "(" + idA + ") joined; 2 node(s)", a);
      try (WireClient c = a.connect()) {
        JsonObject r = c.call(WireClient.execute(1, "SELECT 1 AS one"));
        assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      }
    }
  }

  /** Waits (at most 90 s) until {@code node}'s log contains {@code text}. */
  private static void awaitCount(TxgateProcess node, String text, TxgateProcess other) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!node.log().contains(text)) {
      assertThat(System.nanoTime()).as("'" + text + "' in the log:\n" + node.log() + "\nother node:\n" + other.log())
        .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static Map<String, String> cluster(String name, int port, String members) {
    return Map.of(
      "TXGATE_CLUSTER_ENABLED", "true",
      "TXGATE_CLUSTER_NAME", name,
      "TXGATE_CLUSTER_PORT", Integer.toString(port),
      "TXGATE_CLUSTER_MEMBERS", members,
      "TXGATE_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", "3");
  }

  private static String nodeId(TxgateProcess node) {
    Matcher m = JOINED_AS.matcher(node.log());
    assertThat(m.find()).as("the node logs its id when it joins:\n" + node.log()).isTrue();
    return m.group(1);
  }

  /** Waits (at most 60 s) until {@code node}'s log contains {@code text}. */
  private static void awaitLog(TxgateProcess node, String text, TxgateProcess other) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!node.log().contains(text)) {
      assertThat(System.nanoTime()).as("'" + text + "' in the log:\n" + node.log() + "\nother node:\n" + other.log())
        .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static String threadDump(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
