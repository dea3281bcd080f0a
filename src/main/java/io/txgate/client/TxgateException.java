package io.txgate.client;

import io.vertx.core.json.JsonObject;

/**
 * An error answer from txgate, or a failure of the connection itself (code {@code CONNECTION}, or
 * {@code TIMEOUT} when no answer came in time). {@link #retryable()} says whether sending the same
 * request again may succeed.
 */
public final class TxgateException extends RuntimeException {

  private final String code;
  private final boolean retryable;
  private final String sqlState;
  private final Integer vendorCode;
  private final Integer step;

  public TxgateException(String code, String message, boolean retryable, String sqlState, Integer vendorCode,
                         Integer step) {
    super(code + ": " + message, null, false, false);
    this.code = code;
    this.retryable = retryable;
    this.sqlState = sqlState;
    this.vendorCode = vendorCode;
    this.step = step;
  }

  static TxgateException of(JsonObject error) {
    return new TxgateException(error.getString("code", "INTERNAL"), error.getString("message", ""),
      error.getBoolean("retryable", false), error.getString("sqlState"), error.getInteger("vendorCode"),
      error.getInteger("step"));
  }

  static TxgateException connection(String message, boolean retryable) {
    return new TxgateException("CONNECTION", message, retryable, null, null, null);
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  public String sqlState() {
    return sqlState;
  }

  public Integer vendorCode() {
    return vendorCode;
  }

  /** The failing step of a batch or operation, or null. */
  public Integer step() {
    return step;
  }
}
