package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.client.BlockingTxgateClient;
import io.txgate.client.ResultSet;
import io.txgate.client.TxgateClient;
import io.txgate.client.TxgateException;
import io.txgate.protocol.Isolation;
import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java client, asynchronous and blocking, against a real txgate. */
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

  @Test
  void typedValuesComeBackExactly() {
    try (BlockingTxgateClient db = BlockingTxgateClient.connect(options())) {
      assertThat(db.session()).isNotBlank();
      ResultSet rs = db.execute("SELECT CAST(? AS DECIMAL(30,10)) AS d, CAST(? AS UNSIGNED) AS u, ? AS b,"
          + " CAST(? AS DATE) AS dt, CAST(? AS DATETIME(6)) AS ts, CAST(? AS TIME(6)) AS t, ? AS s, ? AS n",
        new BigDecimal("12345678901234567890.0123456789"), new BigInteger("18446744073709551615"),
        new byte[] {0, (byte) 255, 7}, LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000),
        Duration.ofHours(-838).minusMinutes(59).minusSeconds(59), "h\u00e9llo \uD83D\uDE00", null);
      ResultSet.Row row = rs.row(0);
      assertThat(rs.columns()).containsExactly("d", "u", "b", "dt", "ts", "t", "s", "n");
      assertThat(row.getBigDecimal("d")).isEqualTo(new BigDecimal("12345678901234567890.0123456789"));
      assertThat(row.getBigInteger(1)).isEqualTo(new BigInteger("18446744073709551615"));
      assertThat(row.getBytes("b")).containsExactly(0, 255, 7);
      assertThat(row.getLocalDate(3)).isEqualTo(LocalDate.of(2024, 2, 29));
      assertThat(row.getLocalDateTime(4)).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000));
      assertThat(row.getDuration(5)).isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
      assertThat(row.getString("s")).isEqualTo("h\u00e9llo \uD83D\uDE00");
      assertThat(row.isNull(7)).isTrue();
      assertThat(rs.attempts()).isEqualTo(1);
    }
  }

  @Test
  void errorsCarryCodeAndRetryable() {
    try (BlockingTxgateClient db = BlockingTxgateClient.connect(options())) {
      assertThatThrownBy(() -> db.batch(List.of(
          TxgateClient.step("UPDATE accounts SET balance = balance - 1 WHERE id = ?", 1),
          TxgateClient.step("INSERT INTO no_such_table VALUES (?)", 1)), TxgateClient.options()))
        .isInstanceOfSatisfying(TxgateException.class, e -> {
          assertThat(e.code()).isEqualTo("SQL_ERROR");
          assertThat(e.vendorCode()).isEqualTo(1146);
          assertThat(e.step()).isEqualTo(1);
          assertThat(e.retryable()).isFalse();
        });
      assertThatThrownBy(() -> db.batch(List.of(
          TxgateClient.stepExpecting(1, "UPDATE accounts SET balance = 0 WHERE id = ? AND version = ?", 1, 99)),
          TxgateClient.options().isolation(Isolation.SERIALIZABLE)))
        .isInstanceOfSatisfying(TxgateException.class, e -> assertThat(e.code()).isEqualTo("CONFLICT"));
    }
    assertThat(TestSql.query("SELECT balance FROM accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("1000.00");
  }

  @Test
  void namedOperationsAndExactlyOnce() {
    String key = "java-" + UUID.randomUUID();
    JsonObject args = new JsonObject().put("from", 5).put("to", 6).put("amount", "2.50");
    try (BlockingTxgateClient db = BlockingTxgateClient.connect(options())) {
      assertThat(db.operations().size()).isEqualTo(3);
      List<ResultSet> first = db.call("transfer", args, TxgateClient.options().requestKey(key));
      List<ResultSet> again = db.call("transfer", args, TxgateClient.options().requestKey(key));
      assertThat(first).hasSize(4);
      assertThat(again.get(3).lastInsertId()).isEqualTo(first.get(3).lastInsertId());
    }
    assertThat(TestSql.query("SELECT balance FROM accounts WHERE id = 5").get(0).getBigDecimal(0))
      .isEqualByComparingTo("997.50");
  }

  @Test
  void pipelinedRequestsCompleteInOrder() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TxgateClient db = TestServer.await(TxgateClient.connect(vertx, options()));
      List<Future<ResultSet>> inFlight = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        inFlight.add(db.execute("SELECT ?", i));
      }
      for (int i = 0; i < 500; i++) {
        assertThat(TestServer.await(inFlight.get(i)).row(0).getLong(0)).isEqualTo(i);
      }
      TestServer.await(db.close());
      assertThatThrownBy(() -> TestServer.await(db.ping()))
        .hasRootCauseInstanceOf(TxgateException.class);
    } finally {
      TestServer.await(vertx.close());
    }
  }

  @Test
  void unreachableServerIsAConnectionError() {
    assertThatThrownBy(() -> BlockingTxgateClient.connect(new TxgateClient.Options().setPort(TestServer.freePort())))
      .isInstanceOfSatisfying(TxgateException.class, e -> {
        assertThat(e.code()).isEqualTo("CONNECTION");
        assertThat(e.retryable()).isTrue();
      });
  }
}
