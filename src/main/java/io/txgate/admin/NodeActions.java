package io.txgate.admin;

import io.txgate.cluster.Membership;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Kill, pause and resume aimed at one node of the cluster, this one or another, for an operator
 * this node has already authenticated. Another node is asked over the event bus
 * ({@link NodeAgent}); this node acts directly, as the local endpoints do. Every attempt, done or
 * refused, goes into this node's audit log with its target node; the target node records it too.
 */
final class NodeActions {

  private final Monitor monitor;
  private final AuditLog audit;
  private final Membership membership;
  private final RemoteNodes remote;
  private final String selfName;

  NodeActions(Monitor monitor, AuditLog audit, Membership membership, RemoteNodes remote, String selfName) {
    this.monitor = monitor;
    this.audit = audit;
    this.membership = membership;
    this.remote = remote;
    this.selfName = selfName;
  }

  /** Kills session {@code session} of node {@code node}; fails with {@link NodeCallFailed}. */
  Future<JsonObject> kill(String node, String session, String who, String from) {
    if (node.equals(membership.self())) {
      if (monitor.kill(session, who + " from " + from)) {
        audit.record(who, from, NodeAgent.KILL, label(node, selfName), session, "killed");
        return Future.succeededFuture(new JsonObject().put("killed", session).put("node", selfName).put("nodeId", node));
      }
      audit.record(who, from, NodeAgent.KILL, label(node, selfName), session, "no such session");
      return Future.failedFuture(new NodeCallFailed(404, "no session " + session + " on node " + selfName));
    }
    return ask(node, request(NodeAgent.KILL, who, from).put(NodeAgent.SESSION, session), NodeAgent.KILL, session,
      "killed", who, from);
  }

  /** Stops ({@code accept} false) or restarts node {@code node} accepting new connections. */
  Future<JsonObject> accepting(String node, boolean accept, String who, String from) {
    String action = accept ? NodeAgent.RESUME : NodeAgent.PAUSE;
    String outcome = accept ? "new connections accepted" : "new connections refused";
    if (node.equals(membership.self())) {
      monitor.accepting(accept);
      audit.record(who, from, action, label(node, selfName), null, outcome);
      return Future.succeededFuture(new JsonObject().put("accepting", accept).put("node", selfName).put("nodeId", node));
    }
    return ask(node, request(action, who, from), action, null, outcome, who, from);
  }

  private Future<JsonObject> ask(String node, JsonObject request, String action, String target, String outcome,
                                 String who, String from) {
    return remote.ask(node, request)
      .onSuccess(reply -> audit.record(who, from, action, label(node, reply.getString("node")), target, outcome))
      .onFailure(t -> audit.record(who, from, action, label(node, null), target, "refused: " + t.getMessage()));
  }

  private JsonObject request(String action, String who, String from) {
    return new JsonObject().put(NodeAgent.ACTION, action).put(NodeAgent.OPERATOR, who).put(NodeAgent.FROM, from)
      .put(NodeAgent.VIA, selfName);
  }

  private static String label(String id, String name) {
    return name == null ? id : name + " (" + id + ")";
  }
}
