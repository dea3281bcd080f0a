package io.txgate.client;

import java.util.Map;

/**
 * The options of one request (PROTOCOL.md section 3.5), every one optional: isolation, readOnly,
 * requestKey, maxAttempts, timeoutMs and consistency. A {@code call} takes requestKey, maxAttempts,
 * timeoutMs and consistency only; isolation and readOnly on a call are refused by the server.
 *
 * <pre>{@code
 * TxOptions.create().requestKey(RequestKeys.random()).timeoutMs(2_000)
 * }</pre>
 */
public final class TxOptions {

  private Isolation isolation;
  private Boolean readOnly;
  private String requestKey;
  private Integer maxAttempts;
  private Integer timeoutMs;
  private Consistency consistency;
  private String traceparent;

  private TxOptions() {
  }

  public static TxOptions create() {
    return new TxOptions();
  }

  /** This transaction's isolation level; by default the server's {@code tx.isolation}. */
  public TxOptions isolation(Isolation level) {
    this.isolation = level;
    return this;
  }

  /** Runs as {@code START TRANSACTION READ ONLY}; a write then fails with SQL_ERROR 1792. */
  public TxOptions readOnly(boolean value) {
    this.readOnly = value;
    return this;
  }

  /**
   * Makes the request exactly-once (PROTOCOL.md section 5.2): 1 to 64 characters, unique per logical
   * operation. See {@link RequestKeys}.
   */
  public TxOptions requestKey(String key) {
    this.requestKey = RequestKeys.check(key);
    return this;
  }

  /** The most times the transaction may run on transient conflicts (at least 1). */
  public TxOptions maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = attempts;
    return this;
  }

  /**
   * The request's deadline on the server, in milliseconds (at least 1): past it the answer is
   * TIMEOUT and nothing was committed. It can shorten the server's {@code tx.requestTimeoutMs}, never
   * lengthen it.
   */
  public TxOptions timeoutMs(int millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("timeoutMs must be at least 1");
    }
    this.timeoutMs = millis;
    return this;
  }

  /**
   * {@link Consistency#PRIMARY}: a readOnly request is answered by the primary, never by one of the
   * server's read replicas, which may lag behind it. By default ({@link Consistency#ANY}) it may be.
   */
  public TxOptions consistency(Consistency value) {
    this.consistency = value;
    return this;
  }

  /**
   * The caller's W3C trace context, as its {@code traceparent} header would carry it
   * ({@code "00-<32 hex trace id>-<16 hex span id>-<2 hex flags>"}): on a server with tracing on,
   * the request's spans join that trace. An invalid value is ignored by the server, never refused.
   */
  public TxOptions traceparent(String value) {
    this.traceparent = value;
    return this;
  }

  public Isolation isolation() {
    return isolation;
  }

  public Boolean readOnly() {
    return readOnly;
  }

  public String requestKey() {
    return requestKey;
  }

  public Integer maxAttempts() {
    return maxAttempts;
  }

  public Integer timeoutMs() {
    return timeoutMs;
  }

  public Consistency consistency() {
    return consistency;
  }

  public String traceparent() {
    return traceparent;
  }

  void writeTo(Map<String, Object> request) {
    if (isolation != null) {
      request.put("isolation", isolation.name());
    }
    if (readOnly != null) {
      request.put("readOnly", readOnly);
    }
    if (requestKey != null) {
      request.put("requestKey", requestKey);
    }
    if (maxAttempts != null) {
      request.put("maxAttempts", maxAttempts);
    }
    if (timeoutMs != null) {
      request.put("timeoutMs", timeoutMs);
    }
    if (consistency != null) {
      request.put("consistency", consistency.wire());
    }
    if (traceparent != null) {
      request.put("traceparent", traceparent);
    }
  }
}
