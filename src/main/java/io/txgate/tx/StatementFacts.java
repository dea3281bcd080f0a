package io.txgate.tx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link SqlGuard} says of a statement's text, remembered. Clients send the same few
 * statements over and over with different parameters, and reading one costs three lexer passes and
 * an upper-cased String per word: on a one-row SELECT that was about a tenth of the bytes txgate
 * allocated per request. The answers are a pure function of the text (and of whether the statement
 * is one step of several), so a remembered answer is the one a fresh scan would give.
 *
 * <p>Bounded: only statements of at most {@link #MAX_SQL_CHARS} characters are kept, at most
 * {@link #MAX_ENTRIES} of each kind, and a full table is emptied rather than evicted from, so a
 * client that sends endless distinct texts costs a rescan, never memory. A statement the guard
 * refuses is never remembered: its refusal is built afresh each time, as before.
 */
final class StatementFacts {

  static final int MAX_ENTRIES = 1024;
  static final int MAX_SQL_CHARS = 1024;

  /** The guard's verdict and whether the statement only reads. */
  record Facts(SqlGuard.Verdict verdict, boolean read) {
  }

  private static final Map<String, Facts> ALONE = new ConcurrentHashMap<>();
  private static final Map<String, Facts> IN_BATCH = new ConcurrentHashMap<>();

  private StatementFacts() {
  }

  /**
   * The facts of one statement.
   *
   * @throws io.txgate.protocol.ProtocolException as {@link SqlGuard#check} does
   */
  static Facts of(String sql, boolean inMultiStepBatch) {
    Map<String, Facts> known = inMultiStepBatch ? IN_BATCH : ALONE;
    Facts f = known.get(sql);
    if (f != null) {
      return f;
    }
    f = new Facts(SqlGuard.check(sql, inMultiStepBatch), SqlGuard.isRead(sql));
    if (sql.length() <= MAX_SQL_CHARS) {
      if (known.size() >= MAX_ENTRIES) {
        known.clear();
      }
      known.put(sql, f);
    }
    return f;
  }

  /** How many answers are remembered now, of both kinds. */
  static int size() {
    return ALONE.size() + IN_BATCH.size();
  }
}
