package io.txgate.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * The live members of the cluster as this node sees them, and what each one published about
 * itself when it joined ({@link NodeMetadata}). A node that is not clustered is a membership of one.
 */
public interface Membership {

  /** This node's id: the cluster's id for it, or a random one when alone. */
  String self();

  /** The ids of the live members, this node included, in a stable (sorted) order. */
  List<String> nodes();

  /** What {@code nodeId} published when it joined; fails when it is not (or no longer) a member. */
  Future<JsonObject> metadata(String nodeId);

  /**
   * Called with the new member list every time a node joins or leaves, on the event loop of the
   * context that registered it.
   */
  void onChange(Consumer<List<String>> listener);

  /** Whether this node runs in a cluster at all. */
  boolean clustered();

  /** A node alone: itself, and nothing ever changes. */
  static Membership alone(String self, JsonObject metadata) {
    return new Membership() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public List<String> nodes() {
        return List.of(self);
      }

      @Override
      public Future<JsonObject> metadata(String nodeId) {
        return self.equals(nodeId) ? Future.succeededFuture(metadata)
          : Future.failedFuture(new IllegalArgumentException("no node " + nodeId));
      }

      @Override
      public void onChange(Consumer<List<String>> listener) {
      }

      @Override
      public boolean clustered() {
        return false;
      }
    };
  }
}
