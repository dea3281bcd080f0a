package io.txgate.db;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.SwitchableProxy;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database is missing at start-up, frozen, or gone for a while: txgate listens anyway, says so
 * on /ready, fails requests with UNAVAILABLE, and recovers without a restart.
 */
class DatabaseOutageTest {

  private static final long WAIT_MS = 30_000;

  /** A database of its own, so that the request-key table is certainly missing when txgate starts. */
  private static String freshDatabase(String name) {
    Vertx vertx = Vertx.vertx();
    try {
      TestServer.await(io.txgate.db.SchemaLoader.run(vertx, TestDatabase.url(),
        "DROP DATABASE IF EXISTS " + name + ";\nCREATE DATABASE " + name + ";\n"));
    } finally {
      TestServer.await(vertx.close());
    }
    return name;
  }

  private static JsonObject settings(SwitchableProxy proxy) {
    return new JsonObject()
      .put(Keys.DB_URL.env(), proxy.url())
      .put(Keys.DB_CONNECT_TIMEOUT_MS.env(), 1_000)
      .put(Keys.DB_PROBE_TIMEOUT_MS.env(), 500)
      .put(Keys.DB_CIRCUIT_PROBE_MS.env(), 100)
      .put(Keys.DB_HEALTH_CHECK_MS.env(), 200)
      .put(Keys.DB_CIRCUIT_FAILURE_THRESHOLD.env(), 2);
  }

  private static HttpResponse<String> ready(TestServer server) throws Exception {
    return Http.get(server.adminUrl() + "/ready");
  }

  /** Polls /ready until it answers {@code status}; every answer on the way is kept. */
  private static List<Integer> awaitReady(TestServer server, int status) throws Exception {
    List<Integer> seen = new ArrayList<>();
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      int s = ready(server).statusCode();
      seen.add(s);
      if (s == status) {
        return seen;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("/ready never answered " + status + " within " + WAIT_MS + " ms, only "
      + new java.util.TreeSet<>(seen));
  }

  private static String code(JsonObject answer) {
    return answer.getBoolean("ok") ? "ok" : answer.getJsonObject("error").getString("code");
  }

  @Test
  void startsBeforeTheDatabaseAndServesKeyedRequestsOnceItAppears() throws Exception {
    String db = freshDatabase("txgate_outage_startup");
    try (SwitchableProxy proxy = new SwitchableProxy(db);
         TestServer server = TestServer.start(settings(proxy))) {
      HttpResponse<String> before = ready(server);
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(before.body()).contains("requestKeys").contains("\"state\":\"open\"");
      try (WireClient c = server.connect()) {
        assertThat(code(c.call(execute(1, "SELECT 1")))).isEqualTo("UNAVAILABLE");
      }

      proxy.forward();
      awaitReady(server, 200);

      JsonObject keyed = batch(2, step("SELECT ? AS v", 42)).put("requestKey", "k1");
      try (WireClient c = server.connect()) {
        JsonObject first = c.call(keyed);
        assertThat(first.getBoolean("ok")).as(first.encode()).isTrue();
        JsonObject again = c.call(keyed);
        assertThat(again.getBoolean("ok")).as(again.encode()).isTrue();
        assertThat(again.getJsonObject("result").getBoolean("replayed")).as(again.encode()).isTrue();
        assertThat(again.getJsonObject("result").getJsonArray("results"))
          .isEqualTo(first.getJsonObject("result").getJsonArray("results"));
        JsonObject stored = c.call(execute(3, "SELECT COUNT(*) AS n FROM txgate_request_keys WHERE request_key = 'k1'"));
        assertThat(stored.getJsonObject("result").getJsonArray("rows").encode()).isEqualTo("[[1]]");
      }
    }
  }

  @Test
  void readyAnswers503WhileTheDatabaseIsFrozenAndRecovers() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
    try (SwitchableProxy proxy = new SwitchableProxy(freshDatabase("txgate_outage_frozen"))) {
      proxy.forward();
      try (TestServer server = TestServer.start(settings(proxy))) {
        assertThat(ready(server).statusCode()).isEqualTo(200);

        proxy.freeze();
        List<Integer> seen = awaitReady(server, 503);
        assertThat(seen).isSubsetOf(200, 503);
        // Probes keep timing out while it stays frozen: /ready keeps answering, and answering 503.
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> r = ready(server);
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(r.body()).contains("\"state\":\"open\"");
          Thread.sleep(100);
        }

        proxy.forward();
        assertThat(awaitReady(server, 200)).isSubsetOf(503, 200);
        try (WireClient c = server.connect()) {
          c.setTimeout((int) WAIT_MS);
          JsonObject r = c.call(execute(1, "SELECT 1"));
          assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
        }
      }
    } finally {
      System.setErr(stderr);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("already complete").doesNotContain("IllegalStateException");
  }

