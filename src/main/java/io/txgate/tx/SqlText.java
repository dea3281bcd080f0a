package io.txgate.tx;

/** Lexical helpers shared by everything that reads SQL text: the statement guard, placeholders. */
public final class SqlText {

  private SqlText() {
  }

  /**
   * The index just past the quoted literal or identifier that starts at {@code start} ({@code '},
   * {@code "} or {@code `}): doubled quotes and, outside backticks, backslash escapes stay inside.
   */
  public static int endOfQuoted(String s, int start) {
    char quote = s.charAt(start);
    int n = s.length();
    int i = start + 1;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < n && s.charAt(i + 1) == quote) {
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
