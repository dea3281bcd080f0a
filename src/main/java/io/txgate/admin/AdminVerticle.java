package io.txgate.admin;

import io.txgate.db.DatabaseHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.txgate.config.TxgateConfig;
import io.txgate.tls.ServerTls;
import io.txgate.reload.Reloader;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The admin console's web server: the page (webroot/), its JSON API, a live event stream, Prometheus
 * metrics and health checks. One instance; it only reads what the protocol instances share and
 * flips the switches they obey, so it costs the protocol path nothing but a once-a-second sample.
 */
public final class AdminVerticle extends VerticleBase {

  /** Header every state-changing call must carry: a cross-site form cannot set it (CSRF guard). */
  public static final String CSRF_HEADER = "X-Txgate-Console";
  private static final long TICK_MS = 1000;

  private final TxgateConfig.Admin config;
  private final Monitor monitor;
  /** What GET /api/replicas answers: each read replica's state. */
  private final java.util.function.Supplier<io.vertx.core.json.JsonObject> replicas;
  private final PrometheusMeterRegistry registry;
  private final DatabaseHealth health;
  private final AuditLog audit;
  private final Reloader reloader;
  private final ServerSSLOptions tls;
  private HttpServer server;
  private long ticker;
  /**
   * The console state the live streams send, encoded once per tick for all of them; null while no
   * stream is open. Built only for someone watching: it describes every session, so building it
   * every second for nobody cost a server with 10,000 idle connections 2.6 MB held and several MB
   * of garbage a second (see scripts/idle-memory.sh).
   */
  private String latest;
  /** Live streams open now; only touched on this verticle's event loop. */
  private int streams;

  public AdminVerticle(TxgateConfig.Admin config, Monitor monitor, PrometheusMeterRegistry registry,
                       DatabaseHealth health, AuditLog audit, Reloader reloader, ServerSSLOptions tls,
                       java.util.function.Supplier<io.vertx.core.json.JsonObject> replicas) {
    this.replicas = replicas;
    this.config = config;
    this.tls = tls;
    this.monitor = monitor;
    this.registry = registry;
    this.health = health;
    this.audit = audit;
    this.reloader = reloader;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      // No framing (clickjacking a kill button), no MIME sniffing, scripts and styles from here only.
      ctx.response().putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
      ctx.next();
    });
    router.route().handler(new HostCheck(config.allowedHosts()));

    HealthCheckHandler live = HealthCheckHandler.create(vertx).register("process", p -> p.complete(Status.OK()));
    HealthCheckHandler ready = HealthCheckHandler.create(vertx)
      // Answered from what txgate already knows, never by a query per call: a check that queues a
      // SELECT 1 behind a frozen database outlives its own timeout and answers 500, not 503.
      .register("database", p -> p.complete(health.ready() ? Status.OK() : Status.KO(health.status())))
      .register("accepting", p -> p.complete(monitor.accepting() ? Status.OK() : Status.KO(
        new JsonObject().put("reason", "paused by an operator"))));
    router.get("/health").handler(live);
    router.get("/ready").handler(ready);

    if (config.hasCredentials()) {
      router.route().handler(new AdminAuth(config));
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/api/overview").handler(ctx -> json(ctx, monitor.overview()));
    router.get("/api/sessions").handler(ctx -> json(ctx, monitor.sessions()));
    router.get("/api/pool").handler(ctx -> json(ctx, monitor.pool()));
    router.get("/api/operations").handler(ctx -> json(ctx, monitor.operations()));
    router.get("/api/replicas").handler(ctx -> json(ctx, replicas.get()));
    router.get("/api/stream").handler(this::stream);
    router.route("/api/*").method(HttpMethod.POST).handler(this::csrfGuard);
    router.get("/api/audit").handler(ctx -> json(ctx, audit.recent()));
    router.post("/api/sessions/:id/kill").handler(ctx -> {
      String id = ctx.pathParam("id");
      if (monitor.kill(id, operator(ctx) + " from " + from(ctx))) {
        audit.record(operator(ctx), from(ctx), "kill", id, "killed");
        json(ctx, new JsonObject().put("killed", id));
      } else {
        audit.record(operator(ctx), from(ctx), "kill", id, "no such session");
        ctx.response().setStatusCode(404);
        json(ctx, new JsonObject().put("error", "no session " + id));
      }
    });
    router.post("/api/pause").handler(ctx -> {
      monitor.accepting(false);
      audit.record(operator(ctx), from(ctx), "pause", null, "new connections refused");
      json(ctx, new JsonObject().put("accepting", false));
    });
    router.post("/api/resume").handler(ctx -> {
      monitor.accepting(true);
      audit.record(operator(ctx), from(ctx), "resume", null, "new connections accepted");
      json(ctx, new JsonObject().put("accepting", true));
    });
    // 422: the request was understood, the configuration it asks to apply is not valid.
    router.post("/api/reload").handler(ctx -> reloader.reload(operator(ctx), from(ctx)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (!ar.result().reloaded()) {
        ctx.response().setStatusCode(422);
      }
      json(ctx, ar.result().toJson());
    }));
    router.route("/*").handler(Webroot.handler().setCachingEnabled(false));

    monitor.tick();
    ticker = vertx.setPeriodic(TICK_MS, id -> {
      monitor.tick();
      latest = streams > 0 ? monitor.all().encode() : null;
    });
    server = vertx.createHttpServer(ServerTls.apply(new HttpServerOptions(), tls));
    return server.requestHandler(router).listen(config.port(), config.host());
  }

  private void csrfGuard(RoutingContext ctx) {
    if (ctx.request().getHeader(CSRF_HEADER) == null) {
      ctx.response().setStatusCode(403);
      json(ctx, new JsonObject().put("error", "state-changing calls need the " + CSRF_HEADER + " header"));
      return;
    }
    ctx.next();
  }

  /**
   * Server-sent events: the whole console state once a second, as event {@code update}. The timer
   * is cancelled when the client goes away.
   */
  private void stream(RoutingContext ctx) {
    HttpServerResponse response = ctx.response()
      .putHeader("Content-Type", "text/event-stream")
      .putHeader("Cache-Control", "no-cache")
      .setChunked(true);
    response.write("retry: 2000\n\n");
    streams++;
    if (latest == null) {
      latest = monitor.all().encode();
    }
    send(response);
    long timer = vertx.setPeriodic(TICK_MS, id -> send(response));
    boolean[] ended = {false};
    Handler<Void> gone = v -> {
      vertx.cancelTimer(timer);
      // Both handlers may run for one response: it counts once.
      if (!ended[0]) {
        ended[0] = true;
        streams--;
      }
    };
    response.closeHandler(gone);
    response.endHandler(gone);
  }

  private void send(HttpServerResponse response) {
    if (latest != null && !response.closed() && !response.writeQueueFull()) {
      response.write("event: update\ndata: " + latest + "\n\n");
    }
  }

  private static void json(RoutingContext ctx, Object body) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
      .end(body instanceof JsonObject o ? o.encode() : ((io.vertx.core.json.JsonArray) body).encode());
  }

  /** Who is acting, for the log and the audit: the credential that passed, never the secret itself. */
  private String operator(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    return !config.hasCredentials() || auth == null ? "an operator without credentials (loopback)"
      : auth.regionMatches(true, 0, "Bearer ", 0, 7) ? "the bearer-token holder"
      : "user '" + config.username() + "'";
  }

  private static String from(RoutingContext ctx) {
    return ctx.request().remoteAddress().host();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(ticker);
    return server.close();
  }
}
