package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.FaultProxy;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A database connection that dies with several commands in flight still gets its request an answer.
 * START TRANSACTION and the first statement travel together; when the connection breaks between
 * their answers, the Vert.x 5.0.7 MySQL driver fails only the first of them, and the request used
 * to wait forever, its client connection stuck behind it and its pooled connection counted in use.
 */
class ConnectionLossTest {

  @Test
  void aConnectionLostWithTwoCommandsInFlightIsAnsweredUnavailable() throws Exception {
    TestSql.resetAccounts();
    try (FaultProxy proxy = new FaultProxy();
         TestServer server = TestServer.start(new JsonObject().put("TXGATE_DB_URL", proxy.url()));
         WireClient c = server.connect()) {
      // Far shorter than the 30 s request deadline: the answer must come from the lost connection.
      c.setTimeout(15_000);
      proxy.cutAfterNextStart();
      JsonObject r = c.call(WireClient.batch(1,
        WireClient.step("UPDATE accounts SET balance = balance - 1 WHERE id = 7"),
        WireClient.step("UPDATE accounts SET balance = balance + 1 WHERE id = 8")));
      assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(r.getJsonObject("error").getBoolean("retryable")).isTrue();

      JsonObject after = c.call(WireClient.execute(2, "SELECT balance FROM accounts WHERE id = 7"));
      assertThat(after.getBoolean("ok")).as("the client connection still serves: " + after.encode()).isTrue();
      assertThat(server.txgate().stats().inUse()).as("connections counted in use at rest").isZero();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM accounts WHERE balance <> 1000.00 AND id IN (7, 8)")).isZero();
  }
}
