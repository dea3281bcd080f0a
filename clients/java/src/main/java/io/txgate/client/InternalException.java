package io.txgate.client;

/** INTERNAL: a bug in txgate; the transaction was rolled back. Report it with {@link #ref()}. */
public class InternalException extends TxgateException {

  private static final long serialVersionUID = 1L;

  InternalException(String code, String message, boolean retryable, String sqlState, Integer vendorCode, Integer step,
                    String ref) {
    super(code, message, retryable, Committed.NO, sqlState, vendorCode, step, ref, null);
  }
}
