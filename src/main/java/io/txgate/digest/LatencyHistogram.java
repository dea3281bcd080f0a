package io.txgate.digest;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latency quantiles in a fixed amount of memory: 200 counters of logarithmic buckets, eight per
 * power of two, from about 1 µs to about 137 s (longer times land in the last bucket). A quantile
 * is the middle of the bucket it falls in, so it is within about 6% of the true value; never a
 * list of samples, whatever the traffic. Recording is one atomic increment, lock-free, so several
 * event loops can record into one histogram.
 *
 * <p>The layout is HdrHistogram's with one significant binary digit of three bits: a value {@code v}
 * (in units of 1024 ns) below 8 has a bucket of its own; above, its top four bits pick one of eight
 * buckets within its power of two. 1.6 KB per histogram, against several KB for an HdrHistogram of
 * the same range at two decimal digits, and no phaser between writers and readers.
 */
final class LatencyHistogram {

  private static final int SUB = 8;
  private static final int OCTAVES = 24;
  static final int BUCKETS = SUB + OCTAVES * SUB;
  /** Nanoseconds to units: 2^10 ns, about one microsecond. */
  private static final int UNIT_SHIFT = 10;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long nanos) {
    counts.incrementAndGet(index(nanos));
  }

  static int index(long nanos) {
    long v = Math.max(0, nanos) >> UNIT_SHIFT;
    if (v < SUB) {
      return (int) v;
    }
    int shift = 63 - Long.numberOfLeadingZeros(v) - 3;
    return Math.min(BUCKETS - 1, SUB + shift * SUB + (int) (v >> shift) - SUB);
  }

  /** The lowest value of bucket {@code i}, in nanoseconds. */
  static long lowerNanos(int i) {
    if (i < SUB) {
      return (long) i << UNIT_SHIFT;
    }
    int shift = (i - SUB) / SUB;
    long top = SUB + (i - SUB) % SUB;
    return (top << shift) << UNIT_SHIFT;
  }

  /** The first value past bucket {@code i}, in nanoseconds. */
  static long upperNanos(int i) {
    if (i < SUB) {
      return (long) (i + 1) << UNIT_SHIFT;
    }
    int shift = (i - SUB) / SUB;
    long top = SUB + (i - SUB) % SUB;
    return ((top + 1) << shift) << UNIT_SHIFT;
  }

  /**
   * The value at quantile {@code q} (0.5, 0.99), in nanoseconds: the middle of its bucket; 0 when
   * nothing was recorded. Read while others record, it is a quantile of some recent moment's counts.
   */
  long quantile(double q) {
    long[] snapshot = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return (lowerNanos(i) + upperNanos(i)) / 2;
      }
    }
    return (lowerNanos(BUCKETS - 1) + upperNanos(BUCKETS - 1)) / 2;
  }
}
