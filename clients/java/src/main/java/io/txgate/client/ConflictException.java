package io.txgate.client;

/** CONFLICT: a statement missed its expectation ({@link #step()} names it); the transaction was rolled back. Read again and decide. */
public class ConflictException extends TxgateException {

  private static final long serialVersionUID = 1L;

  ConflictException(String code, String message, boolean retryable, String sqlState, Integer vendorCode, Integer step) {
    super(code, message, retryable, Committed.NO, sqlState, vendorCode, step, null, null);
  }
}
