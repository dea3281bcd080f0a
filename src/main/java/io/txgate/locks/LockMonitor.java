package io.txgate.locks;

import io.txgate.budget.ConnectionBudget;
import io.txgate.digest.Fingerprint;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the database's lock waits, and reads its last deadlock, and names the txgate sessions on
 * both sides ({@link Holdings}); {@code GET /api/locks} answers {@link #toJson()}.
 *
 * <p>An idle or healthy server pays no query: every {@value #CHECK_MS} ms it looks whether some
 * request has held its connection for longer than {@code observability.lockWaitSampleMs} (a scan of
 * at most the pool's size, no database), and only then samples the lock-wait views, at most once per
 * {@value #SAMPLE_PERIOD_MS} ms, one query at a time, on a pool connection, giving up after
 * {@value #QUERY_TIMEOUT_MS} ms. After a deadlock (error 1213) it reads {@code SHOW ENGINE INNODB
 * STATUS}, at most once per {@value #DEADLOCK_PERIOD_MS} ms.
 *
 * <p>Everything runs on the pool's loop; the answer is an immutable snapshot any thread may read.
 */
public final class LockMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(LockMonitor.class);
  static final long CHECK_MS = 200;
  static final long SAMPLE_PERIOD_MS = 1000;
  static final long QUERY_TIMEOUT_MS = 2000;
  static final long DEADLOCK_PERIOD_MS = 3000;
  /** How far back a release still names the holder of a deadlock's connection. */
  private static final long DEADLOCK_WINDOW_MS = 5000;

  /** Runs a query on a pool connection of the primary (within the connection budget, if any). */
  public interface Runner {
    <T> Future<T> run(Function<SqlConnection, Future<T>> work);

    /** On the pool, within this node's share of the connection budget when there is one (null: none). */
    static Runner of(Pool pool, ConnectionBudget budget) {
      return new Runner() {
        @Override
        public <T> Future<T> run(Function<SqlConnection, Future<T>> work) {
          return budget == null ? pool.withConnection(work)
            : budget.within(QUERY_TIMEOUT_MS, () -> pool.withConnection(work));
        }
      };
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Runner runner;
  private final Holdings holdings;
  private final long sampleMs;
  private final String node;

  private long timer = -1;
  private boolean sampling;
  private long lastSampleAt;
  private boolean deadlockPending;
  private long lastDeadlockReadAt;

  private volatile long samples;
  private volatile long deadlocksSeen;
  private volatile JsonArray waits = new JsonArray();
  private volatile String sampledAt;
  private volatile long sampleTookMs;
  private volatile String sampleError;
  private volatile JsonObject lastDeadlock;
  private volatile String deadlockError;

  /**
   * @param context the pool's loop, where the holdings are written
   * @param sampleMs how long a request holds its connection before the lock waits are sampled; 0: never
   * @param node this node's name, shown with each waiter
   */
  public LockMonitor(Vertx vertx, Context context, Runner runner, Holdings holdings, long sampleMs, String node) {
    this.vertx = vertx;
    this.context = context;
    this.runner = runner;
    this.holdings = holdings;
    this.sampleMs = sampleMs;
    this.node = node;
  }

  /** Starts watching, on the pool's loop. */
  public void start() {
    context.runOnContext(v -> {
      holdings.onDeadlock(this::deadlocked);
      if (sampleMs > 0) {
        timer = vertx.setPeriodic(CHECK_MS, id -> check());
      }
    });
  }

  public void stop() {
    context.runOnContext(v -> {
      holdings.onDeadlock(null);
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    });
  }

  private void check() {
    long now = System.currentTimeMillis();
    if (!holdings.heldLongerThan(sampleMs, now)) {
      // Nobody waits: whatever the last sample saw is over.
      if (!waits.isEmpty()) {
        waits = new JsonArray();
      }
      return;
    }
    if (sampling || now - lastSampleAt < SAMPLE_PERIOD_MS) {
      return;
    }
    sampling = true;
    lastSampleAt = now;
    samples++;
    within(runner.run(conn -> conn.query(LockWaitQuery.sql(mariadb(conn))).execute()))
      .onComplete(ar -> {
        sampling = false;
        sampledAt = Instant.now().toString();
        sampleTookMs = System.currentTimeMillis() - now;
        if (ar.succeeded()) {
          sampleError = null;
          waits = describe(LockWaitQuery.read(ar.result()));
        } else {
          sampleError = ar.cause().getMessage();
          waits = new JsonArray();
          LOG.debug("sampling lock waits: {}", sampleError);
        }
      });
  }

  private JsonArray describe(List<LockWaitQuery.Wait> list) {
    JsonArray out = new JsonArray();
    for (LockWaitQuery.Wait w : list) {
      Holdings.Held waiter = holdings.holding(w.waitingThread());
      Holdings.Held blocker = holdings.holding(w.blockingThread());
      if (waiter == null && blocker == null) {
        continue; // two sessions of other applications: not txgate's to show
      }
      out.add(new JsonObject()
        .put("waiter", party(waiter, w.waitingThread(), w.waitingQuery()).put("waitedMs", w.waitedMs())
          .put("node", node))
        .put("blocker", party(blocker, w.blockingThread(), w.blockingQuery())
          .put("trxOpenMs", w.blockingTrxMs())
          .put("user", blocker == null ? w.blockingUser() : null)
          .put("host", blocker == null ? w.blockingHost() : null)));
    }
    return out;
  }

  /**
   * One side of a wait or a deadlock. The database's statement text carries the values (MariaDB
   * shows a prepared statement's with its parameters in place): only its fingerprint is shown.
   */
  private static JsonObject party(Holdings.Held held, long threadId, String query) {
    String digest = query == null || query.isBlank() ? null : Fingerprint.of(query);
    JsonObject p = new JsonObject().put("txgate", held != null).put("threadId", threadId).put("digest", digest);
    if (held == null) {
      return p.put("statement", digest);
    }
    Holder.Activity a = held.activity();
    return p.put("session", held.holder().id())
      .put("client", held.holder().clientName())
      .put("op", a == null ? null : a.op())
      .put("statement", a == null ? digest : a.statement())
      .put("heldMs", System.currentTimeMillis() - held.sinceMillis());
  }

  /** A request hit a deadlock: the status is read soon, at most once per period. */
  private void deadlocked() {
    deadlocksSeen++;
    if (deadlockPending) {
      return;
    }
    deadlockPending = true;
    // The winner's request may end and give its connection to another one before the status is
    // read: who held each connection is taken now.
    Map<Long, Holdings.Held> then = holdings.around(DEADLOCK_WINDOW_MS);
    long wait = Math.max(1, lastDeadlockReadAt + DEADLOCK_PERIOD_MS - System.currentTimeMillis());
    vertx.setTimer(wait, id -> {
      lastDeadlockReadAt = System.currentTimeMillis();
      within(runner.run(conn -> conn.query("SHOW ENGINE INNODB STATUS").execute())).onComplete(ar -> {
        deadlockPending = false;
        if (ar.failed()) {
          deadlockError = ar.cause().getMessage();
          LOG.debug("reading the last deadlock: {}", deadlockError);
          return;
        }
        deadlockError = null;
        DeadlockReport report = DeadlockReport.parse(status(ar.result()));
        if (report != null) {
          lastDeadlock = describe(report, then);
        }
      });
    });
  }

  private JsonObject describe(DeadlockReport report, Map<Long, Holdings.Held> then) {
    JsonArray parties = new JsonArray();
    for (DeadlockReport.Party p : report.parties()) {
      Holdings.Held held = then.get(p.threadId());
      if (held == null) {
        held = holdings.lastHolder(p.threadId());
      }
      JsonObject side = party(held, p.threadId(), p.query());
      side.remove("heldMs");
      parties.add(side.put("number", p.number()).put("rolledBack", p.number() == report.rolledBack())
        .put("node", held == null ? null : node));
    }
    return new JsonObject().put("at", report.at()).put("readAt", Instant.now().toString())
      .put("transactions", parties);
  }

  private static String status(RowSet<Row> rows) {
    for (Row row : rows) {
      return row.getString("Status");
    }
    return "";
  }

  private static boolean mariadb(SqlConnection conn) {
    return conn.databaseMetadata().productName().toLowerCase(Locale.ROOT).contains("mariadb");
  }

  /** The future, or a failure once the query timeout has passed (the query itself runs on). */
  private <T> Future<T> within(Future<T> f) {
    Promise<T> p = Promise.promise();
    long t = vertx.setTimer(QUERY_TIMEOUT_MS, id -> p.tryFail("no answer within " + QUERY_TIMEOUT_MS + " ms"));
    f.onComplete(ar -> {
      vertx.cancelTimer(t);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  /** What GET /api/locks answers. */
  public JsonObject toJson() {
    JsonObject dl = lastDeadlock;
    return new JsonObject()
      .put("node", node)
      .put("sampleMs", sampleMs)
      .put("samples", samples)
      .put("sampledAt", sampledAt)
      .put("sampleTookMs", sampledAt == null ? null : sampleTookMs)
      .put("error", sampleError)
      .put("waits", waits.copy())
      .put("deadlocksSeen", deadlocksSeen)
      .put("lastDeadlock", dl == null ? null : dl.copy())
      .put("deadlockError", deadlockError);
  }
}
