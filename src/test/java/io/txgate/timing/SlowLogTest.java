package io.txgate.timing;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.digest.Fingerprint;
import io.txgate.testsupport.ServerLog;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A request slower than {@code observability.slowRequestMs} is one JSON line on the logger {@code
 * txgate.slow}, with its statements as fingerprints; parameter values appear only with {@code
 * observability.logParams} on.
 */
class SlowLogTest {

  /** slf4j-simple's prefix ends with the logger's last name component: "... [INFO] slow - {json}". */
  private static final String MARK = " slow - ";

  @Test
  @DisplayName("a slow request is one JSON line with its time split, and no parameter value or literal")
  void aSlowRequestIsOneJsonLineWithoutParameterValues() throws Exception {
    String secret = "s3cr3t-" + UUID.randomUUID();
    String literal = "lit-" + UUID.randomUUID();
    String sql = "SELECT SLEEP(0.3) AS s, ? AS tag, '" + literal + "' AS lit";
    String[] log = new String[1];
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.OBSERVABILITY_SLOW_REQUEST_MS.env(), 100));
         WireClient c = server.connect()) {
      JsonObject hello = c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "slowlog-test"));
      assertThat(hello.getBoolean("ok")).as(hello.encode()).isTrue();
      String session = hello.getJsonObject("result").getValue("session").toString();
      // The pool's first connection is opened by the first request: not part of what is checked.
      assertThat(c.call(WireClient.execute(1, "SELECT 1")).getBoolean("ok")).isTrue();
      log[0] = ServerLog.during(() -> {
        JsonObject slow = c.call(WireClient.execute(2, sql, secret));
        assertThat(slow.getBoolean("ok")).as(slow.encode()).isTrue();
        JsonObject failed = c.call(WireClient.batch(3, WireClient.step("SELECT SLEEP(0.3)"),
          WireClient.step("SELECT no_such_column")));
        assertThat(failed.getBoolean("ok")).as(failed.encode()).isFalse();
      });

      List<JsonObject> lines = slowLines(log[0]);
      assertThat(lines).as(log[0]).hasSize(2);
      JsonObject line = lines.get(0);
      assertThat(line.fieldNames()).contains("time", "session", "client", "request", "op", "fingerprints",
        "attempts", "queueMs", "connectionWaitMs", "dbMs", "backoffMs", "totalMs", "outcome");
      assertThat(line.getString("session")).isEqualTo(session);
      assertThat(line.getString("client")).isEqualTo("slowlog-test");
      assertThat(line.getString("request")).isEqualTo("execute");
      assertThat(line.getValue("op")).isNull();
      assertThat(line.getJsonArray("fingerprints")).containsExactly(Fingerprint.of(sql));
      assertThat(line.getInteger("attempts")).isEqualTo(1);
      assertThat(line.getString("outcome")).isEqualTo("ok");
      assertThat(line.getDouble("totalMs")).isGreaterThanOrEqualTo(100.0);
      assertThat(line.containsKey("params")).isFalse();
      assertThat(lines.get(1).getString("outcome")).isEqualTo("SQL_ERROR");
    }
    assertThat(log[0]).doesNotContain(secret).doesNotContain(literal);
  }

  @Test
  @DisplayName("with logParams on, the line carries the parameter values")
  void logParamsAddsTheValues() throws Exception {
    String secret = "s3cr3t-" + UUID.randomUUID();
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.OBSERVABILITY_SLOW_REQUEST_MS.env(), 100)
           .put(Keys.OBSERVABILITY_LOG_PARAMS.env(), true));
         WireClient c = server.connect()) {
      String log = ServerLog.during(() -> {
        JsonObject slow = c.call(WireClient.batch(1,
          WireClient.step("SELECT SLEEP(0.3)"), WireClient.step("SELECT ? AS tag, ? AS n", secret, 7)));
        assertThat(slow.getBoolean("ok")).as(slow.encode()).isTrue();
      });
      List<JsonObject> lines = slowLines(log);
      assertThat(lines).as(log).hasSize(1);
      assertThat(lines.get(0).getString("request")).isEqualTo("batch");
      assertThat(lines.get(0).getJsonArray("fingerprints")).containsExactly(Fingerprint.of("SELECT SLEEP(0.3)"), "SELECT ? AS tag, ? AS n");
      assertThat(lines.get(0).getJsonArray("params"))
        .isEqualTo(new JsonArray().add(new JsonArray()).add(new JsonArray().add(secret).add(7)));
    }
  }

  @Test
  @DisplayName("slowRequestMs 0 turns the slow log off")
  void zeroTurnsItOff() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.OBSERVABILITY_SLOW_REQUEST_MS.env(), 0));
         WireClient c = server.connect()) {
      String log = ServerLog.during(() -> assertThat(c.call(WireClient.execute(1, "SELECT SLEEP(0.3)"))
        .getBoolean("ok")).isTrue());
      assertThat(slowLines(log)).as(log).isEmpty();
    }
  }

  @Test
  @DisplayName("logParams on is warned about at start-up")
  void logParamsIsWarnedAbout() throws Exception {
    String log = ServerLog.during(() -> TestServer.start(new JsonObject()
      .put(Keys.OBSERVABILITY_LOG_PARAMS.env(), true)).close());
    assertThat(log).contains("WARN").contains("observability.logParams: true");
  }

  static List<JsonObject> slowLines(String log) {
    return Arrays.stream(log.split("\n"))
      .filter(l -> l.contains(MARK + "{"))
      .map(l -> new JsonObject(l.substring(l.indexOf(MARK) + MARK.length())))
      .toList();
  }
}
