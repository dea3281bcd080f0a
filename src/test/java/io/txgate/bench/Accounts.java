package io.txgate.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/**
 * The benchmark's own accounts in the demo {@code accounts} table: {@link Workload#MANY} ids from
 * {@link Workload#FIRST}, then {@link Workload#HOT} hot ones. Created when missing and topped up
 * to a balance no run can spend, on every start; the demo's own accounts (ids 1-8) are left alone.
 */
final class Accounts {

  static final String BALANCE = "1000000.00";
  private static final int CHUNK = 2000;

  private Accounts() {
  }

  static Future<Void> prepare(Pool pool) {
    int last = Workload.FIRST_HOT + Workload.HOT - 1;
    Future<Void> f = Future.succeededFuture();
    for (int from = Workload.FIRST; from <= last; from += CHUNK) {
      String sql = chunk(from, Math.min(last, from + CHUNK - 1));
      f = f.compose(v -> pool.query(sql).execute().mapEmpty());
    }
    return f;
  }

  /** One multi-row upsert; the values are the benchmark's own integers, never input. */
  static String chunk(int from, int to) {
    StringBuilder sql = new StringBuilder("INSERT INTO accounts (id, owner, balance) VALUES ");
    for (int id = from; id <= to; id++) {
      sql.append(id == from ? "" : ",").append('(').append(id).append(",'bench-").append(id).append("',")
        .append(BALANCE).append(')');
    }
    return sql.append(" ON DUPLICATE KEY UPDATE balance = GREATEST(balance, VALUES(balance))").toString();
  }
}
