package io.txgate.client;

/**
 * Code {@code CONNECTION}: the client could not connect, or the connection failed or was closed
 * before the answer came. Retryable. {@link #committed()} is "unknown" when the request had been
 * sent (resend it only with its requestKey), "no" when it never left the client. The client's
 * connection is closed.
 */
public class ConnectionException extends TxgateException {

  private static final long serialVersionUID = 1L;

  ConnectionException(String message, Committed committed, Throwable cause) {
    super("CONNECTION", message, true, committed, null, null, null, null, cause);
  }
}
