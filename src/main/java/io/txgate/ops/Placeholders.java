package io.txgate.ops;

import io.txgate.tx.SqlLexer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles {@code :name} placeholders to {@code ?}, skipping string literals, quoted identifiers and
 * comments: {@code UPDATE a SET b = :amount WHERE id = :id} becomes {@code UPDATE a SET b = ? WHERE
 * id = ?} with names {@code [amount, id]}. {@code :=} (assignment) is left alone.
 */
final class Placeholders {

  record Compiled(String sql, List<String> names) {
  }

  private Placeholders() {
  }

  /**
   * Compiles one statement. Placeholders count wherever the server reads code, executable comments
   * ({@code /*!50000 :x *}{@code /}) included, exactly as the statement guard reads them.
   *
   * @throws IllegalArgumentException on a {@code ?} in code: parameters are bound by name only
   */
  static Compiled compile(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    List<String> names = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql);
    for (SqlLexer.Piece p = lexer.next(); p != null; p = lexer.next()) {
      if (p.kind() != SqlLexer.Kind.CODE) {
        out.append(sql, p.start(), p.end());
        continue;
      }
      int i = p.start();
      int end = p.end();
      while (i < end) {
        char c = sql.charAt(i);
        if (c == '?') {
          throw new IllegalArgumentException("use :name placeholders, not ?");
        } else if (c == ':' && i + 1 < end && isStart(sql.charAt(i + 1)) && (i == 0 || sql.charAt(i - 1) != ':')) {
          int start = ++i;
          while (i < end && isPart(sql.charAt(i))) {
            i++;
          }
          names.add(sql.substring(start, i));
          out.append('?');
        } else {
          out.append(c);
          i++;
        }
      }
    }
    return new Compiled(out.toString(), List.copyOf(names));
  }

  private static boolean isStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
