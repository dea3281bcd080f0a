package io.txgate.client;

import java.util.Locale;

/**
 * Where a {@code readOnly} request may be answered ({@link TxOptions#consistency}): {@code ANY}, the
 * server's default, lets it go to a read replica within the server's lag limit; {@code PRIMARY}
 * keeps it on the primary, for a read that must see every committed write.
 */
public enum Consistency {
  ANY, PRIMARY;

  /** The value on the wire: {@code "any"} or {@code "primary"}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
