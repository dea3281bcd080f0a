package io.txgate.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The configuration as txgate will use it, one key a line, each with the variable that overrides
 * it, and every secret masked: passwords, hashes and tokens show only whether they are set, and a
 * URL loses its password. Safe to paste into a ticket.
 */
public final class EffectiveConfig {

  private static final Pattern SECRET = Pattern.compile(".*(password|passwordhash|token|secret|hash)$");
  static final String MASK = "***";

  private EffectiveConfig() {
  }

  /** The lines for every key, from the merged sources (see {@link ConfigLoader#loadMerged}). */
  public static String describe(JsonObject merged) {
    StringBuilder out = new StringBuilder();
    for (Key k : Keys.ALL) {
      out.append(k.path()).append(": ").append(shown(k, k.raw(merged)))
        .append("  # ").append(k.env()).append('\n');
    }
    return out.toString();
  }

  static String shown(Key k, Object value) {
    if (value == null) {
      return "";
    }
    String s = value instanceof JsonArray a ? a.encode() : value.toString();
    if (SECRET.matcher(k.path().toLowerCase(Locale.ROOT)).matches()) {
      return s.isEmpty() ? "\"\"" : MASK;
    }
    if (k.equals(Keys.DB_URL) || s.contains("://")) {
      return s.isBlank() ? "\"\"  (none: the embedded development database)" : DatabaseUrls.redact(s);
    }
    return s.isEmpty() ? "\"\"" : s;
  }
}
