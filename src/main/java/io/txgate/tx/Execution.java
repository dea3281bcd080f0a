package io.txgate.tx;

import io.txgate.budget.ConnectionGate;
import io.txgate.db.DbSessions;
import io.txgate.db.ServerStatus;
import io.txgate.locks.Holdings;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's life on the pool's loop: its deadline, its stop signal, the connection it holds,
 * its one answer, and how the connection goes back.
 *
 * <p>The answer goes out exactly once, from whichever comes first: the transaction's own outcome;
 * the connection's loss; or, after a deadline or a stop, the end of the grace period in which the
 * database must confirm that the statement was stopped. It never waits for a database that does
 * not answer, and a request can never be left without an answer by a future that never completes
 * (the MySQL driver fails only the first of several pipelined commands when a connection breaks).
 *
 * <p>The connection goes back to the pool only when the server's last word on it (the status flags
 * of its last OK packet, {@link ServerStatus}) says that no transaction is open and autocommit is
 * on. Otherwise it is rolled back (or reset) first and checked again, and a connection that still
 * cannot be proven clean, that was sent a KILL QUERY, or that stopped answering is closed instead:
 * no later borrower can ever run inside another request's transaction.
 */
final class Execution {

  private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

  private enum Phase { WAITING, RUNNING, COMMITTING }

  private final Vertx vertx;
  private final DbSessions sessions;
  private final TxStats stats;
  private final TxRequest request;
  private final int graceMs;
  private final boolean resetAfter;
  /** Who holds which connection, for the lock views; null when nobody looks (replicas). */
  private final Holdings holdings;
  private final Promise<JsonObject> answer = Promise.promise();

  private Phase phase = Phase.WAITING;
  /** Promise of the connection being waited for; failed by a stop so that a late one goes back. */
  private Promise<SqlConnection> acquiring;
  private SqlConnection conn;
  /** The held connection's database id while it is in the holdings; 0 when it is not. */
  private long heldId;
  /** An autocommit statement that writes is in flight: losing it leaves its outcome unknown. */
  private boolean writeInFlight;
  private StopSignal.Reason stopped;
  /** When the stop came, COMMIT or an autocommit write was in flight: a success is a real commit. */
  private boolean mayHaveCommitted;
  /** KILL QUERY was sent on the connection: it is never lent again. */
  private boolean killSent;
  /** A command that must not be interrupted is unanswered: a stop's KILL QUERY waits for it. */
  private boolean killHeld;
  /** A stop came while the kill was held: KILL QUERY goes out when the hold ends. */
  private boolean killPending;
  private boolean workDone;
  private boolean released;
  private long deadlineTimer = -1;
  /**
   * The connection budget's permit for the connection held (null: no budget): given back exactly
   * once, when the connection is back in the pool or closed, never earlier, so that the next request
   * through the gate finds it idle rather than opening another.
   */
  private ConnectionGate.Permit permit;
  private long graceTimer = -1;
  /** System.nanoTime at the start, and when the connection came: the boundaries of the time split. */
  private long startedAt;
  private long acquiredAt;
  /** Backoff slept while holding the connection: not database time. */
  private long backoffNanos;
  /** The request's time split has been written: nothing is added after its answer. */
  private boolean settled;

  Execution(Vertx vertx, DbSessions sessions, TxStats stats, TxRequest request, int graceMs, boolean resetAfter,
            Holdings holdings) {
    this.holdings = holdings;
    this.vertx = vertx;
    this.sessions = sessions;
    this.stats = stats;
    this.request = request;
    this.graceMs = graceMs;
    this.resetAfter = resetAfter;
  }

