package io.txgate.tx;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The exactly-once key store: a table txgate owns, written in the same transaction as the work.
 *
 * <p>A keyed request first claims its key with an INSERT. A second request with the same key
 * blocks on that row until the first finishes: if the first committed, the INSERT fails with a
 * duplicate key (1062) and the stored response is returned; if it rolled back, the second claims
 * the key and does the work. Either way the work happens once.
 */
public final class RequestKeys {

  public static final String TABLE = "txgate_request_keys";

  /** The key is compared byte for byte: "A" and "a" are different keys. */
  public static final String DDL = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
    + " request_key VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,"
    + " request_hash CHAR(64) NOT NULL,"
    + " response LONGTEXT NULL,"
    + " created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
    + " KEY created_at (created_at)"
    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

  private static final String CLAIM = "INSERT INTO " + TABLE + " (request_key, request_hash) VALUES (?, ?)";
  private static final String STORE = "UPDATE " + TABLE + " SET response = ? WHERE request_key = ?";
  private static final String LOOKUP = "SELECT request_hash, response FROM " + TABLE + " WHERE request_key = ?";
  private static final String EXPIRE =
    "DELETE FROM " + TABLE + " WHERE created_at < NOW(6) - INTERVAL ? SECOND LIMIT 1000";

  private RequestKeys() {
  }

  /**
   * Creates the table when it is missing. A failure fails the future: txgate retries it in the
   * background and is not ready until it succeeds (see {@code db.DatabaseHealth}).
   */
  public static Future<Void> ensureTable(SqlClient client) {
    return client.query(DDL).execute().mapEmpty();
  }

  /** What an operator can do when {@link #ensureTable} keeps failing. */
  public static String hint() {
    return "Requests with a requestKey fail until the table exists; create it with: " + DDL;
  }

  /**
   * Claims {@code key} inside the transaction open on {@code conn}: true when this request may do
   * the work, false when a committed request already holds the key (its answer is then {@link
   * #replay}ed). Waits on the row while another request holding the key is still running.
   */
  static Future<Boolean> claim(SqlConnection conn, String key, String hash) {
    return conn.preparedQuery(CLAIM).execute(Tuple.of(key, hash))
      .map(true)
      .recover(t -> t instanceof MySQLException m && m.getErrorCode() == 1062
        ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  /**
   * Saves the response under the claimed key, in the same transaction as the work, so that both
   * commit or neither does.
   */
  static Future<Void> store(SqlConnection conn, String key, JsonObject response) {
    return conn.preparedQuery(STORE).execute(Tuple.of(response.encode(), key)).mapEmpty();
  }

  /**
   * The stored response of the request that committed under {@code key}, marked {@code replayed};
   * BAD_REQUEST when that request's content ({@code hash}) differs from this one's.
   */
  static Future<JsonObject> replay(SqlConnection conn, String key, String hash) {
    return conn.preparedQuery(LOOKUP).execute(Tuple.of(key)).compose(rows -> {
      if (rows.size() == 0) {
        // Expired between the claim and now: extremely unlikely; the client may simply retry.
        return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
          "the request key expired while it was being read; send the request again"));
      }
      var row = rows.iterator().next();
      if (!hash.equals(row.getString(0))) {
        return Future.failedFuture(new ProtocolException(ErrorCode.BAD_REQUEST,
          "requestKey '" + key + "' was already used for a different request"));
      }
      return Future.succeededFuture(new JsonObject(row.getString(1)).put("replayed", true));
    });
  }

  /** Deletes keys older than the retention, 1,000 rows per statement so locks stay short. */
  public static Future<Long> expire(Pool pool, int retentionSeconds) {
    return pool.preparedQuery(EXPIRE).execute(Tuple.of(retentionSeconds)).compose(r -> {
      if (r.rowCount() == 1000) {
        return expire(pool, retentionSeconds).map(more -> more + 1000);
      }
      return Future.succeededFuture((long) r.rowCount());
    });
  }
}
