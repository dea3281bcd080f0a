package io.txgate.client;

/** UNAVAILABLE, BUSY, TIMEOUT, RETRIES_EXHAUSTED: retryable, and nothing was committed. Back off, then send the request again. */
public class TransientException extends TxgateException {

  private static final long serialVersionUID = 1L;

  TransientException(String code, String message, boolean retryable, String sqlState, Integer vendorCode, Integer step) {
    super(code, message, retryable, Committed.NO, sqlState, vendorCode, step, null, null);
  }
}
