package io.txgate.tx;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures from the database client become protocol errors. MySQL's error
 * number and SQLState travel with every SQL_ERROR so that clients can act on them.
 */
public final class Errors {

  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  /**
   * Transient concurrency conflicts, where running the whole transaction again may succeed:
   * 1213 ER_LOCK_DEADLOCK, 1205 ER_LOCK_WAIT_TIMEOUT, 1020 ER_CHECKREAD (MariaDB's snapshot
   * isolation conflict); SQLState 40001 (serialization failure) covers the rest.
   */
  static final Set<Integer> CONFLICTS = Set.of(1213, 1205, 1020);

  /**
   * Server-side errors that mean the server, not the statement, is the problem: 1053
   * ER_SERVER_SHUTDOWN, 1040 ER_CON_COUNT_ERROR, 1203 ER_TOO_MANY_USER_CONNECTIONS, 1927
   * ER_CONNECTION_KILLED (MariaDB), 4031 ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8).
   */
  static final Set<Integer> SERVER_GONE = Set.of(1053, 1040, 1203, 1927, 4031);

  private Errors() {
  }

  /** Whether the failure is a transient conflict worth running the transaction again for. */
  public static boolean isConflict(Throwable t) {
    return t instanceof MySQLException m
      && (CONFLICTS.contains(m.getErrorCode()) || "40001".equals(m.getSqlState()));
  }

  /** Whether the failure means the connection to the database is gone. */
  public static boolean isConnectionLoss(Throwable t) {
    if (t instanceof MySQLException m) {
      return SERVER_GONE.contains(m.getErrorCode());
    }
    return t instanceof ClosedConnectionException || t instanceof IOException
      || (t instanceof VertxException && t.getMessage() != null
          && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("closed"));
  }

  /** Translates any failure into the protocol error a client receives. */
  public static ProtocolException translate(Throwable t) {
    if (t instanceof ProtocolException p) {
      return p;
    }
    if (t instanceof MySQLException m) {
      if (SERVER_GONE.contains(m.getErrorCode())) {
        return ProtocolException.builder(ErrorCode.UNAVAILABLE, "database unavailable: " + serverMessage(m))
          .sql(m.getSqlState(), m.getErrorCode()).build();
      }
      return ProtocolException.builder(ErrorCode.SQL_ERROR, serverMessage(m))
        .sql(m.getSqlState(), m.getErrorCode())
        .retryable(isConflict(m))
        .build();
    }
    if (t instanceof ConnectionPoolTooBusyException) {
      return new ProtocolException(ErrorCode.BUSY, "too many requests are waiting for a database connection");
    }
    if (t instanceof VertxException && "Timeout".equals(t.getMessage())) {
      // The pool's acquire timeout fails with a bare "Timeout".
      return new ProtocolException(ErrorCode.BUSY, "no database connection came free in time");
    }
    if (isConnectionLoss(t) || t instanceof io.netty.channel.ConnectTimeoutException) {
      return new ProtocolException(ErrorCode.UNAVAILABLE, "database unavailable: " + describe(t));
    }
    LOG.error("internal error", t);
    return new ProtocolException(ErrorCode.INTERNAL, "internal error: " + t.getClass().getSimpleName());
  }

  /**
   * The server's own message. The client wraps it as
   * {@code {errorMessage=..., errorCode=1054, sqlState=42S22}}; the code and state travel in their
   * own fields, so only the text is kept.
   */
  static String serverMessage(MySQLException m) {
    String s = m.getMessage();
    String prefix = "{errorMessage=";
    String suffix = ", errorCode=" + m.getErrorCode() + ", sqlState=" + m.getSqlState() + "}";
    if (s != null && s.startsWith(prefix) && s.endsWith(suffix)) {
      return s.substring(prefix.length(), s.length() - suffix.length());
    }
    return s;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
