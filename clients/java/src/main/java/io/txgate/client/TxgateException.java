package io.txgate.client;

import java.util.Map;

/**
 * An error answer from txgate, or a failure of the connection to it. Every error keeps
 * {@link #code()}, {@link #retryable()} (as the server sent it; true for connection failures) and
 * {@link #committed()}. The subclasses are the families of codes:
 *
 * <table>
 * <caption>Families</caption>
 * <tr><th>class</th><th>codes</th><th>retryable</th><th>committed</th></tr>
 * <tr><td>{@link RejectedException}</td><td>BAD_REQUEST, FRAME_TOO_LARGE, UNKNOWN_OPERATION, FORBIDDEN, UNAUTHENTICATED</td><td>no</td><td>no</td></tr>
 * <tr><td>{@link SqlErrorException}</td><td>SQL_ERROR, RESULT_TOO_LARGE</td><td>no</td><td>no</td></tr>
 * <tr><td>{@link ConflictException}</td><td>CONFLICT</td><td>no</td><td>no</td></tr>
 * <tr><td>{@link TransientException}</td><td>UNAVAILABLE, BUSY, TIMEOUT, RETRIES_EXHAUSTED</td><td>yes</td><td>no</td></tr>
 * <tr><td>{@link CommitUnknownException}</td><td>COMMIT_UNKNOWN</td><td>no</td><td>unknown</td></tr>
 * <tr><td>{@link InternalException}</td><td>INTERNAL</td><td>no</td><td>no</td></tr>
 * <tr><td>{@link ConnectionException}</td><td>CONNECTION (client side)</td><td>yes</td><td>unknown if the request was sent, else no</td></tr>
 * </table>
 *
 * A code this client does not know is a plain TxgateException with committed "no".
 */
public class TxgateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean retryable;
  private final Committed committed;
  private final String sqlState;
  private final Integer vendorCode;
  private final Integer step;
  private final String ref;

  protected TxgateException(String code, String message, boolean retryable, Committed committed, String sqlState,
                            Integer vendorCode, Integer step, String ref, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
    this.retryable = retryable;
    this.committed = committed;
    this.sqlState = sqlState;
    this.vendorCode = vendorCode;
    this.step = step;
    this.ref = ref;
  }

  /** The exception for a server's {@code error} object, of the class of its code's family. */
  public static TxgateException fromError(Map<String, Object> error) {
    String code = error.get("code") instanceof String s ? s : "INTERNAL";
    String message = error.get("message") instanceof String s ? s : "";
    boolean retryable = Boolean.TRUE.equals(error.get("retryable"));
    String sqlState = error.get("sqlState") instanceof String s ? s : null;
    Integer vendorCode = error.get("vendorCode") instanceof Number n ? Integer.valueOf(n.intValue()) : null;
    Integer step = error.get("step") instanceof Number n ? Integer.valueOf(n.intValue()) : null;
    String ref = error.get("ref") instanceof String s ? s : null;
    switch (code) {
      case "BAD_REQUEST", "FRAME_TOO_LARGE", "UNKNOWN_OPERATION", "FORBIDDEN", "UNAUTHENTICATED":
        return new RejectedException(code, message, retryable, sqlState, vendorCode, step);
      case "SQL_ERROR", "RESULT_TOO_LARGE":
        return new SqlErrorException(code, message, retryable, sqlState, vendorCode, step);
      case "CONFLICT":
        return new ConflictException(code, message, retryable, sqlState, vendorCode, step);
      case "UNAVAILABLE", "BUSY", "TIMEOUT", "RETRIES_EXHAUSTED":
        return new TransientException(code, message, retryable, sqlState, vendorCode, step);
      case "COMMIT_UNKNOWN":
        return new CommitUnknownException(code, message, retryable, sqlState, vendorCode, step);
      case "INTERNAL":
        return new InternalException(code, message, retryable, sqlState, vendorCode, step, ref);
      default:
        return new TxgateException(code, message, retryable, Committed.NO, sqlState, vendorCode, step, ref, null);
    }
  }

  /** The error code: one of PROTOCOL.md section 6, or {@code CONNECTION} for a failure of the connection. */
  public String code() {
    return code;
  }

  /** Whether sending the same request again may succeed, as the server said (true for connection failures). */
  public boolean retryable() {
    return retryable;
  }

  /** Whether the request's transaction committed: no, unknown or yes. */
  public Committed committed() {
    return committed;
  }

  /** The database's SQLSTATE, when the database produced the error. */
  public String sqlState() {
    return sqlState;
  }

  /** The database's error number, when the database produced the error. */
  public Integer vendorCode() {
    return vendorCode;
  }

  /** The failing step of a batch or operation (0 for an execute's CONFLICT), or null. */
  public Integer step() {
    return step;
  }

  /** The correlation id of an INTERNAL error, which the server's log line carries too; else null. */
  public String ref() {
    return ref;
  }
}
