package io.txgate.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Transaction isolation levels, by their wire names; {@link #sql()} is MySQL's spelling. */
public enum Isolation {
  READ_UNCOMMITTED("READ UNCOMMITTED"),
  READ_COMMITTED("READ COMMITTED"),
  REPEATABLE_READ("REPEATABLE READ"),
  SERIALIZABLE("SERIALIZABLE");

  private final String sql;

  Isolation(String sql) {
    this.sql = sql;
  }

  /** The level as it appears in {@code SET TRANSACTION ISOLATION LEVEL ...}. */
  public String sql() {
    return sql;
  }

  /** Looks a wire name up; throws with the list of valid names on anything else. */
  public static Isolation of(String name) {
    for (Isolation i : values()) {
      if (i.name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("isolation must be one of " + names() + ", not '" + name + "'");
  }

  /**
   * Reads the server's own spelling: {@code REPEATABLE-READ} from {@code @@transaction_isolation},
   * or {@code REPEATABLE READ}.
   */
  public static Isolation fromServer(String value) {
    return of(value.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
  }

  public static String names() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
