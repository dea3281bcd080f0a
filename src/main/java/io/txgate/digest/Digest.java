package io.txgate.digest;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one statement fingerprint, run by one named operation (or by ad-hoc SQL), has cost: calls,
 * rows, errors by code, retries by cause, expectation conflicts and latency. Counters are {@link
 * LongAdder}s and the histogram is lock-free: the event loops that run statements record into the
 * same entry without a lock, and a reader sees each figure as of some recent moment.
 */
public final class Digest {

  /** The retry causes, as {@code TransactionRunner} names them in {@code retriesByCause}. */
  static final String[] CAUSES = {"deadlock", "lockWaitTimeout", "snapshotConflict", "serializationFailure"};

  /** Recording the time a digest was last used is skipped when it was set less than this ago. */
  private static final long TOUCH_NANOS = 1_000_000;

  private final String fingerprint;
  private final String op;
  private final LongAdder calls = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final AtomicLong maxNanos = new AtomicLong();
  private final AtomicLongArray retries = new AtomicLongArray(CAUSES.length);
  private final LatencyHistogram latency = new LatencyHistogram();
  /** Created at the first error: most statements never fail. */
  private volatile Map<String, LongAdder> errors;
  /** {@link System#nanoTime()} when last used, to within {@link #TOUCH_NANOS}: the LRU's clock. */
  private volatile long lastUsed;
  private String id;

  Digest(String fingerprint, String op, long now) {
    this.fingerprint = fingerprint;
    this.op = op;
    this.lastUsed = now;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** The named operation's name, or {@code ""} for ad-hoc SQL. */
  public String op() {
    return op;
  }

  long lastUsed() {
    return lastUsed;
  }

  /**
   * A short, stable name for this digest, fit for a metrics label: the first 16 hex digits of the
   * SHA-256 of the fingerprint, a NUL and the operation name. The same statement has the same id on
   * every node and across restarts; the SQL itself never becomes a label.
   */
  public String id() {
    String s = id;
    if (s == null) {
      s = id(fingerprint, op);
      id = s;
    }
    return s;
  }

  static String id(String fingerprint, String op) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest((fingerprint + '\0' + op).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** One statement answered: it took {@code nanos} and returned or changed {@code rowCount} rows. */
  void succeeded(long nanos, long rowCount, long now) {
    timed(nanos, now);
    rows.add(rowCount);
  }

  /** One statement failed with {@code code} (e.g. {@code SQL_ERROR/1062}). */
  void failed(long nanos, String code, long now) {
    timed(nanos, now);
    Map<String, LongAdder> e = errors;
    if (e == null) {
      synchronized (this) {
        e = errors;
        if (e == null) {
          e = new ConcurrentHashMap<>();
          errors = e;
        }
      }
    }
    e.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  /** One statement hit a transient conflict, and its transaction runs again. */
  void retried(long nanos, int cause, long now) {
    timed(nanos, now);
    retries.incrementAndGet(cause);
  }

  /** A step's expectation did not hold on this statement's result. */
  void conflicted() {
    conflicts.increment();
  }

  private void timed(long nanos, long now) {
    calls.increment();
    totalNanos.add(nanos);
    latency.record(nanos);
    long max = maxNanos.get();
    while (nanos > max && !maxNanos.compareAndSet(max, nanos)) {
      max = maxNanos.get();
    }
    // Written only when it moved: a hot statement on several event loops does not bounce the line.
    if (now - lastUsed > TOUCH_NANOS) {
      lastUsed = now;
    }
  }

  public long calls() {
    return calls.sum();
  }

  public long rows() {
    return rows.sum();
  }

  public long conflicts() {
    return conflicts.sum();
  }

  public long totalNanos() {
    return totalNanos.sum();
  }

  public long maxNanos() {
    return maxNanos.get();
  }

  /** The latency at quantile {@code q}, in nanoseconds, never above the largest seen. */
  public long quantileNanos(double q) {
    return Math.min(latency.quantile(q), maxNanos.get());
  }

  public long errors() {
    Map<String, LongAdder> e = errors;
    long n = 0;
    if (e != null) {
      for (LongAdder a : e.values()) {
        n += a.sum();
      }
    }
    return n;
  }

  public long retries() {
    long n = 0;
    for (int i = 0; i < CAUSES.length; i++) {
      n += retries.get(i);
    }
    return n;
  }

  /** The row of {@code GET /api/statements}. */
  public JsonObject toJson() {
    JsonObject errorsByCode = new JsonObject();
    Map<String, LongAdder> e = errors;
    if (e != null) {
      new java.util.TreeMap<>(e).forEach((k, v) -> errorsByCode.put(k, v.sum()));
    }
    JsonObject retriesByCause = new JsonObject();
    for (int i = 0; i < CAUSES.length; i++) {
      long n = retries.get(i);
      if (n > 0) {
        retriesByCause.put(CAUSES[i], n);
      }
    }
    long calls = calls();
    return new JsonObject()
      .put("digest", id())
      .put("fingerprint", fingerprint)
      .put("op", op)
      .put("calls", calls)
      .put("rows", rows())
      .put("errors", errorsByCode)
      .put("retries", retriesByCause)
      .put("conflicts", conflicts())
      .put("p50Ms", calls == 0 ? null : millis(quantileNanos(0.5)))
      .put("p99Ms", calls == 0 ? null : millis(quantileNanos(0.99)))
      .put("maxMs", calls == 0 ? null : millis(maxNanos()))
      .put("totalMs", millis(totalNanos()));
  }

  static double millis(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }
}
