package io.txgate.protocol;

/**
 * The one exception type for requests that cannot be served: carries the wire error code, whether
 * the client may retry, and the request id when it could be read. Also used for database errors once
 * they are translated, so that one boundary turns every failure into one response shape.
 */
public final class ProtocolException extends RuntimeException {

  private final ErrorCode code;
  private final boolean retryable;
  private final transient Object id;
  private final String sqlState;
  private final Integer vendorCode;
  private final Integer step;
  private final String ref;

  private ProtocolException(Builder b) {
    super(b.message, null, false, false);
    this.code = b.code;
    this.retryable = b.retryable;
    this.id = b.id;
    this.sqlState = b.sqlState;
    this.vendorCode = b.vendorCode;
    this.step = b.step;
    this.ref = b.ref;
  }

  public ProtocolException(ErrorCode code, String message) {
    this(new Builder(code, message));
  }

  public static Builder builder(ErrorCode code, String message) {
    return new Builder(code, message);
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The request id, or null when it could not be read. */
  public Object id() {
    return id;
  }

  public String sqlState() {
    return sqlState;
  }

  public Integer vendorCode() {
    return vendorCode;
  }

  /** For a batch: the index of the step that failed, or null. */
  public Integer step() {
    return step;
  }

  /**
   * For INTERNAL: the correlation id that the server's log line carries too, so that an operator
   * can find the log entry a client reports; null otherwise.
   */
  public String ref() {
    return ref;
  }

  /** A copy that carries the given request id. */
  public ProtocolException withId(Object requestId) {
    return toBuilder().id(requestId).build();
  }

  /** A copy that names the failing batch step. */
  public ProtocolException atStep(int index) {
    return toBuilder().step(index).build();
  }

  private Builder toBuilder() {
    return new Builder(code, getMessage()).retryable(retryable).id(id)
      .sql(sqlState, vendorCode).step(step).ref(ref);
  }

  /** Builds a {@link ProtocolException}; retryable defaults to the code's own default. */
  public static final class Builder {
    private final ErrorCode code;
    private final String message;
    private boolean retryable;
    private Object id;
    private String sqlState;
    private Integer vendorCode;
    private Integer step;
    private String ref;

    private Builder(ErrorCode code, String message) {
      this.code = code;
      this.message = message;
      this.retryable = code.retryable();
    }

    public Builder retryable(boolean value) {
      this.retryable = value;
      return this;
    }

    public Builder id(Object value) {
      this.id = value;
      return this;
    }

    public Builder sql(String state, Integer vendor) {
      this.sqlState = state;
      this.vendorCode = vendor;
      return this;
    }

    public Builder step(Integer index) {
      this.step = index;
      return this;
    }

    /** The correlation id of an INTERNAL error, shared with its log line. */
    public Builder ref(String value) {
      this.ref = value;
      return this;
    }

    public ProtocolException build() {
      return new ProtocolException(this);
    }
  }
}
