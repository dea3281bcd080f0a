package io.txgate.client;

/**
 * No answer came within the client's {@code requestTimeoutMs}. The client closed the connection, so
 * that the late answer can never be taken for another request's; the request may still have run:
 * {@link #committed()} is "unknown". Resend it with the same requestKey.
 */
public class ClientTimeoutException extends ConnectionException {

  private static final long serialVersionUID = 1L;

  ClientTimeoutException(String message) {
    super(message, Committed.UNKNOWN, null);
  }
}
