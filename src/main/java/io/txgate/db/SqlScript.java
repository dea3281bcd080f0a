package io.txgate.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a trusted SQL file (the demo schema, test fixtures) into statements: a statement ends with
 * a {@code ;} at the end of a line; lines starting with {@code --} are comments.
 */
public final class SqlScript {

  private SqlScript() {
  }

  public static List<String> split(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\r?\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().trim();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().trim());
    }
    return out;
  }
}
