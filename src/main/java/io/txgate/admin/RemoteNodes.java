package io.txgate.admin;

import io.txgate.cluster.Membership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Asks another node's {@link NodeAgent} over the clustered event bus, with a short timeout, and
 * turns every way the call can go wrong into a {@link NodeCallFailed} with the status to answer.
 */
final class RemoteNodes {

  /**
   * How long a node may take to answer. Long enough for a busy node's snapshot, short enough that
   * a frozen one (still a member until its heartbeat times out) does not hold the console up.
   */
  static final long TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final Membership membership;

  RemoteNodes(Vertx vertx, Membership membership) {
    this.vertx = vertx;
    this.membership = membership;
  }

  /** Sends {@code request} to node {@code nodeId}; fails with {@link NodeCallFailed}, never otherwise. */
  Future<JsonObject> ask(String nodeId, JsonObject request) {
    if (!membership.nodes().contains(nodeId)) {
      return Future.failedFuture(new NodeCallFailed(404, "no node " + nodeId + " in the cluster"));
    }
    return vertx.eventBus().<JsonObject>request(NodeAgent.address(nodeId), request,
        new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
      .map(Message::body)
      .recover(t -> Future.failedFuture(failure(nodeId, t)));
  }

  private static NodeCallFailed failure(String nodeId, Throwable t) {
    if (t instanceof ReplyException r) {
      return switch (r.failureType()) {
        // The node is a member but its console is not there: no console configured, or it is
        // stopping (the console stops first, the node leaves the cluster last).
        case NO_HANDLERS -> new NodeCallFailed(503, "node " + nodeId + " has no console answering (stopping?)");
        case TIMEOUT -> new NodeCallFailed(503, "node " + nodeId + " did not answer within " + TIMEOUT_MS + " ms");
        case RECIPIENT_FAILURE -> new NodeCallFailed(r.failureCode() >= 400 && r.failureCode() < 600
          ? r.failureCode() : 502, r.getMessage());
        default -> new NodeCallFailed(503, "node " + nodeId + " unreachable: " + r.getMessage());
      };
    }
    return new NodeCallFailed(503, "node " + nodeId + " unreachable: " + t.getMessage());
  }
}
