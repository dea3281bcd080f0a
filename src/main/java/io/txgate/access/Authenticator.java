package io.txgate.access;

import io.txgate.metrics.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the credential a connection presents in {@code hello} against the configured clients.
 *
 * <ul>
 *   <li>A token names its client in {@code hello}'s {@code client} field and is checked against
 *       that client's PBKDF2 hash, on a worker thread: a check takes tens of milliseconds by design,
 *       far too long for an event loop.
 *   <li>A JWT is verified with {@code protocol.jwtKey} (signature, algorithm, {@code exp} and
 *       {@code nbf}); its {@code sub} claim names the client.
 *   <li>A {@code hello} with neither, on a connection whose TLS handshake verified a client
 *       certificate, is that certificate's: its subject CN names a {@code certificate} client. The
 *       handshake already checked it against {@code protocol.tls.caFile}; nothing is left to verify.
 * </ul>
 *
 * <p>Every failure is counted in {@code txgate_auth_failures_total{reason}} and logged with the
 * address, the claimed name and the reason, never the credential. Failures from one address are
 * throttled by {@link FailureThrottle}; the log line of a throttled attempt is DEBUG, so a flood
 * cannot fill the log.
 *
 * <p>The clients come from a supplier read once per check: a reload replaces them, while the
 * throttle's memory of failed attempts stays.
 */
public final class Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  /** The answer for a wrong name or credential: the same either way, so it tells a guesser nothing. */
  private static final String FAILED = "authentication failed: unknown client or wrong credential";

  /** Control characters in a certificate's CN would forge log lines. */
  private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}");

  private final Vertx vertx;
  private final Supplier<Clients> clients;
  private final FailureThrottle throttle;
  private final Telemetry telemetry;

  public Authenticator(Vertx vertx, Supplier<Clients> clients, int failureLimit, int failureWindowSeconds,
                       Telemetry telemetry) {
    this.vertx = vertx;
    this.clients = clients;
    this.throttle = new FailureThrottle(failureLimit, failureWindowSeconds * 1000L);
    this.telemetry = telemetry;
  }

  /** Whether connections must authenticate: true as soon as any client is configured. */
  public boolean required() {
    return !clients.get().isEmpty();
  }

  /**
   * The configuration of the client {@code name} as it is now, or null when a reload removed it: a
   * session keeps the identity it authenticated with and gets that client's current permissions.
   */
  public Client current(String name) {
    return clients.get().get(name);
  }

  /**
   * Authenticates one {@code hello}. Fails with an {@link AuthFailure} that is already counted and
   * logged.
   *
   * @param claimed the {@code client} field of the hello (required with a token), or null
   * @param token the token, or null
   * @param jwtText the JWT, or null
   * @param address the remote IP address
   */
  public Future<Client> authenticate(String claimed, String token, String jwtText, String address) {
    return authenticate(claimed, token, jwtText, address, null);
  }

  /**
   * Authenticates one {@code hello}, by the connection's client certificate when the hello carries
   * no token or JWT. Fails with an {@link AuthFailure} that is already counted and logged.
   *
   * @param claimed the {@code client} field of the hello (required with a token), or null
   * @param token the token, or null
   * @param jwtText the JWT, or null
   * @param address the remote IP address
   * @param certificateName the subject CN of the client certificate the TLS handshake verified, or null
   */
  public Future<Client> authenticate(String claimed, String token, String jwtText, String address,
                                     String certificateName) {
    long now = System.currentTimeMillis();
    long blockedMs = throttle.blockedFor(address, now);
    if (blockedMs > 0) {
      return fail(new AuthFailure(AuthFailure.Reason.THROTTLED, "too many failed authentications from "
        + address + "; try again in " + Math.max(1, (blockedMs + 999) / 1000) + " s"), address, claimed);
    }
    if (token == null && jwtText == null && certificateName != null) {
      Client c = clients.get().get(certificateName);
      if (c == null || !(c.credential() instanceof Client.Certificate)) {
        AuthFailure f = new AuthFailure(AuthFailure.Reason.UNKNOWN_CLIENT, FAILED);
        record(f, address, null, certificateName);
        return Future.failedFuture(f);
      }
      return Future.succeededFuture(c);
    }
    if ((token == null) == (jwtText == null)) {
      return fail(new AuthFailure(AuthFailure.Reason.NO_CREDENTIAL,
        "hello must carry exactly one credential: token or jwt"), address, claimed);
    }
    Clients current = clients.get();
    if (token != null) {
      Client c = current.get(claimed);
      if (c == null || !(c.credential() instanceof Client.TokenHash hash)) {
        return fail(new AuthFailure(AuthFailure.Reason.UNKNOWN_CLIENT, FAILED), address, claimed);
      }
      return vertx.executeBlocking(() -> io.txgate.auth.PasswordHash.verify(token, hash.hash()), false)
        .compose(ok -> ok ? Future.succeededFuture(c)
          : fail(new AuthFailure(AuthFailure.Reason.BAD_TOKEN, FAILED), address, claimed));
    }
    JWTAuth jwt = current.jwt();
    if (jwt == null) {
      return fail(new AuthFailure(AuthFailure.Reason.BAD_JWT, FAILED), address, claimed);
    }
    return jwt.authenticate(new TokenCredentials(jwtText))
      .transform(ar -> {
        if (ar.failed()) {
          return fail(new AuthFailure(AuthFailure.Reason.BAD_JWT, FAILED), address, claimed);
        }
        String subject = ar.result().principal().getString("sub");
        Client c = current.get(subject);
        if (c == null || !(c.credential() instanceof Client.Jwt)) {
          return fail(new AuthFailure(AuthFailure.Reason.UNKNOWN_CLIENT, FAILED), address, subject);
        }
        return Future.succeededFuture(c);
      });
  }

  /** Counts and logs a connection that did not authenticate at all, e.g. sent a query first. */
  public AuthFailure refused(AuthFailure failure, String address) {
    record(failure, address, null);
    return failure;
  }

  private <T> Future<T> fail(AuthFailure failure, String address, String claimed) {
    record(failure, address, claimed);
    return Future.failedFuture(failure);
  }

  private void record(AuthFailure failure, String address, String claimed) {
    record(failure, address, claimed, null);
  }

  /** {@code certificateName}, when not null, is logged: a CA-signed subject is not a secret. */
  private void record(AuthFailure failure, String address, String claimed, String certificateName) {
    if (failure.reason() != AuthFailure.Reason.THROTTLED) {
      throttle.failed(address, System.currentTimeMillis());
    }
    telemetry.authFailure(failure.reason().label());
    // Only a configured name is logged: what a client claims may be anything, its token pasted
    // into the wrong field included.
    String name = claimed == null ? "-" : clients.get().contains(claimed) ? claimed : "(not a configured client)";
    if (certificateName != null) {
      name = "by certificate, CN=" + CONTROL.matcher(certificateName).replaceAll("?");
    }
    if (failure.reason() == AuthFailure.Reason.THROTTLED) {
      LOG.debug("authentication refused from {} (client {}): {}", address, name, failure.reason().label());
    } else {
      LOG.warn("authentication failed from {} (client {}): {}", address, name, failure.reason().label());
    }
  }
}
