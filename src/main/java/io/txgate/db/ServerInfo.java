package io.txgate.db;

import io.txgate.protocol.Isolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Facts about the database server that txgate adapts to, read once at start-up. Each fails when
 * the database cannot answer; {@link DatabaseHealth} runs them again until they succeed.
 */
public final class ServerInfo {

  private static final Logger LOG = LoggerFactory.getLogger(ServerInfo.class);

  private ServerInfo() {
  }

  /**
   * The isolation level new connections start with. {@code transaction_isolation} is MySQL 8's and
   * MariaDB 11.1's name, {@code tx_isolation} the older one.
   */
  public static Future<Isolation> isolation(SqlClient client) {
    return client.query("SELECT @@GLOBAL.transaction_isolation").execute()
      .recover(t -> client.query("SELECT @@GLOBAL.tx_isolation").execute())
      .map(rows -> Isolation.fromServer(rows.iterator().next().getString(0)));
  }

  /**
   * Warns when the pool's statement caches could use up more than half of the server's
   * {@code max_prepared_stmt_count}, shared with every other client of the database; past it,
   * PREPARE fails with error 1461 and requests get SQL_ERROR.
   */
  public static Future<Void> checkStatementBudget(SqlClient client, int poolSize, int cacheSize) {
    if (cacheSize == 0) {
      return Future.succeededFuture();
    }
    return client.query("SELECT @@GLOBAL.max_prepared_stmt_count").execute()
      .map(rows -> {
        long limit = rows.iterator().next().getLong(0);
        long wanted = (long) poolSize * cacheSize;
        if (wanted > limit / 2) {
          LOG.warn("db.poolSize x db.statementCacheSize = {} prepared statements, more than half of the"
            + " server's max_prepared_stmt_count ({}): lower db.statementCacheSize", wanted, limit);
        }
        return (Void) null;
      });
  }
}
