package io.txgate.db;

import io.txgate.config.DatabaseUrls;
import io.txgate.config.TxgateConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the one MySQL pool that every protocol verticle instance shares. */
public final class Pools {

  /** The shared pool's name; metrics are labelled with it. */
  public static final String NAME = "txgate";

  private Pools() {
  }

  /** The most commands in flight on one connection: a batch of up to 60 steps in one flight. */
  static final int PIPELINING_LIMIT = 64;

  /** How txgate connects to the database: the URL's settings and TLS, plus the driver's tuning. */
  public static MySQLConnectOptions connectOptions(TxgateConfig.Db db) {
    return DatabaseUrls.connectOptions(db)
      .setCharset("utf8mb4")
      // Each connection keeps its most recently used statements prepared, so a repeated statement
      // costs one round trip (EXECUTE) instead of PREPARE, EXECUTE and CLOSE. A reset connection
      // stays correct: the client drops its cache when COM_RESET_CONNECTION deallocates the
      // server's statements, and prepares again on next use.
      .setCachePreparedStatements(db.statementCacheSize() > 0)
      .setPreparedStatementCacheMaxSize(Math.max(1, db.statementCacheSize()))
      // Lets a transaction's opening commands and all its statements travel in one round trip,
      // and COMMIT with the SET behind it in another (see TransactionRunner). Commands beyond the
      // limit wait in the driver for earlier answers: still correct, only more round trips. When a
      // connection breaks, the driver fails only the first of the commands in flight: txgate's
      // own close handler answers the request (see tx.Execution).
      .setPipeliningLimit(PIPELINING_LIMIT);
  }

  /**
   * Creates the pool; call it once, outside any verticle, and close it after the verticles stop.
   * Every new connection is prepared by {@code sessions} before anyone borrows it.
   */
  public static Pool create(Vertx vertx, TxgateConfig.Db db, DbSessions sessions) {
    return create(vertx, db, sessions, NAME);
  }

  /** As {@link #create(Vertx, TxgateConfig.Db, DbSessions)}, for a pool of its own name (a read replica's). */
  public static Pool create(Vertx vertx, TxgateConfig.Db db, DbSessions sessions, String name) {
    PoolOptions pool = new PoolOptions()
      .setName(name)
      .setMaxSize(db.poolSize())
      .setMaxWaitQueueSize(db.maxWaitQueue())
      // No pool-side acquire timeout: under a flood, Vert.x 5.0.7 could hand a connection to a
      // waiter whose timeout had already fired, and that connection was never returned (16 such
      // leaks and the pool served nobody). TransactionRunner times the wait itself and returns any
      // connection that arrives too late.
      .setConnectionTimeout(0)
      .setIdleTimeout(db.idleTimeoutSeconds())
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      .setPoolCleanerPeriod(db.idleTimeoutSeconds() > 0 ? 30_000 : 0);
    return MySQLBuilder.pool()
      .with(pool)
      .with(new NetClientOptions().setConnectTimeout(db.connectTimeoutMs()).setTcpNoDelay(true))
      .connectingTo(connectOptions(db))
      .withConnectHandler(sessions::onConnect)
      .using(vertx)
      .build();
  }
}
