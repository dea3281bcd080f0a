package io.txgate.access;

/**
 * A failed authentication. {@link #reason} is the label of {@code txgate_auth_failures_total}; the
 * message goes to the client and names no secret.
 */
public final class AuthFailure extends RuntimeException {

  /** Why an authentication failed, as the metrics label it. */
  public enum Reason {
    /** The first request was not a {@code hello}. */
    NOT_HELLO,
    /** A {@code hello} with both {@code token} and {@code jwt}, or with neither and no client certificate. */
    NO_CREDENTIAL,
    /** No configured client has that name and that kind of credential. */
    UNKNOWN_CLIENT,
    /** The token did not match the client's hash. */
    BAD_TOKEN,
    /** The JWT's signature, algorithm or time claims did not verify. */
    BAD_JWT,
    /** The address failed too often lately; the credential was not checked. */
    THROTTLED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  public AuthFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
