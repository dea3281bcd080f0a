package io.txgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What cluster.* accepts, and the Hazelcast configuration it becomes. */
class ClusterConfigTest {

  private static JsonObject enabled() {
    return new JsonObject().put(Keys.CLUSTER_ENABLED.env(), true)
      .put(Keys.CLUSTER_MEMBERS.env(), "127.0.0.1:5701,127.0.0.1:5702");
  }

  @Test
  void offByDefault() {
    TxgateConfig.Cluster c = TxgateConfig.from(new JsonObject()).cluster();
    assertThat(c.enabled()).isFalse();
    assertThat(c.members()).isEmpty();
  }

  @Test
  void aClusterNeedsItsMembersListed() {
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put(Keys.CLUSTER_ENABLED.env(), true)))
      .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.members")
      .hasMessageContaining("multicast");
  }

  @Test
  void aMemberIsHostAndPort() {
    for (String bad : new String[] {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:70000", ":5701", "h:x"}) {
      assertThatThrownBy(() -> TxgateConfig.from(enabled().put(Keys.CLUSTER_MEMBERS.env(), bad)))
        .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("is not host:port");
    }
  }

  @Test
  void hazelcastLooksOnlyAtTheListedMembersAndTellsNobody() {
    TxgateConfig.Cluster c = TxgateConfig.from(enabled().put(Keys.CLUSTER_NAME.env(), "books")
      .put(Keys.CLUSTER_PORT.env(), 5702).put(Keys.CLUSTER_HEARTBEAT_TIMEOUT_SECONDS.env(), 4)).cluster();
    Config h = ClusterStart.hazelcast(c);
    assertThat(h.getClusterName()).isEqualTo("books");
    assertThat(h.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(h.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("4");
    assertThat(h.getNetworkConfig().getPort()).isEqualTo(5702);
    assertThat(h.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(h.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(h.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(h.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(h.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
      .containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    // The node's own shutdown hook leaves the cluster after draining; Hazelcast's would leave first.
    assertThat(h.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
  }
}
