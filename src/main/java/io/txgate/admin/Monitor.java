package io.txgate.admin;

import io.txgate.Version;
import io.txgate.config.TxgateConfig;
import io.txgate.metrics.Telemetry;
import io.txgate.ops.Operations;
import io.txgate.tcp.ClientSession;
import io.txgate.tcp.Sessions;
import io.txgate.tx.TxStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;

/**
 * Builds what the console and its API show, from the live objects every protocol instance shares:
 * sessions, pool, transaction and request counters. Keeps five minutes of one-second samples for the
 * charts. Used from the admin verticle's event loop only.
 */
public final class Monitor {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Monitor.class);

  static final int HISTORY_SECONDS = 300;

  private final TxgateConfig config;
  private final Sessions sessions;
  private final Pool pool;
  private final TxStats stats;
  private final Telemetry telemetry;
  private final java.util.function.Supplier<Operations> operations;
  /** The connection budget's figures ({@code pool.budget}); null when no budget is configured. */
  private final java.util.function.Supplier<JsonObject> budget;
  /** The kinds of transaction admission limits now ({@code pool.admission}). */
  private final java.util.function.Supplier<JsonArray> admission;
  private final long startedAt = System.currentTimeMillis();
  private final ArrayDeque<JsonObject> history = new ArrayDeque<>();
  private long lastRequests;
  private long lastErrors;
  private long lastSampleNanos = System.nanoTime();
  private double requestsPerSecond;

  public Monitor(TxgateConfig config, Sessions sessions, Pool pool, TxStats stats, Telemetry telemetry,
                 java.util.function.Supplier<Operations> operations) {
    this(config, sessions, pool, stats, telemetry, operations, null, null);
  }

  /**
   * @param budget this node's share of the connection budget, as {@code pool.budget}; null for none
   * @param admission the kinds of transaction admission limits now, as {@code pool.admission}; null
   *     for none
   */
  public Monitor(TxgateConfig config, Sessions sessions, Pool pool, TxStats stats, Telemetry telemetry,
                 java.util.function.Supplier<Operations> operations, java.util.function.Supplier<JsonObject> budget,
                 java.util.function.Supplier<JsonArray> admission) {
    this.budget = budget;
    this.admission = admission;
    this.config = config;
    this.sessions = sessions;
    this.pool = pool;
    this.stats = stats;
    this.telemetry = telemetry;
    this.operations = operations;
  }

  /** The statement digests; null when observability.digests is off. */
  io.txgate.digest.Digests digests() {
    return stats.digests();
  }

  /** Takes the once-a-second sample the charts and the requests-per-second figure come from. */
  void tick() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
    long requests = telemetry.requests();
    long errors = telemetry.errors();
    requestsPerSecond = (requests - lastRequests) / seconds;
    JsonObject sample = new JsonObject()
      .put("t", System.currentTimeMillis())
      .put("rps", round(requestsPerSecond))
      .put("errorsPerSecond", round((errors - lastErrors) / seconds))
      .put("p99Ms", telemetry.latencyMillis(0.99))
      .put("connections", sessions.count())
      .put("inUse", stats.inUse());
    lastRequests = requests;
    lastErrors = errors;
    lastSampleNanos = now;
    telemetry.timing().sample();
    history.addLast(sample);
    while (history.size() > HISTORY_SECONDS) {
      history.removeFirst();
    }
  }

  /** Where requests' time went over the last minute, on this node ({@code GET /api/timing}). */
  public JsonObject timing() {
    return telemetry.timing().lastMinute();
  }

  public JsonObject overview() {
    JsonObject tx = stats.snapshot();
    return new JsonObject()
      .put("version", Version.VERSION)
      .put("startedAt", Instant.ofEpochMilli(startedAt).toString())
      .put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000)
      .put("instances", config.protocol().instances())
      .put("accepting", !sessions.paused())
      .put("connections", sessions.count())
      .put("requests", telemetry.requests())
      .put("requestsPerSecond", round(requestsPerSecond))
      .put("latencyP50Ms", telemetry.latencyMillis(0.5))
      .put("latencyP99Ms", telemetry.latencyMillis(0.99))
      .put("errors", telemetry.errors())
      .put("errorsByCode", new JsonObject(new java.util.LinkedHashMap<>(telemetry.errorsByCode())))
      .put("transactions", tx)
      .put("retries", tx.getLong("retries"))
      .put("retriesExhausted", tx.getLong("retriesExhausted"))
      .put("history", new JsonArray(new java.util.ArrayList<>(history)));
  }

  public JsonArray sessions() {
    long now = System.currentTimeMillis();
    JsonArray out = new JsonArray();
    sessions.all().stream()
      .sorted(Comparator.comparingLong(s -> Long.parseLong(s.id())))
      .forEach(s -> out.add(session(s, now)));
    return out;
  }

  private static JsonObject session(ClientSession s, long now) {
    JsonObject json = new JsonObject()
      .put("id", s.id())
      .put("remoteAddress", s.remoteAddress())
      .put("client", s.clientName())
      .put("identity", s.client() == null ? null : s.client().name())
      .put("tlsSubject", s.tlsSubject())
      .put("connectedAt", Instant.ofEpochMilli(s.connectedAt()).toString())
      .put("instance", s.instance())
      .put("requests", s.requests())
      .put("errors", s.errors())
      .put("bytesIn", s.bytesIn())
      .put("bytesOut", s.bytesOut())
      .put("lastActivity", Instant.ofEpochMilli(s.lastActivity()).toString());
    ClientSession.InFlight f = s.inFlight();
    if (f != null) {
      json.put("inFlight", new JsonObject().put("op", f.op()).put("detail", f.detail())
        .put("runningMs", Math.max(0, now - f.startedAtMillis())));
    }
    return json;
  }

  public JsonObject pool() {
    int open = pool.size();
    JsonObject p = stats.poolSnapshot();
    return p
      .put("name", io.txgate.db.Pools.NAME)
      .put("maxSize", config.db().poolSize())
      .put("maxWaitQueue", config.db().maxWaitQueue())
      .put("open", open)
      .put("idle", Math.max(0, open - p.getInteger("inUse")))
      // {clusterMaxConnections, share, nodes, inUse, waiting}; null without a budget. The cluster
      // console reads pool.budget.share.
      .put("budget", budget == null ? null : budget.get())
      .put("admission", admission == null ? new JsonArray() : admission.get());
  }

  public JsonArray operations() {
    JsonArray out = new JsonArray();
    JsonArray described = operations.get().describe().getJsonArray("operations");
    for (int i = 0; i < described.size(); i++) {
      JsonObject d = described.getJsonObject(i);
      Telemetry.OperationMeters m = telemetry.operation(d.getString("name"));
      out.add(new JsonObject()
        .put("name", d.getString("name"))
        .put("description", d.getString("description"))
        .put("readOnly", d.getBoolean("readOnly"))
        .put("calls", (long) m.calls().count())
        .put("errors", (long) m.errors().count())
        .put("retries", (long) m.retries().count())
        .put("p99Ms", Telemetry.percentile(m.latency(), 0.99)));
    }
    return out;
  }

  /** Everything at once: what the live stream sends every second. */
  public JsonObject all() {
    return new JsonObject().put("overview", overview()).put("sessions", sessions()).put("pool", pool())
      .put("operations", operations());
  }

  /**
   * Kills a session, and logs who did it and what it hit; false when there is none with that id.
   * The request in flight is stopped on the database (KILL QUERY) and rolled back.
   */
  public boolean kill(String id, String operator) {
    ClientSession s = sessions.get(id);
    if (s == null) {
      return false;
    }
    ClientSession.InFlight running = s.inFlight();
    // The client's name is whatever it said in hello: no control characters reach the log.
    String client = s.clientName() == null ? "-" : s.clientName().replaceAll("\\p{Cntrl}", "?");
    LOG.info("session {} (client {}, {}) killed by {}; {}", id, client,
      s.remoteAddress(), operator, running == null ? "no request was running"
        : "its " + running.op() + " request was stopped and rolled back: " + running.detail());
    s.kill();
    return true;
  }

  public void accepting(boolean accept) {
    sessions.paused(!accept);
  }

  public boolean accepting() {
    return !sessions.paused();
  }

  private static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }

}
