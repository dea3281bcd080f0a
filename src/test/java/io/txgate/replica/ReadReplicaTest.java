package io.txgate.replica;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.ReplicatedDatabases;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Read replicas against real MariaDB replication on loopback: a primary (server id 1) and a replica
 * (server id 2) that follows it, in front of them an in-JVM txgate with {@code db.url} = primary and
 * {@code db.replicas} = [replica]. {@code SELECT @@server_id} tells which server answered. Lag is
 * injected with {@code STOP SLAVE SQL_THREAD}, failure by killing the replica with -9 (last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReadReplicaTest {

  private static final String DATABASE = "replicated";
  private static final int READ_YOUR_WRITES_MS = 1_000;
  private static final long WAIT_MS = 60_000;
  private static final String WHO = "SELECT @@server_id";

  private static ReplicatedDatabases databases;
  private static TestServer server;
  private static String replicaName;

  @BeforeAll
  static void start() throws Exception {
    databases = ReplicatedDatabases.start("replicas", DATABASE,
      "CREATE TABLE t_replicated (id INT PRIMARY KEY, note VARCHAR(32) NOT NULL);\n");
    Path ops = Files.createTempFile("replica-operations", ".yaml");
    Files.writeString(ops, """
      operations:
        whoReads:
          description: which server answers a readOnly operation
          readOnly: true
          steps:
            - sql: SELECT @@server_id
        whoWrites:
          description: which server answers an operation that may write
          steps:
            - sql: SELECT @@server_id
      """);
    ops.toFile().deleteOnExit();
    server = TestServer.start(new JsonObject()
      .put(Keys.DB_URL.env(), databases.primary().url(DATABASE))
      .put(Keys.DB_REPLICAS.env(), databases.replica().url(DATABASE))
      .put(Keys.DB_REPLICA_CHECK_MS.env(), 100)
      .put(Keys.DB_MAX_REPLICA_LAG_MS.env(), 5_000)
      .put(Keys.DB_READ_YOUR_WRITES_MS.env(), READ_YOUR_WRITES_MS)
      .put(Keys.DB_CONNECT_TIMEOUT_MS.env(), 1_000)
      .put(Keys.DB_PROBE_TIMEOUT_MS.env(), 1_000)
      .put(Keys.OPERATIONS_FILE.env(), ops.toString()));
    replicaName = "127.0.0.1:" + databases.replica().port();
    awaitUsable(true);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (databases != null) {
      databases.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("readOnly requests are answered by the replica, the others by the primary")
  void readOnlyGoesToTheReplica() throws Exception {
    try (WireClient c = server.connect()) {
      assertThat(serverId(c, execute(1, WHO).put("readOnly", true))).isEqualTo(ReplicatedDatabases.REPLICA_ID);
      assertThat(serverId(c, call(2, "whoReads"))).isEqualTo(ReplicatedDatabases.REPLICA_ID);
      assertThat(serverId(c, WireClient.batch(3, WireClient.step(WHO)).put("readOnly", true)))
        .isEqualTo(ReplicatedDatabases.REPLICA_ID);
      // Not readOnly: the primary. It counts as a write of this connection (read-your-writes), so
      // each of these goes last on its connection.
      assertThat(serverId(c, execute(4, WHO))).isEqualTo(ReplicatedDatabases.PRIMARY_ID);
    }
    try (WireClient c = server.connect()) {
      assertThat(serverId(c, call(5, "whoWrites"))).isEqualTo(ReplicatedDatabases.PRIMARY_ID);
    }
  }

  @Test
  @Order(2)
  @DisplayName("consistency \"primary\" keeps a readOnly request on the primary")
  void consistencyPrimaryGoesToThePrimary() throws Exception {
    try (WireClient c = server.connect()) {
      assertThat(serverId(c, execute(1, WHO).put("readOnly", true).put("consistency", "primary")))
        .isEqualTo(ReplicatedDatabases.PRIMARY_ID);
      assertThat(serverId(c, call(2, "whoReads").put("consistency", "primary")))
        .isEqualTo(ReplicatedDatabases.PRIMARY_ID);
      assertThat(serverId(c, execute(3, WHO).put("readOnly", true).put("consistency", "any")))
        .isEqualTo(ReplicatedDatabases.REPLICA_ID);
    }
  }

  @Test
  @Order(2)
  @DisplayName("a readOnly operation called with a requestKey is never sent to a replica")
  void requestKeyIsNotSentToTheReplica() throws Exception {
    long servedBefore = replicaState().getLong("requests");
    try (WireClient c = server.connect()) {
      // A read-only request has nothing to make exactly-once, and its claim row could not be
      // written in a READ ONLY transaction: it is refused before it is routed anywhere.
      JsonObject r = c.call(call(1, "whoReads").put("requestKey", "replica-" + System.nanoTime()));
      assertThat(r.getJsonObject("error").getString("code")).as(r.encode()).isEqualTo("BAD_REQUEST");
    }
    assertThat(replicaState().getLong("requests")).isEqualTo(servedBefore);
  }

  @Test
  @Order(3)
  @DisplayName("an unknown consistency is BAD_REQUEST, naming the valid values")
  void unknownConsistencyIsRefused() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(execute(1, WHO).put("readOnly", true).put("consistency", "replica"));
      assertThat(r.getBoolean("ok")).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("'consistency' must be one of \"any\", \"primary\"; got 'replica'");
      JsonObject notText = c.call(execute(2, WHO).put("readOnly", true).put("consistency", 1));
      assertThat(notText.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(notText.getJsonObject("error").getString("message"))
        .isEqualTo("'consistency' must be a string: one of \"any\", \"primary\"");
    }
  }

  @Test
  @Order(4)
  @DisplayName("after a session writes, its reads go to the primary for readYourWritesMs; other sessions' do not")
  void sessionReadsItsWritesFromThePrimary() throws Exception {
    try (WireClient writer = server.connect(); WireClient other = server.connect()) {
      JsonObject w = writer.call(execute(1, "INSERT INTO t_replicated (id, note) VALUES (?, ?)", 1, "ryw"));
      assertThat(w.getBoolean("ok")).as(w.encode()).isTrue();
      // Read back at once: it must see its own row, which only the primary is sure to have.
      JsonObject read = writer.call(execute(2, "SELECT @@server_id, COUNT(*) FROM t_replicated WHERE id = 1")
        .put("readOnly", true));
      assertThat(row(read).getInteger(0)).isEqualTo(ReplicatedDatabases.PRIMARY_ID);
      assertThat(row(read).getInteger(1)).isEqualTo(1);
      assertThat(serverId(other, execute(3, WHO).put("readOnly", true))).isEqualTo(ReplicatedDatabases.REPLICA_ID);
      // Once readYourWritesMs has passed, the writer reads from the replica again.
      awaitTrue(() -> serverIdQuietly(writer, execute(4, WHO).put("readOnly", true)) == ReplicatedDatabases.REPLICA_ID,
        "the writer's reads to return to the replica");
      // A failed write (duplicate key) commits nothing and does not pin the session to the primary.
      JsonObject dup = writer.call(execute(5, "INSERT INTO t_replicated (id, note) VALUES (?, ?)", 1, "again"));
      assertThat(dup.getBoolean("ok")).isFalse();
      assertThat(serverId(writer, execute(6, WHO).put("readOnly", true))).isEqualTo(ReplicatedDatabases.REPLICA_ID);
    }
  }

  @Test
  @Order(4)
  @DisplayName("a readOnly request stopped because its client left is not run again on the primary")
  void stoppedRequestIsNotRunAgain() throws Exception {
    long fallbacksBefore = replicaState().getLong("fallbacks");
    double answeredBefore = metric("txgate_requests_total{op=\"execute\"}");
    try (WireClient c = server.connect()) {
      c.send(execute(1, "SELECT @@server_id, SLEEP(3)").put("readOnly", true));
      awaitTrue(() -> server.txgate().stats().inUse() == 1, "the request to run on the replica");
    }
    // The client is gone: txgate stops the statement and answers nobody. Once the request counts
    // as answered, its router has decided, and it must not have sent it to the primary.
    awaitTrue(() -> metric("txgate_requests_total{op=\"execute\"}") > answeredBefore, "the request to end");
    assertThat(replicaState().getLong("fallbacks")).isEqualTo(fallbacksBefore);
    assertThat(replicaState().getBoolean("usable")).isTrue();
  }

  @Test
  @Order(5)
  @DisplayName("a replica whose SQL thread stopped serves nothing until it runs again")
  void laggingReplicaIsLeftOut() throws Exception {
    databases.replica().query(null, "STOP SLAVE SQL_THREAD");
    try {
      awaitUsable(false);
      // Written directly on the primary: the replica receives it but does not apply it.
      databases.primary().query(DATABASE, "INSERT INTO t_replicated (id, note) VALUES (2, 'lag')");
      try (WireClient c = server.connect()) {
        JsonObject read = c.call(execute(1, "SELECT @@server_id, COUNT(*) FROM t_replicated WHERE id = 2")
          .put("readOnly", true));
        assertThat(row(read).getInteger(0)).isEqualTo(ReplicatedDatabases.PRIMARY_ID);
        assertThat(row(read).getInteger(1)).isEqualTo(1);
      }
      assertThat(replicaState().getString("lastError")).contains("SQL thread not running");
    } finally {
      databases.replica().query(null, "START SLAVE SQL_THREAD");
    }
    databases.awaitCaughtUp();
    awaitUsable(true);
    try (WireClient c = server.connect()) {
      JsonObject read = c.call(execute(1, "SELECT @@server_id, COUNT(*) FROM t_replicated WHERE id = 2")
        .put("readOnly", true));
      assertThat(row(read).getInteger(0)).isEqualTo(ReplicatedDatabases.REPLICA_ID);
      assertThat(row(read).getInteger(1)).isEqualTo(1);
    }
  }

  @Test
  @Order(6)
  @DisplayName("a frozen replica (SIGSTOP) is taken out by the bounded check, and back in once thawed")
  void frozenReplicaIsLeftOut() throws Exception {
    awaitUsable(true);
    databases.replica().freeze();
    try {
      awaitUsable(false);
      assertThat(replicaState().getString("lastError")).contains("no answer to SHOW SLAVE STATUS within");
      try (WireClient c = server.connect()) {
        assertThat(serverId(c, execute(1, WHO).put("readOnly", true))).isEqualTo(ReplicatedDatabases.PRIMARY_ID);
      }
    } finally {
      databases.replica().thaw();
    }
    awaitUsable(true);
    try (WireClient c = server.connect()) {
      assertThat(serverId(c, execute(1, WHO).put("readOnly", true))).isEqualTo(ReplicatedDatabases.REPLICA_ID);
    }
  }

  @Test
  @Order(7)
  @DisplayName("GET /api/replicas and /metrics show the replica, its lag and the requests it served")
  void replicasAreVisible() throws Exception {
    JsonObject state = replicaState();
    assertThat(state.getString("url")).isEqualTo(databases.replica().url(DATABASE));
    assertThat(state.getBoolean("usable")).isTrue();
    assertThat(state.getLong("lagSeconds")).isNotNull();
    assertThat(state.getLong("requests")).isPositive();
    String metrics = Http.get(server.adminUrl() + "/metrics").body();
    assertThat(metrics).contains("txgate_replica_usable{replica=\"" + replicaName + "\"} 1.0");
    assertThat(metrics).contains("txgate_replica_lag_seconds{replica=\"" + replicaName + "\"}");
    assertThat(metrics).contains("txgate_db_routed_total{reason=\"readOnly\",target=\"replica\"}");
    assertThat(metrics).contains("txgate_db_routed_total{reason=\"consistency\",target=\"primary\"}");
  }

  @Test
  @Order(8)
  @DisplayName("the replica killed with -9 under readOnly load: every request is answered, by the primary")
  void killedReplicaFallsBackToThePrimary() throws Exception {
    int clients = 4;
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<int[]>> results = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      results.add(pool.submit(() -> {
        // [answered by the replica, answered by the primary, failed]
        int[] counts = new int[3];
        try (WireClient c = server.connect()) {
          for (int n = 0; running.get() || n < 20; n++) {
            JsonObject r = c.call(execute(n, "SELECT @@server_id, COUNT(*) FROM t_replicated WHERE id IN (1, 2)")
              .put("readOnly", true));
            if (!r.getBoolean("ok") || row(r).getInteger(1) != 2) {
              counts[2]++;
              System.err.println("failed: " + r.encode());
            } else {
              counts[row(r).getInteger(0) == ReplicatedDatabases.REPLICA_ID ? 0 : 1]++;
            }
          }
        }
        return counts;
      }));
    }
    try {
      awaitTrue(() -> replicaState().getLong("requests") > 200, "load on the replica");
      long killedAt = System.nanoTime();
      databases.replica().kill9();
      awaitUsable(false);
      System.out.printf("replica out of rotation %d ms after kill -9%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      Thread.sleep(500);
    } finally {
      running.set(false);
      pool.shutdown();
    }
    int[] total = new int[3];
    for (Future<int[]> f : results) {
      int[] c = f.get(2, TimeUnit.MINUTES);
      for (int i = 0; i < 3; i++) {
        total[i] += c[i];
      }
    }
    System.out.printf("after the kill: %d answered by the replica, %d by the primary, %d failed; %s%n",
      total[0], total[1], total[2], replicaState().encode());
    assertThat(total[2]).isZero();
    assertThat(total[0]).isPositive();
    assertThat(total[1]).isPositive();
    try (WireClient c = server.connect()) {
      assertThat(serverId(c, execute(1, WHO).put("readOnly", true))).isEqualTo(ReplicatedDatabases.PRIMARY_ID);
    }
  }

  // ---- helpers

  private static JsonObject call(Object id, String name) {
    return new JsonObject().put("id", id).put("op", "call").put("name", name);
  }

  private static JsonArray row(JsonObject response) {
    assertThat(response.getBoolean("ok")).as(response.encode()).isTrue();
    JsonObject result = response.getJsonObject("result");
    JsonArray rows = result.containsKey("results")
      ? result.getJsonArray("results").getJsonObject(0).getJsonArray("rows") : result.getJsonArray("rows");
    return rows.getJsonArray(0);
  }

  private static int serverId(WireClient c, JsonObject request) throws Exception {
    return row(c.call(request)).getInteger(0);
  }

  private static int serverIdQuietly(WireClient c, JsonObject request) {
    try {
      return serverId(c, request);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value of one series in /metrics, e.g. {@code txgate_requests_total{op="execute"}}; 0 when absent. */
  private static double metric(String series) {
    try {
      for (String line : Http.get(server.adminUrl() + "/metrics").body().split("\n")) {
        if (line.startsWith(series + " ")) {
          return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
      }
      return 0;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject replicaState() {
    try {
      JsonObject body = new JsonObject(Http.get(server.adminUrl() + "/api/replicas").body());
      return body.getJsonArray("replicas").getJsonObject(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitUsable(boolean usable) {
    awaitTrue(() -> replicaState().getBoolean("usable") == usable, "the replica to be " + (usable ? "" : "not ") + "usable");
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + WAIT_MS + " ms for " + what + "; replica: " + replicaState().encode());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
