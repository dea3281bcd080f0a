package io.txgate.protocol;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where a request's reads may come from, the request field {@code consistency}. {@code "any"} (the
 * default): a {@code readOnly} request may be answered by a read replica within the lag limit.
 * {@code "primary"}: always the primary, for a read that must see every committed write.
 */
public enum Consistency {
  ANY("any"),
  PRIMARY("primary");

  private final String wire;

  Consistency(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The value for its wire name; an unknown name is an {@link IllegalArgumentException} naming the valid ones. */
  public static Consistency of(String name) {
    for (Consistency c : values()) {
      if (c.wire.equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("'consistency' must be one of " + names() + "; got '"
      + JsonLine.truncate(name, 64) + "'");
  }

  /** The wire names, quoted, e.g. {@code "any", "primary"}. */
  public static String names() {
    return Arrays.stream(values()).map(c -> '"' + c.wire + '"').collect(Collectors.joining(", "));
  }
}
