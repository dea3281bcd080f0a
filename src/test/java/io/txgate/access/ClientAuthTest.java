package io.txgate.access;

import static io.txgate.access.AuthServers.JWT_KEY;
import static io.txgate.access.AuthServers.OTHER_JWT_KEY;
import static io.txgate.access.AuthServers.TOKEN;
import static io.txgate.access.AuthServers.WRONG_TOKEN;
import static io.txgate.access.AuthServers.hello;
import static io.txgate.access.AuthServers.helloJwt;
import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.client.RejectedException;
import io.txgate.client.TxgateClient;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.ServerLog;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server with clients configured, over real sockets: each credential kind accepted and refused,
 * nothing before authentication, every permission enforced (and nothing written when refused), the
 * identity in the API and the metrics, and no secret anywhere an operator or a client can read.
 */
class ClientAuthTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws IOException {
    // No throttling here: the refusals below all come from 127.0.0.1 (ThrottleTest has its own server).
    server = AuthServers.start(0);
    TestSql.update("CREATE TABLE IF NOT EXISTS t_auth (id INT AUTO_INCREMENT PRIMARY KEY, who VARCHAR(64) NOT NULL)");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    TestSql.update("DROP TABLE IF EXISTS t_auth_made");
  }

  @BeforeEach
  void clean() {
    TestSql.update("DELETE FROM t_auth");
  }

  private WireClient as(String client) throws IOException {
    WireClient c = server.connect();
    JsonObject r = c.call(hello(0, client, TOKEN));
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    return c;
  }

  private static void assertRefused(WireClient c, JsonObject response) throws IOException {
    assertThat(response.getBoolean("ok")).as(response.encode()).isFalse();
    assertThat(response.getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
    assertThat(response.getJsonObject("error").getBoolean("retryable")).isFalse();
    assertThat(c.closedByServer()).as("closed after UNAUTHENTICATED").isTrue();
  }

  private static JsonObject error(JsonObject response) {
    assertThat(response.getBoolean("ok")).as(response.encode()).isFalse();
    return response.getJsonObject("error");
  }

  private static JsonObject call(Object id, String name, JsonObject args) {
    return new JsonObject().put("id", id).put("op", "call").put("name", name).put("args", args);
  }

  @Test
  void aTokenAuthenticatesItsClient() throws IOException {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(hello(1, "full", TOKEN));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getString("identity")).isEqualTo("full");
      assertThat(c.call(execute(2, "SELECT 1 AS one")).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void theJavaClientAuthenticatesWithATokenOrAJwt() {
    TxgateClient.Options token = new TxgateClient.Options().setPort(server.port()).setClientName("full").setToken(TOKEN);
    try (TxgateClient db = TxgateClient.connect(token)) {
      assertThat(db.hello().identity()).isEqualTo("full");
      assertThat(db.execute("SELECT 1").row(0).getLong(0)).isEqualTo(1L);
    }
    TxgateClient.Options jwt = new TxgateClient.Options().setPort(server.port())
      .setJwt(AuthServers.jwt(server.vertx(), JWT_KEY, "signed"));
    try (TxgateClient db = TxgateClient.connect(jwt)) {
      assertThat(db.hello().identity()).isEqualTo("signed");
    }
    TxgateClient.Options wrong = new TxgateClient.Options().setPort(server.port()).setClientName("full")
      .setToken(WRONG_TOKEN).setReconnect(false);
    assertThatThrownBy(() -> TxgateClient.connect(wrong)).isInstanceOf(RejectedException.class)
      .satisfies(e -> assertThat(((RejectedException) e).code()).isEqualTo("UNAUTHENTICATED"));
  }

  @Test
  void aWrongTokenAnUnknownClientOrNoNameIsRefusedAndClosed() throws IOException {
    for (JsonObject h : List.of(hello(1, "full", WRONG_TOKEN), hello(1, "nobody", TOKEN),
      hello(1, null, TOKEN), hello(1, "signed", TOKEN))) {
      try (WireClient c = server.connect()) {
        assertRefused(c, c.call(h));
      }
    }
  }

  @Test
  void aJwtSignedWithTheKeyAuthenticatesItsSubject() throws IOException {
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(helloJwt(1, AuthServers.jwt(server.vertx(), JWT_KEY, "signed")));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getString("identity")).isEqualTo("signed");
      assertThat(c.call(execute(2, "SELECT 1 AS one")).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void aJwtWithAnotherKeyExpiredUnsignedOrForAnotherKindOfClientIsRefused() throws IOException {
    long past = System.currentTimeMillis() / 1000 - 3600;
    List<String> bad = List.of(
      AuthServers.jwt(server.vertx(), OTHER_JWT_KEY, "signed"),
      AuthServers.jwt(server.vertx(), JWT_KEY, new JsonObject().put("sub", "signed").put("exp", past),
        new JWTOptions().setNoTimestamp(true)),
      AuthServers.unsignedJwt("signed"),
      // A token client cannot be reached with a JWT, nor a client that does not exist.
      AuthServers.jwt(server.vertx(), JWT_KEY, "full"),
      AuthServers.jwt(server.vertx(), JWT_KEY, "nobody"),
      "not.a.jwt");
    for (String jwt : bad) {
      try (WireClient c = server.connect()) {
        assertRefused(c, c.call(helloJwt(1, jwt)));
      }
    }
  }

  @Test
  void anythingButAHelloWithACredentialFirstIsRefusedAndNothingRuns() throws IOException {
    List<String> firsts = List.of(
      new JsonObject().put("id", 1).put("op", "ping").encode(),
      execute(1, "INSERT INTO t_auth (who) VALUES ('anonymous')").encode(),
      new JsonObject().put("id", 1).put("op", "hello").put("client", "full").encode(),
      "{\"id\": 1, \"op\": ",
      new JsonObject().put("id", 1).put("op", "hello").put("client", "full").put("token", TOKEN).put("jwt", "x.y.z").encode());
    for (String first : firsts) {
      try (WireClient c = server.connect()) {
        assertRefused(c, c.send(first).read());
      }
    }
    // A request pipelined behind a failed hello is never run, nor answered.
    try (WireClient c = server.connect()) {
      c.send(hello(1, "full", WRONG_TOKEN).encode() + "\n" + execute(2, "INSERT INTO t_auth (who) VALUES ('piped')").encode());
      assertRefused(c, c.read());
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_auth")).isZero();
  }

  @Test
  void rawSqlNeedsRawSql() throws IOException {
    try (WireClient c = as("norawsql")) {
      JsonObject e = error(c.call(execute(1, "INSERT INTO t_auth (who) VALUES ('norawsql')")));
      assertThat(e.getString("code")).isEqualTo("FORBIDDEN");
      assertThat(e.getString("message")).contains("'norawsql'", "rawSql");
      assertThat(error(c.call(batch(2, step("SELECT 1")))).getString("code")).isEqualTo("FORBIDDEN");
      // What it may do still works on the same connection.
      assertThat(c.call(call(3, "balance", new JsonObject().put("id", 1))).getBoolean("ok")).isTrue();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_auth")).isZero();
  }

  @Test
  void onlyTheListedOperationsMayBeCalled() throws IOException {
    TestSql.resetAccounts();
    try (WireClient c = as("norawsql")) {
      JsonObject e = error(c.call(call(1, "deposit", new JsonObject().put("id", 1).put("amount", "5.00"))));
      assertThat(e.getString("code")).isEqualTo("FORBIDDEN");
      assertThat(e.getString("message")).contains("'deposit'", "operations");
      // Not even whether an operation exists is told to a client that may not call it.
      assertThat(error(c.call(call(2, "nosuchop", new JsonObject()))).getString("code")).isEqualTo("FORBIDDEN");
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM accounts WHERE balance <> 1000.00")).isZero();
  }

  @Test
  void aReadOnlyClientReadsAndCannotWriteAnything() throws IOException {
    TestSql.resetAccounts();
    try (WireClient c = as("reader")) {
      List<JsonObject> writes = List.of(
        execute(1, "INSERT INTO t_auth (who) VALUES ('reader')"),
        execute(2, "UPDATE accounts SET balance = 0"),
        execute(5, "EXPLAIN ANALYZE DELETE t_auth FROM t_auth JOIN accounts ON t_auth.id = accounts.id"),
        execute(6, "SELECT 1 INTO OUTFILE '/tmp/txgate-auth-test'"),
        batch(7, step("SELECT 1"), step("INSERT INTO t_auth (who) VALUES ('batch')")),
        call(8, "deposit", new JsonObject().put("id", 1).put("amount", "5.00")));
      for (JsonObject w : writes) {
        JsonObject e = error(c.call(w));
        assertThat(e.getString("code")).as(w.encode()).isEqualTo("FORBIDDEN");
        assertThat(e.getString("message")).contains("'reader'", "readOnly");
      }
      assertThat(c.call(execute(9, "SELECT COUNT(*) AS n FROM t_auth")).getBoolean("ok")).isTrue();
      // A write's keyword inside a string, a quoted name or a comment is text, not a write.
      JsonObject quoted = c.call(execute(12, "SELECT 'please update' AS `delete`, 1 /* insert */ AS n"));
      assertThat(quoted.getBoolean("ok")).as(quoted.encode()).isTrue();
      assertThat(c.call(batch(10, step("SELECT 1"), step("SHOW TABLES"))).getBoolean("ok")).isTrue();
      assertThat(c.call(call(11, "balance", new JsonObject().put("id", 1))).getBoolean("ok")).isTrue();
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_auth")).isZero();
    assertThat(TestSql.count("SELECT COUNT(*) FROM accounts WHERE balance <> 1000.00")).isZero();
  }

  @Test
  void aReadOnlyClientCannotRunDdl() throws IOException {
    TestSql.update("DROP TABLE IF EXISTS t_auth_made");
    try (WireClient c = as("reader")) {
      // DDL commits implicitly: MariaDB runs it inside START TRANSACTION READ ONLY all the same.
      for (JsonObject ddl : List.of(execute(1, "CREATE TABLE t_auth_made (a INT)"), execute(2, "DROP TABLE t_auth"))) {
        JsonObject e = error(c.call(ddl));
        assertThat(e.getString("code")).as(ddl.encode() + " -> " + e.encode()).isEqualTo("FORBIDDEN");
        assertThat(e.getString("message")).contains("'reader'", "readOnly");
      }
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
      + " AND table_name IN ('t_auth', 't_auth_made')")).as("t_auth kept, t_auth_made never made").isEqualTo(1);
  }

  @Test
  void aClientGetsAtMostMaxConnections() throws Exception {
    try (WireClient first = as("capped")) {
      try (WireClient second = server.connect()) {
        JsonObject e = error(second.call(hello(1, "capped", TOKEN)));
        assertThat(e.getString("code")).isEqualTo("BUSY");
        assertThat(e.getBoolean("retryable")).isTrue();
        assertThat(e.getString("message")).contains("'capped'", "maxConnections");
        assertThat(second.closedByServer()).isTrue();
      }
      assertThat(first.call(execute(2, "SELECT 1")).getBoolean("ok")).isTrue();
    }
    // The slot comes back when the connection closes.
    for (int i = 0; i < 2400 && server.txgate().sessions().clientCount("capped") > 0; i++) {
      Thread.sleep(25);
    }
    try (WireClient again = as("capped")) {
      assertThat(again.call(execute(3, "SELECT 1")).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void requestsAboveTheRateAreBusyAndNamedSo() throws IOException {
    try (WireClient c = as("slow")) {
      int n = 10;
      StringBuilder pipelined = new StringBuilder();
      for (int i = 0; i < n; i++) {
        pipelined.append(new JsonObject().put("id", i).put("op", "ping").encode()).append('\n');
      }
      c.sendRaw(pipelined.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      List<JsonObject> busy = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        JsonObject r = c.read();
        if (!r.getBoolean("ok")) {
          busy.add(r.getJsonObject("error"));
        }
      }
      // A bucket of one request a second cannot pass ten sent at once.
      assertThat(busy).isNotEmpty();
      assertThat(busy).allSatisfy(e -> {
        assertThat(e.getString("code")).isEqualTo("BUSY");
        assertThat(e.getBoolean("retryable")).isTrue();
        assertThat(e.getString("message")).contains("'slow'", "requestsPerSecond");
      });
    }
  }

  @Test
  void theIdentityShowsInTheApiAndTheMetrics() throws Exception {
    try (WireClient c = server.connect()) {
      assertThat(c.call(hello(1, "full", TOKEN)).getBoolean("ok")).isTrue();
      c.call(execute(2, "SELECT 1"));
      JsonArray sessions = new JsonArray(Http.get(server.adminUrl() + "/api/sessions").body());
      assertThat(sessions.stream().map(JsonObject.class::cast)
        .filter(s -> "full".equals(s.getString("identity")))).isNotEmpty();
      try (WireClient failed = server.connect()) {
        assertRefused(failed, failed.call(hello(1, "full", WRONG_TOKEN)));
      }
      String metrics = Http.get(server.adminUrl() + "/metrics").body();
      assertThat(metrics).containsPattern("txgate_client_requests_total\\{client=\"full\"[^}]*} [1-9]");
      // Like every txgate_* family (MetricsHelpTest, which runs without clients), these say what they count.
      assertThat(metrics).containsPattern("(?m)^# HELP txgate_client_requests_total \\S")
        .containsPattern("(?m)^# HELP txgate_client_errors_total \\S");
      assertThat(metrics).containsPattern("txgate_auth_failures_total\\{reason=\"bad_token\"[^}]*} [1-9]");
    }
  }

  /** The secrets used here, and where each must never appear. */
  private static List<String> secretsIn(String text, List<String> secrets) {
    return secrets.stream().filter(text::contains).toList();
  }

  @Test
  void noSecretReachesTheLogTheApiOrTheMetrics() throws Exception {
    String goodJwt = AuthServers.jwt(server.vertx(), JWT_KEY, "signed");
    String badJwt = AuthServers.jwt(server.vertx(), OTHER_JWT_KEY, "signed");
    List<String> secrets = List.of(TOKEN, WRONG_TOKEN, JWT_KEY, OTHER_JWT_KEY, goodJwt, badJwt,
      AuthServers.tokenHash(), goodJwt.split("\\.")[2], badJwt.split("\\.")[2]);
    List<String> seen = new ArrayList<>();
    String log = ServerLog.during(() -> {
      for (JsonObject h : List.of(hello(1, "full", TOKEN), hello(1, "full", WRONG_TOKEN), helloJwt(1, goodJwt),
        helloJwt(1, badJwt), hello(1, TOKEN, WRONG_TOKEN))) {
        try (WireClient c = server.connect()) {
          seen.add(c.call(h).encode());
          seen.add(c.call(execute(2, "SELECT 1")).encode());
        } catch (IOException closed) {
          // refused: the server closed the connection after its answer
        }
      }
      seen.add(Http.get(server.adminUrl() + "/api/sessions").body());
      seen.add(Http.get(server.adminUrl() + "/api/overview").body());
      seen.add(Http.get(server.adminUrl() + "/metrics").body());
    });
    // The capture holds the lines a leak would be in, and the check finds a secret where there is one.
    assertThat(log).contains("authentication failed from");
    assertThat(secretsIn(log + TOKEN, secrets)).containsExactly(TOKEN);
    assertThat(secretsIn(log, secrets)).as("secrets in the log").isEmpty();
    assertThat(secretsIn(String.join("\n", seen), secrets)).as("secrets in answers, API, metrics").isEmpty();
    assertThat(secretsIn(server.config().toString(), secrets)).as("secrets in the config's toString").isEmpty();
  }
}
