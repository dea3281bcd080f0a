package io.txgate.db;

import io.txgate.protocol.Isolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Facts about the database server that txgate adapts to, read once at start-up. */
public final class ServerInfo {

  private static final Logger LOG = LoggerFactory.getLogger(ServerInfo.class);

  private ServerInfo() {
  }

  /**
   * The isolation level new connections start with; null when it cannot be read (the database is
   * down at start-up), in which case every transaction states its level explicitly.
   * {@code transaction_isolation} is MySQL 8's and MariaDB 11.1's name, {@code tx_isolation} the
   * older one.
   */
  public static Future<Isolation> isolation(Pool pool) {
    return pool.query("SELECT @@GLOBAL.transaction_isolation").execute()
      .recover(t -> pool.query("SELECT @@GLOBAL.tx_isolation").execute())
      .map(rows -> Isolation.fromServer(rows.iterator().next().getString(0)))
      .recover(t -> {
        LOG.warn("cannot read the database's default isolation level ({}); every transaction will set its own",
          t.getMessage());
        return Future.succeededFuture(null);
      });
  }

  /**
   * Warns when the pool's statement caches could use up more than half of the server's
   * {@code max_prepared_stmt_count}, shared with every other client of the database; past it,
   * PREPARE fails with error 1461 and requests get SQL_ERROR.
   */
  public static Future<Void> checkStatementBudget(Pool pool, int poolSize, int cacheSize) {
    if (cacheSize == 0) {
      return Future.succeededFuture();
    }
    return pool.query("SELECT @@GLOBAL.max_prepared_stmt_count").execute()
      .map(rows -> {
        long limit = rows.iterator().next().getLong(0);
        long wanted = (long) poolSize * cacheSize;
        if (wanted > limit / 2) {
          LOG.warn("db.poolSize x db.statementCacheSize = {} prepared statements, more than half of the"
            + " server's max_prepared_stmt_count ({}): lower db.statementCacheSize", wanted, limit);
        }
        return (Void) null;
      })
      .recover(t -> Future.succeededFuture());
  }
}
