package io.txgate.replica;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.txgate.config.DatabaseUrls;
import io.txgate.config.TxgateConfig;
import io.txgate.db.DatabaseHealth;
import io.txgate.db.DbLoop;
import io.txgate.db.DbSessions;
import io.txgate.db.Pools;
import io.txgate.tx.TransactionRunner;
import io.txgate.tx.TxStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured read replicas, each with its pool, runner and checker, and their metrics. Nothing
 * is written to a replica at start-up: its circuit reads the isolation level and the statement
 * budget, its checker reads the replication status, and that is all.
 */
public final class ReplicaSet {

  private final List<Replica> replicas;
  private final List<ReplicaChecker> checkers;
  private final List<Meter> meters = new ArrayList<>();
  private final MeterRegistry registry;
  private final TxgateConfig.Replicas settings;

  private ReplicaSet(List<Replica> replicas, List<ReplicaChecker> checkers, MeterRegistry registry,
                     TxgateConfig.Replicas settings) {
    this.replicas = List.copyOf(replicas);
    this.checkers = List.copyOf(checkers);
    this.registry = registry;
    this.settings = settings;
    for (Replica r : replicas) {
      meters.add(Gauge.builder("txgate.replica.usable", r, x -> x.usable() ? 1 : 0)
        .tag("replica", r.name())
        .description("1 while the read replica serves readOnly requests (replication running, lag within"
          + " db.maxReplicaLagMs, reachable), 0 while they go to the primary instead")
        .register(registry));
      meters.add(Gauge.builder("txgate.replica.lag.seconds", r, x -> {
        Long lag = x.lagSeconds();
        return lag == null ? Double.NaN : lag;
      })
        .tag("replica", r.name())
        .description("Replication lag of the read replica as its last check read it (Seconds_Behind_Master,"
          + " whole seconds); NaN while unknown")
        .register(registry));
      meters.add(FunctionCounter.builder("txgate.replica.requests", r, x -> x.served.sum())
        .tag("replica", r.name())
        .description("readOnly requests sent to the read replica")
        .register(registry));
      meters.add(FunctionCounter.builder("txgate.replica.fallbacks", r, x -> x.fallbacks.sum())
        .tag("replica", r.name())
        .description("readOnly requests that lost or found no connection on the read replica and were run"
          + " again on the primary")
        .register(registry));
    }
  }

  /** No replicas: every request goes to the primary, and nothing of this runs. */
  public static ReplicaSet none(MeterRegistry registry) {
    return new ReplicaSet(List.of(), List.of(), registry, new TxgateConfig.Replicas(List.of(), 0, 1000, 0, List.of()));
  }

  /**
   * Creates a pool, loop, circuit and runner per replica and starts their checks. The future
   * completes once every replica has been checked once, usable or not: txgate starts while a
   * replica is down, and sends its reads to the primary until it is back.
   *
   * @param settings the runner's settings for the primary; on a replica a request never waits for
   *     an open circuit to close (the primary answers it instead)
   */
  public static Future<ReplicaSet> start(Vertx vertx, TxgateConfig config, MeterRegistry registry, TxStats stats,
                                         TransactionRunner.Settings settings) {
    TxgateConfig.Db primary = config.db();
    TxgateConfig.Replicas conf = primary.replicas();
    if (conf.urls().isEmpty()) {
      return Future.succeededFuture(none(registry));
    }
    TransactionRunner.Settings onReplica = new TransactionRunner.Settings(settings.maxResultRows(),
      settings.resetAlways(), settings.defaultIsolation(), settings.retryBaseMs(), settings.retryMaxMs(),
      settings.acquireTimeoutMs(), settings.cancelGraceMs(), 0, settings.pipeline());
    List<Future<Replica>> started = new ArrayList<>();
    List<ReplicaChecker> checkers = new ArrayList<>();
    for (int i = 0; i < conf.urls().size(); i++) {
      TxgateConfig.Db db = primary.replica(i);
      MySQLConnectOptions options = Pools.connectOptions(db);
      String name = options.getHost() + ":" + options.getPort();
      DbSessions sessions = new DbSessions(vertx, options,
        config.tx().requestTimeoutMs() + 2L * config.tx().cancelGraceMs(), db.connectTimeoutMs());
      Pool pool = Pools.create(vertx, db, sessions, Pools.NAME + "-replica-" + i);
      started.add(DbLoop.start(vertx, pool)
        .recover(t -> pool.close().transform(x -> Future.failedFuture(t)))
        .map(loop -> {
          DatabaseHealth health = new DatabaseHealth(vertx, loop.context(), db, registry, List.of(), name);
          health.start();
          Replica replica = new Replica(name, db.url(), loop, sessions, health,
            new TransactionRunner(vertx, loop, sessions, health, onReplica, health::isolation, stats));
          checkers.add(new ReplicaChecker(vertx, loop.context(), DatabaseUrls.connectOptions(db).setCharset("utf8mb4"),
            replica, conf.maxLagMs(), conf.checkMs(), db.outage().probeTimeoutMs()));
          return replica;
        }));
    }
    return Future.join(started).transform(ar -> {
      List<Replica> ok = started.stream().filter(Future::succeeded).map(Future::result).toList();
      if (ar.failed()) {
        checkers.forEach(ReplicaChecker::close);
        return Future.join(ok.stream().map(Replica::close).toList())
          .transform(x -> Future.failedFuture(ar.cause()));
      }
      ReplicaSet set = new ReplicaSet(ok, checkers, registry, conf);
      return Future.join(checkers.stream().map(ReplicaChecker::start).toList()).map(x -> set);
    });
  }

  List<Replica> replicas() {
    return replicas;
  }

  public boolean isEmpty() {
    return replicas.isEmpty();
  }

  /** The replica named {@code host:port}, or null. */
  public Replica get(String name) {
    return replicas.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  public TxgateConfig.Replicas settings() {
    return settings;
  }

  /** What GET /api/replicas answers. */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    replicas.forEach(r -> list.add(r.toJson()));
    return new JsonObject()
      .put("maxReplicaLagMs", settings.maxLagMs())
      .put("replicaCheckMs", settings.checkMs())
      .put("readYourWritesMs", settings.readYourWritesMs())
      .put("replicas", list);
  }

  /** Stops the checks and closes every replica's pool. */
  public Future<Void> close() {
    meters.forEach(registry::remove);
    checkers.forEach(ReplicaChecker::close);
    return Future.join(replicas.stream().map(Replica::close).toList()).mapEmpty();
  }
}
