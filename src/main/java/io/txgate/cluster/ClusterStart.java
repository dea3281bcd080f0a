package io.txgate.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.txgate.config.TxgateConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Starts a clustered Vert.x: Hazelcast for membership, the Vert.x event bus for messages, both on
 * {@code cluster.host}. Members are found only among {@code cluster.members}: multicast, cloud
 * discovery and Hazelcast's phone-home are off, so that a node never looks for, or tells anything
 * to, hosts it was not given.
 */
public final class ClusterStart {

  private ClusterStart() {
  }

  /** A running clustered Vert.x and the membership it sees. */
  public record Node(Vertx vertx, Membership membership) {
  }

  /**
   * @param tracer Vert.x's tracer (see {@code tracing.Tracing}); null when tracing is off
   */
  public static Future<Node> start(VertxOptions options, VertxMetricsFactory metrics, VertxTracerFactory tracer,
                                   TxgateConfig.Cluster cluster, JsonObject metadata) {
    HazelcastClusterManager manager;
    try {
      manager = new HazelcastClusterManager(hazelcast(cluster));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    options.setEventBusOptions(new EventBusOptions()
      .setHost(cluster.host())
      .setPort(cluster.eventBusPort())
      .setClusterPublicHost(cluster.host())
      .setClusterNodeMetadata(metadata));
    VertxBuilder builder = Vertx.builder().with(options).withMetrics(metrics).withClusterManager(manager);
    return (tracer == null ? builder : builder.withTracer(tracer)).buildClustered()
      .map(vertx -> new Node(vertx, new ClusterMembership(vertx, manager)));
  }

  /** The Hazelcast configuration: Vert.x's own maps and settings, then txgate's network. */
  static Config hazelcast(TxgateConfig.Cluster cluster) {
    // loadConfig keeps the __vertx.* map settings the cluster manager relies on.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // The default waits 5 s before joining, for members that might still be starting.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(cluster.heartbeatTimeoutSeconds()));
    // A node dropped while frozen, or cut off, forms a cluster of its own when it comes back; the
    // two halves look for each other and merge every few seconds, not after Hazelcast's default
    // 5 minutes, during which each half would count only itself (in the console and the budget).
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // txgate's own shutdown hook leaves the cluster after the node has drained: Hazelcast's would
    // leave at once, while requests are still finishing.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(address(cluster.host()));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }

  /** Hazelcast's interface list takes IP addresses only. */
  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve", e);
    }
  }
}
