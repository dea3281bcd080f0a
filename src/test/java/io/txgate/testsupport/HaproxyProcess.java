package io.txgate.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's HAProxy as a process the test owns, running the shipped {@code packaging/haproxy.cfg}
 * with only its addresses, ports, stats socket and log target replaced ({@link HaproxyConfig}).
 * Server states are read from the stats socket ({@code show stat}), the way an operator reads them.
 */
public final class HaproxyProcess implements AutoCloseable {

  private static final Pattern TCPLOG =
    Pattern.compile("^\\S+ \\[[^\\]]+\\] \\S+ \\S+ \\S+ \\d+ (\\S\\S) ");
  /** Where Debian's package puts it; /usr/sbin is not on every user's PATH. */
  private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/haproxy");

  private final Path binary;
  private final Path config;
  private final Path socket;
  private final Path log;
  private final int port;
  private final String backend;
  private final Thread shutdownHook = new Thread(this::killQuietly, "haproxy-process-cleanup");
  private Process process;

  private HaproxyProcess(Path binary, Path config, Path socket, Path log, int port, String backend) {
    this.binary = binary;
    this.config = config;
    this.socket = socket;
    this.log = log;
    this.port = port;
    this.backend = backend;
  }

  /** The haproxy binary; skips the test on a developer's machine without it, fails it in CI (CI set). */
  public static Path require() {
    Path found = Files.isExecutable(DEBIAN_BINARY) ? DEBIAN_BINARY : onPath("haproxy");
    if (found == null && System.getenv("CI") == null) {
      Assumptions.abort("haproxy is not installed (Debian package haproxy)");
    }
    if (found == null) {
      throw new AssertionError("haproxy is not installed: .ci/run installs the Debian package haproxy");
    }
    return found;
  }

  /**
   * Generates the test's configuration from {@code shipped} for the given nodes (protocol port,
   * admin port) and starts haproxy in the foreground; returns when its frontend accepts connections
   * and its stats socket answers.
   */
  public static HaproxyProcess start(Path binary, Path shipped, List<int[]> nodes) throws IOException {
    Path dir = Path.of("target", "faults", "haproxy-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(dir);
    int port = TestServer.stablePort();
    // A Unix socket path is limited to 108 bytes: a short one under /tmp, not the deep target path.
    Path socket = Files.createTempDirectory("txgate-haproxy").resolve("stats.sock");
    HaproxyConfig generated = HaproxyConfig.generate(Files.readString(shipped, StandardCharsets.UTF_8), port,
      nodes, socket.toString());
    Path config = dir.resolve("haproxy.cfg");
    Files.writeString(config, generated.text());
    HaproxyProcess p = new HaproxyProcess(binary, config, socket, dir.resolve("haproxy.log"), port,
      generated.backend());
    Runtime.getRuntime().addShutdownHook(p.shutdownHook);
    p.launch();
    return p;
  }

  private void launch() throws IOException {
    check();
    // -db: foreground, no fork, so that this pid is haproxy's own and the test can kill it.
    process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
      .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("haproxy exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        stat();
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IllegalStateException("haproxy did not listen on " + port + " within 30 s:\n" + log());
  }

  /** {@code haproxy -c}: the generated file is valid, or the test fails with haproxy's words. */
  private void check() throws IOException {
    Process c = new ProcessBuilder(binary.toString(), "-c", "-f", config.toString()).redirectErrorStream(true).start();
    String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!c.waitFor(30, TimeUnit.SECONDS) || c.exitValue() != 0) {
        throw new IllegalStateException("haproxy -c refused " + config + ":\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The frontend's port: where clients connect. */
  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Each server of the backend and its check status ("UP", "DOWN", "UP 1/2", "DOWN 1/2", ...). */
  public Map<String, String> states() throws IOException {
    List<String> lines = stat();
    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
      throw new IOException("unexpected answer to show stat: " + lines);
    }
    List<String> header = List.of(lines.get(0).substring(2).split(",", -1));
    int px = header.indexOf("pxname");
    int sv = header.indexOf("svname");
    int status = header.indexOf("status");
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length > status && f[px].equals(backend) && !f[sv].equals("BACKEND")) {
        out.put(f[sv], f[status]);
      }
    }
    return out;
  }

  /**
   * Waits until haproxy reports {@code server} in exactly {@code status} ("UP" or "DOWN"); returns
   * the milliseconds it took. Fails after {@code seconds}, with the states and haproxy's log.
   */
  public long awaitStatus(String server, String status, int seconds) throws IOException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    Map<String, String> last = Map.of();
    while (System.nanoTime() < deadline) {
      last = states();
      if (status.equals(last.get(server))) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      sleep(20);
    }
    throw new AssertionError("haproxy did not report " + server + " " + status + " within " + seconds + " s; states "
      + last + "; its log:\n" + log());
  }

  private List<String> stat() throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      StringBuilder out = new StringBuilder();
      while (ch.read(buf) >= 0) {
        buf.flip();
        out.append(StandardCharsets.UTF_8.decode(buf));
        buf.clear();
      }
      List<String> lines = new ArrayList<>();
      for (String l : out.toString().split("\n")) {
        if (!l.isBlank()) {
          lines.add(l);
        }
      }
      return lines;
    }
  }

  /**
   * The log lines ({@code option tcplog}) of client connections that HAProxy closed because it
   * could not connect them to any node: termination state {@code SC} (server side, connect phase),
   * after its retries.
   */
  public List<String> unplacedConnections() {
    List<String> out = new ArrayList<>();
    for (String line : log().split("\n")) {
      // client [date] frontend backend/server Tw/Tc/Tt bytes STATE actconn/... queues
      Matcher m = TCPLOG.matcher(line);
      if (m.find() && m.group(1).startsWith("SC")) {
        out.add(line);
      }
    }
    return out;
  }

  /** Everything haproxy logged (its alerts and one line per closed connection). */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  public Path configPath() {
    return config;
  }

  private void killQuietly() {
    Signals.killQuietly(process);
  }

  /** Always kills the haproxy this object started, by its pid. */
  @Override
  public void close() {
    killQuietly();
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(socket.getParent());
    } catch (IOException ignored) {
      // a temporary directory
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down
    }
  }

  private static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
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
