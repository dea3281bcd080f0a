package io.txgate.tx;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing one request does to its session survives into the next request on the same pooled
 * connection. The pool has exactly one connection, and each test checks that both requests really
 * ran on it (same CONNECTION_ID), so what is proven is the reset, not a lucky reconnect.
 */
class SessionStateTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer(new JsonObject().put("TXGATE_DB_POOL_SIZE", 1));

  private WireClient client;
  private long connectionId;

  @BeforeEach
  void connect() throws Exception {
    client = server.connect();
    connectionId = connectionId();
  }

  @AfterEach
  void sameConnectionThroughout() throws Exception {
    assertThat(connectionId()).as("the pooled connection was reused, not replaced").isEqualTo(connectionId);
    client.close();
  }

  private long connectionId() throws Exception {
    return value(execute("cid", "SELECT CONNECTION_ID()")) instanceof Number n ? n.longValue() : -1;
  }

  private Object value(JsonObject request) throws Exception {
    JsonObject r = client.call(request);
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    return r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getValue(0);
  }

  private void ok(JsonObject request) throws Exception {
    JsonObject r = client.call(request);
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
  }

  /** This session's COM_STMT_PREPARE count: MariaDB's information_schema, or MySQL 8's performance_schema. */
  private long statementsPrepared() throws Exception {
    String where = " WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'";
    JsonObject r = client.call(execute("prepared", "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS" + where));
    if (!r.getBoolean("ok")) {
      r = client.call(execute("prepared", "SELECT VARIABLE_VALUE FROM performance_schema.session_status" + where));
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    return Long.parseLong(r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getString(0));
  }

  @Test
  void aRepeatedStatementIsPreparedOnceAndStillRunsAfterAReset() throws Exception {
    String sql = "SELECT ? * 2 AS doubled";
    statementsPrepared();
    long before = statementsPrepared();
    for (int i = 0; i < 5; i++) {
      assertThat(value(execute(i, sql, i))).isEqualTo(i * 2);
    }
    assertThat(statementsPrepared() - before).as("the statement was prepared once, then taken from the cache")
      .isEqualTo(1);
    // The reset deallocates the server's statements: the cached one must be prepared again, not
    // executed by a handle the server no longer knows.
    ok(execute(10, "SET @x = 1"));
    assertThat(value(execute(11, sql, 21))).isEqualTo(42);
  }

  @Test
  void aCachedStatementTakesParametersOfAnotherType() throws Exception {
    String sql = "SELECT CONCAT('', ?)";
    assertThat(value(execute(1, sql, 7))).isEqualTo("7");
    assertThat(value(execute(2, sql, "seven"))).isEqualTo("seven");
    assertThat(value(execute(3, sql, 7.5))).isEqualTo("7.5");
    assertThat(value(execute(4, sql, (Object) null))).isNull();
    assertThat(value(execute(5, sql, true))).isEqualTo("1");
  }

  @Test
  void userVariablesDoNotSurvive() throws Exception {
    ok(execute(1, "SET @leak = 42"));
    assertThat(value(execute(2, "SELECT @leak"))).isNull();
    ok(execute(3, "SELECT @other := 7"));
    assertThat(value(execute(4, "SELECT @other"))).isNull();
  }

  @Test
  void sessionVariablesDoNotSurvive() throws Exception {
    Object global = value(execute(1, "SELECT @@global.wait_timeout"));
    ok(execute(2, "SET SESSION wait_timeout = 12345"));
    assertThat(value(execute(3, "SELECT @@session.wait_timeout"))).isEqualTo(global);
    ok(execute(4, "SET SESSION sql_mode = 'ANSI_QUOTES'"));
    assertThat((String) value(execute(5, "SELECT @@session.sql_mode"))).doesNotContain("ANSI_QUOTES");
  }

  @Test
  void temporaryTablesDoNotSurvive() throws Exception {
    ok(execute(1, "CREATE TEMPORARY TABLE t_scratch (a INT)"));
    JsonObject r = client.call(execute(2, "SELECT * FROM t_scratch"));
    assertThat(r.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1146);
  }

  @Test
  void namedLocksDoNotSurvive() throws Exception {
    assertThat(value(execute(1, "SELECT GET_LOCK('txgate-leak-test', 0)"))).isEqualTo(1);
    assertThat(TestSql.count("SELECT IS_FREE_LOCK('txgate-leak-test')")).isEqualTo(1);
  }

  @Test
  void characterSetChangesDoNotSurvive() throws Exception {
    ok(execute(1, "SET NAMES latin1"));
    String emoji = "\uD83D\uDE00 \u4e2d\u6587";
    assertThat(value(execute(2, "SELECT ?", emoji))).isEqualTo(emoji);
  }

  @Test
  void noTransactionIsLeftOpen() throws Exception {
    TestSql.update("DELETE FROM t_items WHERE tag = 'no-open-tx'");
    ok(execute(1, "INSERT INTO t_items (tag, n) VALUES ('no-open-tx', 1)"));
    JsonObject failed = client.call(batch(2,
      step("INSERT INTO t_items (tag, n) VALUES ('no-open-tx', 2)"),
      step("INSERT INTO t_items (tag, n) VALUES ('no-open-tx', 1)")));
    assertThat(failed.getJsonObject("error").getInteger("vendorCode")).isEqualTo(1062);
    // Seen from another connection: the first insert committed, the failed batch left nothing, and
    // txgate's connection holds no transaction.
    assertThat(TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'no-open-tx'")).isEqualTo(1);
    assertThat(TestSql.count("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?",
      connectionId)).isZero();
    JsonObject refused = client.call(execute(3, "START TRANSACTION"));
    assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
  }

  @Test
  void statementsThatLeaveNoStateKeepTheConnectionAsItIs() throws Exception {
    // The common path pays no reset: a plain SELECT between two others changes nothing observable.
    JsonArray before = client.call(execute(1, "SELECT @@session.autocommit, DATABASE()"))
      .getJsonObject("result").getJsonArray("rows");
    ok(execute(2, "SELECT 1"));
    assertThat(client.call(execute(3, "SELECT @@session.autocommit, DATABASE()"))
      .getJsonObject("result").getJsonArray("rows")).isEqualTo(before);
  }
}
