package io.txgate.tx;

import io.txgate.admission.Admission;
import io.txgate.budget.ConnectionGate;
import io.txgate.db.DatabaseHealth;
import io.txgate.db.DbLoop;
import io.txgate.db.DbSessions;
import io.txgate.digest.Attempt;
import io.txgate.digest.FingerprintCache;
import io.txgate.locks.Holdings;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Statement;
import io.txgate.protocol.Step;
import io.txgate.tracing.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Owns every request's transaction: a connection checked out of the pool, the isolation level,
 * {@code START TRANSACTION}, the statements in order with their expectations, the exactly-once key,
 * {@code COMMIT} when all succeeded and {@code ROLLBACK} when anything failed; then the connection
 * goes back, reset first when a statement may have left session state on it. How a request runs
 * (autocommit or a transaction, the level set or not, reset or not) is decided once, before its first
 * attempt, by {@link RequestPlan}; the key's claim, replay and store are {@link RequestKeys}'.
 *
 * <p>A transient conflict (deadlock, lock wait timeout, serialization failure) runs the whole
 * transaction again, after an exponential backoff with full jitter that waits on a timer, never on
 * the event loop. The retry keeps its connection (reset first when the request may have left
 * session state), so that it does not queue again behind every request still waiting.
 *
 * <p>No two requests ever share a connection: it is held from the first statement until it is
 * returned, and the pool lends it to nobody else in between.
 *
 * <p>Each request's life around that work (its deadline, its stop signal, its one answer, and the
 * proof that its connection is clean before it is lent and when it goes back) is an {@link
 * Execution}; the runner checks in with it between statements and before COMMIT. While the
 * database is unreachable, {@link DatabaseHealth}'s circuit answers at once instead of a connect
 * attempt per request.
 */
public final class TransactionRunner {

  /** Server-wide settings of the runner. */
  public record Settings(int maxResultRows, boolean resetAlways, Isolation defaultIsolation,
                         int retryBaseMs, int retryMaxMs, int acquireTimeoutMs, int cancelGraceMs,
                         int outageHoldMs, boolean pipeline) {
  }

  private final Vertx vertx;
  private final DbLoop db;
  private final DbSessions sessions;
  private final DatabaseHealth health;
  private final Settings settings;
  /** The level pooled connections start with, as probed; null while unknown. */
  private final Supplier<Isolation> databaseIsolation;
  private final TxStats stats;
  /** This node's share of the connection budget; null when there is no budget (no gate at all). */
  private final ConnectionGate gate;
  /** Limits how many transactions of a kind that keeps conflicting run at once. */
  private final Admission admission;
  /** Statement fingerprints for {@link #admission}'s kinds; used on the pool's loop only. */
  private final FingerprintCache fingerprints = new FingerprintCache(2_000);
  /** Who holds which connection, and deadlocks, for the lock views; null when nobody looks. */
  private final Holdings holdings;

  public TransactionRunner(Vertx vertx, DbLoop db, DbSessions sessions, DatabaseHealth health, Settings settings,
                           Supplier<Isolation> databaseIsolation, TxStats stats) {
    this(vertx, db, sessions, health, settings, databaseIsolation, stats, null, null, null);
  }

  /**
   * @param gate passed before a connection is borrowed, held until it is back; null for none
   * @param admission passed before the gate and the pool; null for none
   * @param holdings told which session holds which connection, and of every deadlock; null for none
   */
  public TransactionRunner(Vertx vertx, DbLoop db, DbSessions sessions, DatabaseHealth health, Settings settings,
                           Supplier<Isolation> databaseIsolation, TxStats stats, ConnectionGate gate,
                           Admission admission, Holdings holdings) {
    this.holdings = holdings;
    this.gate = gate;
    this.admission = admission != null ? admission
      : new Admission(new Admission.Settings(false, 1, 1, 0.5, 0), null);
    this.vertx = vertx;
    this.db = db;
    this.sessions = sessions;
    this.health = health;
    this.settings = settings;
    this.databaseIsolation = databaseIsolation;
    this.stats = stats;
  }

  /**
   * One request on its way: what it asks, how it runs (decided once), its life around that, and
   * its admission ticket.
   */
  private final class Job {
    private final TxRequest request;
    private final RequestPlan plan;
    private final Execution exec;
    /** Its statements' fingerprints, computed only when admission needs them. */
    private String kind;
    private Admission.Ticket ticket;
    private boolean answered;

