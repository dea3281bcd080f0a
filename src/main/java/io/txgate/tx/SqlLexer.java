package io.txgate.tx;

/**
 * Splits one SQL statement into what the server reads as code and what it does not: string
 * literals, quoted identifiers and comments. Everything in txgate that reads SQL text (the statement
 * guard, named operations' placeholders) walks a statement with this one lexer, so they cannot
 * disagree on where code is.
 *
 * <p>MySQL's executable comments ({@code /*! ... *}{@code /}, versioned {@code /*!50000 ... *}{@code /}
 * and MariaDB's {@code /*M! ... *}{@code /}) are code: the server runs their content. Their opening
 * and closing marks come out as {@link Kind#MARK} pieces, their content as code. A lexer made with
 * {@code executableAsCode} false reads them as plain comments instead, as a server older than
 * their version does.
 *
 * <p>For {@code SELECT 'a' /*!50000 , :x *}{@code /} the pieces are: code {@code SELECT }, quoted
 * {@code 'a'}, code {@code  }, mark {@code /*!50000}, code {@code  , :x }, mark {@code *}{@code /}.
 */
public final class SqlLexer {

  /** What a piece of the statement is. */
  public enum Kind {
    /** Code the server reads: keywords, names, operators, numbers, placeholders. */
    CODE,
    /** A string literal or quoted identifier, quotes included. */
    QUOTED,
    /** A comment the server ignores, with its marks; a line comment ends before its newline. */
    COMMENT,
    /** The opening ({@code /*!50000}) or closing mark of an executable comment. */
    MARK
  }

  /** One piece: {@code sql.substring(start, end)} is its text. */
  public record Piece(Kind kind, int start, int end) {
  }

  private final String sql;
  private final boolean executableAsCode;
  private int pos;
  /** Executable comments open at {@link #pos}: their {@code *}{@code /} is a mark, not code. */
  private int openExecutable;

  /** A lexer that reads executable comments as code, as the server does. */
  public SqlLexer(String sql) {
    this(sql, true);
  }

  /**
   * @param executableAsCode false to read executable comments as plain comments, as a server older
   *     than their version does
   */
  public SqlLexer(String sql, boolean executableAsCode) {
    this.sql = sql;
    this.executableAsCode = executableAsCode;
  }

  /** The next piece, or null at the end of the statement. */
  public Piece next() {
    int n = sql.length();
    if (pos >= n) {
      return null;
    }
    int start = pos;
    int end = endOfNonCode(start);
    if (end > start) {
      pos = end;
      Kind kind = kindAt(start);
      if (kind == Kind.MARK) {
        openExecutable += sql.charAt(start) == '*' ? -1 : 1;
      }
      return new Piece(kind, start, end);
    }
    int i = start + 1;
    while (i < n && endOfNonCode(i) == i) {
      i++;
    }
    pos = i;
    return new Piece(Kind.CODE, start, i);
  }

  /** The kind of the non-code piece that starts at {@code i}. */
  private Kind kindAt(int i) {
    char c = sql.charAt(i);
    if (c == '\'' || c == '"' || c == '`') {
      return Kind.QUOTED;
    }
    return c == '*' || (executableAsCode && isExecutableOpen(i)) ? Kind.MARK : Kind.COMMENT;
  }

  /** Where the non-code piece starting at {@code i} ends, or {@code i} when code goes on there. */
  private int endOfNonCode(int i) {
    int n = sql.length();
    char c = sql.charAt(i);
    if (c == '\'' || c == '"' || c == '`') {
      return endOfQuoted(i);
    }
    if (c == '#' || (c == '-' && sql.startsWith("--", i) && (i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2))))) {
      int eol = sql.indexOf('\n', i);
      return eol < 0 ? n : eol;
    }
    if (executableAsCode && isExecutableOpen(i)) {
      int j = i + (sql.charAt(i + 2) == 'M' ? 4 : 3);
      while (j < n && Character.isDigit(sql.charAt(j))) {
        j++;
      }
      return j;
    }
    if (sql.startsWith("/*", i)) {
      int close = sql.indexOf("*/", i + 2);
      return close < 0 ? n : close + 2;
    }
    if (openExecutable > 0 && sql.startsWith("*/", i)) {
      return i + 2;
    }
    return i;
  }

  private boolean isExecutableOpen(int i) {
    return sql.startsWith("/*!", i) || sql.startsWith("/*M!", i);
  }

  /**
   * The index just past the quoted literal or identifier that starts at {@code start} ({@code '},
   * {@code "} or {@code `}): doubled quotes and, outside backticks, backslash escapes stay inside.
   */
  private int endOfQuoted(int start) {
    char quote = sql.charAt(start);
    int n = sql.length();
    int i = start + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return n;
  }
}
