package io.txgate.admin;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses requests whose {@code Host} header names a host the console is not known by: the guard
 * against DNS rebinding, where a page on an attacker's domain re-points that domain at 127.0.0.1 and
 * then calls the console as its own origin. Such a request carries the attacker's name in
 * {@code Host}, so only names the operator configured ({@code admin.allowedHosts}), {@code localhost}
 * and IP literals (which no page can rebind) pass.
 */
final class HostCheck implements Handler<RoutingContext> {

  private final Set<String> allowed;

  HostCheck(List<String> allowedHosts) {
    this.allowed = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Host");
    // HTTP/1.0 without Host: no browser sends that, so it cannot be a rebinding page.
    if (header == null || allows(header)) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
      .end(new JsonObject().put("error", "the console is not served under this host name;"
        + " add it to admin.allowedHosts (TXGATE_ADMIN_ALLOWED_HOSTS) to allow it").encode());
  }

  /** Whether a Host header value ({@code name[:port]}, {@code [v6][:port]}) names an allowed host. */
  boolean allows(String header) {
    String h = header.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).matches("[0-9a-f:.]+");
    }
    int colon = h.lastIndexOf(':');
    String name = colon >= 0 ? h.substring(0, colon) : h;
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.equals("localhost") || isIpv4(name) || allowed.contains(name);
  }

  private static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