    Job(TxRequest request, RequestPlan plan, Execution exec) {
      this.request = request;
      this.plan = plan;
      this.exec = exec;
    }

    TxRequest request() {
      return request;
    }

    RequestPlan plan() {
      return plan;
    }

    Execution exec() {
      return exec;
    }

    String kind() {
      if (kind == null) {
        StringBuilder b = new StringBuilder();
        for (Step step : request.steps()) {
          b.append(b.length() == 0 ? "" : "; ").append(fingerprints.of(step.statement().sql()));
        }
        kind = b.toString();
      }
      return kind;
    }

    /** The ticket came: held until the answer, or handed back at once if the answer came first. */
    void admitted(Admission.Ticket t) {
      if (answered) {
        t.release();
      } else {
        ticket = t;
      }
    }

    void answered() {
      answered = true;
      if (ticket != null) {
        ticket.release();
        ticket = null;
      }
    }
  }

  /**
   * Runs the request's statements as one transaction, on the pool's own loop (see {@link DbLoop});
   * the future completes back on the caller's context, exactly once, within the request's deadline
   * plus {@code cancelGraceMs}.
   *
   * @return the result object ({@link TxRequest#shape} of the statement results, plus
   *     {@code attempts}); or a failed future with a {@link ProtocolException}
   */
  public Future<JsonObject> run(TxRequest r) {
    return db.call(pool -> start(r));
  }

  private Future<JsonObject> start(TxRequest r) {
    RequestPlan plan;
    try {
      plan = RequestPlan.of(r.steps(), r.isolation(), r.readOnly(), r.requestKey() != null,
        settings.defaultIsolation(), settings.resetAlways(), databaseIsolation.get(), settings.pipeline());
    } catch (ProtocolException e) {
      return Future.failedFuture(e);
    }
    stats.transactions.increment();
    Execution exec = new Execution(vertx, sessions, stats, r, settings.cancelGraceMs(), plan.reset(), holdings);
    Job job = new Job(r, plan, exec);
    return exec.run(waiting -> acquire(waiting, exec, job), conn -> attempt(conn, job, 1)
      // An answer from the database, a result or an SQL error, is what proves it alive: a
      // connection borrowed from the pool is not (an idle one comes out of a frozen server too).
      .onComplete(ar -> {
        if (ar.succeeded() || answeredByDatabase(ar.cause())) {
          health.recordSuccess();
        }
      }))
      .onComplete(ar -> job.answered());
  }

  /**
   * One attempt, and the next after a transient conflict. The retry keeps the connection: the
   * conflict rolled the transaction back but left the connection sound, and going back to the
   * pool would put a request that has already waited behind every request still waiting (at 256
   * clients on 16 connections, tens of milliseconds per retry).
   */
  private Future<JsonObject> attempt(SqlConnection conn, Job job, int n) {
    stats.attempts.increment();
    job.exec().attempt(n);
    RequestTrace trace = job.request().trace();
    return (trace == null ? once(conn, job, n) : trace.attempt(n, () -> once(conn, job, n)))
      .onSuccess(x -> admission.success(job::kind))
      .recover(t -> {
        Throwable cause = t instanceof StepFailed s ? s.getCause() : t;
        if (Errors.isConflict(cause)) {
          admission.conflict(job::kind);
          if (holdings != null && ((MySQLException) cause).getErrorCode() == 1213) {
            holdings.deadlocked();
          }
          if (n < job.request().maxAttempts()) {
            stats.retried(Errors.conflictName(cause));
            // A request that may have left session state behind gets a reset connection back
            // first: the retry must start from the same clean session as the first attempt.
            long slept = System.nanoTime();
            return vertx.timer(backoffMillis(n))
              .compose(v -> {
                job.exec().backedOff(System.nanoTime() - slept);
                return job.plan().reset() ? reset(conn) : Future.succeededFuture();
              })
              .compose(v -> {
                ProtocolException stop = job.exec().checkpoint();
                return stop != null ? Future.failedFuture(stop) : attempt(conn, job, n + 1);
              });
          }
          stats.exhausted.increment();
          MySQLException m = (MySQLException) cause;
          return Future.failedFuture(ProtocolException.builder(ErrorCode.RETRIES_EXHAUSTED,
              "transient conflict persisted through " + n + " attempt(s); nothing was applied: "
                + Errors.serverMessage(m))
            .sql(m.getSqlState(), m.getErrorCode()).build());
        }
        return Future.failedFuture(toProtocol(t, job.request().steps().size() > 1));
      });
  }

