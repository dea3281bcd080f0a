package io.txgate;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.db.EmbeddedDatabase;
import io.txgate.db.SchemaLoader;
import io.txgate.metrics.Telemetry;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The embedded database keeps its data across restarts even under {@code java.io.tmpdir}, and
 * stops only after txgate has drained: a request in flight at shutdown finishes.
 */
class EmbeddedShutdownTest {

  @Test
  void aRequestInFlightFinishesAtShutdownAndTheDataSurvivesARestartUnderTmp() throws Exception {
    Path dir = Files.createTempDirectory("txgate-embedded-keep");
    assertThat(dir.toAbsolutePath().toString()).startsWith(System.getProperty("java.io.tmpdir"));
    Vertx helper = Vertx.vertx();
    try {
      EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
      String url;
      try {
        db.createDatabase("keep");
        url = db.url("keep");
        TestServer.await(SchemaLoader.run(helper, url,
          "CREATE TABLE kept (v INT NOT NULL);\nINSERT INTO kept VALUES (7);\n"));
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }

      Telemetry telemetry = new Telemetry();
      Vertx vertx = telemetry.newVertx();
      TxgateConfig config = TxgateConfig.from(new JsonObject()
        .put(Keys.DB_URL.env(), url)
        .put(Keys.PROTOCOL_PORT.env(), TestServer.freePort())
        .put(Keys.INSTANCES.env(), 1)
        .put(Keys.SHUTDOWN_GRACE_SECONDS.env(), 30)
        .put(Keys.ADMIN_ENABLED.env(), false));
      Txgate txgate = TestServer.await(Txgate.start(vertx, config, telemetry));
      try (WireClient sleeper = new WireClient(config.protocol().port())) {
        sleeper.send(execute(1, "SELECT SLEEP(2) AS slept"));
        awaitInFlight(helper, url);
        Thread shutdown = new Thread(() -> Main.shutdown(vertx, txgate, db, null), "test-shutdown");
        shutdown.start();
        JsonObject answer = sleeper.read();
        assertThat(answer.getBoolean("ok")).as(answer.encode()).isTrue();
        shutdown.join(120_000);
        assertThat(shutdown.isAlive()).isFalse();
      }
      // The database stopped last, after the answer went out.
      assertThatThrownBy(() -> TestServer.await(MySQLConnection.connect(helper, url))).isNotNull();

      EmbeddedDatabase again = EmbeddedDatabase.start(dir, 0);
      try {
        Row row = TestServer.await(MySQLConnection.connect(helper, again.url("keep"))
          .compose(c -> c.query("SELECT v FROM kept").execute().eventually(c::close)))
          .iterator().next();
        assertThat(row.getInteger(0)).isEqualTo(7);
      } finally {
        again.close();
      }
    } finally {
      TestServer.await(helper.close());
      deleteTree(dir);
    }
  }

  /** Waits, bounded, until the server runs the sleeping statement. */
  private static void awaitInFlight(Vertx vertx, String url) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      long n = TestServer.await(MySQLConnection.connect(vertx, url).compose(c -> c.query(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(2)%'").execute()
        .eventually(c::close))).iterator().next().getLong(0);
      if (n > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the request never reached the database");
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // best effort: a temporary directory
    }
  }
}
