package io.txgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.Txgate;
import io.txgate.cluster.ClusterStart;
import io.txgate.cluster.NodeMetadata;
import io.txgate.config.TxgateConfig;
import io.txgate.metrics.Telemetry;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A budget smaller than the cluster: two clustered nodes in this JVM share a budget of 1. The node
 * that comes second in id order has share 0: it answers BUSY, saying why, and holds no connection;
 * once the other node leaves, it takes the one connection and serves.
 */
class ZeroShareTest {

  private record Node(Txgate txgate, TxgateConfig config) {
  }

  @Test
  void aNodeWithShareZeroAnswersBusyUntilTheOtherLeaves() throws Exception {
    String cluster = "junit-zero-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int[] ports = {TestServer.stablePort(), TestServer.stablePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
    TestServer.loadFixtures();
    List<Node> nodes = new ArrayList<>();
    try {
      for (int port : ports) {
        nodes.add(start(cluster, port, members));
      }
      awaitNodes(nodes.get(0), 2);
      awaitNodes(nodes.get(1), 2);
      Node first = nodes.stream().filter(n -> n.txgate().budget().share() == 1).findFirst().orElseThrow();
      Node zero = nodes.stream().filter(n -> n.txgate().budget().share() == 0).findFirst().orElseThrow();
      assertThat(first.txgate().membership().self()).isLessThan(zero.txgate().membership().self());

      try (WireClient c = new WireClient(zero.config().protocol().port())) {
        c.setTimeout(30_000);
        JsonObject busy = c.call(WireClient.execute(1, "SELECT 1"));
        assertThat(busy.getBoolean("ok")).as(busy.encode()).isFalse();
        assertThat(busy.getJsonObject("error").getString("code")).isEqualTo("BUSY");
        assertThat(busy.getJsonObject("error").getString("message"))
          .contains("share of db.clusterMaxConnections (1 across 2 node(s)) is 0");
        assertThat(zero.txgate().db().pool().size()).as("connections the zero-share node opened").isZero();

        TestServer.await(first.txgate().stop().eventually(() -> first.txgate().db().context().owner().close()));
        nodes.remove(first);
        awaitNodes(zero, 1);
        assertThat(zero.txgate().budget().share()).isEqualTo(1);
        JsonObject ok = c.call(WireClient.execute(2, "SELECT 1"));
        assertThat(ok.getBoolean("ok")).as(ok.encode()).isTrue();
      }
    } finally {
      for (Node n : nodes) {
        TestServer.await(n.txgate().stop().eventually(() -> n.txgate().db().context().owner().close()));
      }
    }
  }

  private static Node start(String cluster, int port, String members) {
    TxgateConfig config = TxgateConfig.from(new JsonObject()
      .put("TXGATE_DB_URL", TestDatabase.url())
      .put("TXGATE_PROTOCOL_PORT", TestServer.freePort())
      .put("TXGATE_ADMIN_ENABLED", false)
      .put("TXGATE_INSTANCES", 1)
      .put("TXGATE_DB_ACQUIRE_TIMEOUT_MS", 500)
      .put("TXGATE_DB_CLUSTER_MAX_CONNECTIONS", 1)
      .put("TXGATE_CLUSTER_ENABLED", true)
      .put("TXGATE_CLUSTER_NAME", cluster)
      .put("TXGATE_CLUSTER_PORT", port)
      .put("TXGATE_CLUSTER_MEMBERS", members)
      .put("TXGATE_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", 3));
    Telemetry telemetry = new Telemetry();
    ClusterStart.Node node = TestServer.await(ClusterStart.start(telemetry.vertxOptions(), telemetry.metricsFactory(),
      telemetry.tracing().vertxTracer(),
      config.cluster(), NodeMetadata.of(config)));
    try {
      Txgate txgate = TestServer.await(Txgate.start(node.vertx(), config, telemetry, node.membership(), null, null));
      return new Node(txgate, config);
    } catch (RuntimeException e) {
      TestServer.await(node.vertx().close());
      throw e;
    }
  }

  private static void awaitNodes(Node node, int count) throws InterruptedException {
    for (int i = 0; i < 1200 && node.txgate().budget().status().getInteger("nodes") != count; i++) {
      Thread.sleep(50);
    }
    assertThat(node.txgate().budget().status().getInteger("nodes")).isEqualTo(count);
  }
}
