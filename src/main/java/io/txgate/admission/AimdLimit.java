package io.txgate.admission;

/**
 * How many transactions of one kind may run at once: additive increase, multiplicative decrease,
 * as TCP's congestion window and Netflix's concurrency-limits AIMD limiter. A conflict cuts the
 * limit by {@code backoff} (not below {@code min}); each success without a conflict raises it by
 * {@code 1/limit}, so that it grows by about one per round of {@code limit} successes and gets
 * back to {@code max} once the conflicts have faded.
 *
 * <p>A cut happens at most once per {@code limit} completions: the requests already in flight
 * when the limit dropped were admitted under the old limit, and their conflicts say nothing about
 * the new one (without this, one burst of conflicts collapses the limit to {@code min}).
 *
 * <p>Not thread safe: used on one event loop.
 */
public final class AimdLimit {

  private final int min;
  private final int max;
  private final double backoff;
  private volatile double limit;
  /** Completions still to see before the next cut may happen. */
  private int cutHold;

  /**
   * @param min the lowest limit, at least 1
   * @param max the highest limit, where it starts
   * @param backoff the factor a conflict multiplies the limit by, in (0, 1)
   */
  public AimdLimit(int min, int max, double backoff) {
    if (min < 1 || max < min || backoff <= 0 || backoff >= 1) {
      throw new IllegalArgumentException("need 1 <= min <= max and 0 < backoff < 1");
    }
    this.min = min;
    this.max = max;
    this.backoff = backoff;
    this.limit = max;
  }

  /** The limit now, a whole number of transactions. */
  public int limit() {
    return (int) limit;
  }

  /** True when the limit is back at its maximum. */
  public boolean atMax() {
    return limit >= max;
  }

  /** An attempt ended in a conflict. */
  public void conflict() {
    if (cutHold > 0) {
      cutHold--;
      return;
    }
    limit = Math.max(min, limit * backoff);
    cutHold = (int) limit;
  }

  /** An attempt ended without a conflict. */
  public void success() {
    if (cutHold > 0) {
      cutHold--;
    }
    limit = Math.min(max, limit + 1.0 / limit);
  }
}
