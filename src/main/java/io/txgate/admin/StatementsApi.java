package io.txgate.admin;

import io.txgate.digest.DigestSort;
import io.txgate.digest.Digests;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/statements?sort=total|p99|errors|retries|calls&limit=N}: the statement digests of
 * this node, highest first, with the table's size, cap and evictions. In a cluster each node
 * answers for itself: a fingerprint's figures are not summed over nodes (its p99 could not be).
 * A bad {@code sort} or {@code limit} is a 400 that says what is allowed.
 */
final class StatementsApi implements Handler<RoutingContext> {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  /** Null when observability.digests is off. */
  private final Digests digests;

  StatementsApi(Digests digests) {
    this.digests = digests;
  }

  @Override
  public void handle(RoutingContext ctx) {
    DigestSort sort;
    int limit;
    try {
      String s = ctx.request().getParam("sort");
      sort = s == null || s.isEmpty() ? DigestSort.TOTAL : DigestSort.of(s);
      String l = ctx.request().getParam("limit");
      limit = l == null || l.isEmpty() ? DEFAULT_LIMIT : Integer.parseInt(l);
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + "; not " + limit);
      }
    } catch (IllegalArgumentException e) {
      // NumberFormatException is one too.
      ctx.response().setStatusCode(400);
      send(ctx, new JsonObject().put("error", e instanceof NumberFormatException
        ? "limit must be a whole number, 1.." + MAX_LIMIT : e.getMessage()));
      return;
    }
    send(ctx, digests == null
      ? new JsonObject().put("enabled", false).put("sort", sort.label()).put("size", 0).put("cap", 0)
        .put("evictions", 0).put("statements", new JsonArray())
      : digests.toJson(sort, limit));
  }

  private static void send(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
      .end(body.encode());
  }
}
