package io.txgate.admin;

import io.txgate.cluster.Membership;
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
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
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
 *
 * <p>In a cluster it shows every node: {@code /api/cluster}, and {@code /api/sessions},
 * {@code /api/operations} and the live stream cover all nodes ({@link ClusterView}); kill, pause and
 * resume reach any node ({@link NodeActions}), and this node answers the others ({@link NodeAgent}).
 * A lone node does none of that: no event bus, the same answers as before clustering existed.
 */
public final class AdminVerticle extends VerticleBase {

  /** Header every state-changing call must carry: a cross-site form cannot set it (CSRF guard). */
  public static final String CSRF_HEADER = "X-Txgate-Console";
  private static final long TICK_MS = 1000;

  private final TxgateConfig.Admin config;
  private final Monitor monitor;
  /** What GET /api/replicas answers: each read replica's state. */
  private final java.util.function.Supplier<io.vertx.core.json.JsonObject> replicas;
  /** What GET /api/locks answers: the lock waits and the last deadlock, with their txgate sessions. */
  private final java.util.function.Supplier<JsonObject> locks;
  private final PrometheusMeterRegistry registry;
  private final DatabaseHealth health;
  private final AuditLog audit;
  private final Reloader reloader;
  private final ServerSSLOptions tls;
  private final Membership membership;
  private final String nodeName;
  private HttpServer server;
  private ClusterView view;
  private NodeActions actions;
  private MessageConsumer<JsonObject> agent;
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
                       Membership membership, String nodeName,
                       java.util.function.Supplier<io.vertx.core.json.JsonObject> replicas) {
    this(config, monitor, registry, health, audit, reloader, tls, membership, nodeName, replicas, JsonObject::new);
  }

  public AdminVerticle(TxgateConfig.Admin config, Monitor monitor, PrometheusMeterRegistry registry,
                       DatabaseHealth health, AuditLog audit, Reloader reloader, ServerSSLOptions tls,
                       Membership membership, String nodeName,
                       java.util.function.Supplier<io.vertx.core.json.JsonObject> replicas,
                       java.util.function.Supplier<JsonObject> locks) {
    this.locks = locks;
    this.replicas = replicas;
    this.config = config;
    this.membership = membership;
    this.nodeName = nodeName;
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
    io.txgate.digest.Digests digests = monitor.digests();
    if (digests != null) {
      // The top digests' series are brought up to date just before each scrape (see DigestMetrics).
      router.get("/metrics").handler(ctx -> {
        digests.metrics().refresh();
        ctx.next();
      });
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    RemoteNodes remote = new RemoteNodes(vertx, membership);
    // A little under a tick: the stream's tick always gathers afresh, API calls in between share it.
    view = new ClusterView(monitor, membership, remote, nodeName, TICK_MS * 9 / 10);
    actions = new NodeActions(monitor, audit, membership, remote, nodeName);
    boolean clustered = membership.clustered();
    if (clustered) {
      router.get("/api/overview").handler(ctx -> fromView(ctx, v -> v.getJsonObject("overview").copy()
        .put("cluster", v.getJsonObject("cluster").getJsonObject("totals"))));
      router.get("/api/sessions").handler(ctx -> fromView(ctx, v -> v.getJsonArray("sessions")));
      router.get("/api/pool").handler(ctx -> fromView(ctx, v -> v.getJsonObject("pool").copy()
        .put("cluster", v.getJsonObject("cluster").getJsonObject("totals").getJsonObject("pool"))));
      router.get("/api/operations").handler(ctx -> fromView(ctx, v -> v.getJsonArray("operations")));
    } else {
      router.get("/api/overview").handler(ctx -> json(ctx, monitor.overview()));
      router.get("/api/sessions").handler(ctx -> json(ctx, monitor.sessions()));
      router.get("/api/pool").handler(ctx -> json(ctx, monitor.pool()));
      router.get("/api/operations").handler(ctx -> json(ctx, monitor.operations()));
    }
    // This node's statements only, in a cluster too: see StatementsApi.
    router.get("/api/statements").handler(new StatementsApi(digests));
    // This node's replicas: each node has its own view of them.
    router.get("/api/replicas").handler(ctx -> json(ctx, replicas.get()));
    // Where this node's requests spent the last minute.
    router.get("/api/timing").handler(ctx -> json(ctx, monitor.timing()));
    // This node's lock waits: its sessions and the database connections it holds. A blocker's kill
    // goes through POST /api/sessions/:id/kill.
    router.get("/api/locks").handler(ctx -> json(ctx, locks.get()));
    // A lone node answers this too, from itself alone.
    router.get("/api/cluster").handler(ctx -> fromView(ctx, v -> v.getJsonObject("cluster")));
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
    router.post("/api/nodes/:node/sessions/:id/kill").handler(ctx -> answer(ctx,
      actions.kill(ctx.pathParam("node"), ctx.pathParam("id"), operator(ctx), from(ctx))));
    router.post("/api/nodes/:node/pause").handler(ctx -> answer(ctx,
      actions.accepting(ctx.pathParam("node"), false, operator(ctx), from(ctx))));
    router.post("/api/nodes/:node/resume").handler(ctx -> answer(ctx,
      actions.accepting(ctx.pathParam("node"), true, operator(ctx), from(ctx))));
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
      if (streams == 0) {
        latest = null;
      } else if (clustered) {
        view.get().onSuccess(v -> latest = streams > 0 ? v.encode() : null);
      } else {
        latest = monitor.all().encode();
      }
    });
    // With tracing on, a console request gets a span only when it carries a traceparent: the
    // scrapes of /metrics and the console's own polling would otherwise each start a trace.
    server = vertx.createHttpServer(ServerTls.apply(new HttpServerOptions()
      .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.PROPAGATE), tls));
    Future<?> answering = clustered
      ? new NodeAgent(monitor, audit, membership.self(), nodeName).register(vertx).onSuccess(c -> agent = c)
      : Future.succeededFuture();
    return answering.compose(v -> server.requestHandler(router).listen(config.port(), config.host()));
  }

  /**
   * Answers from the cluster's view. A node that did not answer is a row of the view, not a
   * failure; a view that cannot be built at all (a node sent what this one cannot read) is a 503.
   */
  private void fromView(RoutingContext ctx, java.util.function.Function<JsonObject, Object> part) {
    view.get().map(part).onComplete(ar -> {
      if (ctx.response().closed()) {
        return; // the caller went away while the other nodes were asked
      }
      if (ar.succeeded()) {
        json(ctx, ar.result());
      } else {
        ctx.response().setStatusCode(503);
        json(ctx, new JsonObject().put("error", "the cluster's view cannot be built: " + ar.cause().getMessage()));
      }
    });
  }

  /** Answers a node action: its reply, or the status and message of why it could not be done. */
  private static void answer(RoutingContext ctx, Future<JsonObject> action) {
    action.onComplete(ar -> {
      if (ctx.response().closed()) {
        return; // the caller went away while the other node was asked; the audit log has the outcome
      }
      if (ar.succeeded()) {
        json(ctx, ar.result());
      } else if (ar.cause() instanceof NodeCallFailed f) {
        ctx.response().setStatusCode(f.status());
        json(ctx, new JsonObject().put("error", f.getMessage()));
      } else {
        ctx.fail(ar.cause());
      }
    });
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
    if (latest != null) {
      send(response);
    } else if (membership.clustered()) {
      view.get().onSuccess(v -> {
        latest = v.encode();
        send(response);
      });
    } else {
      latest = monitor.all().encode();
      send(response);
    }
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
      .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
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
    // The other nodes' consoles see this one as not answering from here on, until it leaves.
    Future<Void> unregistered = agent == null ? Future.succeededFuture() : agent.unregister();
    return unregistered.eventually(() -> server.close());
  }
}
