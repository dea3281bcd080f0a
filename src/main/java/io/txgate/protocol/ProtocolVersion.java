package io.txgate.protocol;

/**
 * The protocol version this server speaks, the number in PROTOCOL.md's title. The request decoder
 * refuses a {@code hello} that asks for any other ({@code {"id":1,"op":"hello","protocol":2}} is
 * {@code BAD_REQUEST}), and the {@code hello} reply announces it.
 */
public final class ProtocolVersion {

  /** Raised only by a change that an existing client could misread; optional fields need none. */
  public static final int CURRENT = 1;

  private ProtocolVersion() {
  }
}
