package io.txgate.client;

/** SQL_ERROR, RESULT_TOO_LARGE: the database rejected a statement, or it returned too many rows; the transaction was rolled back. {@link #sqlState()} and {@link #vendorCode()} say why. */
public class SqlErrorException extends TxgateException {

  private static final long serialVersionUID = 1L;

  SqlErrorException(String code, String message, boolean retryable, String sqlState, Integer vendorCode, Integer step) {
    super(code, message, retryable, Committed.NO, sqlState, vendorCode, step, null, null);
  }
}
