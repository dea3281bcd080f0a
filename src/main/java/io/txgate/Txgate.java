package io.txgate;

import io.txgate.access.Authenticator;
import io.txgate.admin.AdminVerticle;
import io.txgate.admin.AuditLog;
import io.txgate.admin.Monitor;
import io.txgate.admission.Admission;
import io.txgate.budget.ConnectionBudget;
import io.txgate.cluster.Membership;
import io.txgate.cluster.NodeMetadata;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.db.DatabaseHealth;
import io.txgate.db.DbLoop;
import io.txgate.db.DbSessions;
import io.txgate.db.Pools;
import io.txgate.digest.Digests;
import io.txgate.locks.Holdings;
import io.txgate.locks.LockMonitor;
import io.txgate.metrics.Telemetry;
import io.txgate.protocol.RequestDecoder;
import io.txgate.reload.Catalog;
import io.txgate.reload.CatalogPart;
import io.txgate.reload.LiveCatalog;
import io.txgate.reload.Reloader;
import io.txgate.reload.TlsPart;
import io.txgate.replica.ReadRouter;
import io.txgate.replica.ReplicaSet;
import io.txgate.tcp.ProtocolServer;
import io.txgate.tcp.ProtocolVerticle;
import io.txgate.tcp.RequestHandler;
import io.txgate.tcp.Sessions;
import io.txgate.tls.ServerTls;
import io.txgate.tx.RequestKeys;
import io.txgate.tx.TransactionRunner;
import io.txgate.tx.TxStats;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running txgate: the protocol verticles (one per configured instance) and what they share: the
 * pool, the transaction runner, the named operations and the session registry, and the
 * {@link Reloader} that replaces the clients and named operations while it runs.
 */
public final class Txgate {

  private static final Logger LOG = LoggerFactory.getLogger(Txgate.class);
  private static final long KEY_EXPIRY_PERIOD_MS = 60_000;
  /** How many kinds of transaction admission limits at once (and so its metric has label values). */
  private static final int ADMISSION_MAX_KINDS = 50;

  private final Vertx vertx;
  private final TxgateConfig config;
  private final Sessions sessions;
  private final DbLoop db;
  private final DbSessions dbSessions;
  private final DatabaseHealth health;
  private final TxStats stats;
  private final Reloader reloader;
  private final ProtocolServer protocolServer;
  private final String protocolDeployment;
  private final String adminDeployment;
  private final long expiryTimer;
  private final Membership membership;
  private final ReplicaSet replicas;
  private final ConnectionBudget budget;
  private final LockMonitor locks;

  private Txgate(Vertx vertx, TxgateConfig config, Sessions sessions, DbLoop db, DbSessions dbSessions,
                 DatabaseHealth health,
                 TxStats stats, Reloader reloader, String protocolDeployment, String adminDeployment,
                 ProtocolServer protocolServer, Membership membership, ReplicaSet replicas,
                 ConnectionBudget budget, LockMonitor locks) {
    this.locks = locks;
    this.replicas = replicas;
    this.protocolServer = protocolServer;
    this.budget = budget;
    long keyWaitMs = config.db().acquireTimeoutMs();
    this.membership = membership;
    this.vertx = vertx;
    this.config = config;
    this.sessions = sessions;
    this.db = db;
    this.dbSessions = dbSessions;
    this.health = health;
    this.stats = stats;
    this.reloader = reloader;
    this.protocolDeployment = protocolDeployment;
    this.adminDeployment = adminDeployment;
    int retention = config.tx().requestKeyRetentionSeconds();
    this.expiryTimer = vertx.setPeriodic(KEY_EXPIRY_PERIOD_MS,
      // With a connection budget the expiry borrows within the share, like a request.
      id -> db.call(pool -> budget == null ? RequestKeys.expire(pool, retention)
          : budget.within(keyWaitMs, () -> RequestKeys.expire(pool, retention)))
        .onFailure(t -> LOG.warn("expiring request keys: {}", t.getMessage())));
  }

  /**
   * Checks the named operations, creates the pool (outside any verticle, so that undeploying one
   * instance can never close connections another is using), prepares the database and deploys the
   * protocol server; the future completes once every instance listens. A server started this way
   * has no configuration to re-read: its reloads are refused.
   */
  public static Future<Txgate> start(Vertx vertx, TxgateConfig config, Telemetry telemetry) {
    return start(vertx, config, telemetry, Membership.alone(java.util.UUID.randomUUID().toString(),
      NodeMetadata.of(config)), null, null);
  }

