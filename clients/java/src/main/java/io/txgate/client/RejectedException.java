package io.txgate.client;

/** BAD_REQUEST, FRAME_TOO_LARGE, UNKNOWN_OPERATION, FORBIDDEN, UNAUTHENTICATED: txgate refused the request; nothing ran. Fix the request. */
public class RejectedException extends TxgateException {

  private static final long serialVersionUID = 1L;

  RejectedException(String code, String message, boolean retryable, String sqlState, Integer vendorCode, Integer step) {
    super(code, message, retryable, Committed.NO, sqlState, vendorCode, step, null, null);
  }
}
