package io.txgate.digest;

import io.txgate.protocol.ProtocolException;
import io.txgate.tx.Errors;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLException;

/**
 * Counts the statements of one attempt of one request in the digests: each statement's outcome
 * under its own fingerprint, so that a deadlock is counted against the statement that hit it, not
 * against the request. Used on the pool's loop only, one attempt at a time.
 *
 * <p>A statement's time runs from when it was sent, or from when the answer before it on the same
 * connection arrived if that is later: the statements of a pipelined transaction all go out at
 * once, and the server runs them one after another, so each is timed as its own share.
 */
public final class Attempt {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Attempt.class);

  private final DigestTable table;
  private final String op;
  private final boolean retryFollows;
  /** When the last answer on this attempt's connection arrived. */
  private long lastAnswer;

  Attempt(DigestTable table, String op, boolean retryFollows) {
    this.table = table;
    this.op = op == null ? "" : op;
    this.retryFollows = retryFollows;
  }

  /**
   * Counts the statement {@code sql} once {@code answer} completes; returns {@code answer}. Its rows
   * are those it returned plus those it changed. A transient conflict counts as a retry by cause
   * when the transaction runs again (this is not its last attempt), else as the error the client
   * gets, {@code RETRIES_EXHAUSTED/1213}.
   */
  public Future<JsonObject> statement(String sql, Future<JsonObject> answer) {
    long sent = System.nanoTime();
    Digest d;
    try {
      d = table.digest(sql, op);
    } catch (RuntimeException e) {
      // Counting must never cost a request its answer: a statement the fingerprint cannot read
      // runs uncounted.
      LOG.debug("statement not counted in the digests: {}", e.toString());
      return answer;
    }
    answer.onComplete(ar -> {
      long now = System.nanoTime();
      long nanos = now - Math.max(sent, lastAnswer);
      lastAnswer = now;
      if (ar.succeeded()) {
        JsonObject r = ar.result();
        JsonArray rows = r.getJsonArray("rows");
        Object affected = r.getValue("affectedRows");
        d.succeeded(nanos, (rows == null ? 0 : rows.size()) + (affected instanceof Number n ? n.longValue() : 0), now);
        return;
      }
      Throwable t = ar.cause();
      if (Errors.isConflict(t) && retryFollows) {
        d.retried(nanos, cause(Errors.conflictName(t)), now);
      } else {
        d.failed(nanos, code(t), now);
      }
    });
    return answer;
  }

  /** The expectation of the step running {@code sql} did not hold. */
  public void conflict(String sql) {
    table.digest(sql, op).conflicted();
  }

  /** {@code SQL_ERROR/1062}: txgate's error code, and MySQL's error number when there is one. */
  private String code(Throwable t) {
    if (t instanceof MySQLException m) {
      String code = Errors.isConflict(m) ? "RETRIES_EXHAUSTED" : Errors.codeOf(m).name();
      return code + "/" + m.getErrorCode();
    }
    String code = Errors.codeOf(t).name();
    return t instanceof ProtocolException p && p.vendorCode() != null ? code + "/" + p.vendorCode() : code;
  }

  private static int cause(String name) {
    for (int i = 0; i < Digest.CAUSES.length; i++) {
      if (Digest.CAUSES[i].equals(name)) {
        return i;
      }
    }
    return Digest.CAUSES.length - 1;
  }
}
