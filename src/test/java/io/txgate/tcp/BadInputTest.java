package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.ServerLog;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every kind of bad input gets its error code, and the server, and where the protocol says so the
 * same connection, keeps serving.
 */
class BadInputTest {

  private static final int MAX_FRAME = 4096;
  @RegisterExtension
  static final SharedServer server = new SharedServer(new JsonObject()
      .put("TXGATE_PROTOCOL_MAX_FRAME_BYTES", MAX_FRAME)
      .put("TXGATE_PROTOCOL_MAX_RESULT_ROWS", 10));

  private static void assertError(JsonObject r, Object id, String code) {
    assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
    assertThat(r.getValue("id")).isEqualTo(id);
    assertThat(r.getJsonObject("error").getString("code")).isEqualTo(code);
    assertThat(r.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(r.getJsonObject("error").containsKey("retryable")).isTrue();
  }

  /** After each bad request the same connection still answers a good one. */
  private static void assertStillServes(WireClient c) throws Exception {
    JsonObject r = c.call(execute("alive", "SELECT 1"));
    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getString("id")).isEqualTo("alive");
  }

  @Test
  void malformedJsonIsBadRequestWithNullId() throws Exception {
    try (WireClient c = server.connect()) {
      c.send("{\"id\": 1, \"op\": ");
      assertError(c.read(), null, "BAD_REQUEST");
      c.send("not json at all");
      assertError(c.read(), null, "BAD_REQUEST");
      c.send("");
      assertError(c.read(), null, "BAD_REQUEST");
      assertStillServes(c);
    }
  }

  @Test
  void invalidUtf8IsBadRequest() throws Exception {
    try (WireClient c = server.connect()) {
      byte[] frame = "{\"id\":2,\"op\":\"execute\",\"sql\":\"SELECT '\u00ff\u00ff'\"}\n".getBytes(StandardCharsets.UTF_8);
      // Replace the two-byte sequence of the first U+00FF with a lone continuation byte pair.
      for (int i = 0; i < frame.length; i++) {
        if (frame[i] == (byte) 0xC3) {
          frame[i] = (byte) 0xBF;
          break;
        }
      }
      c.sendRaw(frame);
      assertError(c.read(), null, "BAD_REQUEST");
      assertStillServes(c);
    }
  }

  @Test
  void missingOrIllTypedFieldsAreBadRequestWithTheId() throws Exception {
    try (WireClient c = server.connect()) {
      c.send("{\"op\":\"ping\"}");
      assertError(c.read(), null, "BAD_REQUEST");
      c.send("{\"id\":3}");
      assertError(c.read(), 3, "BAD_REQUEST");
      c.send("{\"id\":4,\"op\":\"execute\",\"sql\":[\"SELECT 1\"]}");
      assertError(c.read(), 4, "BAD_REQUEST");
      c.send("{\"id\":\"five\",\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[{\"a\":1}]}");
      assertError(c.read(), "five", "BAD_REQUEST");
      c.send("{\"id\":6,\"op\":\"batch\",\"steps\":\"SELECT 1\"}");
      assertError(c.read(), 6, "BAD_REQUEST");
      assertStillServes(c);
    }
  }

  @Test
  void parameterCountMismatchIsBadRequestNamingBothCounts() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject[] answer = new JsonObject[1];
      // A client's mistake must not reach the log at ERROR: any client could flood it.
      String log = ServerLog.during(() -> answer[0] = c.call(execute(20, "SELECT ? + ?", 1)));
      assertThat(log).doesNotContain("ERROR Errors").doesNotContain("internal error");
      JsonObject r = answer[0];
      assertError(r, 20, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("the statement has 2 placeholders (?) but 1 parameter was sent");
      r = c.call(execute(21, "SELECT 1", 1, 2));
      assertError(r, 21, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("the statement has 0 placeholders (?) but 2 parameters were sent");
      // In a batch the failing step is named, and nothing of the batch is committed.
      r = c.call(WireClient.batch(22, WireClient.step("SELECT ?", 1), WireClient.step("SELECT ?")));
      assertError(r, 22, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getInteger("step")).isEqualTo(1);
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("the statement has 1 placeholder (?) but 0 parameters were sent");
      assertStillServes(c);
    }
  }