  @Test
  void theCircuitOpensWhileTheDatabaseIsDownAndClosesWhenItIsBack() throws Exception {
    try (SwitchableProxy proxy = new SwitchableProxy(freshDatabase("txgate_outage_circuit"))) {
      proxy.forward();
      try (TestServer server = TestServer.start(settings(proxy))) {
        DatabaseHealth health = server.txgate().health();
        assertThat(health.isOpen()).isFalse();
        assertThat(Http.get(server.adminUrl() + "/metrics").body()).contains("# HELP txgate_db_available 1 while")
          .contains("txgate_db_available 1.0");

        proxy.off();
        awaitReady(server, 503);
        assertThat(health.isOpen()).isTrue();
        assertThat(Http.get(server.adminUrl() + "/metrics").body()).contains("txgate_db_available 0.0");
        Throwable refused = TestServer.await(health.whenAvailable(0).transform(ar ->
          io.vertx.core.Future.succeededFuture(ar.cause())));
        assertThat(refused).isInstanceOf(io.txgate.protocol.ProtocolException.class)
          .hasMessageContaining("database unavailable: circuit open since");
        assertThat(((io.txgate.protocol.ProtocolException) refused).code().name()).isEqualTo("UNAVAILABLE");
        try (WireClient c = server.connect()) {
          c.setTimeout((int) WAIT_MS);
          assertThat(code(c.call(execute(1, "SELECT 1")))).isEqualTo("UNAVAILABLE");
        }

        // A request held for the database completes when it is back, with no restart.
        io.vertx.core.Future<Void> held = health.whenAvailable(WAIT_MS);
        proxy.forward();
        TestServer.await(held);
        assertThat(health.isOpen()).isFalse();
        awaitReady(server, 200);
        assertThat(Http.get(server.adminUrl() + "/metrics").body()).contains("txgate_db_available 1.0");
        try (WireClient c = server.connect()) {
          c.setTimeout((int) WAIT_MS);
          JsonObject r = c.call(execute(2, "SELECT 1"));
          assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
        }
      }
    }
  }

  @Test
  void onlyConnectionFailuresCountTowardsOpeningTheCircuit() throws Exception {
    try (SwitchableProxy proxy = new SwitchableProxy(freshDatabase("txgate_outage_count"))) {
      proxy.forward();
      // Health checks far apart, so that only the failures reported here move the circuit.
      try (TestServer server = TestServer.start(settings(proxy).put(Keys.DB_HEALTH_CHECK_MS.env(), 600_000))) {
        DatabaseHealth health = server.txgate().health();
        // Down, so that the probes started by the open circuit keep it open until the test says.
        proxy.off();
        assertThat(health.recordFailure(new io.vertx.mysqlclient.MySQLException("dup", 1062, "23000"))).isFalse();
        assertThat(health.recordFailure(new io.vertx.mysqlclient.MySQLException("dup", 1062, "23000"))).isFalse();
        assertThat(health.isOpen()).isFalse();
        assertThat(health.recordFailure(new java.net.ConnectException("Connection refused"))).isTrue();
        health.recordSuccess();
        assertThat(health.recordFailure(new java.net.ConnectException("Connection refused"))).isTrue();
        assertThat(health.isOpen()).as("a success in between resets the count").isFalse();
        assertThat(health.recordFailure(new java.net.ConnectException("Connection refused"))).isTrue();
        assertThat(health.isOpen()).as("threshold 2 reached").isTrue();
        assertThat(health.ready()).isFalse();
        // The database is back: the next probe closes it again.
        proxy.forward();
        TestServer.await(health.whenAvailable(WAIT_MS));
        assertThat(health.isOpen()).isFalse();
      }
    }
  }

  /** Copies everything written to stderr into a buffer the test can read. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
