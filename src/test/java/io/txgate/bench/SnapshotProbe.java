package io.txgate.bench;

import io.txgate.Await;
import io.txgate.config.DatabaseUrls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does the database keep a read of several rows consistent while transfers commit? No txgate in the
 * path: the MySQL driver alone, straight to the database.
 *
 * <p>Writers move money between 8 accounts, each transfer one transaction ({@code SET autocommit=0},
 * debit, credit, {@code COMMIT}, {@code SET autocommit=1}: the commands txgate sends for a batch).
 * Readers sum every balance, each read on a new connection (the case where it was seen most often),
 * in one of four ways, and count the sums that are not the total:
 * <ul>
 *   <li>{@code plain}: one autocommit SELECT (a consistent, non-locking read);
 *   <li>{@code tx}: the SELECT in {@code START TRANSACTION READ ONLY};
 *   <li>{@code snapshot}: the SELECT in {@code START TRANSACTION WITH CONSISTENT SNAPSHOT};
 *   <li>{@code share}: {@code SELECT ... LOCK IN SHARE MODE}, a locking read.
 * </ul>
 * Any sum off the total is the database's: every transfer is one transaction. Run by {@code
 * scripts/snapshot-probe.sh}; figures in docs/BENCHMARKS.md.
 */
public final class SnapshotProbe {

  private static final String ACCOUNTS = "txgate_snapshot_probe";
  private static final BigDecimal TOTAL = new BigDecimal("8000.00");

  private SnapshotProbe() {
  }

  public static void main(String[] args) throws Exception {
    String url = System.getenv("TXGATE_DB_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("TXGATE_DB_URL: the database to probe (mysql://user@host:port/db)");
    }
    long seconds = Long.parseLong(System.getenv().getOrDefault("SECONDS_PER_MODE", "60"));
    String[] modes = System.getenv().getOrDefault("MODES", "plain,tx,snapshot,share").split(",");
    Vertx vertx = Vertx.vertx();
    MySQLConnectOptions options = DatabaseUrls.parse(url);
    SqlConnection admin = Await.result(MySQLConnection.connect(vertx, options));
    System.out.println("database " + admin.databaseMetadata().fullVersion() + ", 8 writers, 6 readers, "
      + seconds + " s per mode");
    try {
      for (String mode : modes) {
        Await.result(admin.query("DROP TABLE IF EXISTS " + ACCOUNTS).execute());
        Await.result(admin.query("CREATE TABLE " + ACCOUNTS + " (id INT PRIMARY KEY, balance DECIMAL(15,2) NOT NULL)"
          + " ENGINE=InnoDB").execute());
        Await.result(admin.query("INSERT INTO " + ACCOUNTS + " VALUES (1, 1000), (2, 1000), (3, 1000), (4, 1000),"
          + " (5, 1000), (6, 1000), (7, 1000), (8, 1000)").execute());
        System.out.println(run(vertx, options, mode.trim(), seconds));
      }
    } finally {
      Await.result(admin.query("DROP TABLE IF EXISTS " + ACCOUNTS).execute());
      vertx.close();
    }
  }

  private static String run(Vertx vertx, MySQLConnectOptions options, String mode, long seconds)
      throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong transfers = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    AtomicLong torn = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      threads.add(new Thread(() -> {
        try {
          SqlConnection c = Await.result(MySQLConnection.connect(vertx, options));
          while (running.get()) {
            if (transfer(c)) {
              transfers.incrementAndGet();
            }
          }
          Await.result(c.close());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (int r = 0; r < 6; r++) {
      threads.add(new Thread(() -> {
        try {
          while (running.get()) {
            SqlConnection c = Await.result(MySQLConnection.connect(vertx, options));
            try {
              BigDecimal sum = read(c, mode);
              reads.incrementAndGet();
              if (sum.compareTo(TOTAL) != 0) {
                torn.incrementAndGet();
              }
            } catch (Exception e) {
              // A locking read can be a deadlock's victim: no sum was read.
              failed.incrementAndGet();
            } finally {
              Await.result(c.close());
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    Thread.sleep(seconds * 1000);
    running.set(false);
    for (Thread t : threads) {
      t.join();
    }
    return String.format("%-8s transfers %d, reads %d, sums off the total %d, reads failed %d", mode,
      transfers.get(), reads.get(), torn.get(), failed.get());
  }

  /** One transfer in one transaction; true when it committed. */
  private static boolean transfer(SqlConnection c) throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int from = random.nextInt(1, 9);
    int to = random.nextInt(1, 8);
    to = to >= from ? to + 1 : to;
    BigDecimal amount = new BigDecimal(random.nextInt(1, 60) + "." + random.nextInt(10) + "0");
    // Sent together, as txgate sends a batch: the answers come back in order.
    Future<RowSet<Row>> off = c.query("SET autocommit=0").execute();
    Future<RowSet<Row>> debit = c.preparedQuery("UPDATE " + ACCOUNTS + " SET balance = balance - ? WHERE id = ?"
      + " AND balance >= ?").execute(Tuple.of(amount, from, amount));
    Future<RowSet<Row>> credit = c.preparedQuery("UPDATE " + ACCOUNTS + " SET balance = balance + ? WHERE id = ?")
      .execute(Tuple.of(amount, to));
    Await.result(Future.join(off, debit, credit).recover(t -> Future.succeededFuture()));
    boolean ok = off.succeeded() && debit.succeeded() && credit.succeeded() && debit.result().rowCount() == 1;
    Future<RowSet<Row>> end = c.query(ok ? "COMMIT" : "ROLLBACK").execute();
    Future<RowSet<Row>> on = c.query("SET autocommit=1").execute();
    Await.result(Future.join(end, on).recover(t -> Future.succeededFuture()));
    return ok && end.succeeded();
  }

  private static BigDecimal read(SqlConnection c, String mode) throws Exception {
    String sql = "SELECT SUM(balance) FROM " + ACCOUNTS;
    switch (mode) {
      case "plain":
        return Await.result(c.preparedQuery(sql).execute()).iterator().next().getBigDecimal(0);
      case "share":
        return Await.result(c.preparedQuery(sql + " LOCK IN SHARE MODE").execute()).iterator().next().getBigDecimal(0);
      case "tx":
      case "snapshot":
        Await.result(c.query(mode.equals("tx") ? "START TRANSACTION READ ONLY"
          : "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY").execute());
        try {
          return Await.result(c.preparedQuery(sql).execute()).iterator().next().getBigDecimal(0);
        } finally {
          Await.result(c.query("COMMIT").execute());
        }
      default:
        throw new IllegalArgumentException("unknown mode " + mode + " (plain, tx, snapshot, share)");
    }
  }
}
