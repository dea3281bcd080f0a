package io.txgate.admin;

import io.txgate.auth.PasswordHash;
import io.txgate.config.TxgateConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Guards the console when credentials are configured: HTTP basic auth (user and password, or user
 * and PBKDF2 hash) or a bearer token. Comparisons are constant-time; a verified basic credential is
 * remembered (as a digest) so the deliberately slow PBKDF2 runs once, not on every request of the
 * event loop.
 */
final class AdminAuth implements Handler<RoutingContext> {

  private final TxgateConfig.Admin config;
  private final Set<String> verified = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 64;
    }
  });

  AdminAuth(TxgateConfig.Admin config) {
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && allowed(header)) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(401)
      .putHeader("WWW-Authenticate", "Basic realm=\"txgate\", charset=\"UTF-8\"")
      .putHeader("Content-Type", "application/json")
      .end("{\"error\":\"authentication required\"}");
  }

  private boolean allowed(String header) {
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return !config.token().isEmpty() && equal(header.substring(7).trim(), config.token());
    }
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String digest = digest(header);
    synchronized (verified) {
      if (verified.contains(digest)) {
        return true;
      }
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0 || !equal(decoded.substring(0, colon), config.username())) {
      return false;
    }
    String password = decoded.substring(colon + 1);
    boolean ok = (!config.password().isEmpty() && equal(password, config.password()))
      || (!config.passwordHash().isEmpty() && PasswordHash.verify(password, config.passwordHash()));
    if (ok) {
      synchronized (verified) {
        verified.add(digest);
      }
    }
    return ok;
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String digest(String s) {
    try {
      return Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
