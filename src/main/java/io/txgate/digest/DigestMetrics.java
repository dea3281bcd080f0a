package io.txgate.digest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The digests on {@code /metrics}: the table's size and evictions, and the {@code top} digests by
 * total time, each labelled with its short {@link Digest#id() digest} and its {@code op}.
 *
 * <p>Only the top ones, and never the SQL as a label: every label value is a time series of its own
 * in Prometheus, kept for its retention period; one series per statement text would let any client
 * that sends new SQL grow the monitoring system without bound. The set is brought up to date before
 * each scrape ({@link #refresh}): a digest that leaves the top has its series removed, one that
 * enters gets them. Its counters read the digest's own cumulative figures, so a digest that leaves
 * and comes back continues where it was. The fingerprint behind a digest id is in
 * {@code GET /api/statements}.
 */
public final class DigestMetrics {

  private final DigestTable table;
  private final MeterRegistry registry;
  private final int top;
  private final Map<Digest, List<Meter>> exported = new HashMap<>();

  DigestMetrics(DigestTable table, MeterRegistry registry, int top) {
    this.table = table;
    this.registry = registry;
    this.top = top;
    Gauge.builder("txgate.digests.size", table, DigestTable::size)
      .description("Statement fingerprints held in the digest table now (at most observability.digestCap)")
      .register(registry);
    Gauge.builder("txgate.digests.cap", table, DigestTable::cap)
      .description("The most statement fingerprints the digest table holds (observability.digestCap)")
      .register(registry);
    FunctionCounter.builder("txgate.digests.evictions", table, DigestTable::evictions)
      .description("Statement digests evicted, least recently used first, to make room for new fingerprints")
      .register(registry);
  }

  /** Exports the current top digests by total time, and only them. */
  public synchronized void refresh() {
    List<Digest> now = top == 0 ? List.of() : table.top(DigestSort.TOTAL, top);
    Set<Digest> keep = new HashSet<>(now);
    exported.entrySet().removeIf(e -> {
      if (keep.contains(e.getKey())) {
        return false;
      }
      e.getValue().forEach(registry::remove);
      return true;
    });
    for (Digest d : now) {
      exported.computeIfAbsent(d, this::meters);
    }
  }

  /** How many digests have series now. */
  public synchronized int exported() {
    return exported.size();
  }

  private List<Meter> meters(Digest d) {
    Tags tags = Tags.of("digest", d.id(), "op", d.op());
    return List.of(
      FunctionCounter.builder("txgate.statement.calls", d, Digest::calls).tags(tags)
        .description("Statements run, of the top digests by total time (see GET /api/statements for the SQL)")
        .register(registry),
      FunctionCounter.builder("txgate.statement.rows", d, Digest::rows).tags(tags)
        .description("Rows returned plus rows changed by statements, of the top digests by total time")
        .register(registry),
      FunctionCounter.builder("txgate.statement.errors", d, Digest::errors).tags(tags)
        .description("Statements that failed, of the top digests by total time")
        .register(registry),
      FunctionCounter.builder("txgate.statement.retries", d, Digest::retries).tags(tags)
        .description("Transactions run again after a statement of the digest hit a deadlock, lock wait timeout"
          + " or snapshot conflict, of the top digests by total time")
        .register(registry),
      FunctionCounter.builder("txgate.statement.time", d, x -> x.totalNanos() / 1e9).tags(tags).baseUnit("seconds")
        .description("Time spent in statements, of the top digests by total time")
        .register(registry),
      Gauge.builder("txgate.statement.p99", d, x -> x.quantileNanos(0.99) / 1e9).tags(tags).baseUnit("seconds")
        .description("99th percentile of statement time since start, of the top digests by total time")
        .register(registry));
  }
}
