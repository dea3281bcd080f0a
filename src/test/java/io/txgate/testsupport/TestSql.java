package io.txgate.testsupport;

import io.txgate.config.DatabaseUrls;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the test database directly, around txgate: how a test checks what a user would
 * check, the rows that are really there.
 */
public final class TestSql {

  private static Vertx vertx;

  private TestSql() {
  }

  private static synchronized Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  public static List<Row> query(String sql, Object... params) {
    // A test may look at the database before any server started: the tables must exist either way.
    TestServer.loadFixtures();
    return TestServer.await(MySQLConnection.connect(vertx(), DatabaseUrls.parse(TestDatabase.url()))
      .compose(c -> c.preparedQuery(sql).execute(Tuple.wrap(new ArrayList<>(List.of(params))))
        .eventually(c::close)))
      .stream().toList();
  }

  public static long count(String sql, Object... params) {
    return query(sql, params).get(0).getLong(0);
  }

  public static void update(String sql, Object... params) {
    query(sql, params);
  }

  /** Waits (polling the server, never asserting a time) until a condition holds. */
  public static void awaitCount(long atLeast, String sql, Object... params) throws InterruptedException {
    for (int i = 0; i < 2400; i++) {
      if (count(sql, params) >= atLeast) {
        return;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("never reached " + atLeast + ": " + sql);
  }

  /** Puts the demo accounts back to 1,000.00 each, version 0. */
  public static void resetAccounts() {
    update("UPDATE accounts SET balance = 1000.00, version = 0");
  }
}
