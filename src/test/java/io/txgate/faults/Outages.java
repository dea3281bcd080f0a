package io.txgate.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the fault driver had something down or frozen, what clients got meanwhile, and how long the
 * first successful transfer took after each return. Measured and reported, never asserted.
 */
final class Outages {

  private final AtomicLong epoch = new AtomicLong();
  private volatile String current;
  private volatile long returnedAt;
  private volatile boolean awaitingSuccess;
  private final List<Long> recoveries = Collections.synchronizedList(new ArrayList<>());
  private final List<String> faults = Collections.synchronizedList(new ArrayList<>());
  private long slowestMillis = -1;
  private String slowestWhat = "";

  /** Something goes down now ({@code what} names the fault). */
  void begin(String what) {
    current = what;
    faults.add(what);
    epoch.incrementAndGet();
  }

  /** It is back now: the next successful transfer measures the recovery. */
  void end() {
    synchronized (this) {
      returnedAt = System.nanoTime();
      awaitingSuccess = true;
    }
    current = null;
    epoch.incrementAndGet();
  }

  boolean down() {
    return current != null;
  }

  long epoch() {
    return epoch.get();
  }

  String current() {
    String c = current;
    return c == null ? "none" : c;
  }

  /** A successful transfer just came back. */
  void success() {
    if (!awaitingSuccess || down()) {
      return;
    }
    synchronized (this) {
      if (awaitingSuccess) {
        awaitingSuccess = false;
        recoveries.add((System.nanoTime() - returnedAt) / 1_000_000);
      }
    }
  }

  /** An answer to a request that was in flight while something was down. */
  synchronized void answeredDuringOutage(long millis, String what) {
    if (millis > slowestMillis) {
      slowestMillis = millis;
      slowestWhat = what;
    }
  }

  String summary() {
    List<Long> sorted;
    synchronized (recoveries) {
      sorted = new ArrayList<>(recoveries);
    }
    Collections.sort(sorted);
    String recovery = sorted.isEmpty() ? "no recovery measured"
      : String.format("return to first successful transfer: max %d ms, median %d ms over %d returns",
        sorted.get(sorted.size() - 1), sorted.get(sorted.size() / 2), sorted.size());
    synchronized (this) {
      return String.format("faults %d, slowest answer during an outage %d ms (%s), %s", faults.size(), slowestMillis,
        slowestWhat, recovery);
    }
  }
}
