package io.txgate.client;

/** COMMIT_UNKNOWN: the transaction may or may not have committed. Resend only with the same requestKey, or read the data first. */
public class CommitUnknownException extends TxgateException {

  private static final long serialVersionUID = 1L;

  CommitUnknownException(String code, String message, boolean retryable, String sqlState, Integer vendorCode, Integer step) {
    super(code, message, retryable, Committed.UNKNOWN, sqlState, vendorCode, step, null, null);
  }
}
