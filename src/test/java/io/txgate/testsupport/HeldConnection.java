package io.txgate.testsupport;

import io.txgate.config.DatabaseUrls;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A database session the test holds open across statements, beside txgate: to hold locks, or to
 * play the other transaction in a conflict.
 */
public final class HeldConnection implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final MySQLConnection conn;

  public HeldConnection() {
    conn = TestServer.await(MySQLConnection.connect(vertx, DatabaseUrls.parse(TestDatabase.url())));
  }

  public List<Row> run(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    TestServer.await(conn.preparedQuery(sql).execute(Tuple.wrap(new ArrayList<>(List.of(params)))))
      .forEach(rows::add);
    return rows;
  }

  /** Runs a statement without waiting for it (it may block on a lock); the future completes later. */
  public io.vertx.core.Future<?> start(String sql) {
    return conn.query(sql).execute();
  }

  public long id() {
    return run("SELECT CONNECTION_ID()").get(0).getLong(0);
  }

  @Override
  public void close() {
    TestServer.await(conn.close());
    TestServer.await(vertx.close());
  }
}
