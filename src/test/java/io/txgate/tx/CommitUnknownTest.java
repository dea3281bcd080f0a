package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.FaultProxy;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The database commits, the connection dies before txgate hears it: the client is told
 * COMMIT_UNKNOWN, txgate does not retry on its own, and a resend with the same requestKey returns
 * the committed result without doing the work again.
 */
class CommitUnknownTest {

  @Test
  void lostCommitAnswerIsReportedAndAKeyedResendIsSafe() throws Exception {
    TestSql.update("DELETE FROM t_items WHERE tag LIKE 'unknown-%'");
    String key = "unknown-" + UUID.randomUUID();
    JsonObject insert = new JsonObject().put("id", 1).put("op", "batch").put("requestKey", key)
      .put("steps", new JsonArray()
        .add(new JsonObject().put("sql", "INSERT INTO t_items (tag, n) VALUES ('unknown-keyed', 1)"))
        .add(new JsonObject().put("sql", "INSERT INTO t_items (tag, n) VALUES ('unknown-keyed', 2)")));
    try (FaultProxy proxy = new FaultProxy();
         TestServer server = TestServer.start(new JsonObject().put("TXGATE_DB_URL", proxy.url()));
         WireClient c = server.connect()) {
      proxy.cutNextCommit();
      JsonObject r = c.call(insert);
      assertThat(r.getBoolean("ok")).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("COMMIT_UNKNOWN");
      assertThat(r.getJsonObject("error").getBoolean("retryable")).isFalse();
      // It did commit, exactly once: txgate did not run it again by itself.
      assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'unknown-keyed'")).isEqualTo(2);

      JsonObject again = c.call(insert.copy().put("id", 2));
      assertThat(again.getBoolean("ok")).as(again.encode()).isTrue();
      assertThat(again.getJsonObject("result").getBoolean("replayed")).isTrue();
      assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'unknown-keyed'")).isEqualTo(2);
    }
  }
}
