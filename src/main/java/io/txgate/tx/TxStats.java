package io.txgate.tx;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.txgate.digest.Digests;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what transactions and the pool did, shared by every event loop; read by tests and the
 * console, and exported to the metrics registry as {@code txgate_tx_*} and {@code txgate_pool_*}.
 */
public final class TxStats {

  final LongAdder acquired = new LongAdder();
  final LongAdder acquireRejected = new LongAdder();
  final LongAdder acquireTimedOut = new LongAdder();
  final AtomicInteger waiting = new AtomicInteger();
  final AtomicInteger inUse = new AtomicInteger();
  final Timer poolWait;

  final LongAdder transactions = new LongAdder();
  final LongAdder committed = new LongAdder();
  final LongAdder attempts = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder exhausted = new LongAdder();
  final LongAdder expectationConflicts = new LongAdder();
  final LongAdder commitUnknown = new LongAdder();
  final LongAdder replays = new LongAdder();
  final LongAdder resets = new LongAdder();
  /** Requests whose deadline passed (answered TIMEOUT or COMMIT_UNKNOWN). */
  final LongAdder timeouts = new LongAdder();
  /** Requests stopped by a kill, a client gone or shutdown. */
  final LongAdder stopped = new LongAdder();
  /** Connections the server said still had a transaction open (or did not say) when returned. */
  final LongAdder guardRollbacks = new LongAdder();
  /** Of those, connections the server said had a transaction open when txgate was done with them. */
  final LongAdder openAtRelease = new LongAdder();
  /** Connections closed instead of returned: killed, unanswered, or not provably clean. */
  final LongAdder abandoned = new LongAdder();
  private final Map<String, LongAdder> retriesByCause = new ConcurrentHashMap<>();
  /** Per statement fingerprint; null when observability.digests is off. */
  private final Digests digests;

  public TxStats(MeterRegistry registry) {
    this(registry, null);
  }

  /** @param digests where statements are counted by fingerprint, or null for nowhere */
  public TxStats(MeterRegistry registry, Digests digests) {
    this.digests = digests;
    poolWait = Timer.builder("txgate.pool.wait").description("Time a request waited for a database connection")
      .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofMinutes(1)).register(registry);
    counter(registry, "txgate.tx.committed", committed, "Transactions (and autocommit statements) that committed");
    counter(registry, "txgate.tx.retries", retries,
      "Attempts re-run after a transient conflict (deadlock, lock wait timeout), all requests together");
    counter(registry, "txgate.tx.retries.exhausted", exhausted,
      "Requests answered RETRIES_EXHAUSTED: the conflict persisted through maxAttempts");
    counter(registry, "txgate.tx.expectation.conflicts", expectationConflicts,
      "Requests rolled back and answered CONFLICT because a step's expect did not hold");
    counter(registry, "txgate.tx.commit.unknown", commitUnknown,
      "Requests answered COMMIT_UNKNOWN: the connection was lost or the deadline passed while a commit was in flight");
    counter(registry, "txgate.tx.replays", replays,
      "Requests whose requestKey had already committed, answered with the stored result instead of running again");
    counter(registry, "txgate.pool.acquired", acquired, "Database connections lent to a request by the pool");
    counter(registry, "txgate.pool.rejected", acquireRejected,
      "Requests answered BUSY at once because the pool's wait queue was full");
    counter(registry, "txgate.pool.timeouts", acquireTimedOut,
      "Requests answered BUSY because no database connection came free within db.acquireTimeoutMs");
    counter(registry, "txgate.tx.deadline.exceeded", timeouts,
      "Requests whose deadline passed (answered TIMEOUT or COMMIT_UNKNOWN)");
    counter(registry, "txgate.tx.stopped", stopped,
      "Requests stopped before their end by a kill from the console, their client going away or shutdown");
    counter(registry, "txgate.pool.guard.rollbacks", guardRollbacks,
      "ROLLBACKs sent to a database connection the server did not report clean, when it was borrowed or returned");
    counter(registry, "txgate.pool.abandoned", abandoned,
      "Database connections closed instead of returned to the pool: killed, unanswered or not provably clean");
    counter(registry, "txgate.pool.open.at.release", openAtRelease,
      "Database connections the server reported with a transaction still open when txgate was done with them");
    Gauge.builder("txgate.pool.in.use", inUse, AtomicInteger::get)
      .description("Database connections lent to requests right now").register(registry);
    Gauge.builder("txgate.pool.waiting", waiting, AtomicInteger::get)
      .description("Requests waiting for a database connection right now").register(registry);
  }

  private static void counter(MeterRegistry registry, String name, LongAdder adder, String description) {
    FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(description).register(registry);
  }

  void retried(String cause) {
    retries.increment();
    retriesByCause.computeIfAbsent(cause, k -> new LongAdder()).increment();
  }

  /** The statement digests; null when observability.digests is off. */
  public Digests digests() {
    return digests;
  }

  public long retries() {
    return retries.sum();
  }

  /** Connections the server said had a transaction open when txgate was done with them. */
  public long openAtRelease() {
    return openAtRelease.sum();
  }

  public long guardRollbacks() {
    return guardRollbacks.sum();
  }

  public int inUse() {
    return inUse.get();
  }

  /** Pool figures for the console: acquisitions, rejections, timeouts and wait percentiles. */
  public JsonObject poolSnapshot() {
    return new JsonObject()
      .put("inUse", inUse.get())
      .put("waiting", waiting.get())
      .put("acquired", acquired.sum())
      .put("rejected", acquireRejected.sum())
      .put("timeouts", acquireTimedOut.sum())
      .put("waitP50Ms", io.txgate.metrics.Telemetry.percentile(poolWait, 0.5))
      .put("waitP99Ms", io.txgate.metrics.Telemetry.percentile(poolWait, 0.99));
  }

  public JsonObject snapshot() {
    JsonObject byCause = new JsonObject();
    retriesByCause.forEach((k, v) -> byCause.put(k, v.sum()));
    return new JsonObject()
      .put("transactions", transactions.sum())
      .put("committed", committed.sum())
      .put("attempts", attempts.sum())
      .put("retries", retries.sum())
      .put("retriesByCause", byCause)
      .put("retriesExhausted", exhausted.sum())
      .put("expectationConflicts", expectationConflicts.sum())
      .put("commitUnknown", commitUnknown.sum())
      .put("replays", replays.sum())
      .put("connectionResets", resets.sum())
      .put("deadlineExceeded", timeouts.sum())
      .put("stopped", stopped.sum())
      .put("guardRollbacks", guardRollbacks.sum())
      .put("openAtRelease", openAtRelease.sum())
      .put("abandonedConnections", abandoned.sum());
  }
}
