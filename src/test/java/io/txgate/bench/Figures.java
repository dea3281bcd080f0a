package io.txgate.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One target's figures at one step (a workload at a connection count): its throughput in every
 * round, the latency percentiles over all rounds' requests together, its failures by code, and
 * its per-round ratio to the direct client in the same round (empty for direct itself).
 *
 * @param throughputs successful requests per second, one per round
 * @param p50Ms median latency over all rounds' successful requests, merged
 * @param p99Ms 99th percentile likewise
 * @param ratios this target's throughput over direct's, one per round, in round order
 */
record Figures(String workload, int connections, String target, List<Double> throughputs, double p50Ms,
               double p99Ms, double maxMs, Map<String, Long> failures, List<Double> ratios) {

  static final String TXGATE = "txgate";
  static final String DIRECT = "direct";
  static final String BASELINE = "baseline";

  double throughput() {
    return Stats.median(throughputs);
  }

  double ratio() {
    return Stats.median(ratios);
  }

  JsonObject toJson() {
    return new JsonObject().put("workload", workload).put("connections", connections).put("target", target)
      .put("throughputs", new JsonArray(new ArrayList<>(throughputs))).put("p50Ms", p50Ms).put("p99Ms", p99Ms)
      .put("maxMs", maxMs).put("failures", new JsonObject(new TreeMap<>(failures)))
      .put("ratios", new JsonArray(new ArrayList<>(ratios)));
  }

  static Figures fromJson(JsonObject j) {
    Map<String, Long> failures = new TreeMap<>();
    j.getJsonObject("failures").forEach(e -> failures.put(e.getKey(), ((Number) e.getValue()).longValue()));
    return new Figures(j.getString("workload"), j.getInteger("connections"), j.getString("target"),
      doubles(j.getJsonArray("throughputs")), j.getDouble("p50Ms"), j.getDouble("p99Ms"), j.getDouble("maxMs"),
      failures, doubles(j.getJsonArray("ratios")));
  }

  private static List<Double> doubles(JsonArray a) {
    List<Double> out = new ArrayList<>();
    for (Object o : a) {
      out.add(((Number) o).doubleValue());
    }
    return out;
  }
}
