package io.txgate.digest;

import io.txgate.tx.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A statement's fingerprint: its text with every literal replaced by {@code ?}, comments dropped and
 * spacing made uniform, so that {@code select * from t where id = 7} and {@code select *  from t
 * where id=42} share one. A list of values, {@code IN (1, 2, 3)} or {@code VALUES (?, ?), (?, ?)},
 * becomes {@code IN(...)} and {@code VALUES(...)}: a list's length does not make another statement,
 * and counting it as one would let a single client fill the digest table.
 *
 * <p>Case is kept: table names are case-sensitive on most servers. Quoted identifiers keep their
 * text (they name things); string literals (single quotes, and double quotes, which MySQL reads as
 * strings unless ANSI_QUOTES is set), numbers, and hex and bit literals become {@code ?}. The text is
 * read with the same {@link SqlLexer} as the statement guard, so both agree on what is code.
 * Executable comments ({@code /*!50000 ...}) are code to the server and stay, without their marks.
 */
public final class Fingerprint {

  /** Fingerprints longer than this are cut, with {@code ...} at the end: memory stays bounded. */
  public static final int MAX_LENGTH = 1024;

  /** A list of values after IN or VALUES; a function's literal argument, as in SLEEP(?), stays. */
  private static final Pattern LIST = Pattern.compile(
    "\\b(IN|VALUES|VALUE)\\((?:\\?|NULL)(?:, (?:\\?|NULL))*\\)(?:, \\((?:\\?|NULL)(?:, (?:\\?|NULL))*\\))*",
    Pattern.CASE_INSENSITIVE);

  private enum Kind { WORD, LITERAL, PUNCT, OP }

  private record Token(Kind kind, String text) {
  }

  private Fingerprint() {
  }

  /** The fingerprint of one statement. */
  public static String of(String sql) {
    List<Token> tokens = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql);
    for (SqlLexer.Piece p = lexer.next(); p != null; p = lexer.next()) {
      switch (p.kind()) {
        case CODE -> code(sql, p.start(), p.end(), tokens);
        case QUOTED -> {
          if (sql.charAt(p.start()) == '`') {
            tokens.add(new Token(Kind.WORD, sql.substring(p.start(), p.end())));
          } else if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).kind == Kind.LITERAL) {
            // 'a' 'b' is one string to the server, and x'ff' or _utf8mb4'a' one literal.
            continue;
          } else {
            tokens.add(new Token(Kind.LITERAL, "?"));
          }
        }
        case COMMENT, MARK -> { }
      }
    }
    String s = LIST.matcher(join(tokens)).replaceAll("$1(...)");
    return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH - 3) + "...";
  }

  /** Splits code into words, number literals, punctuation and operator runs. */
  private static void code(String sql, int start, int end, List<Token> out) {
    int i = start;
    while (i < end) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (isWordStart(c)) {
        int j = i + 1;
        while (j < end && isWordPart(sql.charAt(j))) {
          j++;
        }
        String word = sql.substring(i, j);
        if (j == end && j < sql.length() && sql.charAt(j) == '\'' && isLiteralPrefix(word)) {
          // x'ff', b'01', N'a', _utf8mb4'a': the quoted part that follows is the literal.
          out.add(new Token(Kind.LITERAL, "?"));
        } else if (word.equalsIgnoreCase("NULL") || word.equalsIgnoreCase("TRUE") || word.equalsIgnoreCase("FALSE")) {
          out.add(new Token(Kind.LITERAL, word.equalsIgnoreCase("NULL") ? "NULL" : "?"));
        } else {
          out.add(new Token(Kind.WORD, word));
        }
        i = j;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < end && Character.isDigit(sql.charAt(i + 1))
          && (out.isEmpty() || out.get(out.size() - 1).kind != Kind.WORD))) {
        int j = i + 1;
        while (j < end && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.'
            || ((sql.charAt(j) == '+' || sql.charAt(j) == '-') && (sql.charAt(j - 1) == 'e' || sql.charAt(j - 1) == 'E')))) {
          j++;
        }
        out.add(new Token(Kind.LITERAL, "?"));
        i = j;
      } else if (isOperator(c)) {
        int j = i + 1;
        while (j < end && isOperator(sql.charAt(j))) {
          j++;
        }
        out.add(new Token(Kind.OP, sql.substring(i, j)));
        i = j;
      } else {
        out.add(new Token(Kind.PUNCT, String.valueOf(c)));
        i++;
      }
    }
  }

  /** One space between tokens, none inside brackets, before commas or around dots and calls. */
  private static String join(List<Token> tokens) {
    StringBuilder out = new StringBuilder();
    Token prev = null;
    for (Token t : tokens) {
      if (out.length() >= MAX_LENGTH + 16) {
        break;
      }
      if (prev != null && spaced(prev, t)) {
        out.append(' ');
      }
      out.append(t.text);
      prev = t;
    }
    return out.toString();
  }

  private static boolean spaced(Token prev, Token t) {
    String p = prev.text;
    String n = t.text;
    if (p.equals("(") || p.equals(".") || p.equals("@")) {
      return false;
    }
    if (n.equals(")") || n.equals(",") || n.equals(".") || n.equals(";")) {
      return false;
    }
    // A call or a list right after a word: COUNT(*), IN(...), VALUES(...), t(a, b).
    return !(n.equals("(") && prev.kind == Kind.WORD);
  }

  private static boolean isLiteralPrefix(String word) {
    return word.equalsIgnoreCase("x") || word.equalsIgnoreCase("b") || word.equalsIgnoreCase("n")
      || word.startsWith("_");
  }

  private static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_' || c == '$' || c == '@';
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '@';
  }

  private static boolean isOperator(char c) {
    return c == '=' || c == '<' || c == '>' || c == '!' || c == '+' || c == '-' || c == '*' || c == '/'
      || c == '%' || c == '|' || c == '&' || c == '^' || c == '~' || c == ':';
  }
}
