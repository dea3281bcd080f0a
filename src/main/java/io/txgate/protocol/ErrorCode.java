package io.txgate.protocol;

import java.util.Locale;

/**
 * Every error code a client can receive, as it appears on the wire in {@code error.code}.
 * PROTOCOL.md documents each one; the {@code retryable} flag is the default a response carries.
 */
public enum ErrorCode {
  /**
   * Malformed JSON, invalid UTF-8, or a missing or ill-typed field; also a parameter count that does
   * not match the statement's placeholders. Never logged above DEBUG. The connection stays open.
   */
  BAD_REQUEST(false),
  /** The frame exceeded the configured maximum; the server answers, then closes the connection. */
  FRAME_TOO_LARGE(false),
  /** The {@code op} is not one this server knows. */
  UNKNOWN_OPERATION(false),
  /** The database rejected a statement; carries {@code sqlState} and {@code vendorCode}. */
  SQL_ERROR(false),
  /** The database cannot be reached, or the server is shutting down. Nothing was committed. */
  UNAVAILABLE(true),
  /** The connection pool's wait queue is full or no connection came free in time. Nothing ran. */
  BUSY(true),
  /** The connection to the database broke during COMMIT: the transaction may or may not have committed. */
  COMMIT_UNKNOWN(false),
  /**
   * The request's deadline ({@code timeoutMs}, or the server's {@code tx.requestTimeoutMs}) passed
   * before it finished: its running statement was stopped on the database and the transaction rolled
   * back. Nothing was committed. A deadline that passes during COMMIT is COMMIT_UNKNOWN instead.
   */
  TIMEOUT(true),
  /** A result had more rows than the configured maximum; the transaction was rolled back. */
  RESULT_TOO_LARGE(false),
  /** A statement missed its expectation ({@code expect}); the transaction was rolled back. */
  CONFLICT(false),
  /**
   * Transient conflicts (deadlock, lock wait timeout, serialization failure) persisted through every
   * allowed attempt. Nothing was applied; the request may be sent again.
   */
  RETRIES_EXHAUSTED(true),
  /**
   * The server does not allow this request: raw SQL when {@code allowRawSql} is false, or a
   * permission the authenticated client lacks (the message names it). Nothing ran.
   */
  FORBIDDEN(false),
  /**
   * The connection has not authenticated: its first request was not a {@code hello} with a valid
   * {@code token} or {@code jwt}, or its address failed too often lately. The connection closes.
   */
  UNAUTHENTICATED(false),
  /**
   * A bug in txgate; the transaction was rolled back. The error carries a correlation id ({@code
   * ref}, also in its message) that the server's one ERROR log line about it carries too.
   */
  INTERNAL(false);

  private final boolean retryable;

  ErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether a client may send the same request again as it is. */
  public boolean retryable() {
    return retryable;
  }

  /** Looks a wire name up; throws on an unknown one rather than guessing. */
  public static ErrorCode of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
