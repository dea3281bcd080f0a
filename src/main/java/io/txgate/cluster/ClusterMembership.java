package io.txgate.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership of a clustered node, read from Hazelcast. Listens on Hazelcast's own membership
 * events rather than the cluster manager's single {@code nodeListener} slot, which Vert.x keeps for
 * itself. Joins and departures are logged here, once, with the node's published name.
 */
final class ClusterMembership implements Membership {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

  /** The member attribute the Hazelcast cluster manager keeps a member's Vert.x node id in. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile List<String> nodes;

  private record Listener(Context context, Consumer<List<String>> consumer) {
  }

  ClusterMembership(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
    this.nodes = sorted(manager.getNodes());
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        changed(event.getMember().getAttribute(VERTX_NODE_ID), true);
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        changed(event.getMember().getAttribute(VERTX_NODE_ID), false);
      }
    });
    // A member that joined between getNodes() and the listener's registration would be missed.
    this.nodes = sorted(manager.getNodes());
  }

  private void changed(String nodeId, boolean joined) {
    List<String> now = sorted(manager.getNodes());
    nodes = now;
    if (joined) {
      logJoin(nodeId, now.size(), 20);
    } else {
      LOG.info("cluster: node {} left; {} node(s)", nodeId, now.size());
    }
    for (Listener l : listeners) {
      l.context().runOnContext(v -> l.consumer().accept(now));
    }
  }

  /** Its metadata is published once its event bus listens, a moment after it joins: wait for it. */
  private void logJoin(String nodeId, int size, int triesLeft) {
    metadata(nodeId).onComplete(ar -> {
      if (ar.succeeded() || triesLeft == 0) {
        LOG.info("cluster: node {} ({}) joined; {} node(s)",
          ar.succeeded() ? ar.result().getString(NodeMetadata.NAME) : "no name published", nodeId, size);
      } else {
        vertx.setTimer(250, id -> logJoin(nodeId, size, triesLeft - 1));
      }
    });
  }

  private static List<String> sorted(List<String> ids) {
    List<String> copy = new ArrayList<>(ids);
    copy.sort(null);
    return List.copyOf(copy);
  }

  @Override
  public String self() {
    return manager.getNodeId();
  }

  @Override
  public List<String> nodes() {
    return nodes;
  }

  @Override
  public Future<JsonObject> metadata(String nodeId) {
    Promise<NodeInfo> info = Promise.promise();
    manager.getNodeInfo(nodeId, info);
    return info.future().compose(i -> i == null || i.metadata() == null
      ? Future.failedFuture(new IllegalArgumentException("node " + nodeId + " is not a member"))
      : Future.succeededFuture(i.metadata()));
  }

  @Override
  public void onChange(Consumer<List<String>> listener) {
    Context context = vertx.getOrCreateContext();
    listeners.add(new Listener(context, listener));
  }

  @Override
  public boolean clustered() {
    return true;
  }
}