  /**
   * Borrows a connection into {@code result}, waiting at most {@code acquireTimeoutMs}, at the gate
   * (when there is a connection budget) and in the pool together. The timeout is ours, not the
   * pool's, and so is the promise: a connection that arrives after the request gave up (timed out,
   * deadline, stopped) goes straight back, so no waiter can ever keep one; and so does its permit.
   */
  private Future<SqlConnection> acquire(Promise<SqlConnection> result, Execution exec, Job job) {
    stats.waiting.incrementAndGet();
    long t0 = System.nanoTime();
    long timer = vertx.setTimer(settings.acquireTimeoutMs(), id -> {
      if (result.tryFail(new ProtocolException(ErrorCode.BUSY, "no database connection came free within "
          + settings.acquireTimeoutMs() + " ms" + (gate != null && gate.limit() == 0 ? ": " + gate.why() : "")))) {
        stats.acquireTimedOut.increment();
      }
    });
    result.future().onFailure(t -> stats.waiting.decrementAndGet());
    // While the circuit is open (the database unreachable), fail at once, or hold the request for
    // db.outageHoldMs in case the database comes back, rather than queue for a connection that
    // cannot be made.
    health.whenAvailable(settings.outageHoldMs()).onComplete(available -> {
      if (available.failed()) {
        vertx.cancelTimer(timer);
        result.tryFail(available.cause());
      } else if (!result.future().isComplete()) {
        // Admission first: a transaction held back because its kind keeps conflicting must not sit
        // on a connection, or a permit of the budget, while it waits.
        admission.enter(job::kind, result.future()).onSuccess(ticket -> {
          job.admitted(ticket);
          if (result.future().isComplete()) {
            return;
          }
          if (gate == null) {
            borrow(result, timer, t0, null, exec);
          } else {
            pass(result, timer, t0, exec);
          }
        });
      }
    });
    return result.future();
  }

  /**
   * Waits at the gate, then borrows. A request that gives up while it waits leaves the queue; one
   * whose permit comes after it gave up hands the permit straight back.
   */
  private void pass(Promise<SqlConnection> result, long timer, long t0, Execution exec) {
    Future<ConnectionGate.Permit> ticket = gate.enter();
    if (ticket.failed()) {
      vertx.cancelTimer(timer);
      if (result.tryFail(ticket.cause())) {
        stats.acquireRejected.increment();
      }
      return;
    }
    result.future().onFailure(t -> gate.withdraw(ticket));
    ticket.onSuccess(permit -> {
      if (result.future().isComplete()) {
        permit.release();
      } else {
        borrow(result, timer, t0, permit, exec);
      }
    });
  }

