package io.txgate.admin;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Chromium;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TxgateProcess;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Three txgate nodes in JVMs of their own, clustered on loopback, each console guarded by a bearer
 * token: node A's console and API show node B's sessions and act on them over the event bus, and
 * they follow node C leaving (SIGTERM), coming back, and dying (kill -9). How long each of those
 * took to show is printed (lines starting {@code MEASURED}), not asserted. The tests run in order,
 * sharing the three nodes: the first two need all three, the third takes C away for good, the
 * fourth freezes B.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterConsoleTest {

  private static final String TOKEN = "cluster-console-" + UUID.randomUUID();
  private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
  private static final String[] ACT = {"Authorization", "Bearer " + TOKEN, AdminVerticle.CSRF_HEADER, "1"};
  /** How long a test waits for the cluster to show something: well above the heartbeat timeout. */
  private static final long WAIT_MS = 60_000;

  private static final List<TxgateProcess> started = new ArrayList<>();
  private static TxgateProcess a;
  private static TxgateProcess b;
  private static TxgateProcess c;
  private static String nameA;
  private static String nameB;
  private static String nameC;

  @BeforeAll
  static void startThreeNodes() {
    String cluster = "junit-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int[] ports = {TestServer.stablePort(), TestServer.stablePort(), TestServer.stablePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    String db = TestDatabase.url();
    TxgateProcess[] nodes = new TxgateProcess[3];
    java.util.function.IntConsumer start = i -> {
      Map<String, String> env = new HashMap<>();
      env.put("TXGATE_CLUSTER_ENABLED", "true");
      env.put("TXGATE_CLUSTER_NAME", cluster);
      env.put("TXGATE_CLUSTER_PORT", Integer.toString(ports[i]));
      env.put("TXGATE_CLUSTER_MEMBERS", members);
      env.put("TXGATE_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", "3");
      env.put("TXGATE_ADMIN_TOKEN", TOKEN);
      env.put("TXGATE_INSTANCES", "1");
      env.put("TXGATE_DB_POOL_SIZE", "2");
      env.put("TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", "2");
      nodes[i] = TxgateProcess.start(db, env, "cluster-console-" + "abc".charAt(i) + "-" + System.currentTimeMillis());
      synchronized (started) {
        started.add(nodes[i]);
      }
    };
    // A first, so that B and C, started together, both join the cluster it formed rather than
    // racing to form one each.
    start.accept(0);
    Thread other = new Thread(() -> start.accept(2));
    other.start();
    try {
      start.accept(1);
    } finally {
      try {
        other.join(180_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (nodes[2] == null) {
      throw new IllegalStateException("node C did not start; see target/faults/cluster-console-c-*.log");
    }
    a = nodes[0];
    b = nodes[1];
    c = nodes[2];
    nameA = "127.0.0.1:" + ports[0];
    nameB = "127.0.0.1:" + ports[1];
    nameC = "127.0.0.1:" + ports[2];
  }

  @AfterAll
  static void stopNodes() {
    started.forEach(TxgateProcess::close);
  }

  @Test
  @Order(1)
  void nodeAListsAndKillsASessionOfNodeB() throws Exception {
    String client = "on-b-" + UUID.randomUUID();
    try (WireClient victim = b.connect(); WireClient bystander = b.connect()) {
      victim.call(new JsonObject().put("id", 0).put("op", "hello").put("client", client));
      bystander.call(new JsonObject().put("id", 0).put("op", "hello").put("client", client + "-bystander"));
      JsonObject session = until("A lists the session on B", () -> sessionOf(a, client), Optional::isPresent).get();
      assertThat(session.getString("node")).isEqualTo(nameB);
      String nodeB = session.getString("nodeId");
      String id = session.getString("id");
      JsonObject rowB = node(cluster(a), nodeB).orElseThrow();
      assertThat(rowB.getString("name")).isEqualTo(nameB);
      assertThat(rowB.getBoolean("answering")).isTrue();

      // Remote calls need the token exactly as local ones: without it, nothing is read or killed.
      String kill = a.adminUrl() + "/api/nodes/" + nodeB + "/sessions/" + id + "/kill";
      assertThat(Http.get(a.adminUrl() + "/api/sessions").statusCode()).isEqualTo(401);
      assertThat(Http.get(a.adminUrl() + "/api/cluster").statusCode()).isEqualTo(401);
      assertThat(Http.post(kill, AdminVerticle.CSRF_HEADER, "1").statusCode()).isEqualTo(401);
      assertThat(Http.post(kill, AdminVerticle.CSRF_HEADER, "1", "Authorization", "Bearer wrong-" + TOKEN)
        .statusCode()).isEqualTo(401);
      assertThat(Http.post(kill, AUTH).statusCode()).as("the CSRF header is required too").isEqualTo(403);
      assertThat(victim.call(execute(1, "SELECT 1")).getBoolean("ok")).as("refused calls killed nothing").isTrue();

      HttpResponse<String> killed = Http.post(kill, ACT);
      assertThat(killed.statusCode()).as(killed.body()).isEqualTo(200);
      assertThat(new JsonObject(killed.body()).getString("node")).isEqualTo(nameB);
      victim.setTimeout(10_000);
      assertThat(victim.closedByServer()).as("B closed the killed client's connection").isTrue();
      assertThat(bystander.call(execute(2, "SELECT 1")).getBoolean("ok")).isTrue();

      JsonObject auditA = last(audit(a));
      assertThat(auditA.getString("action")).isEqualTo("kill");
      assertThat(auditA.getString("target")).isEqualTo(id);
      assertThat(auditA.getString("node")).contains(nameB).contains(nodeB);
      assertThat(auditA.getString("outcome")).isEqualTo("killed");
      assertThat(auditA.getString("who")).isEqualTo("the bearer-token holder");
      JsonObject auditB = last(audit(b));
      assertThat(auditB.getString("action")).isEqualTo("kill");
      assertThat(auditB.getString("target")).isEqualTo(id);
      assertThat(auditB.getString("from")).endsWith("via node " + nameA);
      until("A no longer lists the killed session", () -> sessionOf(a, client), Optional::isEmpty);

      // Killing it again: B has no such session, and A says so in JSON.
      HttpResponse<String> again = Http.post(kill, ACT);
      assertThat(again.statusCode()).isEqualTo(404);
      assertThat(new JsonObject(again.body()).getString("error")).contains("no session " + id);

      // Pause and resume B from A: B's readiness follows.
      HttpResponse<String> paused = Http.post(a.adminUrl() + "/api/nodes/" + nodeB + "/pause", ACT);
      assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
      assertThat(Http.get(b.adminUrl() + "/ready").statusCode()).isEqualTo(503);
      until("A shows B paused", () -> node(cluster(a), nodeB), n -> n.isPresent()
        && Boolean.FALSE.equals(n.get().getBoolean("accepting")));
      assertThat(last(audit(a)).getString("action")).isEqualTo("pause");
      assertThat(Http.post(a.adminUrl() + "/api/nodes/" + nodeB + "/resume", ACT).statusCode()).isEqualTo(200);
      assertThat(Http.get(b.adminUrl() + "/ready").statusCode()).isEqualTo(200);

      // Every node is counted: the totals are the sum of the rows.
      JsonObject view = until("A's view has all three nodes answering", () -> cluster(a),
        v -> v.getJsonObject("totals").getInteger("answering") == 3);
      long connections = 0;
      for (Object o : view.getJsonArray("nodes")) {
        connections += ((JsonObject) o).getLong("connections");
      }
      assertThat(view.getJsonObject("totals").getLong("connections")).isEqualTo(connections);
      assertThat(node(view, nodeB).orElseThrow().getLong("connections")).isGreaterThanOrEqualTo(1);
    }
  }

  /**
   * The page of node A in a real browser (Debian's Chromium): the Nodes panel lists all three, the
   * sessions table says which node a session is on, and its kill and pause buttons act on node B.
   */
  @Test
  @Order(2)
  void nodeAsPageShowsEveryNodeAndActsOnNodeB() throws Exception {
    Chromium.require();
    String client = "page-b-" + UUID.randomUUID();
    Path profile = Files.createTempDirectory("txgate-chromium");
    ChromeDriver driver = null;
    try (WireClient victim = b.connect()) {
      victim.call(new JsonObject().put("id", 0).put("op", "hello").put("client", client));
      String nodeB = until("A shows B", () -> named(cluster(a), nameB), Optional::isPresent).get().getString("id");
      driver = Chromium.start(profile);
      // The console is guarded by the token: every request of the page (the stream, the actions)
      // carries it, as a reverse proxy in front of the console would add it.
      driver.executeCdpCommand("Network.enable", Map.of());
      driver.executeCdpCommand("Network.setExtraHTTPHeaders",
        Map.of("headers", Map.of("Authorization", "Bearer " + TOKEN)));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
      wait.ignoring(StaleElementReferenceException.class);
      driver.get(a.adminUrl() + "/");
      wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
      wait.until(d -> d.findElements(By.cssSelector("#nodes tbody tr")).size() == 3);
      wait.until(d -> d.findElement(By.cssSelector("#nodes tr[data-node='" + nodeB + "'] td.node-state")).getText()
        .equals("accepting"));
      String id = wait.until(d -> d.findElements(By.cssSelector("#sessions tbody tr")).stream()
        .filter(r -> r.findElement(By.cssSelector("td.client")).getText().equals(client)
          && r.findElement(By.cssSelector("td.node")).getText().equals(nameB))
        .map(r -> r.getAttribute("data-session")).findFirst().orElse(null));
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.createDirectories(Path.of("target"));
      Files.copy(shot, Path.of("target/cluster-console.png"), StandardCopyOption.REPLACE_EXISTING);

      String button = "[data-node='" + nodeB + "']";
      wait.until(d -> {
        d.findElement(By.cssSelector("button[data-kill='" + id + "']" + button)).click();
        return true;
      });
      wait.until(d -> {
        d.findElement(By.cssSelector("button[data-confirm='" + id + "']" + button)).click();
        return true;
      });
      victim.setTimeout(10_000);
      assertThat(victim.closedByServer()).as("the page's kill closed the client's connection on B").isTrue();
      assertThat(last(audit(a)).getString("node")).contains(nodeB);

      wait.until(d -> {
        d.findElement(By.cssSelector("button[data-pause='" + nodeB + "']")).click();
        return true;
      });
      until("B paused from A's page", () -> Http.get(b.adminUrl() + "/ready").statusCode(), st -> st == 503);
      wait.until(d -> {
        d.findElement(By.cssSelector("button[data-resume='" + nodeB + "']")).click();
        return true;
      });
      until("B resumed from A's page", () -> Http.get(b.adminUrl() + "/ready").statusCode(), st -> st == 200);
    } finally {
      if (driver != null) {
        driver.quit();
      }
    }
  }

  @Test
  @Order(3)
  void nodesThatLeaveOrDieVanishFromNodeAAndReturn() throws Exception {
    String nodeC = until("A shows C", () -> named(cluster(a), nameC), Optional::isPresent).get().getString("id");

    long t0 = System.nanoTime();
    c.sigterm();
    until("C, stopped, vanishes from A", () -> node(cluster(a), nodeC), Optional::isEmpty);
    long leftMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(c.waitForExit(60)).as("C exits on SIGTERM").isTrue();

    t0 = System.nanoTime();
    c.restart();
    long listeningMs = (System.nanoTime() - t0) / 1_000_000;
    JsonObject back = until("C, restarted, appears on A", () -> named(cluster(a), nameC),
      n -> n.isPresent() && n.get().getBoolean("answering")).get();
    long joinedMs = (System.nanoTime() - t0) / 1_000_000;
    String newC = back.getString("id");
    assertThat(newC).as("a restarted node is a new member").isNotEqualTo(nodeC);

    t0 = System.nanoTime();
    c.kill9();
    until("C, killed, vanishes from A", () -> node(cluster(a), newC), Optional::isEmpty);
    long killedMs = (System.nanoTime() - t0) / 1_000_000;

    // Aimed at a node that is gone: a clean JSON error, and A's own audit says it was refused.
    HttpResponse<String> gone = Http.post(a.adminUrl() + "/api/nodes/" + newC + "/sessions/1/kill", ACT);
    assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
    assertThat(new JsonObject(gone.body()).getString("error")).contains("no node " + newC);
    assertThat(last(audit(a)).getString("outcome")).startsWith("refused");
    HttpResponse<String> pauseGone = Http.post(a.adminUrl() + "/api/nodes/" + newC + "/pause", ACT);
    assertThat(pauseGone.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(pauseGone.body()).containsKey("error")).isTrue();
    assertThat(Http.get(a.adminUrl() + "/api/sessions", AUTH).statusCode()).isEqualTo(200);

    System.out.printf("MEASURED cluster console: SIGTERM'd node gone from A's view after %d ms; restarted node"
        + " listening after %d ms, in A's view after %d ms; kill -9'd node gone after %d ms (heartbeat timeout 3 s)%n",
      leftMs, listeningMs, joinedMs, killedMs);
  }

  @Test
  @Order(4)
  void aFrozenNodeIsShownSilentAndRefusedCleanly() throws Exception {
    String nodeB = until("A shows B", () -> named(cluster(a), nameB), Optional::isPresent).get().getString("id");
    long t0 = System.nanoTime();
    b.sigstop();
    // Still a member until its heartbeat times out: listed as not answering, or already gone.
    until("A shows frozen B as not answering", () -> node(cluster(a), nodeB),
      n -> n.isEmpty() || !n.get().getBoolean("answering"));
    long silentMs = (System.nanoTime() - t0) / 1_000_000;
    HttpResponse<String> frozen = Http.post(a.adminUrl() + "/api/nodes/" + nodeB + "/pause", ACT);
    assertThat(frozen.statusCode()).as(frozen.body()).isIn(404, 503);
    assertThat(new JsonObject(frozen.body()).getString("error")).contains(nodeB);
    until("frozen B vanishes from A", () -> node(cluster(a), nodeB), Optional::isEmpty);
    long goneMs = (System.nanoTime() - t0) / 1_000_000;
    b.kill9();
    System.out.printf("MEASURED cluster console: SIGSTOP'd node shown not answering after %d ms, gone after %d ms"
      + " (heartbeat timeout 3 s); a pause aimed at it answered %d%n", silentMs, goneMs, frozen.statusCode());
  }

  private static JsonObject cluster(TxgateProcess node) throws Exception {
    HttpResponse<String> r = Http.get(node.adminUrl() + "/api/cluster", AUTH);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static Optional<JsonObject> node(JsonObject view, String id) {
    return view.getJsonArray("nodes").stream().map(JsonObject.class::cast)
      .filter(n -> id.equals(n.getString("id"))).findFirst();
  }

  private static Optional<JsonObject> named(JsonObject view, String name) {
    return view.getJsonArray("nodes").stream().map(JsonObject.class::cast)
      .filter(n -> name.equals(n.getString("name"))).findFirst();
  }

  private static Optional<JsonObject> sessionOf(TxgateProcess node, String client) throws Exception {
    HttpResponse<String> r = Http.get(node.adminUrl() + "/api/sessions", AUTH);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonArray(r.body()).stream().map(JsonObject.class::cast)
      .filter(s -> client.equals(s.getString("client"))).findFirst();
  }

  private static JsonArray audit(TxgateProcess node) throws Exception {
    return new JsonArray(Http.get(node.adminUrl() + "/api/audit", AUTH).body());
  }

  private static JsonObject last(JsonArray entries) {
    return entries.getJsonObject(entries.size() - 1);
  }

  /** Polls until {@code done} holds, for at most {@link #WAIT_MS}; fails naming what it waited for. */
  private static <T> T until(String what, Read<T> read, Predicate<T> done) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    T last = read.get();
    while (!done.test(last)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("waited " + WAIT_MS + " ms for: " + what + "; last seen " + last);
      }
      Thread.sleep(50);
      last = read.get();
    }
    return last;
  }

  private interface Read<T> {
    T get() throws Exception;
  }
}
