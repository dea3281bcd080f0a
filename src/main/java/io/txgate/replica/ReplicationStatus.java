package io.txgate.replica;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.Iterator;

/**
 * What {@code SHOW SLAVE STATUS} says about a replica (MariaDB 10.11 and 11.4; MySQL before 8.4
 * answers with the same columns), and whether that makes it usable.
 *
 * <p>For example a replica whose SQL thread was stopped answers {@code Slave_IO_Running: Yes,
 * Slave_SQL_Running: No, Seconds_Behind_Master: NULL}: not usable, since it no longer applies what
 * the primary commits. {@code Seconds_Behind_Master} is in whole seconds, so the lag is known to
 * the second only.
 *
 * @param ioRunning {@code Slave_IO_Running} is {@code Yes}: it receives the primary's binlog
 * @param sqlRunning {@code Slave_SQL_Running} is {@code Yes}: it applies what it received
 * @param secondsBehind {@code Seconds_Behind_Master}; null when the server does not know it
 * @param error the last IO or SQL thread error, or null
 */
public record ReplicationStatus(boolean ioRunning, boolean sqlRunning, Long secondsBehind, String error) {

  /** Reads the first row of {@code SHOW SLAVE STATUS}; null when there is none (not a replica). */
  public static ReplicationStatus of(RowSet<Row> rows) {
    Iterator<Row> it = rows.iterator();
    if (!it.hasNext()) {
      return null;
    }
    Row row = it.next();
    String io = text(row, "Slave_IO_Running");
    String sql = text(row, "Slave_SQL_Running");
    String lag = text(row, "Seconds_Behind_Master");
    String ioError = text(row, "Last_IO_Error");
    String sqlError = text(row, "Last_SQL_Error");
    String error = sqlError != null && !sqlError.isEmpty() ? sqlError
      : ioError != null && !ioError.isEmpty() ? ioError : null;
    return new ReplicationStatus("Yes".equalsIgnoreCase(io), "Yes".equalsIgnoreCase(sql),
      lag == null || lag.isEmpty() ? null : Long.valueOf(lag.trim()), error);
  }

  /** Why the replica must not serve reads, or null when it may: both threads run and the lag is known and small. */
  public String unusableBecause(long maxLagMs) {
    if (!ioRunning || !sqlRunning) {
      return "replication stopped (IO thread " + (ioRunning ? "running" : "not running") + ", SQL thread "
        + (sqlRunning ? "running" : "not running") + ")" + (error == null ? "" : ": " + error);
    }
    if (secondsBehind == null) {
      return "replication lag unknown (Seconds_Behind_Master is NULL)";
    }
    if (secondsBehind * 1000 > maxLagMs) {
      return "replication lag " + secondsBehind + " s exceeds db.maxReplicaLagMs " + maxLagMs + " ms";
    }
    return null;
  }

  private static String text(Row row, String column) {
    int i = row.getColumnIndex(column);
    if (i < 0) {
      return null;
    }
    Object v = row.getValue(i);
    return v == null ? null : v.toString();
  }
}