  /**
   * As {@link #start(Vertx, TxgateConfig, Telemetry)}, for a server that reloads and may be one
   * node of a cluster.
   *
   * @param membership the cluster this node is part of, or a membership of one
   * @param merged the merged configuration {@code config} was read from
   * @param source reads the configuration again, from the same sources, at every reload
   */
  public static Future<Txgate> start(Vertx vertx, TxgateConfig config, Telemetry telemetry, Membership membership,
                                     JsonObject merged, Supplier<Future<JsonObject>> source) {
    LiveCatalog catalog;
    ServerSSLOptions protocolTls;
    ServerSSLOptions adminTls;
    try {
      catalog = new LiveCatalog(Catalog.load(vertx, config));
      // Certificates are read and checked before anything connects or listens.
      protocolTls = ServerTls.options(config.protocol().tls());
      adminTls = ServerTls.options(config.admin().tls());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ProtocolServer protocolServer = new ProtocolServer();
    AuditLog audit = new AuditLog();
    // The certificates first: theirs is the one apply that can fail (see ReloadablePart.Staged).
    List<io.txgate.reload.ReloadablePart> parts = config.protocol().tls().enabled()
      ? List.of(new TlsPart(protocolServer), new CatalogPart(vertx, catalog))
      : List.of(new CatalogPart(vertx, catalog));
    Reloader reloader = new Reloader(vertx, source, merged, parts, audit::record);
    Sessions sessions = new Sessions();
    // Off: no table at all, and the runner skips the digests with one null check per attempt.
    TxgateConfig.Observability o = config.observability();
    TxStats stats = new TxStats(telemetry.registry(),
      o.digests() ? new Digests(o.digestCap(), o.digestMetricsTop(), telemetry.registry()) : null);
    TxgateConfig.Admission a = config.tx().admission();
    // The most a kind may run at once is what the pool can run at once: above it, a limit means nothing.
    Admission admission = new Admission(new Admission.Settings(a.enabled(), Math.min(a.minLimit(),
      config.db().poolSize()), config.db().poolSize(), a.backoffPercent() / 100.0, ADMISSION_MAX_KINDS),
      telemetry.registry());
    // The database's own limit on one statement backs up the request deadline: a statement that
    // outlives its request's KILL QUERY and grace period is stopped by the server itself.
    DbSessions dbSessions = new DbSessions(vertx, Pools.connectOptions(config.db()),
      config.tx().requestTimeoutMs() + 2L * config.tx().cancelGraceMs(), config.db().connectTimeoutMs());
    Pool pool = Pools.create(vertx, config.db(), dbSessions);
    TransactionRunner.Settings settings = new TransactionRunner.Settings(
      config.protocol().limits().maxResultRows(), config.db().resetAlways(), config.tx().isolation(),
      config.tx().retryBaseMs(), config.tx().retryMaxMs(), config.db().acquireTimeoutMs(),
      config.tx().cancelGraceMs(), config.db().outage().holdMs(), config.tx().pipeline());
    return DbLoop.start(vertx, pool)
      .recover(t -> pool.close().transform(ignored -> Future.failedFuture(t)))
      .compose(db -> {
        // Start-up work in the database is retried in the background until it succeeds: txgate
        // listens even while the database is down, and /ready says when it is all in place.
        DatabaseHealth health = new DatabaseHealth(vertx, db.context(), config.db(), telemetry.registry(),
          List.of(new DatabaseHealth.StartupTask("requestKeys", RequestKeys.hint(), RequestKeys::ensureTable)));
        ReplicaSet[] replicas = new ReplicaSet[1];
        // Only the primary's connections: a replica's session ids are another server's.
        Holdings holdings = new Holdings();
        // Null without db.clusterMaxConnections: then there is no gate, and nothing of it runs.
        ConnectionBudget budget = ConnectionBudget.start(config.db().clusterMaxConnections(), config.db().poolSize(),
          config.db().maxWaitQueue(), membership, db, dbSessions, telemetry.registry());
        LockMonitor locks = new LockMonitor(vertx, db.context(), LockMonitor.Runner.of(pool, budget), holdings,
          config.observability().lockWaitSampleMs(), NodeMetadata.of(config).getString(NodeMetadata.NAME));
        locks.start();
        return health.start()
        .compose(v -> ReplicaSet.start(vertx, config, telemetry.registry(), stats, settings))
        .compose(started -> {
          replicas[0] = started;
          // Read per transaction: null (unknown, so every transaction sets its level) until the
          // database has answered the probe, which may be long after start-up.
          RequestHandler handler = new RequestHandler(new ReadRouter(
            new TransactionRunner(vertx, db, dbSessions, health, settings, health::isolation, stats,
              budget == null ? null : budget.gate(), admission, holdings), started, telemetry.registry()),
            catalog::operations, new RequestDecoder(config.protocol().limits()), config.tx(), telemetry,
            authenticator(vertx, config, telemetry, catalog),
            new io.txgate.timing.SlowLog(config.observability().slowRequestMs(), config.observability().logParams()));
          return vertx.deployVerticle(
            () -> new ProtocolVerticle(config, sessions, handler, protocolTls, protocolServer),
            new DeploymentOptions().setInstances(config.protocol().instances()))
            .recover(t -> Future.failedFuture(ListenFailure.of(Keys.PROTOCOL_PORT, Keys.PROTOCOL_HOST,
              config.protocol().host(), config.protocol().port(), t)));
        })
        .compose(protocolId -> {
          if (!config.admin().enabled()) {
            return Future.succeededFuture(new String[] {protocolId, null});
          }
          Monitor monitor = new Monitor(config, sessions, pool, stats, telemetry, catalog::operations,
            budget == null ? null : budget::status, admission::toJson);
          return vertx.deployVerticle(new AdminVerticle(config.admin(), monitor, telemetry.registry(), health, audit,
              reloader, adminTls, membership, NodeMetadata.of(config).getString(NodeMetadata.NAME),
              replicas[0]::toJson, locks::toJson))
            .recover(t -> Future.failedFuture(ListenFailure.of(Keys.ADMIN_PORT, Keys.ADMIN_HOST,
              config.admin().host(), config.admin().port(), t)))
            .map(adminId -> new String[] {protocolId, adminId});
        })
        .recover(t -> {
          locks.stop();
          health.close();
          if (budget != null) {
            budget.close();
          }
          Future<Void> replicasClosed = replicas[0] == null ? Future.succeededFuture() : replicas[0].close();
          return replicasClosed.eventually(db::close).transform(ignored -> Future.failedFuture(t));
        })
        .map(ids -> {
          LOG.info("{} named operation(s) from {}", catalog.operations().size(), config.tx().operationsFile());
          return new Txgate(vertx, config, sessions, db, dbSessions, health, stats, reloader, ids[0], ids[1],
            protocolServer, membership, replicas[0], budget, locks);
        });
      });
  }

  /**
   * Who may connect. Said at every start: how many clients are configured, and loudly when the
   * protocol port is open to other machines without authentication.
   */
  private static Authenticator authenticator(Vertx vertx, TxgateConfig config, Telemetry telemetry,
                                             LiveCatalog catalog) {
    TxgateConfig.Access a = config.access();
    if (a.clients().isEmpty()) {
      if (!TxgateConfig.isLoopback(config.protocol().host())) {
        LOG.warn("protocol.allowAnonymous: true: clients on {}:{} connect without authenticating and may run"
          + " any SQL the database user may; configure clients to stop this", config.protocol().host(),
          config.protocol().port());
      }
    } else {
      LOG.info("{} client(s) configured: every connection authenticates with hello first", a.clients().size());
    }
    return new Authenticator(vertx, catalog::clients, a.failureLimit(), a.failureWindowSeconds(), telemetry);
  }

  /**
   * Reads the protocol port's certificate, key and CA files again and serves new handshakes with
   * them; open connections are not touched. Files that fail the start-up checks fail the reload
   * (naming the key) and the port keeps what it had. TLS cannot be turned on or off this way.
   */
  public Future<Boolean> reloadTls() {
    if (!config.protocol().tls().enabled()) {
      return Future.failedFuture(
        new IllegalStateException("TLS is off on the protocol port: turning it on takes a restart"));
    }
    ServerSSLOptions options;
    try {
      options = ServerTls.options(config.protocol().tls());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return protocolServer.updateTls(options)
      .onSuccess(changed -> LOG.info("protocol port TLS reloaded from {}", config.protocol().tls().certFile()));
  }

  public Sessions sessions() {
    return sessions;
  }

  /** Re-reads the configuration and swaps in the clients and named operations (SIGHUP, POST /api/reload). */
  public Reloader reloader() {
    return reloader;
  }

  public TxStats stats() {
    return stats;
  }

  /** The pool and its loop. */
  public DbLoop db() {
    return db;
  }

  /**
   * Graceful stop: requests in flight finish, queued ones are answered UNAVAILABLE, then the pool
   * closes.
   */
  public Future<Void> stop() {
    vertx.cancelTimer(expiryTimer);
    Future<Void> admin = adminDeployment == null ? Future.succeededFuture() : vertx.undeploy(adminDeployment);
    // Requests still running when the grace period ended were stopped as their connections
    // closed; their KILL QUERY and ROLLBACK need the pool a moment longer (at most the cancel
    // grace), or the statements would run on in the database after txgate is gone.
    long graceMs = 2L * config.tx().cancelGraceMs();
    return admin.eventually(() -> vertx.undeploy(protocolDeployment))
      .eventually(() -> untilIdle(System.currentTimeMillis() + graceMs))
      .eventually(() -> {
        locks.stop();
        health.close();
        if (budget != null) {
          budget.close();
        }
        return replicas.close().eventually(db::close);
      })
      .eventually(dbSessions::close);
  }

  /** Completes when no database connection is borrowed any more, or at {@code deadline}. */
  private Future<Void> untilIdle(long deadline) {
    if (stats.inUse() == 0 || System.currentTimeMillis() >= deadline) {
      return Future.succeededFuture();
    }
    return vertx.timer(20).compose(v -> untilIdle(deadline));
  }

  /** The read replicas (none when db.replicas is empty). */
  public ReplicaSet replicas() {
    return replicas;
  }

  /** The cluster this node is part of, or a membership of one. */
  public Membership membership() {
    return membership;
  }

  /** This node's share of db.clusterMaxConnections and its gate; null when no budget is configured. */
  public ConnectionBudget budget() {
    return budget;
  }

  /** The database's availability and the state of the start-up tasks. */
  public DatabaseHealth health() {
    return health;
  }
}
