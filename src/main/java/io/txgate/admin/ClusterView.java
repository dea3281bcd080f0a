package io.txgate.admin;

import io.txgate.cluster.Membership;
import io.txgate.cluster.NodeMetadata;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as the console shows it: this node's snapshot and every other member's, asked over
 * the event bus, put together by {@link ClusterTotals}. Gathered only when someone asks (an API call,
 * or the tick of an open live stream), and at most once per tick: callers within a tick of the last
 * gathering, or while one is under way, share it. A lone node gathers from itself only, with no
 * event bus traffic. Used from the admin verticle's event loop only.
 */
final class ClusterView {

  private final Monitor monitor;
  private final Membership membership;
  private final RemoteNodes remote;
  private final String selfName;
  private final long maxAgeMs;
  /** Names of nodes that answered once, for the rows of those that then go silent. */
  private final Map<String, String> names = new HashMap<>();
  private Future<JsonObject> last;
  private long lastStartedNanos;

  ClusterView(Monitor monitor, Membership membership, RemoteNodes remote, String selfName, long maxAgeMs) {
    this.monitor = monitor;
    this.membership = membership;
    this.remote = remote;
    this.selfName = selfName;
    this.maxAgeMs = maxAgeMs;
  }

  /**
   * The cluster's view, fresh or gathered within the last {@code maxAgeMs}. Shaped as
   * the live stream's update: {@code overview} and {@code pool} (this node's), {@code sessions} and
   * {@code operations} (every node's), {@code cluster} ({@code self}, {@code nodes}, {@code totals}).
   * A member that does not answer is a row saying so, not a failure.
   */
  Future<JsonObject> get() {
    long now = System.nanoTime();
    if (last != null && (!last.isComplete() || now - lastStartedNanos < maxAgeMs * 1_000_000)) {
      return last;
    }
    lastStartedNanos = now;
    last = gather();
    return last;
  }

  private Future<JsonObject> gather() {
    String self = membership.self();
    List<String> members = membership.nodes();
    List<Future<JsonObject>> asked = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String id : members) {
      if (!id.equals(self)) {
        others.add(id);
        asked.add(remote.ask(id, new JsonObject().put(NodeAgent.ACTION, NodeAgent.SNAPSHOT)));
      }
    }
    // The local snapshot keeps its history: it is what this node's charts draw.
    JsonObject local = monitor.all().put("node", new JsonObject().put("id", self).put("name", selfName));
    names.keySet().retainAll(members);
    return Future.join(asked).transform(ignored -> {
      List<JsonObject> snapshots = new ArrayList<>(List.of(local));
      List<Future<ClusterTotals.Silent>> silent = new ArrayList<>();
      for (int i = 0; i < asked.size(); i++) {
        Future<JsonObject> f = asked.get(i);
        String id = others.get(i);
        if (f.succeeded()) {
          snapshots.add(f.result());
          names.put(id, f.result().getJsonObject("node").getString("name"));
        } else {
          silent.add(silent(id, f.cause().getMessage()));
        }
      }
      return Future.join(silent).map(v -> {
        JsonObject cluster = ClusterTotals.of(self, snapshots, silent.stream().map(Future::result).toList());
        // The shape of the live stream's update: this node's overview and pool, everyone's
        // sessions and operations, and the cluster's rows and totals.
        return new JsonObject()
          .put("overview", local.getJsonObject("overview").put("node", selfName).put("nodeId", self))
          .put("pool", local.getJsonObject("pool").put("node", selfName).put("nodeId", self))
          .put("sessions", cluster.remove("sessions"))
          .put("operations", cluster.remove("operations"))
          .put("cluster", cluster);
      });
    });
  }

  /** A member that did not answer, named from its earlier answers or from what it published. */
  private Future<ClusterTotals.Silent> silent(String id, String error) {
    String known = names.get(id);
    if (known != null) {
      return Future.succeededFuture(new ClusterTotals.Silent(id, known, error));
    }
    return membership.metadata(id)
      .timeout(RemoteNodes.TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
      .map(m -> m.getString(NodeMetadata.NAME))
      .otherwise((String) null)
      .map(name -> new ClusterTotals.Silent(id, name, error));
  }
}
