package io.txgate.bench;

import java.util.Arrays;
import java.util.List;

/** Medians, spreads and percentiles: the arithmetic the report rests on, kept pure so it is tested. */
final class Stats {

  private Stats() {
  }

  /** The median; of an even count, the mean of the two middle values. NaN for none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }

  static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /**
   * The nearest-rank percentile of sorted values (the smallest value at or above p percent of
   * them), in the values' own unit; 0 for none.
   */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Every round's values in one sorted array, so that percentiles cover all rounds alike. */
  static long[] mergeSorted(List<long[]> rounds) {
    long[] all = new long[rounds.stream().mapToInt(r -> r.length).sum()];
    int at = 0;
    for (long[] r : rounds) {
      System.arraycopy(r, 0, all, at, r.length);
      at += r.length;
    }
    Arrays.sort(all);
    return all;
  }
}
