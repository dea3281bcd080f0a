package io.txgate.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fixed histogram behind a digest's p50 and p99: its buckets and the precision of its quantiles. */
class LatencyHistogramTest {

  @Test
  void bucketsTileTheRangeWithoutGapsOrOverlaps() {
    for (int i = 0; i + 1 < LatencyHistogram.BUCKETS; i++) {
      assertThat(LatencyHistogram.upperNanos(i)).as("bucket %d ends where %d starts", i, i + 1)
        .isEqualTo(LatencyHistogram.lowerNanos(i + 1));
      assertThat(LatencyHistogram.index(LatencyHistogram.lowerNanos(i))).isEqualTo(i);
      assertThat(LatencyHistogram.index(LatencyHistogram.upperNanos(i) - 1)).isEqualTo(i);
    }
    // About 137 s at the top; anything longer, and anything negative, stays in range.
    assertThat(LatencyHistogram.upperNanos(LatencyHistogram.BUCKETS - 1)).isEqualTo(1L << 37);
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    assertThat(LatencyHistogram.index(-5)).isZero();
  }

  @Test
  void quantilesAreWithinSixPercent() {
    LatencyHistogram h = new LatencyHistogram();
    // 1 ms .. 100 ms, uniformly: p50 is 50.5 ms, p99 99.01 ms.
    for (int i = 1; i <= 10_000; i++) {
      h.record(i * 10_000L);
    }
    assertThat((double) h.quantile(0.5)).isCloseTo(50_500_000, within(50_500_000 * 0.06));
    assertThat((double) h.quantile(0.99)).isCloseTo(99_010_000, within(99_010_000 * 0.06));
    assertThat(new LatencyHistogram().quantile(0.99)).as("nothing recorded").isZero();
  }

  @Test
  void aSingleSlowStatementShowsInP99NotP50() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 99; i++) {
      h.record(1_000_000);
    }
    h.record(2_000_000_000L);
    assertThat(h.quantile(0.5)).isLessThan(1_100_000);
    assertThat(h.quantile(0.99)).isLessThan(1_100_000);
    assertThat(h.quantile(0.999)).isGreaterThan(1_900_000_000L);
  }
}
