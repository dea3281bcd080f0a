package io.txgate.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every operator action that changes what txgate does (a kill, a pause, a resume, a
 * configuration reload, whether asked here or by SIGHUP): who did it, from
 * where, when, to what, and how it ended. Each entry goes to the log under the logger
 * {@code io.txgate.audit} (route it to a file of its own with the logging configuration), and the
 * latest {@value #KEPT} stay in memory for the console's {@code /api/audit}.
 *
 * <p>"Who" is the kind of credential that passed, never the credential itself.
 */
public final class AuditLog {

  static final int KEPT = 200;
  private static final Logger LOG = LoggerFactory.getLogger("io.txgate.audit");

  private final Deque<JsonObject> recent = new ArrayDeque<>();

  /**
   * Records one action.
   *
   * @param who the credential kind that passed, e.g. {@code user 'admin'}
   * @param from the remote address of the request
   * @param action {@code kill}, {@code pause}, {@code resume}, {@code reload}
   * @param target what it acted on (a session id), or null
   * @param outcome what happened, in words
   */
  public void record(String who, String from, String action, String target, String outcome) {
    record(who, from, action, null, target, outcome);
  }

  /**
   * Records one action aimed at a node of the cluster, as {@link #record(String, String, String,
   * String, String)}; {@code node} (e.g. {@code 127.0.0.1:5702 (3f0c...)}) goes into the entry's
   * {@code node} field, or nowhere when null.
   */
  public synchronized void record(String who, String from, String action, String node, String target,
                                  String outcome) {
    JsonObject entry = new JsonObject().put("at", Instant.now().toString()).put("who", who).put("from", from)
      .put("action", action);
    if (node != null) {
      entry.put("node", node);
    }
    entry.put("target", target).put("outcome", outcome);
    recent.addLast(entry);
    if (recent.size() > KEPT) {
      recent.removeFirst();
    }
    LOG.info("{} from {}: {}{}{}: {}", who, from, action, target == null ? "" : " " + target,
      node == null ? "" : " on node " + node, outcome);
  }

  /** The latest entries, oldest first. */
  public synchronized JsonArray recent() {
    JsonArray out = new JsonArray();
    recent.forEach(e -> out.add(e.copy()));
    return out;
  }
}
