package io.txgate.digest;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Statement digests, the feature: the table the transaction runner counts into, and its export to
 * {@code /metrics}. Absent (null where it would be passed) when {@code observability.digests} is
 * off, so that the runner pays nothing for it then.
 */
public final class Digests {

  private final DigestTable table;
  private final DigestMetrics metrics;

  public Digests(int cap, int metricsTop, MeterRegistry registry) {
    this.table = new DigestTable(cap);
    this.metrics = new DigestMetrics(table, registry, metricsTop);
  }

  /**
   * Counts one attempt of a request.
   *
   * @param op the named operation's name, or null for ad-hoc SQL
   * @param retryFollows whether a transient conflict in this attempt makes the transaction run
   *     again (it is not the request's last attempt)
   */
  public Attempt attempt(String op, boolean retryFollows) {
    return new Attempt(table, op, retryFollows);
  }

  public DigestTable table() {
    return table;
  }

  public DigestMetrics metrics() {
    return metrics;
  }

  /** {@code GET /api/statements}: the first {@code limit} digests by {@code sort}, and the table's figures. */
  public JsonObject toJson(DigestSort sort, int limit) {
    JsonArray rows = new JsonArray();
    for (Digest d : table.top(sort, limit)) {
      rows.add(d.toJson());
    }
    return new JsonObject()
      .put("enabled", true)
      .put("sort", sort.label())
      .put("size", table.size())
      .put("cap", table.cap())
      .put("evictions", table.evictions())
      .put("statements", rows);
  }
}
