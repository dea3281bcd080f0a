package io.txgate.access;

import io.txgate.tx.SqlGuard;
import io.txgate.tx.SqlLexer;
import java.util.regex.Pattern;

/**
 * Which statements a {@code readOnly} client may send. A read-only transaction alone is not
 * enough: MySQL and MariaDB run DDL ({@code CREATE}, {@code DROP}, {@code ALTER}) inside {@code
 * START TRANSACTION READ ONLY} after an implicit commit, and a single read runs in autocommit, not
 * in a transaction at all. So only statements that begin as reads pass, and of those none that
 * can write: {@code EXPLAIN ANALYZE} runs the statement it explains, and {@code SELECT ... INTO
 * OUTFILE} writes a file on the database server.
 */
final class ReadOnlyStatements {

  private static final Pattern WRITES_ANYWAY = Pattern.compile(
    "\\b(ANALYZE|INSERT|UPDATE|DELETE|REPLACE|OUTFILE|DUMPFILE)\\b", Pattern.CASE_INSENSITIVE);

  private ReadOnlyStatements() {
  }

  static boolean allowed(String sql) {
    return SqlGuard.isRead(sql) && !WRITES_ANYWAY.matcher(code(sql)).find();
  }

  /**
   * The statement's code only, as the server reads it (executable comments included): a keyword in
   * a string, a quoted name or a comment is text, and refusing {@code WHERE note = 'update'} would
   * only be a false alarm.
   */
  private static String code(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    SqlLexer lexer = new SqlLexer(sql);
    for (SqlLexer.Piece p = lexer.next(); p != null; p = lexer.next()) {
      out.append(p.kind() == SqlLexer.Kind.CODE ? sql.substring(p.start(), p.end()) : " ");
    }
    return out.toString();
  }
}
