package io.txgate.bench;

import io.txgate.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The same requests as a good direct client would run them, on a Vert.x pool of txgate's size with
 * txgate's prepared-statement cache: a single statement as one autocommit prepared query; a
 * transaction as BEGIN, the statements, COMMIT (what {@code pool.withTransaction} sends), run again
 * after a deadlock or lock wait timeout with txgate's attempts and backoff, so that both sides'
 * successes count the same thing. N closed-loop clients share the pool, as N connections share
 * txgate's.
 */
final class DirectLoad implements Bench.Target {

  private static final Duration LIMIT = Duration.ofSeconds(120);

  /** As txgate's Errors: 1213 deadlock, 1205 lock wait timeout, 1020 MariaDB snapshot conflict. */
  private static final Set<Integer> CONFLICTS = Set.of(1213, 1205, 1020);

  /** txgate's retry settings (tx.maxAttempts, tx.retryBaseMs, tx.retryMaxMs). */
  record Retry(int maxAttempts, int baseMs, int maxMs) {
    /** As txgate's TransactionRunner: full jitter, uniformly 1..min(max, base * 2^(n-1)) ms. */
    long backoffMillis(int n) {
      long ceiling = Math.min(maxMs, (long) baseMs << Math.min(n - 1, 20));
      return 1 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling));
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Retry retry;

  DirectLoad(Vertx vertx, Pool pool, Retry retry) {
    this.vertx = vertx;
    this.pool = pool;
    this.retry = retry;
  }

  @Override
  public String name() {
    return Figures.DIRECT;
  }

  @Override
  public int maxConnections() {
    return Integer.MAX_VALUE;
  }

  @Override
  public Sample run(int n, int seconds, Workload w) throws Exception {
    List<Sample.Recorder> recorders = new ArrayList<>();
    AtomicBoolean running = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Sample.Recorder rec = new Sample.Recorder();
      recorders.add(rec);
      Promise<Void> finished = Promise.promise();
      done.add(finished.future());
      vertx.runOnContext(v -> loop(w, rec, running, stop, finished));
    }
    double elapsed = Sample.window(n, seconds, running, stop);
    for (Future<Void> f : done) {
      Await.result(f, LIMIT);
    }
    return Sample.merge(recorders, elapsed);
  }

  private void loop(Workload w, Sample.Recorder rec, AtomicBoolean running, AtomicBoolean stop,
                    Promise<Void> finished) {
    if (stop.get()) {
      finished.complete();
      return;
    }
    Workload.Pick p = w.pick(ThreadLocalRandom.current());
    long t0 = System.nanoTime();
    one(p).onComplete(ar -> {
      if (running.get()) {
        if (ar.succeeded()) {
          rec.success((System.nanoTime() - t0) / 1000);
        } else {
          rec.failure(code(ar.cause()));
        }
      }
      loop(w, rec, running, stop, finished);
    });
  }

  private Future<?> one(Workload.Pick p) {
    if (p.kind() == Workload.Kind.POINT) {
      return pool.preparedQuery(Sql.POINT).execute(Tuple.of(p.from()));
    }
    // A retry keeps its connection, as txgate's does, instead of queueing for the pool again.
    return pool.withConnection(conn -> attempt(conn, p, 1));
  }

  private Future<Void> attempt(SqlConnection conn, Workload.Pick p, int n) {
    return transaction(conn, p).recover(t -> {
      if (!isConflict(t)) {
        return Future.failedFuture(t);
      }
      if (n >= retry.maxAttempts()) {
        return Future.failedFuture(new Failed("RETRIES_EXHAUSTED"));
      }
      return vertx.timer(retry.backoffMillis(n)).compose(v -> attempt(conn, p, n + 1));
    });
  }

  /** BEGIN, the statements, COMMIT; on any failure ROLLBACK (a lock wait timeout leaves it open). */
  private static Future<Void> transaction(SqlConnection conn, Workload.Pick p) {
    Future<?> work = conn.query("BEGIN").execute().compose(v -> statements(conn, p));
    return work.compose(v -> conn.query("COMMIT").execute()).<Void>mapEmpty()
      .recover(t -> conn.query("ROLLBACK").execute().transform(x -> Future.failedFuture(t)));
  }

  private static Future<?> statements(SqlConnection conn, Workload.Pick p) {
    if (p.kind() == Workload.Kind.OPERATION) {
      return expect(conn.preparedQuery(Sql.OP_LOCK).execute(Tuple.of(p.from(), p.to())), 2, true)
        .compose(x -> expect(conn.preparedQuery(Sql.OP_DEBIT).execute(
          Tuple.of(Sql.AMOUNT, p.from(), Sql.AMOUNT, Sql.AMOUNT)), 1, false))
        .compose(x -> expect(conn.preparedQuery(Sql.OP_CREDIT).execute(Tuple.of(Sql.AMOUNT, p.to())), 1, false))
        .compose(x -> conn.preparedQuery(Sql.OP_LEDGER).execute(Tuple.of(p.from(), p.to(), Sql.AMOUNT)));
    }
    return expect(conn.preparedQuery(Sql.DEBIT).execute(Tuple.of(Sql.AMOUNT, p.from(), Sql.AMOUNT)), 1, false)
      .compose(x -> expect(conn.preparedQuery(Sql.CREDIT).execute(Tuple.of(Sql.AMOUNT, p.to())), 1, false));
  }

  /** A step's expectation, as txgate's: rows returned or rows changed; a miss is CONFLICT. */
  private static Future<?> expect(Future<RowSet<Row>> f, int count, boolean rows) {
    return f.compose(rs -> (rows ? rs.size() : rs.rowCount()) == count ? Future.succeededFuture(rs)
      : Future.failedFuture(new Failed("CONFLICT")));
  }

  private static boolean isConflict(Throwable t) {
    return t instanceof MySQLException m && (CONFLICTS.contains(m.getErrorCode()) || "40001".equals(m.getSqlState()));
  }

  /** Failures under the names txgate's protocol gives them, so the two columns compare. */
  private static String code(Throwable t) {
    if (t instanceof Failed f) {
      return f.getMessage();
    }
    if (t instanceof MySQLException m) {
      return "SQL_ERROR " + m.getErrorCode();
    }
    return t.getClass().getSimpleName();
  }

  /** A failure of the client's own (an expectation, retries exhausted), named like txgate's. */
  private static final class Failed extends RuntimeException {
    Failed(String code) {
      super(code, null, false, false);
    }
  }
}
