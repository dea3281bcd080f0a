package io.txgate.tx;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a statement's words (outside string literals, quoted identifiers and comments, as {@link
 * SqlLexer} splits them) to decide two things before it runs:
 *
 * <ul>
 *   <li>whether it would break the transaction txgate owns: {@code COMMIT}, {@code ROLLBACK},
 *       {@code SET autocommit}, {@code LOCK TABLES} and the like are refused with BAD_REQUEST, since
 *       they would commit part of a request behind the client's back;
 *   <li>whether it may leave session state on the pooled connection (user variables, session
 *       variables, temporary tables, named locks, stored procedures): such a request gets its
 *       connection reset before the connection goes back to the pool.
 * </ul>
 *
 * <p>The scan errs towards "may leave state": a false alarm costs one reset round trip; a miss would
 * leak state into another client's request. MySQL's executable comments ({@code /*! ... *}{@code /})
 * are scanned as code, since the server runs them.
 */
public final class SqlGuard {

  /** What a statement needs from the transaction runner. */
  public enum Verdict {
    /** Leaves nothing behind on the connection. */
    CLEAN,
    /** May change session state: reset the connection before it is reused. */
    RESET
  }

  /** Statements that end or replace the request's transaction (MySQL 8.0 manual, 15.3). */
  private static final Set<String> TX_CONTROL = Set.of(
    "BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "XA", "LOCK", "UNLOCK", "USE");

  /**
   * Statements that commit implicitly (MySQL 8.0 manual, 15.3.3): fine alone, but in a batch of
   * several steps they would make the batch non-atomic.
   */
  private static final Set<String> IMPLICIT_COMMIT = Set.of(
    "ALTER", "CREATE", "DROP", "RENAME", "TRUNCATE", "GRANT", "REVOKE", "ANALYZE", "OPTIMIZE",
    "REPAIR", "FLUSH", "INSTALL", "UNINSTALL", "CACHE", "LOAD", "CHECK", "RESET");

  /** Leading words of statements whose effects live in the session. */
  private static final Set<String> STATEFUL_START = Set.of(
    "SET", "CALL", "PREPARE", "EXECUTE", "DEALLOCATE", "HANDLER");

  /** Words anywhere in a statement that create session state. */
  private static final Set<String> STATEFUL_WORD = Set.of(
    "TEMPORARY", "GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_USED_LOCK");

  private SqlGuard() {
  }

  /**
   * Checks one statement.
   *
   * @param inMultiStepBatch whether the statement is one of several in a batch
   * @throws ProtocolException BAD_REQUEST when the statement would break the transaction
   */
  public static Verdict check(String sql, boolean inMultiStepBatch) {
    // A versioned comment (/*!80000 ... */) runs only on servers of that version or later, so
    // the server may see either its content or nothing there: the statement must be safe read
    // both ways. Without this, "/*!99999 x */ START TRANSACTION" passed as a harmless "X".
    String skipped = new Scan(sql, true).nextWord();
    if (skipped != null && (skipped.equals("USE") || TX_CONTROL.contains(skipped))) {
      throw refuse("'" + skipped + "' is not allowed: txgate begins and ends every request's transaction"
        + " itself (it follows a versioned comment that the server may skip)");
    }
    Scan scan = new Scan(sql);
    String first = scan.nextWord();
    if (first == null) {
      return Verdict.CLEAN;
    }
    if (first.equals("USE")) {
      throw refuse("'USE' is not allowed: it would change the database for later requests; qualify"
        + " table names instead (db.table)");
    }
    if (TX_CONTROL.contains(first)) {
      throw refuse("'" + first + "' is not allowed: txgate begins and ends every request's transaction itself");
    }
    boolean temporary = false;
    boolean stateful = STATEFUL_START.contains(first);
    String second = null;
    for (String w = scan.nextWord(); w != null; w = scan.nextWord()) {
      if (second == null) {
        second = w;
      }
      if (first.equals("SET") && (w.equals("AUTOCOMMIT") || (w.equals("TRANSACTION") && second.equals(w)))) {
        throw refuse("'SET " + w + "' is not allowed: txgate controls each request's transaction");
      }
      if (STATEFUL_WORD.contains(w)) {
        stateful = true;
        temporary |= w.equals("TEMPORARY");
      }
    }
    if (inMultiStepBatch && IMPLICIT_COMMIT.contains(first) && !temporary) {
      throw refuse("'" + first + "' commits implicitly in MySQL, so it cannot be one step of a batch;"
        + " send it as its own request");
    }
    return stateful || scan.sawVariable ? Verdict.RESET : Verdict.CLEAN;
  }

  /** Statements that read only: losing the connection under one cannot have changed anything. */
  private static final Set<String> READS = Set.of("SELECT", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "VALUES", "TABLE");

  /** Whether the statement only reads (by its first word; {@code WITH} may lead to an UPDATE). */
  public static boolean isRead(String sql) {
    String first = new Scan(sql).nextWord();
    return first != null && READS.contains(first);
  }

  private static ProtocolException refuse(String message) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, message);
  }

  /** A forward-only reader of one statement's words, in the code {@link SqlLexer} finds. */
  private static final class Scan {
    private final String s;
    private final SqlLexer lexer;
    /** The current run of code: {@code [i, end)} is still to read. */
    private int i;
    private int end;
    boolean sawVariable;

    Scan(String s) {
      this(s, false);
    }

    /** @param skipExecutable read executable comments as comments, as a server older than their version does */
    Scan(String s, boolean skipExecutable) {
      this.s = s;
      this.lexer = new SqlLexer(s, !skipExecutable);
    }

    /** The next word in upper case, or null at the end. */
    String nextWord() {
      while (true) {
        while (i < end) {
          char c = s.charAt(i);
          if (Character.isLetter(c) || c == '_' || c == '$') {
            int start = i;
            while (i < end && isWordChar(s.charAt(i))) {
              i++;
            }
            return s.substring(start, i).toUpperCase(Locale.ROOT);
          }
          if (Character.isDigit(c)) {
            while (i < end && isWordChar(s.charAt(i))) {
              i++;
            }
          } else {
            sawVariable |= c == '@';
            i++;
          }
        }
        SqlLexer.Piece p = lexer.next();
        if (p == null) {
          return null;
        }
        if (p.kind() == SqlLexer.Kind.CODE) {
          i = p.start();
          end = p.end();
        }
      }
    }

    private static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
  }
}