  @Test
  void tooDeeplyNestedFrameIsBadRequestSayingSo() throws Exception {
    try (WireClient c = server.connect()) {
      c.send("{\"id\":23,\"op\":\"ping\",\"x\":" + "[".repeat(1001) + "]".repeat(1001) + "}");
      JsonObject r = c.read();
      assertError(r, null, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("frame is nested too deeply: more than 1000 levels of arrays and objects");
      assertStillServes(c);
    }
  }

  @Test
  void numberWithTooManyDigitsIsBadRequestSayingSo() throws Exception {
    try (WireClient c = server.connect()) {
      c.send("{\"id\":24,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[" + "9".repeat(1001) + "]}");
      JsonObject r = c.read();
      assertError(r, null, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("frame has a number of more than 1000 characters");
      assertStillServes(c);
    }
  }

  @Test
  void numberBeyondTheRangeOfADoubleIsBadRequestNamingTheField() throws Exception {
    try (WireClient c = server.connect()) {
      c.send("{\"id\":25,\"op\":\"execute\",\"sql\":\"SELECT ?, ?\",\"params\":[1, -2e400]}");
      JsonObject r = c.read();
      assertError(r, 25, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("'params[1]' is out of range: a number must lie within +/-1.7976931348623157E308");
      // An id out of range cannot be echoed as JSON: the answer carries none, and is valid JSON.
      c.send("{\"id\":1e999,\"op\":\"ping\"}");
      r = c.read();
      assertError(r, null, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("'id' is out of range: a number must lie within +/-1.7976931348623157E308");
      assertStillServes(c);
    }
  }

  @Test
  void frameThatIsNotAnObjectOrNotJsonIsBadRequestSayingWhy() throws Exception {
    try (WireClient c = server.connect()) {
      c.send("[{\"id\":26,\"op\":\"ping\"}]");
      JsonObject r = c.read();
      assertError(r, null, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message")).isEqualTo("frame is a JSON array, not an object");
      c.send("{\"id\":27,\"op\":\"ping\"} {}");
      r = c.read();
      assertError(r, null, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .isEqualTo("frame is not valid JSON: more than one value on the line");
      c.send("{\"id\":28,\"op\":nope}");
      r = c.read();
      assertError(r, null, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message"))
        .matches("frame is not valid JSON: Unrecognized token 'nope'.* \\(column \\d+\\)");
      assertStillServes(c);
    }
  }

  @Test
  void transactionControlStatementsAreRefused() throws Exception {
    try (WireClient c = server.connect()) {
      assertError(c.call(execute(7, "COMMIT")), 7, "BAD_REQUEST");
      JsonObject r = c.call(WireClient.batch(8, WireClient.step("SELECT 1"), WireClient.step("ROLLBACK")));
      assertError(r, 8, "BAD_REQUEST");
      assertThat(r.getJsonObject("error").getInteger("step")).isEqualTo(1);
      assertStillServes(c);
    }
  }

  @Test
  void unknownOperation() throws Exception {
    try (WireClient c = server.connect()) {
      assertError(c.call(new JsonObject().put("id", 9).put("op", "shutdown")), 9, "UNKNOWN_OPERATION");
      assertStillServes(c);
    }
  }

  @Test
  void sqlErrorCarriesSqlStateAndVendorCode() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(execute(10, "SELEC 1"));
      assertError(r, 10, "SQL_ERROR");
      assertThat(r.getJsonObject("error").getString("sqlState")).isEqualTo("42000");
      assertThat(r.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1064);
      assertStillServes(c);
    }
  }

  @Test
  void resultOverTheRowLimitIsRefusedAndRolledBack() throws Exception {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(execute(11,
        "SELECT seq FROM (SELECT 1 seq UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6"
          + " UNION SELECT 7 UNION SELECT 8 UNION SELECT 9 UNION SELECT 10 UNION SELECT 11) s"));
      assertError(r, 11, "RESULT_TOO_LARGE");
      assertStillServes(c);
    }
  }

  @Test
  void frameExactlyAtTheLimitIsServed() throws Exception {
    try (WireClient c = server.connect()) {
      String prefix = "{\"id\":12,\"op\":\"execute\",\"sql\":\"SELECT '";
      String suffix = "' AS s\"}";
      String frame = prefix + "x".repeat(MAX_FRAME - prefix.length() - suffix.length()) + suffix;
      assertThat(frame.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_FRAME);
      c.send(frame);
      JsonObject r = c.read();
      assertThat(r.getBoolean("ok")).isTrue();
      assertStillServes(c);
    }
  }

  @Test
  void frameOverTheLimitIsAnsweredThenTheConnectionCloses() throws Exception {
    try (WireClient c = server.connect()) {
      c.send(execute(13, "SELECT 1").encode());
      c.send("{\"id\":14,\"op\":\"ping\",\"pad\":\"" + "y".repeat(MAX_FRAME) + "\"}");
      JsonObject first = c.read();
      assertThat(first.getInteger("id")).isEqualTo(13);
      assertThat(first.getBoolean("ok")).isTrue();
      assertError(c.read(), null, "FRAME_TOO_LARGE");
      assertThat(c.closedByServer()).isTrue();
    }
    try (WireClient c = server.connect()) {
      assertStillServes(c);
    }
  }

  @Test
  void endlessLineWithoutNewlineIsCutOffAtTheLimit() throws Exception {
    try (WireClient c = server.connect()) {
      // Far more than the limit and no terminator: the server must not wait for the end of it.
      byte[] junk = new byte[MAX_FRAME * 4];
      java.util.Arrays.fill(junk, (byte) 'a');
      c.sendRaw(junk);
      assertError(c.read(), null, "FRAME_TOO_LARGE");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void databaseThatCannotBeReachedIsUnavailableAndTheServerStaysUp() throws Exception {
    int deadPort = TestServer.freePort();
    try (TestServer broken = TestServer.start(new JsonObject()
        .put("TXGATE_DB_URL", "mysql://root@127.0.0.1:" + deadPort + "/nothing")
        .put("TXGATE_DB_CONNECT_TIMEOUT_MS", 2000));
         WireClient c = broken.connect()) {
      for (int i = 0; i < 3; i++) {
        JsonObject r = c.call(execute(i, "SELECT 1"));
        assertError(r, i, "UNAVAILABLE");
        assertThat(r.getJsonObject("error").getBoolean("retryable")).isTrue();
      }
      assertThat(c.call(new JsonObject().put("id", "p").put("op", "ping")).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void fullWaitQueueFailsFastWithBusy() throws Exception {
    try (TestServer tiny = TestServer.start(new JsonObject()
        .put("TXGATE_DB_POOL_SIZE", 1)
        .put("TXGATE_DB_MAX_WAIT_QUEUE", 1));
         WireClient a = tiny.connect(); WireClient b = tiny.connect(); WireClient d = tiny.connect()) {
      a.send(execute("slow", "SELECT SLEEP(5)"));
      waitUntilRunning("SELECT SLEEP(5)");
      // One connection is busy and the queue holds one: of the next two, one waits, one is refused.
      b.send(execute("b", "SELECT 2"));
      d.send(execute("d", "SELECT 3"));
      JsonObject rb = b.read();
      JsonObject rd = d.read();
      JsonObject refused = rb.getBoolean("ok") ? rd : rb;
      JsonObject served = rb.getBoolean("ok") ? rb : rd;
      assertThat(served.getBoolean("ok")).isTrue();
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("BUSY");
      assertThat(refused.getJsonObject("error").getBoolean("retryable")).isTrue();
      assertThat(a.read().getBoolean("ok")).isTrue();
    }
  }

  private static void waitUntilRunning(String sql) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      if (io.txgate.testsupport.TestSql.count(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", sql) > 0) {
        return;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("statement never started: " + sql);
  }
}
