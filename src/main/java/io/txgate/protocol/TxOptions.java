package io.txgate.protocol;

/**
 * Per-request transaction options, each null when the request did not set it.
 *
 * @param isolation the isolation level for this one transaction
 * @param readOnly run as {@code START TRANSACTION READ ONLY}
 * @param requestKey client-chosen key that makes the request exactly-once (at most 64 characters)
 * @param maxAttempts how often a transient conflict may run the transaction; lowered, never raised,
 *     against the server's limit
 * @param requestHash a digest of the request's content, so that a key reused for a different
 *     request is refused rather than answered with the wrong stored response
 * @param timeoutMs the request's deadline in milliseconds, capped by the server's
 *     {@code tx.requestTimeoutMs}; it covers the wait for a connection, every statement, the
 *     retries and COMMIT
 * @param consistency where a {@code readOnly} request's reads may come from ({@code "primary"}: never
 *     a replica)
 * @param trace the client's W3C trace context, continued by txgate's spans while tracing is on
 */
public record TxOptions(Isolation isolation, Boolean readOnly, String requestKey, Integer maxAttempts,
                        String requestHash, Integer timeoutMs, Consistency consistency, TraceContext trace) {

  public static final TxOptions NONE = new TxOptions(null, null, null, null, null, null, null, null);

  /** Options without a trace context. */
  public TxOptions(Isolation isolation, Boolean readOnly, String requestKey, Integer maxAttempts,
                   String requestHash, Integer timeoutMs, Consistency consistency) {
    this(isolation, readOnly, requestKey, maxAttempts, requestHash, timeoutMs, consistency, null);
  }

  /** Options without a {@code consistency}. */
  public TxOptions(Isolation isolation, Boolean readOnly, String requestKey, Integer maxAttempts,
                   String requestHash, Integer timeoutMs) {
    this(isolation, readOnly, requestKey, maxAttempts, requestHash, timeoutMs, null);
  }

  public static final int MAX_REQUEST_KEY = 64;

  public boolean isReadOnly() {
    return Boolean.TRUE.equals(readOnly);
  }

  /** Whether the request insists on the primary. */
  public boolean primaryOnly() {
    return consistency == Consistency.PRIMARY;
  }
}
