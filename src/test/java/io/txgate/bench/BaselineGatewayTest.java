package io.txgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.txgate.config.DatabaseUrls;
import io.txgate.db.SchemaLoader;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs scripts/baseline/sqlalchemy_gateway.py, the thread-per-connection SQLAlchemy design the
 * benchmark compares txgate with, against a database of its own on the run's test server, and
 * speaks txgate's protocol to it over a real socket. The script needs Debian's SQLAlchemy and
 * PyMySQL; without them this test fails (CI installs them), it never skips.
 */
class BaselineGatewayTest {

  static final String SCRIPT = "scripts/baseline/sqlalchemy_gateway.py";
  static final String INSTALL = "apt-get install -y python3-sqlalchemy python3-pymysql";
  static final String DATABASE = "txgate_baseline_test";
  /** Debian's interpreter: a pyenv python3 first on PATH does not see Debian's packages. */
  static final String PYTHON = System.getProperty("txgate.baseline.python", "/usr/bin/python3");

  private static Vertx vertx;
  private static String dbUrl;
  private static Process gateway;
  private static int port;

  @BeforeAll
  static void startGateway() throws Exception {
    requirePackages();
    vertx = Vertx.vertx();
    dbUrl = databaseUrl(TestDatabase.url(), DATABASE);
    TestServer.await(SchemaLoader.run(vertx, TestDatabase.url(),
      "DROP DATABASE IF EXISTS " + DATABASE + ";\nCREATE DATABASE " + DATABASE + ";\n"));
    TestServer.await(SchemaLoader.load(vertx, dbUrl, Path.of("conf/demo-schema.sql")));
    port = freePortInBriefRange();
    gateway = new ProcessBuilder(PYTHON, SCRIPT, "--listen", "127.0.0.1:" + port, "--db", dbUrl, "--pool", "4")
      .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.add(line);
      if (line.equals("listening on 127.0.0.1:" + port)) {
        drain(out);
        return;
      }
    }
    fail("the baseline gateway exited before listening: " + String.join("\n", seen));
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.destroy();
      assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    if (vertx != null) {
      TestServer.await(vertx.close());
    }
  }

  @Test
  void executeReturnsRowsAndBindsValuesAsParameters() throws Exception {
    String hostile = "x'); DROP TABLE accounts; -- ? :owner";
    try (WireClient client = new WireClient(port)) {
      JsonObject read = client.call(execute(1, "SELECT id, owner, balance FROM accounts WHERE id = ?", 8));
      assertThat(read.getBoolean("ok")).as(read.encode()).isTrue();
      assertThat(read.getJsonObject("result").getJsonArray("columns")).containsExactly("id", "owner", "balance");
      assertThat(read.getJsonObject("result").getJsonArray("rows"))
        .containsExactly(new JsonArray().add(8).add("heidi").add("1000.00"));

      JsonObject insert = client.call(execute(2, "INSERT INTO accounts (id, owner) VALUES (?, ?)", 100, hostile));
      assertThat(insert.getBoolean("ok")).as(insert.encode()).isTrue();
      assertThat(insert.getJsonObject("result").getInteger("affectedRows")).isEqualTo(1);
    }
    assertThat(query("SELECT owner FROM accounts WHERE id = 100").get(0).getString(0)).isEqualTo(hostile);
  }

  @Test
  void batchCommitsEveryStep() throws Exception {
    try (WireClient client = new WireClient(port)) {
      JsonObject answer = client.call(batch(3, step("UPDATE accounts SET balance = balance - ? WHERE id = ?", 1, "10.00", 3),
        step("UPDATE accounts SET balance = balance + ? WHERE id = ?", 1, "10.00", 4)));
      assertThat(answer.getBoolean("ok")).as(answer.encode()).isTrue();
      assertThat(answer.getJsonObject("result").getJsonArray("results")).hasSize(2)
        .allSatisfy(r -> assertThat(((JsonObject) r).getInteger("affectedRows")).isEqualTo(1));
    }
    assertThat(balance(3)).isEqualByComparingTo("990.00");
    assertThat(balance(4)).isEqualByComparingTo("1010.00");
  }

  @Test
  void aMissedExpectationIsAConflictAndRollsBackTheWholeBatch() throws Exception {
    try (WireClient client = new WireClient(port)) {
      JsonObject answer = client.call(batch(4, step("UPDATE accounts SET balance = balance - ? WHERE id = ?", 1, "10.00", 5),
        step("UPDATE accounts SET balance = balance + ? WHERE id = ?", 1, "10.00", 999)));
      assertThat(answer.getBoolean("ok")).isFalse();
      assertThat(answer.getJsonObject("error").getString("code")).isEqualTo("CONFLICT");
      assertThat(answer.getJsonObject("error").getInteger("step")).isEqualTo(1);
    }
    assertThat(balance(5)).isEqualByComparingTo("1000.00");
  }

  @Test
  void transfersMoveMoneyAndTheBooksBalance() throws Exception {
    try (WireClient client = new WireClient(port)) {
      for (int i = 0; i < 3; i++) {
        JsonObject answer = client.call(transfer(10 + i, 1, 2, "25.00"));
        assertThat(answer.getBoolean("ok")).as(answer.encode()).isTrue();
        assertThat(answer.getJsonObject("result").getJsonArray("results")).hasSize(4);
      }
      JsonObject tooMuch = client.call(transfer(20, 1, 2, "5000.00"));
      assertThat(tooMuch.getJsonObject("error").getString("code")).isEqualTo("CONFLICT");
      JsonObject unknown = client.call(new JsonObject().put("id", 21).put("op", "call").put("name", "nope"));
      assertThat(unknown.getJsonObject("error").getString("code")).isEqualTo("UNKNOWN_OPERATION");
    }
    assertThat(balance(1)).isEqualByComparingTo("925.00");
    assertThat(balance(2)).isEqualByComparingTo("1075.00");
    assertThat(query("SELECT SUM(balance) FROM accounts").get(0).getBigDecimal(0)).isEqualByComparingTo("8000.00");
    Row ledger = query("SELECT COUNT(*), SUM(amount) FROM ledger WHERE from_id = 1 AND to_id = 2").get(0);
    assertThat(ledger.getLong(0)).isEqualTo(3);
    assertThat(ledger.getBigDecimal(1)).isEqualByComparingTo("75.00");
  }

  @Test
  void errorsCarryTheirCodeAndTheConnectionStaysUsable() throws Exception {
    try (WireClient client = new WireClient(port)) {
      client.send("{\"id\": 30, \"op\": ");
      JsonObject bad = client.read();
      assertThat(bad.getValue("id")).isNull();
      assertThat(bad.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");

      JsonObject missing = client.call(execute(31, "SELECT * FROM no_such_table"));
      assertThat(missing.getJsonObject("error").getString("code")).isEqualTo("SQL_ERROR");
      assertThat(missing.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1146);

      JsonObject ping = client.call(new JsonObject().put("id", 32).put("op", "ping"));
      assertThat(ping.getBoolean("ok")).isTrue();
    }
  }

  /** Fails, naming the apt-get line, when Debian's python3 lacks SQLAlchemy or PyMySQL. */
  private static void requirePackages() throws Exception {
    String output;
    int status;
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import sqlalchemy, pymysql").redirectErrorStream(true).start();
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      status = p.waitFor();
    } catch (IOException e) {
      output = e.getMessage();
      status = -1;
    }
    if (status != 0) {
      fail(PYTHON + " cannot import SQLAlchemy and PyMySQL; install them with: " + INSTALL + "\n" + output);
    }
  }

  /** The run's test server with another database in the path; the URL's options are dropped. */
  static String databaseUrl(String serverUrl, String database) throws Exception {
    URI u = URI.create(serverUrl);
    return new URI(u.getScheme(), u.getRawUserInfo() == null ? null : u.getUserInfo(), u.getHost(), u.getPort(),
      "/" + database, null, null).toASCIIString();
  }

  /** A port from this project's range for the baseline (7650-7699), free at the time of asking. */
  private static int freePortInBriefRange() {
    for (int candidate = 7650; candidate < 7700; candidate++) {
      try (ServerSocket s = new ServerSocket(candidate, 1, java.net.InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // try the next
      }
    }
    throw new IllegalStateException("no free port between 7650 and 7699");
  }

  /** Keeps reading the script's output so that a full pipe never blocks it. */
  private static void drain(BufferedReader out) {
    Thread t = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // discarded: errors reach the test as answers
        }
      } catch (IOException closed) {
        // the process ended
      }
    }, "baseline-output");
    t.setDaemon(true);
    t.start();
  }

  private static BigDecimal balance(int id) {
    return query("SELECT balance FROM accounts WHERE id = " + id).get(0).getBigDecimal(0);
  }

  private static List<Row> query(String sql) {
    MySQLConnection conn = TestServer.await(MySQLConnection.connect(vertx, DatabaseUrls.parse(dbUrl)));
    try {
      List<Row> rows = new ArrayList<>();
      TestServer.await(conn.query(sql).execute()).forEach(rows::add);
      return rows;
    } finally {
      TestServer.await(conn.close());
    }
  }

  private static JsonObject execute(Object id, String sql, Object... params) {
    return new JsonObject().put("id", id).put("op", "execute").put("sql", sql).put("params", new JsonArray(List.of(params)));
  }

  private static JsonObject step(String sql, int affectedRows, Object... params) {
    return new JsonObject().put("sql", sql).put("params", new JsonArray(List.of(params)))
      .put("expect", new JsonObject().put("affectedRows", affectedRows));
  }

  private static JsonObject batch(Object id, JsonObject... steps) {
    return new JsonObject().put("id", id).put("op", "batch").put("steps", new JsonArray(List.of((Object[]) steps)));
  }

  private static JsonObject transfer(Object id, int from, int to, String amount) {
    return new JsonObject().put("id", id).put("op", "call").put("name", "transfer")
      .put("args", new JsonObject().put("from", from).put("to", to).put("amount", amount));
  }
}
