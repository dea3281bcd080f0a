package io.txgate.access;

import java.util.Set;

/**
 * What one client may do.
 *
 * @param rawSql whether it may send {@code execute} and {@code batch}
 * @param operations the named operations it may {@code call}; {@code *} alone means all of them
 * @param readOnly whether it may only read: its statements must be reads and run in read-only transactions
 * @param maxConnections its open connections, all protocol instances together (0: no cap of its own)
 * @param requestsPerSecond its sustained request rate, all connections together (0: no limit)
 */
public record Permissions(boolean rawSql, Set<String> operations, boolean readOnly, int maxConnections,
                          int requestsPerSecond) {

  /** The word that, alone in {@code operations}, allows every named operation. */
  public static final String ALL_OPERATIONS = "*";

  public Permissions {
    operations = Set.copyOf(operations);
  }

  /** Whether it may call the named operation {@code name}. */
  public boolean mayCall(String name) {
    return operations.contains(ALL_OPERATIONS) || operations.contains(name);
  }
}
