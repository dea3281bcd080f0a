package io.txgate.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.MySQLConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database sessions behind the pooled connections, and the means to stop what runs on them.
 *
 * <ul>
 *   <li>Each new pooled connection gets a {@link ServerStatus} in its pipeline, its
 *       {@code CONNECTION_ID()} read once, and the server-side statement time limit set (MariaDB
 *       {@code max_statement_time}, MySQL {@code max_execution_time}, which covers SELECTs only):
 *       a second line of defence behind the request deadlines, for a statement that outlives
 *       txgate's own KILL QUERY.
 *   <li>{@link #killQuery} stops the statement running on a connection with {@code KILL QUERY} sent
 *       on a separate connection, the only way to reach a session that is busy.
 *   <li>{@link #abandon} closes a connection's socket at once, for a database that no longer
 *       answers: the server rolls back whatever was open, and the pool replaces the connection.
 * </ul>
 *
 * <p>Everything here runs on the pool's own loop ({@link DbLoop}).
 */
public final class DbSessions {

  private static final Logger LOG = LoggerFactory.getLogger(DbSessions.class);

  private final Vertx vertx;
  private final Connector connector;
  private final MySQLConnectOptions options;
  private final long statementLimitMs;
  private final int connectTimeoutMs;
  /** The connection that sends KILL QUERY; null until first needed, and after it broke. */
  private Future<SqlConnection> killer;

  /**
   * @param statementLimitMs the server-side limit for one statement, 0 for none
   */
  public DbSessions(Vertx vertx, MySQLConnectOptions options, long statementLimitMs, int connectTimeoutMs) {
    this.vertx = vertx;
    this.connector = new Connector(vertx);
    this.options = options;
    this.statementLimitMs = statementLimitMs;
    this.connectTimeoutMs = connectTimeoutMs;
  }

  /**
   * The pool's connect handler: runs once for each new connection, before anyone borrows it, and
   * hands it to the pool by closing it. A connection whose id cannot be read still joins the pool:
   * a stop then closes it instead of killing its statement.
   */
  public void onConnect(SqlConnection conn) {
    ServerStatus status = attach(conn);
    // The flavour comes from the handshake; the id query and the setting travel together, one
    // round trip for a new connection.
    status.mariadb = conn.databaseMetadata().productName().toLowerCase(Locale.ROOT).contains("mariadb");
    Future<Void> id = conn.query("SELECT CONNECTION_ID()").execute()
      .map(rows -> {
        status.connectionId = rows.iterator().next().getLong(0);
        LOG.debug("new database session {}", status.connectionId);
        return null;
      });
    Future<Void> settings = applySettings(conn);
    Future.join(id, settings).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("preparing a new database connection: {}", ar.cause().getMessage());
      }
      conn.close();
    });
  }

  /**
   * Resets the connection's session (COM_RESET_CONNECTION: variables, temporary tables, locks, an
   * open transaction) and sets the statement time limit again, which the reset cleared.
   */
  public Future<Void> reset(SqlConnection conn) {
    return MySQLConnection.cast(conn).resetConnection().compose(v -> applySettings(conn));
  }

  private Future<Void> applySettings(SqlConnection conn) {
    if (statementLimitMs <= 0) {
      return Future.succeededFuture();
    }
    ServerStatus status = status(conn);
    String sql = status != null && status.mariadb
      ? "SET SESSION max_statement_time = " + (statementLimitMs / 1000.0)
      : "SET SESSION max_execution_time = " + statementLimitMs;
    return conn.query(sql).execute().mapEmpty();
  }

  /** The database's id for the session behind a connection, or 0 when unknown. */
  public long connectionId(SqlConnection conn) {
    ServerStatus s = status(conn);
    return s == null ? 0 : s.connectionId;
  }

  /** What the server last said about the connection's session; null when it is not tracked. */
  public ServerStatus status(SqlConnection conn) {
    SocketConnectionBase socket = socket(conn);
    return socket == null ? null : socket.socket().channelHandlerContext().pipeline().get(ServerStatus.class);
  }

  /**
   * Stops the statement running on {@code conn}: {@code KILL QUERY <id>} on the killer connection.
   * The statement fails with error 1317 (MySQL 3024 / MariaDB 1969 for a time limit); the
   * transaction stays open, for the caller to roll back.
   */
  public Future<Void> killQuery(SqlConnection conn) {
    long id = connectionId(conn);
    if (id <= 0) {
      return Future.failedFuture("the connection's database session id is unknown");
    }
    LOG.debug("KILL QUERY {}", id);
    return killer().compose(k -> k.query("KILL QUERY " + id).execute()
      .<Void>mapEmpty()
      .onFailure(t -> {
        // An error from the server (1094 ER_NO_SUCH_THREAD: the session is already gone) leaves
        // the killer sound. Anything else: it may be broken; the next kill opens a new one.
        if (!(t instanceof io.vertx.mysqlclient.MySQLException)) {
          killer = null;
          k.close();
        }
      }));
  }

  private Future<SqlConnection> killer() {
    if (killer != null) {
      return killer;
    }
    Promise<SqlConnection> p = Promise.promise();
    // A frozen database accepts the TCP connection and then never answers the handshake: the
    // wait is bounded here, and a connection that arrives too late is closed.
    long timer = vertx.setTimer(connectTimeoutMs, id -> p.tryFail("no answer from the database within "
      + connectTimeoutMs + " ms"));
    connector.connect(options).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        if (!p.tryComplete(ar.result())) {
          ar.result().close();
        }
      } else {
        p.tryFail(ar.cause());
      }
    });
    killer = p.future();
    killer.onFailure(t -> killer = null);
    killer.onSuccess(c -> c.closeHandler(v -> killer = null));
    return killer;
  }

  /**
   * Closes the connection's socket now, without a goodbye to a server that may not answer. Commands
   * in flight fail; the server rolls back any open transaction when it sees the connection gone.
   * The connection may be handed back only after the pool has heard of the close (its close
   * handler), or the pool could lend it again. False when there is no socket to close.
   */
  public boolean abandon(SqlConnection conn) {
    SocketConnectionBase socket = socket(conn);
    if (socket == null) {
      return false;
    }
    socket.socket().channelHandlerContext().channel().close();
    return true;
  }

  /**
   * Ends the connection's session with a goodbye (COM_QUIT), then closes its socket: for an idle
   * connection that is no longer wanted, which the server then does not count as aborted. As with
   * {@link #abandon}, the connection may be handed back only once the pool has heard of the close.
   * False when there is no socket to close.
   */
  public boolean quit(SqlConnection conn) {
    SocketConnectionBase socket = socket(conn);
    if (socket == null) {
      return false;
    }
    // The driver's own close: queues COM_QUIT behind anything pending, then closes the channel.
    // Called on the connection's context it runs at once; it does not check the holder.
    socket.close(null, Promise.promise());
    return true;
  }

  /** Whether the connection's socket is closed (or there is none to look at). */
  public boolean closed(SqlConnection conn) {
    SocketConnectionBase socket = socket(conn);
    return socket == null || !socket.socket().channelHandlerContext().channel().isActive();
  }

  /** Closes the killer connection. */
  public Future<Void> close() {
    Future<SqlConnection> k = killer;
    killer = null;
    return k == null ? Future.succeededFuture() : k.compose(SqlConnection::close).recover(t -> Future.succeededFuture());
  }

  private static ServerStatus attach(SqlConnection conn) {
    SocketConnectionBase socket = socket(conn);
    ServerStatus status = new ServerStatus();
    if (socket != null) {
      // After the driver's packet framer, so that it sees whole packets.
      socket.socket().channelHandlerContext().pipeline().addAfter("packetDecoder", ServerStatus.NAME, status);
    }
    return status;
  }

  /** The driver's socket connection under a pooled (or plain) connection; null if not there. */
  private static SocketConnectionBase socket(SqlConnection conn) {
    if (conn instanceof SqlConnectionInternal internal
        && internal.unwrap().unwrap() instanceof SocketConnectionBase s) {
      return s;
    }
    return null;
  }
}
