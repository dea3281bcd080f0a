package io.txgate.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the nodes' snapshots ({@link NodeAgent#snapshot}) together into the cluster's view: one row
 * per node, the totals, every session with its node, and the operations summed. Pure: no I/O, no
 * clock.
 */
final class ClusterTotals {

  /** Per-node figures that add up across nodes. */
  private static final String[] OVERVIEW_SUMS = {"connections", "requests", "requestsPerSecond", "errors", "retries",
    "retriesExhausted"};
  private static final String[] POOL_SUMS = {"maxSize", "open", "inUse", "idle", "waiting", "acquired", "timeouts",
    "rejected"};

  private ClusterTotals() {
  }

  /** A member that did not answer: listed, with why, and counted in no figure. */
  record Silent(String id, String name, String error) {
  }

  /**
   * The view of the whole cluster.
   *
   * @param self this node's id
   * @param snapshots the snapshots of the nodes that answered
   * @param silent the members that did not
   * @return {@code self}, {@code nodes}, {@code totals}, {@code sessions}, {@code operations}
   */
  static JsonObject of(String self, List<JsonObject> snapshots, List<Silent> silent) {
    List<JsonObject> nodes = new ArrayList<>();
    JsonArray sessions = new JsonArray();
    JsonObject totals = new JsonObject().put("nodes", snapshots.size() + silent.size())
      .put("answering", snapshots.size());
    JsonObject pool = new JsonObject();
    Map<String, Long> errorsByCode = new LinkedHashMap<>();
    Map<String, JsonObject> operations = new LinkedHashMap<>();
    for (JsonObject s : snapshots) {
      JsonObject node = s.getJsonObject("node");
      JsonObject overview = s.getJsonObject("overview");
      JsonObject nodePool = s.getJsonObject("pool");
      nodes.add(row(self, node, overview, nodePool));
      sum(totals, overview, OVERVIEW_SUMS);
      sum(pool, nodePool, POOL_SUMS);
      overview.getJsonObject("errorsByCode", new JsonObject()).forEach(e ->
        errorsByCode.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
      s.getJsonArray("sessions").forEach(o -> sessions.add(((JsonObject) o).copy()
        .put("node", node.getString("name")).put("nodeId", node.getString("id"))));
      s.getJsonArray("operations").forEach(o -> merge(operations, (JsonObject) o));
    }
    for (Silent s : silent) {
      nodes.add(new JsonObject().put("id", s.id()).put("name", s.name()).put("self", s.id().equals(self))
        .put("answering", false).put("error", s.error()));
    }
    nodes.sort(java.util.Comparator.comparing((JsonObject n) -> String.valueOf(n.getString("name")))
      .thenComparing(n -> n.getString("id")));
    totals.put("requestsPerSecond", Math.round(totals.getDouble("requestsPerSecond", 0.0) * 10) / 10.0);
    totals.put("errorsByCode", new JsonObject(new LinkedHashMap<>(errorsByCode))).put("pool", pool);
    return new JsonObject().put("self", self).put("nodes", new JsonArray(nodes)).put("totals", totals)
      .put("sessions", sessions).put("operations", new JsonArray(new ArrayList<>(operations.values())));
  }

  private static JsonObject row(String self, JsonObject node, JsonObject overview, JsonObject pool) {
    return new JsonObject()
      .put("id", node.getString("id"))
      .put("name", node.getString("name"))
      .put("self", node.getString("id").equals(self))
      .put("answering", true)
      .put("version", overview.getString("version"))
      .put("uptimeSeconds", overview.getValue("uptimeSeconds"))
      .put("accepting", overview.getBoolean("accepting"))
      .put("connections", overview.getValue("connections"))
      .put("requests", overview.getValue("requests"))
      .put("requestsPerSecond", overview.getValue("requestsPerSecond"))
      .put("latencyP99Ms", overview.getValue("latencyP99Ms"))
      .put("errors", overview.getValue("errors"))
      .put("retries", overview.getValue("retries"))
      // The whole pool object, so that whatever a node adds to it (its budget share) shows.
      .put("pool", pool);
  }

  private static void sum(JsonObject into, JsonObject from, String[] keys) {
    for (String k : keys) {
      Object v = from.getValue(k);
      if (v instanceof Number n) {
        Object had = into.getValue(k);
        if (n instanceof Double || n instanceof Float || had instanceof Double) {
          into.put(k, (had == null ? 0.0 : ((Number) had).doubleValue()) + n.doubleValue());
        } else {
          into.put(k, (had == null ? 0L : ((Number) had).longValue()) + n.longValue());
        }
      }
    }
  }

  /**
   * Calls, errors and retries add up; a percentile does not, so {@code p99Ms} is the highest of the
   * nodes' p99s (an upper bound of the cluster's).
   */
  private static void merge(Map<String, JsonObject> operations, JsonObject op) {
    JsonObject had = operations.get(op.getString("name"));
    if (had == null) {
      operations.put(op.getString("name"), op.copy());
      return;
    }
    sum(had, op, new String[] {"calls", "errors", "retries"});
    Double p99 = op.getDouble("p99Ms");
    if (p99 != null && (had.getDouble("p99Ms") == null || p99 > had.getDouble("p99Ms"))) {
      had.put("p99Ms", p99);
    }
  }
}
