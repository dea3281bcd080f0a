package io.txgate.locks;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The query that lists who waits for whose lock right now, one row per waiting and blocking
 * transaction pair, in the same shape on both servers:
 *
 * <ul>
 *   <li>MariaDB: {@code information_schema.INNODB_LOCK_WAITS} joined with {@code INNODB_TRX} on
 *       both sides, and {@code PROCESSLIST} for the blocker's user and host and the waiter's
 *       statement time in milliseconds ({@code TIME_MS}, MariaDB's own column);
 *   <li>MySQL 8, where INNODB_LOCK_WAITS is gone: {@code performance_schema.data_lock_waits} joined
 *       with {@code INNODB_TRX} (as MySQL's own {@code sys.innodb_lock_waits} does) and
 *       {@code performance_schema.threads} for user and host.
 * </ul>
 *
 * Both need the PROCESS privilege. Times are computed by the server against its own clock.
 */
final class LockWaitQuery {

  private static final String COLUMNS = "SELECT DISTINCT r.trx_mysql_thread_id AS waiting_thread,"
    + " r.trx_query AS waiting_query,"
    + " TIMESTAMPDIFF(MICROSECOND, r.trx_wait_started, NOW(6)) DIV 1000 AS wait_ms,"
    + " b.trx_mysql_thread_id AS blocking_thread, b.trx_query AS blocking_query,"
    + " TIMESTAMPDIFF(MICROSECOND, b.trx_started, NOW(6)) DIV 1000 AS blocking_trx_ms,";

  static final String MARIADB = COLUMNS
    + " p.USER AS blocking_user, p.HOST AS blocking_host, CAST(pw.TIME_MS AS SIGNED) AS statement_ms"
    + " FROM information_schema.INNODB_LOCK_WAITS w"
    + " JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id"
    + " JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id"
    + " LEFT JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id"
    + " LEFT JOIN information_schema.PROCESSLIST pw ON pw.ID = r.trx_mysql_thread_id";

  static final String MYSQL = COLUMNS
    + " p.PROCESSLIST_USER AS blocking_user, p.PROCESSLIST_HOST AS blocking_host, NULL AS statement_ms"
    + " FROM performance_schema.data_lock_waits w"
    + " JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID"
    + " JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID"
    + " LEFT JOIN performance_schema.threads p ON p.PROCESSLIST_ID = b.trx_mysql_thread_id";

  /** One waiting transaction and the one whose lock it waits for. */
  record Wait(long waitingThread, String waitingQuery, long waitedMs, long blockingThread, String blockingQuery,
              long blockingTrxMs, String blockingUser, String blockingHost) {
  }

  private LockWaitQuery() {
  }

  static String sql(boolean mariadb) {
    return mariadb ? MARIADB : MYSQL;
  }

  static List<Wait> read(RowSet<Row> rows) {
    Set<Wait> waits = new LinkedHashSet<>();
    for (Row row : rows) {
      Long statementMs = row.getLong("statement_ms");
      Long waitMs = row.getLong("wait_ms");
      // The statement's own running time is exact to the millisecond (MariaDB); trx_wait_started
      // only to the second.
      long waited = statementMs != null ? statementMs : waitMs == null ? 0 : Math.max(0, waitMs);
      Long blockingMs = row.getLong("blocking_trx_ms");
      waits.add(new Wait(row.getLong("waiting_thread"), row.getString("waiting_query"), waited,
        row.getLong("blocking_thread"), row.getString("blocking_query"),
        blockingMs == null ? 0 : Math.max(0, blockingMs), row.getString("blocking_user"),
        row.getString("blocking_host")));
    }
    return new ArrayList<>(waits);
  }
}
