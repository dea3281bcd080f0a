package io.txgate.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TxgateProcess;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code kill -HUP} on a txgate process of its own: the process lives on and reloads. */
class ReloadSignalTest {

  private static JsonObject call(WireClient c, String op, int x) throws Exception {
    return c.call(new JsonObject().put("id", x).put("op", "call").put("name", op).put("args",
      new JsonObject().put("x", x)));
  }

  @Test
  void sighupReloadsTheOperationsAndKeepsConnectionsOpen() throws Exception {
    TestServer.loadFixtures();
    try (ReloadFiles files = ReloadFiles.create(List.of("first"), List.of("one"));
         TxgateProcess txgate = TxgateProcess.start(TestDatabase.url(),
           Map.of("TXGATE_CONFIG", files.config.toString()));
         WireClient c = txgate.connect()) {
      c.setTimeout(30_000);
      assertThat(c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "first")
        .put("token", ReloadFiles.TOKEN)).getBoolean("ok")).isTrue();
      assertThat(call(c, "two", 1).getJsonObject("error").getString("code")).isEqualTo("UNKNOWN_OPERATION");

      files.writeOperations(List.of("one", "two"));
      txgate.sighup();

      // The reload runs after the signal returns: ask on the same connection until it has applied
      // (a generous deadline only so that a broken reload fails the test instead of hanging it).
      long deadline = System.nanoTime() + 60_000_000_000L;
      JsonObject r = call(c, "two", 2);
      for (int i = 3; !r.getBoolean("ok") && System.nanoTime() < deadline; i++) {
        Thread.sleep(100);
        r = call(c, "two", i);
      }
      assertThat(r.getBoolean("ok")).as(r.encode() + "\n" + txgate.log()).isTrue();
      assertThat(txgate.running()).isTrue();
      assertThat(call(c, "one", 1000).getBoolean("ok")).isTrue();

      JsonArray audit = new JsonArray(Http.get("http://127.0.0.1:" + txgate.adminPort() + "/api/audit").body());
      JsonObject last = audit.getJsonObject(audit.size() - 1);
      assertThat(last.getString("who")).isEqualTo("SIGHUP");
      assertThat(last.getString("action")).isEqualTo("reload");
      assertThat(last.getString("outcome")).contains("operation added: two");
    }
  }

  /**
   * A JVM started with SIGHUP ignored (nohup java ...) cannot take SIGHUP over: every kill -HUP
   * would be lost without a word, so start-up says so, naming what works instead.
   */
  @Test
  void anIgnoredSighupIsSaidAtStartUp() throws Exception {
    try (ReloadFiles files = ReloadFiles.create(List.of("first"), List.of("one"));
         TxgateProcess txgate = TxgateProcess.startWithHangUpIgnored(TestDatabase.url(),
           Map.of("TXGATE_CONFIG", files.config.toString()))) {
      assertThat(txgate.log()).contains("SIGHUP is ignored in this process", "POST /api/reload", "bin/txgate");
      txgate.sighup();
      try (WireClient c = txgate.connect()) {
        // Still serving: the ignored signal stopped nothing.
        assertThat(c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "first")
          .put("token", ReloadFiles.TOKEN)).getBoolean("ok")).isTrue();
        assertThat(call(c, "one", 1).getBoolean("ok")).isTrue();
      }
      assertThat(txgate.running()).isTrue();
    }
  }
}
