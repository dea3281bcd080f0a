package io.txgate.locks;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.function.Predicate;

/** Sessions that collide on purpose, and what GET /api/locks says about them. */
final class Contention {

  private Contention() {
  }

  /** A client that said hello as {@code name}; returns its session id. */
  static String hello(WireClient c, String name) throws IOException {
    return c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", name))
      .getJsonObject("result").getString("session");
  }

  static JsonObject locks(TestServer server) throws Exception {
    return new JsonObject(Http.get(server.adminUrl() + "/api/locks").body());
  }

  /** The first wait that {@code match} accepts, polling GET /api/locks until {@code deadline}; null if none came. */
  static JsonObject awaitWait(TestServer server, long deadline, Predicate<JsonObject> match) throws Exception {
    do {
      JsonArray waits = locks(server).getJsonArray("waits");
      for (int i = 0; i < waits.size(); i++) {
        if (match.test(waits.getJsonObject(i))) {
          return waits.getJsonObject(i);
        }
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    return null;
  }

  /**
   * Waits until the database runs a statement whose text contains {@code marker}: a session is at a
   * known point (its earlier statements, and their locks, are done).
   */
  static void awaitRunning(String marker) throws InterruptedException {
    TestSql.awaitCount(1, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ?",
      "%" + marker + "%");
  }

  static int value(int id) {
    return TestSql.query("SELECT v FROM t_locks WHERE id = ?", id).get(0).getInteger(0);
  }
}