  /**
   * Starts the deadline and listens for a stop, borrows a connection with {@code acquire}, then
   * runs {@code work} on it.
   */
  Future<JsonObject> run(Function<Promise<SqlConnection>, Future<SqlConnection>> acquire,
                         Function<SqlConnection, Future<JsonObject>> work) {
    startedAt = System.nanoTime();
    deadlineTimer = vertx.setTimer(request.timeoutMs(), id -> stop(StopSignal.Reason.DEADLINE));
    Promise<SqlConnection> waiting = Promise.promise();
    acquiring = waiting;
    var loop = vertx.getOrCreateContext();
    request.stop().onStop(reason -> loop.runOnContext(x -> stop(reason)));
    acquire.apply(waiting).onComplete(ar -> {
      acquiring = null;
      long now = System.nanoTime();
      request.timing().waitNanos += now - startedAt;
      acquiredAt = now;
      if (ar.failed()) {
        finish(Future.failedFuture(ar.cause()));
        return;
      }
      conn = ar.result();
      phase = Phase.RUNNING;
      if (holdings != null && request.holder() != null) {
        heldId = sessions.connectionId(conn);
        holdings.borrowed(heldId, request.holder());
      }
      if (LOG.isDebugEnabled()) {
        LOG.debug("borrowed database session {} ({})", sessions.connectionId(conn), describeStatus(conn));
      }
      conn.closeHandler(x -> connectionLost());
      if (stopped != null) {
        finish(Future.failedFuture(stopError()));
        return;
      }
      Future<JsonObject> f;
      try {
        f = proveClean(conn).compose(v -> work.apply(conn));
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(this::finish);
    });
    return answer.future();
  }

  /**
   * The borrowing side of the guard: a connection whose server last said "transaction open" (or
   * autocommit off) is rolled back (or reset) before the request's first statement, so that the
   * request can never run inside, or implicitly commit, a transaction it did not start. Txgate
   * never returns such a connection itself; this catches whatever else might.
   */
  private Future<Void> proveClean(SqlConnection c) {
    ServerStatus status = sessions.status(c);
    if (status == null || status.clean()) {
      return Future.succeededFuture();
    }
    stats.guardRollbacks.increment();
    LOG.warn("a borrowed database connection had {}; rolling back before the request runs", status.describe());
    Future<Void> cleanup = c.query("ROLLBACK").execute().mapEmpty();
    if (status.autocommitOff()) {
      cleanup = cleanup.compose(v -> sessions.reset(c));
    }
    return cleanup.compose(v -> status.clean() ? Future.succeededFuture()
      : Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
        "the database connection could not be brought to a clean state; nothing ran")));
  }

  /** The permit that came with the connection about to be lent; null when there is no budget. */
  void lease(ConnectionGate.Permit p) {
    permit = p;
  }

  /** The connection is back in the pool or closed: its permit goes back. */
  private void permitBack() {
    ConnectionGate.Permit p = permit;
    permit = null;
    if (p != null) {
      p.release();
    }
  }

  /** The runner slept this long before its next attempt. */
  void backedOff(long nanos) {
    // A stop may have answered during the sleep: the split it was answered with stays as it was.
    if (!settled) {
      backoffNanos += nanos;
      request.timing().backoffNanos += nanos;
    }
  }

  /** Attempt {@code n} starts. */
  void attempt(int n) {
    if (!settled) {
      request.timing().attempts = n;
    }
  }

  /**
   * The answer is about to go out: the database part of the time split is what the connection was
   * held, less backoff. Written once: a connection still cleaning up after a stop adds nothing.
   */
  private void settle() {
    if (settled) {
      return;
    }
    settled = true;
    if (conn != null) {
      request.timing().dbNanos += System.nanoTime() - acquiredAt - backoffNanos;
    }
  }

  /** Null while the request may go on; else the error to end it with. */
  ProtocolException checkpoint() {
    return stopped == null ? null : stopError();
  }

  /** COMMIT is about to be sent: from now on a lost connection leaves the outcome unknown. */
  void committing() {
    phase = Phase.COMMITTING;
  }

  /**
   * The command just sent (START TRANSACTION, or {@code SET autocommit=0}) must not be interrupted:
   * were KILL QUERY to cut it short, the statements pipelined behind it would run in autocommit,
   * each committing on its own. A stop until {@link #releaseKill} still ends the request, but its
   * KILL QUERY waits for the command's answer, which comes at once.
   */
  void holdKill() {
    killHeld = true;
  }

  /** The held command was answered: a stop that came meanwhile sends its KILL QUERY now. */
  void releaseKill() {
    killHeld = false;
    if (killPending) {
      killPending = false;
      if (!workDone && !released) {
        sendKill();
      }
    }
  }

  /** An autocommit statement that writes is (true) or is no longer (false) in flight. */
  void writing(boolean value) {
    writeInFlight = value;
  }

  private void stop(StopSignal.Reason reason) {
    if (stopped != null || answer.future().isComplete()) {
      return;
    }
    stopped = reason;
    mayHaveCommitted = phase == Phase.COMMITTING || writeInFlight;
    if (reason == StopSignal.Reason.DEADLINE) {
      stats.timeouts.increment();
    } else {
      stats.stopped.increment();
    }
    if (phase == Phase.WAITING) {
      Promise<SqlConnection> w = acquiring;
      if (w != null) {
        w.tryFail(stopError());
      }
      return;
    }
    if (phase == Phase.RUNNING && conn != null) {
      // COMMIT is never interrupted: killing it could not undo it, only hide its outcome.
      // The connection is never lent again, whether the kill goes out now or once a held command
      // has been answered.
      killSent = true;
      long id = sessions.connectionId(conn);
      if (reason == StopSignal.Reason.DEADLINE) {
        LOG.debug("stopping the request on database session {} ({}): KILL QUERY, then ROLLBACK", id, describe(reason));
      } else {
        LOG.info("stopping the request on database session {} ({}): KILL QUERY, then ROLLBACK", id, describe(reason));
      }
      if (killHeld) {
        killPending = true;
      } else {
        sendKill();
      }
    }
    // The database has this long to confirm; past it the connection is dropped and the answer
    // goes out anyway.
    graceTimer = vertx.setTimer(graceMs, id -> graceExpired());
  }

  private void sendKill() {
    long id = sessions.connectionId(conn);
    sessions.killQuery(conn).onFailure(t -> LOG.debug("KILL QUERY {}: {}", id, t.getMessage()));
  }

  private void graceExpired() {
    if (workDone) {
      return;
    }
    LOG.warn("database session {} did not confirm the stop within {} ms: closing its connection",
      sessions.connectionId(conn), graceMs);
    // Released before the answer goes out, so that a client that has its answer never finds the
    // connection still counted as borrowed for it.
    release(true);
    settle();
    answer.tryFail(phase == Phase.COMMITTING || writeInFlight ? commitUnknown() : stopError());
  }

  private void connectionLost() {
    if (workDone || released) {
      return;
    }
    released = true;
    stats.inUse.decrementAndGet();
    unhold();
    conn.closeHandler(null);
    discardClosed(conn);
    settle();
    answer.tryFail(phase == Phase.COMMITTING || writeInFlight ? commitUnknown()
      : stopped != null ? stopError()
      : new ProtocolException(ErrorCode.UNAVAILABLE, "database unavailable: the connection to the database"
        + " was lost; nothing was committed"));
  }

  private void finish(AsyncResult<JsonObject> ar) {
    workDone = true;
    settle();
    vertx.cancelTimer(deadlineTimer);
    if (graceTimer >= 0) {
      vertx.cancelTimer(graceTimer);
    }
    if (conn != null) {
      release(false);
    }
    if (ar.succeeded() && (stopped == null || mayHaveCommitted)) {
      // A COMMIT (or an autocommit write) that went through while a stop was pending is reported as
      // what it is: committed.
      answer.tryComplete(ar.result());
    } else if (ar.succeeded()) {
      // A read that "succeeded" after its KILL QUERY was cut short (BENCHMARK, for one, returns 0
      // when interrupted): its result cannot be trusted.
      answer.tryFail(stopError());
    } else {
      ProtocolException e = Errors.translate(ar.cause());
      boolean outcomeKnown = e.code() != ErrorCode.COMMIT_UNKNOWN;
      answer.tryFail(stopped != null && outcomeKnown ? stopError() : e);
    }
  }

  /**
   * Returns the connection, proven clean, or closes it. {@code broken}: the work never finished,
   * so commands may still be in flight and the connection must not be lent again.
   */
  private void release(boolean broken) {
    if (released) {
      return;
    }
    released = true;
    stats.inUse.decrementAndGet();
    unhold();
    SqlConnection c = conn;
    c.closeHandler(null);
    if (broken || killSent) {
      discard(c);
      return;
    }
    ServerStatus status = sessions.status(c);
    Future<Void> cleanup = Future.succeededFuture();
    if (status == null || !status.clean()) {
      // Txgate ends every transaction it starts, so after a success the server says "no
      // transaction"; after a failed statement its last word was an error, and a ROLLBACK makes
      // sure. A transaction that a statement opened behind txgate's back ends here too.
      stats.guardRollbacks.increment();
      if (status != null && status.inTransaction()) {
        stats.openAtRelease.increment();
        LOG.warn("a database connection came back with a transaction open ({}); rolling it back before"
          + " anyone reuses it", status.describe());
      }
      cleanup = c.query("ROLLBACK").execute().mapEmpty();
    }
    if (resetAfter || (status != null && status.autocommitOff())) {
      stats.resets.increment();
      cleanup = cleanup.compose(v -> sessions.reset(c));
    }
    within(cleanup, graceMs).onComplete(ar -> {
      if (ar.succeeded() && (status == null || status.clean())) {
        LOG.debug("returning database session {}", sessions.connectionId(c));
        c.close().onComplete(x -> permitBack());
      } else {
        LOG.warn("closing a database connection that could not be proven clean ({})",
          ar.failed() ? ar.cause().getMessage() : status.describe());
        discard(c);
      }
    });
  }

  /** The connection leaves the holdings: from here on its locks are no longer this request's. */
  private void unhold() {
    if (heldId != 0) {
      holdings.released(heldId);
      heldId = 0;
    }
  }

  private void discard(SqlConnection c) {
    LOG.debug("closing database session {}", sessions.connectionId(c));
    stats.abandoned.increment();
    if (sessions.closed(c)) {
      // It broke on its own while it was being cleaned up, with no close handler listening: the
      // pool has been told (or is being told in a task queued before this one), and no close
      // handler will ever fire now.
      vertx.runOnContext(x -> c.close().onComplete(y -> permitBack()));
      return;
    }
    // Handed back only after the pool has dropped it. The close handler is emitted from inside
    // the pool's own close handling, which removes the connection right after it: handing it back
    // from within the handler, or from the socket's close future (which completes before the
    // pool hears of the close), let the pool lend the dead connection to the next request.
    c.closeHandler(v -> vertx.runOnContext(x -> c.close().onComplete(y -> permitBack())));
    if (!sessions.abandon(c)) {
      c.close().onComplete(y -> permitBack());
    }
  }

  /** A connection whose close the pool is hearing of right now: handed back once it has. */
  private void discardClosed(SqlConnection c) {
    LOG.debug("database session {} closed", sessions.connectionId(c));
    stats.abandoned.increment();
    vertx.runOnContext(x -> c.close().onComplete(y -> permitBack()));
  }

  /** The future, or a failure once {@code ms} have passed without it. */
  private <T> Future<T> within(Future<T> f, int ms) {
    if (f.isComplete()) {
      return f;
    }
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(ms, id -> p.tryFail("no answer from the database within " + ms + " ms"));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  private ProtocolException stopError() {
    return switch (stopped) {
      case DEADLINE -> new ProtocolException(ErrorCode.TIMEOUT, "the request did not finish within its deadline of "
        + request.timeoutMs() + " ms; its statement was stopped and its transaction rolled back: nothing was committed");
      case KILLED -> new ProtocolException(ErrorCode.UNAVAILABLE,
        "the session was killed by an operator; nothing was committed");
      case CLIENT_GONE -> new ProtocolException(ErrorCode.UNAVAILABLE,
        "the client connection closed; the request was stopped and nothing was committed");
      case SHUTDOWN -> new ProtocolException(ErrorCode.UNAVAILABLE,
        "the server is shutting down; the request was stopped and nothing was committed");
    };
  }

  private ProtocolException commitUnknown() {
    stats.commitUnknown.increment();
    return new ProtocolException(ErrorCode.COMMIT_UNKNOWN, phase == Phase.COMMITTING
      ? "the database did not confirm COMMIT: the transaction may or may not have committed"
      : "the database did not confirm the statement, which commits on its own: it may or may not have been applied");
  }

  private String describeStatus(SqlConnection c) {
    ServerStatus status = sessions.status(c);
    return status == null ? "untracked" : status.describe();
  }

  private static String describe(StopSignal.Reason reason) {
    return switch (reason) {
      case DEADLINE -> "deadline passed";
      case KILLED -> "killed by an operator";
      case CLIENT_GONE -> "client disconnected";
      case SHUTDOWN -> "shutdown grace period over";
    };
  }
}
