package io.txgate.ops;

import io.txgate.tx.SqlText;
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

  static Compiled compile(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    List<String> names = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int end = SqlText.endOfQuoted(sql, i);
        out.append(sql, i, end);
        i = end;
      } else if (c == '#' || (c == '-' && sql.startsWith("--", i)
          && (i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2))))) {
        int eol = sql.indexOf('\n', i);
        int end = eol < 0 ? n : eol;
        out.append(sql, i, end);
        i = end;
      } else if (sql.startsWith("/*", i)) {
        int close = sql.indexOf("*/", i + 2);
        int end = close < 0 ? n : close + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == '?') {
        throw new IllegalArgumentException("use :name placeholders, not ?");
      } else if (c == ':' && i + 1 < n && isStart(sql.charAt(i + 1)) && (i == 0 || sql.charAt(i - 1) != ':')) {
        int start = ++i;
        while (i < n && isPart(sql.charAt(i))) {
          i++;
        }
        names.add(sql.substring(start, i));
        out.append('?');
      } else {
        out.append(c);
        i++;
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
