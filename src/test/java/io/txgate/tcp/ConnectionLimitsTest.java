package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Limits on client connections, and a database connection that dies under a request. */
class ConnectionLimitsTest {

  @Test
  void connectionOverTheLimitIsToldBusyAndClosed() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_PROTOCOL_MAX_CONNECTIONS", 2));
         WireClient a = server.connect(); WireClient b = server.connect()) {
      // Both admitted connections are registered once they have answered.
      assertThat(a.call(new JsonObject().put("id", 1).put("op", "ping")).getBoolean("ok")).isTrue();
      assertThat(b.call(new JsonObject().put("id", 1).put("op", "ping")).getBoolean("ok")).isTrue();
      try (WireClient c = server.connect()) {
        JsonObject refused = c.read();
        assertThat(refused.getValue("id")).isNull();
        assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("BUSY");
        assertThat(c.closedByServer()).isTrue();
      }
      assertThat(a.call(execute(2, "SELECT 1")).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void idleConnectionsAreClosedWhenConfigured() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_PROTOCOL_IDLE_TIMEOUT_SECONDS", 1));
         WireClient c = server.connect()) {
      assertThat(c.call(new JsonObject().put("id", 1).put("op", "ping")).getBoolean("ok")).isTrue();
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void killedDatabaseConnectionIsUnavailableAndTheNextRequestWorks() throws Exception {
    try (TestServer server = TestServer.start(); WireClient c = server.connect()) {
      String sql = "SELECT SLEEP(30) AS killed_under_test";
      c.send(execute(1, sql));
      long processId = -1;
      for (int i = 0; i < 400 && processId < 0; i++) {
        var rows = TestSql.query("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = ?", sql);
        if (rows.isEmpty()) {
          Thread.sleep(25);
        } else {
          processId = rows.get(0).getLong(0);
        }
      }
      assertThat(processId).as("the statement started").isPositive();
      TestSql.update("KILL " + processId);
      JsonObject r = c.read();
      assertThat(r.getBoolean("ok")).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(r.getJsonObject("error").getBoolean("retryable")).isTrue();
      assertThat(c.call(execute(2, "SELECT 2")).getBoolean("ok")).isTrue();
    }
  }
}
