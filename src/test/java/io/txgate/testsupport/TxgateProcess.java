package io.txgate.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * txgate in a JVM of its own ({@code java -cp <test class path> io.txgate.Main}), so that a test can
 * kill it with SIGKILL or stop it with SIGTERM the way an operator or a crash would. Its output goes
 * to a file under {@code target/faults/}.
 */
public final class TxgateProcess implements AutoCloseable {

  private final String dbUrl;
  private final int port;
  private final int adminPort;
  private final Map<String, String> extraEnv;
  private final Path log;
  /** What runs java: GNU env setting SIGHUP's disposition (see {@link #HUP_DEFAULT}). */
  private final List<String> launcher;
  private final Thread shutdownHook = new Thread(this::killQuietly, "txgate-process-cleanup");
  private Process process;

  /**
   * SIGHUP at its default, as bin/txgate starts txgate: the suite may itself run with SIGHUP ignored
   * (under nohup), which a child inherits, and then no kill -HUP would ever reach txgate. Only where
   * GNU env can (coreutils 8.31 or later), as in bin/txgate; elsewhere java runs as it is.
   */
  private static final List<String> HUP_DEFAULT =
    envResetsSignals() ? List.of("env", "--default-signal=HUP") : List.of();
  /** SIGHUP ignored: {@code nohup java ...}, as an operator might start it. */
  private static final List<String> HUP_IGNORED = List.of("nohup");

  private TxgateProcess(String dbUrl, Map<String, String> extraEnv, Path log, List<String> launcher) {
    this.launcher = launcher;
    this.dbUrl = dbUrl;
    // Restarted on the same ports while clients keep reconnecting: see stablePort.
    this.port = TestServer.stablePort();
    this.adminPort = TestServer.stablePort();
    this.extraEnv = extraEnv;
    this.log = log;
  }

  private static boolean envResetsSignals() {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=HUP", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts txgate against {@code dbUrl}; {@code extraEnv} adds or overrides TXGATE_* variables. */
  public static TxgateProcess start(String dbUrl, Map<String, String> extraEnv) {
    return start(dbUrl, extraEnv, "txgate");
  }

  /**
   * As {@link #start(String, Map)}, logging to {@code target/faults/<logName>-<time>.log}: several
   * nodes of one test each get a log that says which node it is.
   */
  public static TxgateProcess start(String dbUrl, Map<String, String> extraEnv, String logName) {
    return start(dbUrl, extraEnv, logName, HUP_DEFAULT);
  }

  /** As {@link #start(String, Map)}, with SIGHUP ignored from the start, as {@code nohup java ...} runs it. */
  public static TxgateProcess startWithHangUpIgnored(String dbUrl, Map<String, String> extraEnv) {
    return start(dbUrl, extraEnv, "txgate-nohup", HUP_IGNORED);
  }

  private static TxgateProcess start(String dbUrl, Map<String, String> extraEnv, String logName,
                                     List<String> launcher) {
    Path log = Path.of("target", "faults", logName + "-" + System.currentTimeMillis() + ".log").toAbsolutePath();
    TxgateProcess p = new TxgateProcess(dbUrl, extraEnv, log, launcher);
    Runtime.getRuntime().addShutdownHook(p.shutdownHook);
    p.launch();
    return p;
  }

  /**
   * The test JVM's own --add-opens, --add-exports and --add-modules flags (the pom's, for
   * Hazelcast), so that a clustered node runs as {@code bin/txgate} runs it.
   */
  static List<String> moduleFlags() {
    List<String> in = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
    List<String> out = new java.util.ArrayList<>();
    for (String arg : in) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("--add-modules")) {
        out.add(arg);
      }
    }
    return out;
  }

  /** Starts the same txgate again, on the same ports, after a kill or a stop. */
  public synchronized TxgateProcess restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("txgate is still running, pid " + process.pid());
    }
    launch();
    return this;
  }

  private synchronized void launch() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(launcher);
    command.addAll(List.of(java, "-Xmx512m"));
    command.addAll(moduleFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.txgate.Main"));
    ProcessBuilder pb = new ProcessBuilder(command)
      .redirectErrorStream(true);
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.put("TXGATE_DB_URL", dbUrl);
    env.put("TXGATE_PROTOCOL_PORT", Integer.toString(port));
    env.put("TXGATE_ADMIN_PORT", Integer.toString(adminPort));
    env.put("TXGATE_INSTANCES", "2");
    env.putAll(extraEnv);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start txgate: " + e.getMessage(), e);
    }
    waitUntilListening();
  }

  /** Waits until the protocol port accepts connections; fails after 120 s or if the JVM exits. */
  public void waitUntilListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("txgate exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IllegalStateException("txgate did not listen on " + port + " within 120 s:\n" + log());
  }

  public int port() {
    return port;
  }

  public int adminPort() {
    return adminPort;
  }

  /** The console's base URL, e.g. {@code http://127.0.0.1:21234}. */
  public String adminUrl() {
    return "http://127.0.0.1:" + adminPort;
  }

  /** SIGSTOP: the JVM freezes, its sockets stay open. {@link #sigcont()} thaws it. */
  public void sigstop() {
    signal("STOP");
  }

  public void sigcont() {
    signal("CONT");
  }

  public synchronized long pid() {
    return process.pid();
  }

  public WireClient connect() throws IOException {
    return new WireClient(port);
  }

  /** SIGKILL: no shutdown hook runs, connections drop mid-request. */
  public void kill9() {
    signal("KILL");
    waitForExit(30);
  }

  /** SIGTERM: txgate stops gracefully (finishes the requests in flight). Does not wait. */
  public void sigterm() {
    signal("TERM");
  }

  /** SIGHUP: txgate reloads its configuration. Does not wait for the reload. */
  public void sighup() {
    signal("HUP");
  }

  /** Waits for the JVM to exit; true if it did within {@code seconds}. */
  public boolean waitForExit(int seconds) {
    return Signals.waitForExit(process, seconds);
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Everything txgate wrote to stdout and stderr, across restarts. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  public Path logPath() {
    return log;
  }

  private synchronized void signal(String name) {
    Signals.send(process, name);
  }

  private void killQuietly() {
    Signals.killQuietly(process);
  }

  /** Always kills the JVM this object started. */
  @Override
  public void close() {
    killQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down
    }
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
