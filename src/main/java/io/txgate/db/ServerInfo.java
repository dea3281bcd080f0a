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
}
