package io.txgate.client;

/**
 * What an error says about the data (PROTOCOL.md, "What an error says about the data"): whether the
 * request's transaction committed.
 */
public enum Committed {
  /** Nothing of the request was committed: it did not run, or it was rolled back. */
  NO("no"),
  /** It may or may not have committed: COMMIT_UNKNOWN, or the connection was lost with the request in flight. */
  UNKNOWN("unknown"),
  /** It committed. No error code of protocol version 1 says this; kept so that every client has the same three values. */
  YES("yes");

  private final String wire;

  Committed(String wire) {
    this.wire = wire;
  }

  /** {@code "no"}, {@code "unknown"} or {@code "yes"}, as every txgate client spells it. */
  @Override
  public String toString() {
    return wire;
  }
}
