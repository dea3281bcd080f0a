package io.txgate.replica;

import io.txgate.db.Connector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.SqlConnection;

/**
 * Reads one replica's {@code SHOW SLAVE STATUS} every {@code checkMs} on a connection of its own,
 * outside the pool, and gives the replica its verdict ({@link ReplicationStatus#unusableBecause}).
 *
 * <p>Every check is bounded by {@code timeoutMs}: a frozen replica accepts TCP and then answers
 * nothing, and no driver timeout covers a query in flight. A check that fails or times out makes
 * the replica unusable and drops the connection; the next check connects again. Checks never
 * overlap: the next is scheduled when one ends. The server needs the privilege to read the status
 * ({@code REPLICATION CLIENT}, called {@code SLAVE MONITOR} in MariaDB 10.5+); without it every check
 * fails and the replica is never used.
 */
final class ReplicaChecker {

  private final Vertx vertx;
  private final Context context;
  private final Connector connector;
  private final MySQLConnectOptions options;
  private final Replica replica;
  private final long maxLagMs;
  private final long checkMs;
  private final long timeoutMs;
  private Future<SqlConnection> connection;
  private long timer = -1;
  private boolean closed;

  ReplicaChecker(Vertx vertx, Context context, MySQLConnectOptions options, Replica replica, long maxLagMs,
                 long checkMs, long timeoutMs) {
    this.vertx = vertx;
    this.context = context;
    this.connector = new Connector(vertx);
    this.options = options;
    this.replica = replica;
    this.maxLagMs = maxLagMs;
    this.checkMs = checkMs;
    this.timeoutMs = timeoutMs;
  }

  /** Runs the first check now, on the replica's loop; completes when it has ended. */
  Future<Void> start() {
    Promise<Void> first = Promise.promise();
    context.runOnContext(v -> check(first));
    return first.future();
  }

  void close() {
    context.runOnContext(v -> {
      closed = true;
      vertx.cancelTimer(timer);
      drop();
    });
  }

  private void check(Promise<Void> done) {
    if (closed) {
      done.tryComplete();
      return;
    }
    long failuresAtStart = replica.failures();
    Promise<ReplicationStatus> outcome = Promise.promise();
    long deadline = vertx.setTimer(timeoutMs, id -> outcome.tryFail("no answer to SHOW SLAVE STATUS within "
      + timeoutMs + " ms"));
    connection().compose(c -> c.query("SHOW SLAVE STATUS").execute())
      .map(ReplicationStatus::of)
      .onComplete(ar -> {
        if (ar.succeeded()) {
          outcome.tryComplete(ar.result());
        } else {
          outcome.tryFail(ar.cause());
        }
      });
    outcome.future().onComplete(ar -> {
      vertx.cancelTimer(deadline);
      if (ar.failed()) {
        drop();
        String m = ar.cause().getMessage();
        replica.checked(failuresAtStart, null, "check failed: " + (m == null ? ar.cause().getClass().getSimpleName() : m));
      } else if (ar.result() == null) {
        replica.checked(failuresAtStart, null, "not a replica: SHOW SLAVE STATUS is empty");
      } else {
        replica.checked(failuresAtStart, ar.result(), ar.result().unusableBecause(maxLagMs));
      }
      done.tryComplete();
      if (!closed) {
        timer = vertx.setTimer(checkMs, id -> context.runOnContext(v -> check(Promise.promise())));
      }
    });
  }

  private Future<SqlConnection> connection() {
    if (connection == null) {
      Future<SqlConnection> c = connector.connect(options);
      connection = c;
      c.onSuccess(conn -> conn.closeHandler(v -> {
        if (connection == c) {
          connection = null;
        }
      }));
    }
    return connection;
  }

  /** Forgets the check connection; one still connecting is closed when it arrives. */
  private void drop() {
    Future<SqlConnection> c = connection;
    connection = null;
    if (c != null) {
      c.onSuccess(SqlConnection::close);
    }
  }
}
