package io.txgate;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Distribution;
import io.txgate.testsupport.Distribution.Result;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.Signals;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed txgate as an operator runs it: {@code bin/txgate} through a symlink, from a working
 * directory that has nothing of txgate in it, with the layout of the distribution tarball (see
 * {@link Distribution}).
 */
class PackagedDistributionTest {

  private static final String DB_PASSWORD = "Db-Pass-4417";
  private static final String ADMIN_PASSWORD = "Admin-Pass-8823";
  private static final String ADMIN_TOKEN = "Admin-Token-5931";

  @TempDir
  static Path root;
  private static Distribution dist;
  /** A symlink to bin/txgate, elsewhere: the launcher must find its install directory through it. */
  private static Path launcher;

  @TempDir
  Path cwd;

  @BeforeAll
  static void install() throws IOException {
    dist = Distribution.assemble(root);
    Path elsewhere = Files.createDirectories(root.resolve("usr/local/bin"));
    launcher = Files.createSymbolicLink(elsewhere.resolve("txgate"), dist.launcher());
  }

  @Test
  void versionHelpAndBadUsage() throws Exception {
    Result version = Distribution.run(launcher, cwd, Map.of(), "--version");
    assertThat(version.exit()).isZero();
    assertThat(version.stdout().strip()).isEqualTo("txgate " + Version.VERSION);

    Result help = Distribution.run(launcher, cwd, Map.of(), "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.stdout()).contains("--config", "--check-config", "--version", "TXGATE_CONFIG",
      "TXGATE_DB_URL", "JAVA_OPTS");

    Result bad = Distribution.run(launcher, cwd, Map.of(), "--frobnicate");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.stderr().strip()).isEqualTo("txgate: unknown argument '--frobnicate' (see txgate --help)");
  }

  @Test
  void checkConfigResolvesFilesBesideTheConfigAndMasksEverySecret() throws Exception {
    Path etc = Files.createDirectories(cwd.resolve("etc/txgate"));
    Files.copy(Path.of("conf/operations.yaml"), etc.resolve("ops.yaml"));
    Files.writeString(etc.resolve("config.yaml"), """
      db:
        url: mysql://app:%s@db.example.com:3306/shop
      admin:
        password: %s
      tx:
        operationsFile: ops.yaml
      """.formatted(DB_PASSWORD, ADMIN_PASSWORD));

    // Relative to the working directory, like any path on a command line.
    Result ok = Distribution.run(launcher, cwd, Map.of("TXGATE_ADMIN_TOKEN", ADMIN_TOKEN),
      "--config", "etc/txgate/config.yaml", "--check-config");
    assertThat(ok.exit()).as(ok.stderr()).isZero();
    assertThat(ok.stdout())
      .contains("db.url: mysql://app:***@db.example.com:3306/shop")
      // "ops.yaml" in the file: beside the file, not in the working directory.
      .contains("tx.operationsFile: etc/txgate/ops.yaml")
      .contains("named operation(s) from", "configuration OK")
      .doesNotContain(DB_PASSWORD, ADMIN_PASSWORD, ADMIN_TOKEN);
    assertThat(ok.stderr()).doesNotContain(DB_PASSWORD, ADMIN_PASSWORD, ADMIN_TOKEN);

    // TXGATE_CONFIG does the same; a missing operations file is one line naming the key and file.
    Files.delete(etc.resolve("ops.yaml"));
    Result missing = Distribution.run(launcher, cwd,
      Map.of("TXGATE_CONFIG", etc.resolve("config.yaml").toString()), "--check-config");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.stderr().lines()).singleElement().asString()
      .startsWith("txgate: configuration tx.operationsFile").contains("ops.yaml");
    assertThat(missing.stdout() + missing.stderr()).doesNotContain(DB_PASSWORD, ADMIN_PASSWORD);
  }

  @Test
  void startsFromAnotherDirectoryServesItsOwnConsoleAndStopsOnSigterm() throws Exception {
    int port = TestServer.freePort();
    int adminPort = TestServer.freePort();
    // No --config: bin/txgate's install directory gives conf/config.yaml; cwd has nothing of txgate.
    Process p = Distribution.start(launcher, cwd, Map.of("TXGATE_DB_URL", TestDatabase.url(),
      "TXGATE_PROTOCOL_PORT", Integer.toString(port), "TXGATE_ADMIN_PORT", Integer.toString(adminPort),
      "TXGATE_INSTANCES", "1"));
    try {
      awaitListening(p, port);
      try (WireClient c = new WireClient(port)) {
        JsonObject ping = c.call(new JsonObject().put("id", 1).put("op", "ping"));
        assertThat(ping.getBoolean("ok")).as(ping.encode()).isTrue();
        JsonObject select = c.call(execute(2, "SELECT 41 + 1 AS answer"));
        assertThat(select.encode()).contains("42");
      }
      awaitListening(p, adminPort);
      HttpResponse<String> page = Http.get("http://127.0.0.1:" + adminPort + "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains(Distribution.WEBROOT_MARKER);

      Signals.send(p, "TERM");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("txgate exits after SIGTERM").isTrue();
      assertThat(Distribution.read(cwd.resolve("stderr.txt"))).contains("txgate stopped");
    } finally {
      Signals.killQuietly(p);
    }
    assertThat(Files.exists(cwd.resolve("data"))).as("nothing written to the working directory").isFalse();
  }

  /**
   * nohup starts a process with SIGHUP ignored, and a JVM never takes over an ignored SIGHUP: bin/txgate
   * puts it back to its default, so that kill -HUP still reloads (and a hang-up still stops nothing).
   */
  @Test
  void startedUnderNohupItStillReloadsOnSighup() throws Exception {
    int port = TestServer.freePort();
    int adminPort = TestServer.freePort();
    Process p = Distribution.startUnder(List.of("nohup"), launcher, cwd, Map.of("TXGATE_DB_URL", TestDatabase.url(),
      "TXGATE_PROTOCOL_PORT", Integer.toString(port), "TXGATE_ADMIN_PORT", Integer.toString(adminPort),
      "TXGATE_INSTANCES", "1"));
    try {
      awaitListening(p, port);
      awaitListening(p, adminPort);
      Signals.send(p, "HUP");
      // The reload runs after the signal returns; the deadline only turns a lost signal into a failure.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      JsonArray audit = new JsonArray();
      while (reloadsBySignal(audit) == 0 && System.nanoTime() < deadline && p.isAlive()) {
        Thread.sleep(100);
        audit = new JsonArray(Http.get("http://127.0.0.1:" + adminPort + "/api/audit").body());
      }
      assertThat(reloadsBySignal(audit)).as("reloads by SIGHUP in " + audit.encode() + "\n"
        + Distribution.read(cwd.resolve("stderr.txt"))).isEqualTo(1);
      assertThat(p.isAlive()).as("txgate still runs after SIGHUP").isTrue();
      assertThat(Distribution.read(cwd.resolve("stderr.txt"))).doesNotContain("SIGHUP is ignored");
    } finally {
      Signals.killQuietly(p);
    }
  }

  private static long reloadsBySignal(JsonArray audit) {
    return audit.stream().map(JsonObject.class::cast)
      .filter(e -> "SIGHUP".equals(e.getString("who")) && "reload".equals(e.getString("action"))).count();
  }

  @Test
  void aPortInUseIsOneLineNamingTheKeyAndTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Result r = Distribution.run(launcher, cwd, Map.of("TXGATE_DB_URL", TestDatabase.url(),
        "TXGATE_PROTOCOL_PORT", Integer.toString(port), "TXGATE_ADMIN_ENABLED", "false",
        "TXGATE_INSTANCES", "1"));
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.errorLines()).singleElement().asString()
        .contains("protocol.port (TXGATE_PROTOCOL_PORT)", "127.0.0.1:" + port, "address already in use");
      assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
    }
  }

  @Test
  void noDatabaseUrlWithoutTheEmbeddedBinariesIsOneLineNamingTheVariable() throws Exception {
    Result r = Distribution.run(launcher, cwd, Map.of("TXGATE_ADMIN_ENABLED", "false"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errorLines()).singleElement().asString()
      .contains("db.url (TXGATE_DB_URL)", "set TXGATE_DB_URL");
    assertThat(r.stderr()).doesNotContain("\tat ", "Exception");
  }

  @Test
  void aBadDatabaseUrlIsOneLineWithThePasswordMasked() throws Exception {
    Result r = Distribution.run(launcher, cwd, Map.of("TXGATE_DB_URL",
      "mysql://app:" + DB_PASSWORD + "@db.example.com:port/shop", "TXGATE_ADMIN_ENABLED", "false"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errorLines()).singleElement().asString()
      .contains("db.url (TXGATE_DB_URL)", "mysql://app:***@db.example.com:port/shop");
    assertThat(r.stdout() + r.stderr()).doesNotContain(DB_PASSWORD, "\tat ");
  }

  private static void awaitListening(Process p, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("txgate exited with " + (p.isAlive() ? "" : p.exitValue())).isTrue();
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("txgate did not listen on " + port + " within 120 s");
  }
}
