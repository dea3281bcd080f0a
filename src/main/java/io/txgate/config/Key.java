package io.txgate.config;

import io.vertx.core.json.JsonObject;

/**
 * One configuration key: where it sits in {@code conf/config.yaml}, the {@code TXGATE_*} name that
 * overrides it (as an environment variable or a {@code -D} system property), and its default.
 */
public record Key(String path, String env, Object defaultValue) {

  /** The raw value: the TXGATE_* name when set, else the YAML path, else the default. */
  Object raw(JsonObject merged) {
    Object v = merged.getValue(env);
    if (v != null && !(v instanceof String s && s.isBlank())) {
      return v;
    }
    JsonObject node = merged;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1 && node != null; i++) {
      Object child = node.getValue(parts[i]);
      node = child instanceof JsonObject o ? o : null;
    }
    Object leaf = node == null ? null : node.getValue(parts[parts.length - 1]);
    return leaf == null ? defaultValue : leaf;
  }

  String string(JsonObject merged) {
    Object v = raw(merged);
    return v == null ? null : v.toString().trim();
  }

  int integer(JsonObject merged, int min, int max) {
    Object v = raw(merged);
    long n;
    try {
      n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(this, "'" + v + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new ConfigException(this, n + " is outside " + min + ".." + max);
    }
    return (int) n;
  }

  boolean bool(JsonObject merged) {
    Object v = raw(merged);
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase(java.util.Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(this, "'" + v + "' is not true or false");
  }

  /** A list: a YAML sequence, or (from the environment) names separated by commas; blanks dropped. */
  java.util.List<String> list(JsonObject merged) {
    Object v = raw(merged);
    java.util.stream.Stream<?> items = v instanceof io.vertx.core.json.JsonArray a ? a.stream()
      : java.util.Arrays.stream(v.toString().split(","));
    return items.map(o -> String.valueOf(o).trim()).filter(x -> !x.isEmpty()).toList();
  }

  @Override
  public String toString() {
    return path + " (" + env + ")";
  }
}
