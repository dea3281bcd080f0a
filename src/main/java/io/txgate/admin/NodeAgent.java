package io.txgate.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * This node's side of the cluster console: answers, on {@code txgate.node.<nodeId>} of the clustered
 * event bus, the other nodes' consoles with this node's snapshot, and obeys their kill, pause and
 * resume. Registered only when the node is clustered, on the admin verticle's event loop, where the
 * {@link Monitor} may be read.
 *
 * <p>The event bus does not authenticate its peers: the operator was authenticated by the node they
 * talk to, and anyone who can reach the cluster ports can send these messages. The cluster ports
 * belong on a private network (see README, "One console for the cluster").
 */
final class NodeAgent {

  static final String ADDRESS_PREFIX = "txgate.node.";

  static final String ACTION = "action";
  static final String SNAPSHOT = "snapshot";
  static final String KILL = "kill";
  static final String PAUSE = "pause";
  static final String RESUME = "resume";
  static final String SESSION = "session";
  static final String OPERATOR = "operator";
  static final String FROM = "from";
  /** The name of the node the operator talks to. */
  static final String VIA = "via";

  private final Monitor monitor;
  private final AuditLog audit;
  private final String nodeId;
  private final String nodeName;

  NodeAgent(Monitor monitor, AuditLog audit, String nodeId, String nodeName) {
    this.monitor = monitor;
    this.audit = audit;
    this.nodeId = nodeId;
    this.nodeName = nodeName;
  }

  static String address(String nodeId) {
    return ADDRESS_PREFIX + nodeId;
  }

  /** Starts answering; the future completes once the other nodes can reach this address. */
  Future<MessageConsumer<JsonObject>> register(Vertx vertx) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address(nodeId), this::handle);
    return consumer.completion().map(v -> consumer);
  }

  /** This node's figures, as the other nodes show them: {@link Monitor#all()} without the charts' history. */
  static JsonObject snapshot(Monitor monitor, String nodeId, String nodeName) {
    JsonObject all = monitor.all();
    // Five minutes of one-second samples: 30 KB a node a second that only this node's page draws.
    all.getJsonObject("overview").remove("history");
    return all.put("node", new JsonObject().put("id", nodeId).put("name", nodeName));
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    String action = body == null ? "" : body.getString(ACTION, "");
    // Who asked, as the asking node authenticated them; recorded here too, so that this node's own
    // audit log shows every action that hit it.
    String who = body == null ? "?" : body.getString(OPERATOR, "?");
    String from = body == null ? "?" : body.getString(FROM, "?") + " via node " + body.getString(VIA, "?");
    switch (action) {
      case SNAPSHOT -> message.reply(snapshot(monitor, nodeId, nodeName));
      case KILL -> {
        String id = body.getString(SESSION, "");
        if (monitor.kill(id, who + " from " + from)) {
          audit.record(who, from, KILL, id, "killed");
          message.reply(identified(new JsonObject().put("killed", id)));
        } else {
          audit.record(who, from, KILL, id, "no such session");
          message.fail(404, "no session " + id + " on node " + nodeName);
        }
      }
      case PAUSE, RESUME -> {
        boolean accept = RESUME.equals(action);
        monitor.accepting(accept);
        audit.record(who, from, action, null, accept ? "new connections accepted" : "new connections refused");
        message.reply(identified(new JsonObject().put("accepting", accept)));
      }
      default -> message.fail(400, "unknown action '" + action + "'");
    }
  }

  private JsonObject identified(JsonObject reply) {
    return reply.put("node", nodeName).put("nodeId", nodeId);
  }
}
