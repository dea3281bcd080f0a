package io.txgate.digest;

import java.util.Locale;
import java.util.function.ToLongFunction;

/** What {@code GET /api/statements?sort=} orders digests by, highest first. */
public enum DigestSort {
  TOTAL(Digest::totalNanos),
  P99(d -> d.quantileNanos(0.99)),
  ERRORS(Digest::errors),
  RETRIES(Digest::retries),
  CALLS(Digest::calls);

  private final ToLongFunction<Digest> value;

  DigestSort(ToLongFunction<Digest> value) {
    this.value = value;
  }

  long value(Digest d) {
    return value.applyAsLong(d);
  }

  /** The sort named {@code total}, {@code p99}, {@code errors}, {@code retries} or {@code calls}. */
  public static DigestSort of(String name) {
    for (DigestSort s : values()) {
      if (s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("sort must be one of total, p99, errors, retries, calls; not '" + name + "'");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
