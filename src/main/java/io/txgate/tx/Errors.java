package io.txgate.tx;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * The server's own statement time limit, which backs up the request deadline: 1969
   * ER_STATEMENT_TIMEOUT (MariaDB max_statement_time), 3024 ER_QUERY_TIMEOUT (MySQL
   * max_execution_time).
   */
  static final Set<Integer> STATEMENT_TIME_LIMIT = Set.of(1969, 3024);

  /**
   * The MySQL client's own check that a request's parameters fit its statement, made after PREPARE
   * told it how many placeholders there are (vertx-sql-client {@code ErrorMessageFactory
   * .buildWhenArgumentsLengthNotMatched}, thrown by {@code MySQLPreparedStatement}). Only the text
   * tells it apart from the client's real failures; ErrorsTest pins that text to the driver's.
   */
  private static final Pattern PARAM_COUNT = Pattern.compile(
    "The number of parameters to execute should be consistent with the expected number of parameters"
      + " = \\[(\\d+)] but the actual number is \\[(\\d+)]\\.");

  private Errors() {
  }

  /** Whether the failure is a transient conflict worth running the transaction again for. */
  public static boolean isConflict(Throwable t) {
    return t instanceof MySQLException m
      && (CONFLICTS.contains(m.getErrorCode()) || "40001".equals(m.getSqlState()));
  }

  /**
   * The error code {@link #translate} would answer for a failure, without building the answer or
   * logging anything: for counting failures by code (the statement digests).
   */
  public static ErrorCode codeOf(Throwable t) {
    if (t instanceof ProtocolException p) {
      return p.code();
    }
    if (t instanceof MySQLException m) {
      return SERVER_GONE.contains(m.getErrorCode()) ? ErrorCode.UNAVAILABLE
        : STATEMENT_TIME_LIMIT.contains(m.getErrorCode()) ? ErrorCode.TIMEOUT : ErrorCode.SQL_ERROR;
    }
    if (t instanceof ConnectionPoolTooBusyException || (t instanceof VertxException && "Timeout".equals(t.getMessage()))) {
      return ErrorCode.BUSY;
    }
    if (t instanceof VertxException && t.getMessage() != null && PARAM_COUNT.matcher(t.getMessage()).matches()) {
      return ErrorCode.BAD_REQUEST;
    }
    if (isConnectionLoss(t) || t instanceof io.netty.channel.ConnectTimeoutException) {
      return ErrorCode.UNAVAILABLE;
    }
    return ErrorCode.INTERNAL;
  }

  /**
   * The cause of a transient conflict ({@link #isConflict}), as counted in {@code retriesByCause}:
   * {@code deadlock} (1213), {@code lockWaitTimeout} (1205), {@code snapshotConflict} (1020, MariaDB's
   * snapshot isolation) or {@code serializationFailure} (any other SQLState 40001).
   */
  public static String conflictName(Throwable t) {
    MySQLException m = (MySQLException) t;
    return m.getErrorCode() == 1213 ? "deadlock" : m.getErrorCode() == 1205 ? "lockWaitTimeout"
      : m.getErrorCode() == 1020 ? "snapshotConflict" : "serializationFailure";
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
      if (STATEMENT_TIME_LIMIT.contains(m.getErrorCode())) {
        return ProtocolException.builder(ErrorCode.TIMEOUT, "the database stopped the statement at its time limit"
            + " (the request deadline plus twice tx.cancelGraceMs); the transaction was rolled back: "
            + serverMessage(m))
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
    ProtocolException mistake = clientMistake(t);
    if (mistake != null) {
      return mistake;
    }
    if (isConnectionLoss(t) || t instanceof io.netty.channel.ConnectTimeoutException) {
      return new ProtocolException(ErrorCode.UNAVAILABLE, "database unavailable: " + describe(t));
    }
    return internal(t);
  }

  /**
   * A failure the driver raises before anything reaches the database, because of what the client
   * sent: BAD_REQUEST, logged at DEBUG only, since any client can cause it at will.
   */
  private static ProtocolException clientMistake(Throwable t) {
    if (!(t instanceof VertxException) || t.getMessage() == null) {
      return null;
    }
    Matcher m = PARAM_COUNT.matcher(t.getMessage());
    if (!m.matches()) {
      return null;
    }
    int placeholders = Integer.parseInt(m.group(1));
    int sent = Integer.parseInt(m.group(2));
    LOG.debug("parameter count mismatch: {} placeholder(s), {} parameter(s)", placeholders, sent);
    return new ProtocolException(ErrorCode.BAD_REQUEST, "the statement has " + placeholders
      + (placeholders == 1 ? " placeholder" : " placeholders") + " (?) but " + sent
      + (sent == 1 ? " parameter was sent" : " parameters were sent"));
  }

  /**
   * A bug: logged once, at ERROR, with a short random correlation id that the client's message
   * and the error's {@code ref} field carry too, so an operator can find the log line a client
   * reports. The stack trace stays in the log; the client sees only the exception's class.
   */
  private static ProtocolException internal(Throwable t) {
    String ref = String.format(java.util.Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
    LOG.error("internal error (ref {})", ref, t);
    return ProtocolException.builder(ErrorCode.INTERNAL,
        "internal error (ref " + ref + "): " + t.getClass().getSimpleName())
      .ref(ref).build();
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
