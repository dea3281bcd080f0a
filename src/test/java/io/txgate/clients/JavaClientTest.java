package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.client.BatchResult;
import io.txgate.client.Committed;
import io.txgate.client.ConflictException;
import io.txgate.client.ConnectionException;
import io.txgate.client.Isolation;
import io.txgate.client.Operation;
import io.txgate.client.RejectedException;
import io.txgate.client.RequestKeys;
import io.txgate.client.ResultSet;
import io.txgate.client.SqlErrorException;
import io.txgate.client.Statement;
import io.txgate.client.TransientException;
import io.txgate.client.TxOptions;
import io.txgate.client.TxgateClient;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client (clients/java, compiled with these tests) against a real txgate and database: every
 * op, every option, values both ways, the error families, pipelining and timeouts.
 */
class JavaClientTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeEach
  void accounts() {
    TestSql.resetAccounts();
  }

  private TxgateClient.Options options() {
    return new TxgateClient.Options().setPort(server.port()).setClientName("java-tests");
  }

  private static BigDecimal balance(int id) {
    return TestSql.query("SELECT balance FROM accounts WHERE id = ?", id).get(0).getBigDecimal(0);
  }

  @Test
  void helloAndPing() {
    try (TxgateClient db = TxgateClient.connect(options())) {
      assertThat(db.session()).isNotBlank();
      assertThat(db.hello().protocol()).isEqualTo(1);
      assertThat(db.hello().server()).startsWith("txgate/");
      assertThat(db.hello().limit("maxFrameBytes")).isPositive();
      db.ping();
    }
  }

  @Test
  void typedValuesGoBothWaysExactly() {
    try (TxgateClient db = TxgateClient.connect(options())) {
      ResultSet rs = db.execute("SELECT CAST(? AS DECIMAL(30,10)) AS d, CAST(? AS UNSIGNED) AS u, ? AS b,"
          + " CAST(? AS DATE) AS dt, CAST(? AS DATETIME(6)) AS ts, CAST(? AS TIME(6)) AS t, ? AS s, ? AS n,"
          + " CAST(? AS DATETIME) AS ts0, ? AS big, ? AS small, ? AS f, CAST(? AS SIGNED) AS neg",
        new BigDecimal("12345678901234567890.0123456789"), new BigInteger("18446744073709551615"),
        new byte[] {0, (byte) 255, 7}, LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000),
        Duration.ofHours(-838).minusMinutes(59).minusSeconds(59), "h\u00e9llo \uD83D\uDE00 \u4e2d", null,
        LocalDateTime.of(2024, 2, 29, 12, 0), 9007199254740993L, 9007199254740991L, 1.5, Long.MIN_VALUE);
      ResultSet.Row row = rs.row(0);
      assertThat(rs.columns()).containsExactly("d", "u", "b", "dt", "ts", "t", "s", "n", "ts0", "big", "small", "f", "neg");
      assertThat(row.getObject("d")).isEqualTo(new BigDecimal("12345678901234567890.0123456789"));
      assertThat(row.getObject("u")).isEqualTo(new BigInteger("18446744073709551615"));
      assertThat((byte[]) row.getObject("b")).containsExactly(0, 255, 7);
      assertThat(row.getObject("dt")).isEqualTo(LocalDate.of(2024, 2, 29));
      assertThat(row.getObject("ts")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000));
      assertThat(row.getObject("t")).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
      assertThat(row.getObject("s")).isEqualTo("h\u00e9llo \uD83D\uDE00 \u4e2d");
      assertThat(row.isNull("n")).isTrue();
      assertThat(row.getObject("ts0")).isEqualTo(LocalDateTime.of(2024, 2, 29, 12, 0));
      assertThat(row.getObject("big")).isEqualTo(9007199254740993L);
      assertThat(row.getLong("small")).isEqualTo(9007199254740991L);
      assertThat(row.getObject("f")).isEqualTo(1.5);
      assertThat(row.getObject("neg")).isEqualTo(Long.MIN_VALUE);
      assertThat(rs.attempts()).isEqualTo(1);
      assertThat(rs.replayed()).isFalse();
    }
  }

  @Test
  void columnTypesRoundTripThroughATable() {
    try (TxgateClient db = TxgateClient.connect(options())) {
      BatchResult r = db.batch(List.of(
        Statement.of("CREATE TEMPORARY TABLE java_types LIKE t_types"),
        Statement.of("INSERT INTO java_types (id, c_bigint, c_ubigint, c_decimal, c_double, c_bit, c_bool, c_varchar,"
            + " c_varbinary, c_blob, c_date, c_time, c_datetime, c_timestamp, c_year, c_json, c_geometry)"
            + " VALUES (?, ?, ?, ?, ?, CAST(? AS UNSIGNED), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ST_GeomFromText(?))",
          1, Long.MIN_VALUE, new BigInteger("18446744073709551615"), new BigDecimal("-12345678901234567890.0123456789"),
          -2.5e-10, new BigInteger("18446744073709551615"), true, "\u00e9\u4e2d\uD83D\uDE00 \"q\" \\ \n",
          new byte[] {(byte) 0xde, (byte) 0xad, 0, (byte) 0xef}, new byte[0], LocalDate.of(1000, 1, 1),
          Duration.ofHours(838).plusMinutes(59).plusSeconds(59), LocalDateTime.of(9999, 12, 31, 23, 59, 59, 1_000),
          LocalDateTime.of(2024, 2, 29, 12, 0), 2024, "{\"a\": [1, 2]}", "POINT(1.5 -2)").expectAffectedRows(1),
        Statement.of("SELECT c_bigint, c_ubigint, c_decimal, c_double, c_bit, c_bool, c_varchar, c_varbinary, c_blob,"
          + " c_date, c_time, c_datetime, c_timestamp, c_year, c_json, c_geometry, c_text FROM java_types")));
      ResultSet rs = r.get(2);
      ResultSet.Row row = rs.row(0);
      assertThat(row.getObject("c_bigint")).isEqualTo(Long.MIN_VALUE);
      assertThat(row.getObject("c_ubigint")).isEqualTo(new BigInteger("18446744073709551615"));
      assertThat(row.getObject("c_decimal")).isEqualTo(new BigDecimal("-12345678901234567890.0123456789"));
      assertThat(row.getObject("c_double")).isEqualTo(-2.5e-10);
      assertThat(row.getObject("c_bit")).isEqualTo(new BigInteger("18446744073709551615"));
      assertThat(row.getBoolean("c_bool")).isTrue();
      assertThat(row.getObject("c_varchar")).isEqualTo("\u00e9\u4e2d\uD83D\uDE00 \"q\" \\ \n");
      assertThat((byte[]) row.getObject("c_varbinary")).containsExactly(0xde, 0xad, 0, 0xef);
      assertThat((byte[]) row.getObject("c_blob")).isEmpty();
      assertThat(row.getObject("c_date")).isEqualTo(LocalDate.of(1000, 1, 1));
      assertThat(row.getObject("c_time")).isEqualTo(Duration.ofHours(838).plusMinutes(59).plusSeconds(59));
      assertThat(row.getObject("c_datetime")).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 1_000));
      assertThat(row.getObject("c_timestamp")).isEqualTo(LocalDateTime.of(2024, 2, 29, 12, 0));
      assertThat(row.getObject("c_year")).isEqualTo(2024L);
      assertThat(row.getString("c_json")).isEqualTo("{\"a\": [1, 2]}");
      assertThat(row.getObject("c_geometry")).isEqualTo("POINT(1.5 -2)");
      assertThat(row.isNull("c_text")).isTrue();
    }
  }

  @Test
  void lastInsertIdBeyondTwoToThe53() {
    try (TxgateClient db = TxgateClient.connect(options())) {
      BatchResult r = db.batch(List.of(
        Statement.of("CREATE TEMPORARY TABLE big_ids (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v INT)"
          + " AUTO_INCREMENT = 9223372036854775806"),
        Statement.of("INSERT INTO big_ids (v) VALUES (?)", 1),
        Statement.of("SELECT id FROM big_ids")));
      assertThat(r.get(1).lastInsertId()).isEqualTo(new BigInteger("9223372036854775806"));
      assertThat(r.get(1).affectedRows()).isEqualTo(1);
      assertThat(r.get(2).row(0).getObject(0)).isEqualTo(9223372036854775806L);
    }
  }

  @Test
  void errorsCarryTheirFamilyCodeRetryableAndCommitted() {
    try (TxgateClient db = TxgateClient.connect(options())) {
      assertThatThrownBy(() -> db.batch(List.of(
          Statement.of("UPDATE accounts SET balance = balance - 1 WHERE id = ?", 1),
          Statement.of("INSERT INTO no_such_table VALUES (?)", 1))))
        .isInstanceOfSatisfying(SqlErrorException.class, e -> {
          assertThat(e.code()).isEqualTo("SQL_ERROR");
          assertThat(e.vendorCode()).isEqualTo(1146);
          assertThat(e.sqlState()).isEqualTo("42S02");
          assertThat(e.step()).isEqualTo(1);
          assertThat(e.retryable()).isFalse();
          assertThat(e.committed()).isEqualTo(Committed.NO);
        });
      assertThatThrownBy(() -> db.batch(List.of(
          Statement.of("UPDATE accounts SET balance = 0 WHERE id = ? AND version = ?", 1, 99).expectAffectedRows(1)),
          TxOptions.create().isolation(Isolation.SERIALIZABLE)))
        .isInstanceOfSatisfying(ConflictException.class, e -> {
          assertThat(e.code()).isEqualTo("CONFLICT");
          assertThat(e.step()).isEqualTo(0);
        });
      assertThatThrownBy(() -> db.call("no_such_operation", Map.of()))
        .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_OPERATION"));
      assertThatThrownBy(() -> db.execute("SELECT ?, ?", 1))
        .isInstanceOfSatisfying(RejectedException.class, e -> {
          assertThat(e.code()).isEqualTo("BAD_REQUEST");
          assertThat(e.committed()).isEqualTo(Committed.NO);
        });
      // The connection stays usable after every error answer.
      assertThat(db.execute("SELECT 1").row(0).getLong(0)).isEqualTo(1);
    }
    assertThat(balance(1)).isEqualByComparingTo("1000.00");
  }

  @Test
  void everyOptionReachesTheServer() {
    try (TxgateClient db = TxgateClient.connect(options())) {
      assertThat(db.execute(Statement.of("SELECT balance FROM accounts WHERE id = ?", 1).expectRowCount(1),
          TxOptions.create().isolation(Isolation.SERIALIZABLE).readOnly(true).maxAttempts(1).timeoutMs(5_000))
        .row(0).getBigDecimal("balance")).isEqualByComparingTo("1000.00");
      // Isolation and readOnly are fixed by a named operation's definition: the server refuses them on a call.
      assertThatThrownBy(() -> db.call("balance", Map.of("id", 1), TxOptions.create().isolation(Isolation.READ_COMMITTED)))
        .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.getMessage()).contains("isolation"));
      assertThatThrownBy(() -> db.execute(Statement.of("SELECT 1").expectRowCount(2)))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.step()).isEqualTo(0));
      assertThatThrownBy(() -> db.execute(Statement.of("UPDATE accounts SET balance = 0 WHERE id = ?", 1),
          TxOptions.create().readOnly(true)))
        .isInstanceOfSatisfying(SqlErrorException.class, e -> assertThat(e.vendorCode()).isEqualTo(1792));
      assertThatThrownBy(() -> db.execute(Statement.of("SELECT 1"),
          TxOptions.create().readOnly(true).requestKey(RequestKeys.random())))
        .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.code()).isEqualTo("BAD_REQUEST"));
      // timeoutMs: the server stops the statement at the deadline and answers TIMEOUT, nothing committed.
      assertThatThrownBy(() -> db.batch(List.of(
          Statement.of("UPDATE accounts SET balance = 0 WHERE id = ?", 2),
          Statement.of("SELECT SLEEP(?)", 20)), TxOptions.create().timeoutMs(200)))
        .isInstanceOfSatisfying(TransientException.class, e -> {
          assertThat(e.code()).isEqualTo("TIMEOUT");
          assertThat(e.retryable()).isTrue();
          assertThat(e.committed()).isEqualTo(Committed.NO);
        });
      db.ping();
    }
    assertThat(balance(2)).isEqualByComparingTo("1000.00");
  }

  @Test
  void namedOperationsAndExactlyOnceReportReplayedAndAttempts() {
    String key = RequestKeys.random();
    Map<String, Object> args = Map.of("from", 5, "to", 6, "amount", new BigDecimal("2.50"));
    try (TxgateClient db = TxgateClient.connect(options())) {
      List<Operation> ops = db.operations();
      assertThat(ops).extracting(Operation::name).contains("transfer", "balance", "deposit");
      Operation transfer = ops.stream().filter(o -> o.name().equals("transfer")).findFirst().orElseThrow();
      assertThat(transfer.params()).extracting(Operation.Param::type).containsExactly("integer", "integer", "decimal");
      assertThat(transfer.steps()).isEqualTo(4);

      BatchResult first = db.call("transfer", args, TxOptions.create().requestKey(key).maxAttempts(3).timeoutMs(10_000));
      // timeoutMs is not part of the request's identity; maxAttempts is.
      BatchResult again = db.call("transfer", args, TxOptions.create().requestKey(key).maxAttempts(3));
      assertThat(first).hasSize(4);
      assertThat(first.replayed()).isFalse();
      assertThat(first.attempts()).isEqualTo(1);
      assertThat(first.get(0).replayed()).isFalse();
      assertThat(first.get(0).attempts()).isEqualTo(1);
      assertThat(again.replayed()).isTrue();
      assertThat(again.get(0).replayed()).isTrue();
      assertThat(again.get(3).attempts()).isEqualTo(1);
      assertThat(again.get(3).lastInsertId()).isEqualTo(first.get(3).lastInsertId());

      String batchKey = RequestKeys.of("java-client-test", key);
      List<Statement> steps = List.of(Statement.of("UPDATE accounts SET balance = balance + ? WHERE id = ?",
        new BigDecimal("1.25"), 7).expectAffectedRows(1));
      assertThat(db.batch(steps, TxOptions.create().requestKey(batchKey)).replayed()).isFalse();
      BatchResult batchAgain = db.batch(steps, TxOptions.create().requestKey(batchKey));
      assertThat(batchAgain.replayed()).isTrue();
      assertThat(batchAgain.get(0).replayed()).isTrue();

      String executeKey = RequestKeys.random();
      Statement deposit = Statement.of("UPDATE accounts SET balance = balance + ? WHERE id = ?", new BigDecimal("0.75"), 8);
      assertThat(db.execute(deposit, TxOptions.create().requestKey(executeKey)).replayed()).isFalse();
      assertThat(db.execute(deposit, TxOptions.create().requestKey(executeKey)).replayed()).isTrue();

      assertThat(db.call("balance", Map.of("id", 5)).get(0).row(0).getBigDecimal("balance"))
        .isEqualByComparingTo("997.50");
    }
    assertThat(balance(5)).isEqualByComparingTo("997.50");
    assertThat(balance(7)).isEqualByComparingTo("1001.25");
    assertThat(balance(8)).isEqualByComparingTo("1000.75");
  }

  @Test
  void pipelinedRequestsCompleteInOrderAcrossThreads() throws Exception {
    try (TxgateClient db = TxgateClient.connect(options())) {
      List<CompletableFuture<ResultSet>> inFlight = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        inFlight.add(db.executeAsync(Statement.of("SELECT ?", i), null));
      }
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = 1000 * (t + 1);
        threads.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 50; i++) {
            assertThat(db.execute("SELECT ?", base + i).row(0).getLong(0)).isEqualTo(base + i);
          }
        }));
      }
      for (int i = 0; i < 500; i++) {
        assertThat(inFlight.get(i).get(1, TimeUnit.MINUTES).row(0).getLong(0)).isEqualTo(i);
      }
      CompletableFuture.allOf(threads.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
    }
  }

  @Test
  void closedClientAndUnreachableServer() {
    TxgateClient db = TxgateClient.connect(options());
    db.close();
    assertThatThrownBy(db::ping).isInstanceOfSatisfying(ConnectionException.class,
      e -> assertThat(e.committed()).isEqualTo(Committed.NO));
    assertThatThrownBy(() -> TxgateClient.connect(new TxgateClient.Options().setPort(TestServer.freePort())))
      .isInstanceOfSatisfying(ConnectionException.class, e -> {
        assertThat(e.code()).isEqualTo("CONNECTION");
        assertThat(e.retryable()).isTrue();
        assertThat(e.committed()).isEqualTo(Committed.NO);
      });
  }

  /** The example of clients/java/README.md compiles and runs as written (only the port differs). */
  @Test
  void readmeExampleRunsAsWritten(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("clients/java/README.md"));
    int start = readme.indexOf("```java\n", readme.indexOf("## Example")) + "```java\n".length();
    String source = readme.substring(start, readme.indexOf("```", start));
    assertThat(source).contains(".setPort(7400)");
    Files.writeString(dir.resolve("Example.java"), source.replace(".setPort(7400)", ".setPort(" + server.port() + ")"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "-cp", System.getProperty("java.class.path"),
      "-d", dir.toString(), dir.resolve("Example.java").toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("Example").getMethod("main", String[].class);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(stdout);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("has 1000.00").contains("transferred");
    assertThat(balance(1)).isEqualByComparingTo("985.00");
    assertThat(balance(2)).isEqualByComparingTo("1015.00");
  }
}