  private void borrow(Promise<SqlConnection> result, long timer, long t0, ConnectionGate.Permit permit,
                      Execution exec) {
    db.pool().getConnection().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        if (!result.future().isComplete()) {
          // The execution holds the permit from here on and gives it back with the connection.
          exec.lease(permit);
          result.complete(ar.result());
          stats.waiting.decrementAndGet();
          stats.poolWait.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
          stats.acquired.increment();
          stats.inUse.incrementAndGet();
        } else {
          Future<Void> back = ar.result().close();
          if (permit != null) {
            back.onComplete(x -> permit.release());
          }
        }
        return;
      }
      if (permit != null) {
        permit.release();
      }
      health.recordFailure(ar.cause());
      if (result.tryFail(Errors.translate(ar.cause()))
          && ar.cause() instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
        stats.acquireRejected.increment();
      }
    });
  }

  /** Whether a failure came from the database's own answer, not from its absence or silence. */
  private static boolean answeredByDatabase(Throwable t) {
    ErrorCode code = t instanceof ProtocolException p ? p.code() : ErrorCode.INTERNAL;
    return code != ErrorCode.UNAVAILABLE && code != ErrorCode.TIMEOUT && code != ErrorCode.COMMIT_UNKNOWN
      && code != ErrorCode.BUSY && code != ErrorCode.INTERNAL;
  }

  /** Full jitter: uniformly random in [1, min(max, base * 2^(n-1))] milliseconds. */
  private long backoffMillis(int n) {
    long ceiling = Math.min(settings.retryMaxMs(), (long) settings.retryBaseMs() << Math.min(n - 1, 20));
    return 1 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling));
  }

  private Future<JsonObject> once(SqlConnection conn, Job job, int n) {
    TxRequest r = job.request();
    // Null when the digests are off: then no statement pays anything for them.
    Attempt d = stats.digests() == null ? null : stats.digests().attempt(r.operation(), n < r.maxAttempts());
    if (job.plan().autocommit()) {
      Statement s = r.steps().get(0).statement();
      boolean write = job.plan().writes();
      job.exec().writing(write);
      return statement(conn, s, d, r.trace(), 0)
        .map(result -> {
          job.exec().writing(false);
          stats.committed.increment();
          return finish(r, List.of(result), n);
        })
        .recover(t -> {
          job.exec().writing(false);
          return Future.failedFuture(Errors.isConnectionLoss(t) && write ? commitUnknown() : t);
        });
    }
    if (job.plan().pipelined()) {
      return pipelined(conn, job, n, d);
    }
    // The transaction's opening commands and its first statement go out together, one round trip
    // instead of two: the connection answers in order, so the first statement's answer arrives
    // after START TRANSACTION's, and nothing further is sent unless both succeeded. Safe because
    // START TRANSACTION on a connection with no open transaction (every connection comes out of
    // the pool proven clean, see Execution) fails only when the connection itself fails, which the
    // first statement cannot survive.
    Future<Void> isolationSet = job.plan().setIsolation()
      ? simple(conn, "SET TRANSACTION ISOLATION LEVEL " + job.plan().isolation().sql())
      : Future.succeededFuture();
    // A stop's KILL QUERY waits for START TRANSACTION's answer: interrupting it would let the
    // statement behind it run, and commit, on its own.
    job.exec().holdKill();
    Future<Void> started = simple(conn, job.plan().begin()).onComplete(x -> job.exec().releaseKill());
    Future<Void> begin = Future.all(isolationSet, started).mapEmpty();
    // A request key's claim row waits for the transaction to have started: it must never commit
    // on its own.
    Future<Boolean> claim = r.requestKey() == null ? begin.map(true) : begin.compose(v -> RequestKeys.claim(conn, r.requestKey(), r.requestHash()));
    Future<List<JsonObject>> work = r.requestKey() == null
      ? steps(conn, job, 0, new ArrayList<>(), begin, d)
      : claim.compose(claimed -> claimed
        ? steps(conn, job, 0, new ArrayList<>(), begin, d) : Future.succeededFuture(null));
    return Future.join(begin, claim, work).transform(ignored -> {
      if (begin.failed() || claim.failed()) {
        Throwable cause = begin.failed() ? begin.cause() : claim.cause();
        return rollback(conn, job).compose(v -> Future.failedFuture(cause));
      }
      if (!claim.result()) {
        return rollback(conn, job).compose(v -> RequestKeys.replay(conn, r.requestKey(), r.requestHash()))
          .onSuccess(replayed -> stats.replays.increment());
      }
      if (work.failed()) {
        return rollback(conn, job).compose(v -> Future.failedFuture(work.cause()));
      }
      return commit(conn, job, work.result(), n);
    });
  }

  /**
   * A transaction in two round trips: every command goes out at once, then COMMIT (or ROLLBACK)
   * once all their answers, and the steps' expectations, have been checked.
   *
   * <p>Why it is sound. With autocommit on, an error that rolls back the whole transaction (a
   * deadlock, 1213, on MariaDB 10.11 and 11.4 and MySQL 8 alike; a lock wait timeout under {@code
   * innodb_rollback_on_timeout}) ends it there, and the statements already sent behind the failed
   * one would each run, and commit, on their own: seen on MariaDB 10.11 (PipeliningTest). MySQL 8
   * also rolls back the whole transaction on a deadlock (its manual, "Deadlocks in InnoDB"); no MySQL
   * 8 server was at hand to watch it. MariaDB 11.4 was seen to keep the next statement inside a
   * transaction, which nothing here relies on. So the connection is switched to {@code
   * autocommit=0} first, in the same flight: then every statement belongs to a transaction, the one
   * it opens itself if an error ended the previous one, and only an explicit COMMIT ends it. No
   * COMMIT is sent unless every answer was a success; after any failure the flight ends with
   * ROLLBACK, which undoes whatever ran after the failed step. Statements that would commit
   * implicitly (DDL, LOCK TABLES, SET autocommit) are refused in a batch by {@link SqlGuard} before
   * anything is sent. Autocommit is switched back on right behind COMMIT or ROLLBACK, in the same
   * flight, so the connection goes back to the pool in the state it came in ({@link Execution}
   * checks the server's status flags and resets it otherwise). A failed COMMIT has rolled the
   * transaction back on all three servers, so the SET behind it can commit nothing.
   *
   * <p>A stop's KILL QUERY is held until the server has answered {@code SET autocommit=0}, so that
   * it can never interrupt the switch and leave the statements behind it in autocommit.
   */
  private Future<JsonObject> pipelined(SqlConnection conn, Job job, int n, Attempt d) {
    TxRequest r = job.request();
    RequestPlan plan = job.plan();
    job.exec().holdKill();
    List<Future<?>> sent = new ArrayList<>();
    Future<Void> off = simple(conn, "SET autocommit=0").onComplete(x -> job.exec().releaseKill());
    sent.add(off);
    if (plan.setIsolation()) {
      sent.add(simple(conn, "SET TRANSACTION ISOLATION LEVEL " + plan.isolation().sql()));
    }
    if (plan.explicitStart()) {
      sent.add(simple(conn, plan.begin()));
    }
    Future<Boolean> claim = r.requestKey() == null ? Future.succeededFuture(true)
      : RequestKeys.claim(conn, r.requestKey(), r.requestHash());
    sent.add(claim);
    int opening = sent.size();
    for (int i = 0; i < r.steps().size(); i++) {
      sent.add(statement(conn, r.steps().get(i).statement(), d, r.trace(), i));
    }
    // The connection answers in order: once every future is complete, nothing is in flight.
    return Future.join(sent).transform(ignored -> {
      for (int i = 0; i < opening; i++) {
        if (sent.get(i).failed()) {
          Throwable cause = sent.get(i).cause();
          return rollback(conn, job).compose(v -> Future.failedFuture(cause));
        }
      }
      if (!claim.result()) {
        return rollback(conn, job).compose(v -> RequestKeys.replay(conn, r.requestKey(), r.requestHash()))
          .onSuccess(replayed -> stats.replays.increment());
      }
      List<JsonObject> results = new ArrayList<>(r.steps().size());
      for (int i = 0; i < r.steps().size(); i++) {
        Future<?> answer = sent.get(opening + i);
        Throwable failure = answer.failed() ? new StepFailed(i, answer.cause())
          : missedExpectation(r.steps().get(i), (JsonObject) answer.result(), i, d);
        if (failure != null) {
          return rollback(conn, job).compose(v -> Future.failedFuture(failure));
        }
        results.add((JsonObject) answer.result());
      }
      return commit(conn, job, results, n);
    });
  }

  /** The step's expectation failure as CONFLICT at its index, or null when it holds (or has none). */
  private StepFailed missedExpectation(Step step, JsonObject result, int index, Attempt d) {
    String missed = step.expect() == null ? null : step.expect().check(result);
    if (missed == null) {
      return null;
    }
    stats.expectationConflicts.increment();
    if (d != null) {
      d.conflict(step.statement().sql());
    }
    return new StepFailed(index, new ProtocolException(ErrorCode.CONFLICT, "step " + index + ": " + missed));
  }

  /**
   * Ends the transaction with {@code command} (COMMIT or ROLLBACK) and, for a pipelined one, switches
   * autocommit back on in the same flight; the outcome is the command's own.
   */
  private static Future<Void> end(SqlConnection conn, Job job, String command) {
    Future<Void> ended = simple(conn, command);
    if (!job.plan().pipelined()) {
      return ended;
    }
    Future<Void> on = simple(conn, "SET autocommit=1");
    return Future.join(ended, on).transform(x -> ended);
  }

  /**
   * Runs the steps from {@code index} on, one after another; {@code begin} is the transaction's
   * start, sent just ahead of the first step: no later step is sent unless it succeeded.
   */
  private Future<List<JsonObject>> steps(SqlConnection conn, Job job, int index, List<JsonObject> results,
                                         Future<Void> begin, Attempt d) {
    TxRequest r = job.request();
    if (index > 0 && begin.failed()) {
      return Future.failedFuture(begin.cause());
    }
    if (index == r.steps().size()) {
      return Future.succeededFuture(results);
    }
    ProtocolException stop = job.exec().checkpoint();
    if (stop != null) {
      return Future.failedFuture(stop);
    }
    Step step = r.steps().get(index);
    return statement(conn, step.statement(), d, r.trace(), index)
      .recover(t -> Future.failedFuture(new StepFailed(index, t)))
      .compose(result -> {
        StepFailed missed = missedExpectation(step, result, index, d);
        if (missed != null) {
          return Future.failedFuture(missed);
        }
        results.add(result);
        return steps(conn, job, index + 1, results, begin, d);
      });
  }

  /**
   * Runs one statement: in a span of its own when the request is traced; {@code d} counts it in the
   * statement digests (null: they are off).
   */
  private Future<JsonObject> statement(SqlConnection conn, Statement s, Attempt d, RequestTrace trace, int step) {
    return trace == null ? execute(conn, s, d) : trace.statement(step, s.sql(), () -> execute(conn, s, d));
  }

  private Future<JsonObject> execute(SqlConnection conn, Statement s, Attempt d) {
    int maxRows = settings.maxResultRows();
    Future<JsonObject> answer = conn.preparedQuery(s.sql())
      .collecting(ResultSets.collector(maxRows))
      .execute(Tuple.wrap(new ArrayList<>(s.params())))
      .map(result -> ResultSets.render(result, maxRows));
    return d == null ? answer : d.statement(s.sql(), answer);
  }

  private Future<JsonObject> commit(SqlConnection conn, Job job, List<JsonObject> results, int n) {
    TxRequest r = job.request();
    JsonObject body = finish(r, results, n);
    // The response is stored before COMMIT is sent, never beside it: a COMMIT behind a failed
    // store would commit the work with no response to replay.
    Future<Void> stored = r.requestKey() == null ? Future.succeededFuture()
      : RequestKeys.store(conn, r.requestKey(), body)
        .recover(t -> rollback(conn, job).transform(x -> Future.failedFuture(t)));
    return stored.compose(v -> {
      ProtocolException stop = job.exec().checkpoint();
      if (stop != null) {
        // Stopped while its last statement ran (deadline, kill, client gone): roll back rather
        // than commit what nobody will be told about.
        return rollback(conn, job).transform(x -> Future.failedFuture(stop));
      }
      job.exec().committing();
      return Future.succeededFuture();
    }).compose(v -> end(conn, job, "COMMIT").transform(ar -> {
      if (ar.succeeded()) {
        stats.committed.increment();
        return Future.succeededFuture(body);
      }
      // A conflict reported at COMMIT rolled the transaction back: it is retried like any other.
      return Future.failedFuture(Errors.isConnectionLoss(ar.cause()) ? commitUnknown() : ar.cause());
    }));
  }

  private static JsonObject finish(TxRequest r, List<JsonObject> results, int n) {
    return r.shape().apply(results).put("attempts", n);
  }

  private ProtocolException commitUnknown() {
    stats.commitUnknown.increment();
    return new ProtocolException(ErrorCode.COMMIT_UNKNOWN,
      "the database connection broke during COMMIT: the transaction may or may not have committed");
  }

  private static Future<Void> rollback(SqlConnection conn, Job job) {
    // A failed ROLLBACK (connection gone) changes nothing: the server rolls back an open
    // transaction whose connection closed.
    return end(conn, job, "ROLLBACK").recover(t -> Future.succeededFuture());
  }

  private static Future<Void> simple(SqlConnection conn, String sql) {
    return conn.query(sql).execute().mapEmpty();
  }

  private Future<Void> reset(SqlConnection conn) {
    stats.resets.increment();
    return sessions.reset(conn);
  }

  private static ProtocolException toProtocol(Throwable t, boolean multi) {
    if (t instanceof StepFailed s) {
      ProtocolException e = Errors.translate(s.getCause());
      return multi || e.code() == ErrorCode.CONFLICT ? e.atStep(s.step) : e;
    }
    return Errors.translate(t);
  }

  /** A statement's failure, with the index of its step; unwrapped before the client sees it. */
  private static final class StepFailed extends RuntimeException {
    final int step;

    StepFailed(int step, Throwable cause) {
      super(null, cause, false, false);
      this.step = step;
    }
  }
}
