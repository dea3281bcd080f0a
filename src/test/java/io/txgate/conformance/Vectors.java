package io.txgate.conformance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads the vectors of clients/conformance and matches values against their expectations, with the
 * matchers of clients/conformance/README.md ({@code $any}, {@code $gte}, {@code $regex},
 * {@code $oneOf}, {@code $superset}, {@code $includes}).
 */
public final class Vectors {

  /** Where the vector files live, relative to the project's root (the tests' working directory). */
  public static final Path DIR = Path.of("clients/conformance");

  private static final Set<String> MATCHERS = Set.of("$any", "$gte", "$regex", "$oneOf", "$superset", "$includes");

  private Vectors() {
  }

  /** One vector, with the file (area) it came from. */
  public record Vector(String area, JsonObject json) {

    public String name() {
      return json.getString("name");
    }

    /** The known-defect reason, or null when the vector belongs to the default set. */
    public String knownDefect() {
      return json.getString("knownDefect");
    }

    public JsonObject requires() {
      return json.getJsonObject("requires", new JsonObject());
    }

    /**
     * The exchanges (frame text without terminator, expected response), with {@code {{key}}}
     * replaced by one fresh request key for the whole vector.
     */
    public List<Map.Entry<String, Object>> exchanges() {
      String key = UUID.randomUUID().toString().replace("-", "");
      List<Map.Entry<String, Object>> out = new ArrayList<>();
      if (json.containsKey("exchange")) {
        for (Object e : json.getJsonArray("exchange")) {
          JsonObject x = (JsonObject) e;
          out.add(Map.entry(frame(x, key), x.getValue("response")));
        }
      } else {
        out.add(Map.entry(frame(json, key), json.getValue("response")));
      }
      return out;
    }

    private static String frame(JsonObject x, String key) {
      String text = x.containsKey("frame") ? x.getString("frame") : x.getJsonObject("request").encode();
      return text.replace("{{key}}", key);
    }

    @Override
    public String toString() {
      return area + "/" + name();
    }
  }

  /** Every vector of every file, in file order. */
  public static List<Vector> all() {
    List<Vector> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonObject doc = new JsonObject(Files.readString(file));
        for (Object v : doc.getJsonArray("vectors")) {
          out.add(new Vector(doc.getString("area"), (JsonObject) v));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The mismatches between {@code expected} (with matchers) and {@code actual}; empty when they match. */
  public static List<String> mismatches(Object expected, Object actual) {
    List<String> out = new ArrayList<>();
    match(expected, actual, "$", out);
    return out;
  }

  private static void match(Object expected, Object actual, String path, List<String> out) {
    if (expected instanceof JsonObject e && e.size() == 1 && MATCHERS.contains(e.fieldNames().iterator().next())) {
      matcher(e, actual, path, out);
    } else if (expected instanceof JsonObject e) {
      if (!(actual instanceof JsonObject a)) {
        out.add(path + ": expected an object, got " + show(actual));
        return;
      }
      for (String k : a.fieldNames()) {
        if (!e.containsKey(k)) {
          out.add(path + ": unexpected field '" + k + "' = " + show(a.getValue(k)));
        }
      }
      for (String k : e.fieldNames()) {
        if (!a.containsKey(k)) {
          out.add(path + ": missing field '" + k + "'");
        } else {
          match(e.getValue(k), a.getValue(k), path + "." + k, out);
        }
      }
    } else if (expected instanceof JsonArray e) {
      if (!(actual instanceof JsonArray a) || a.size() != e.size()) {
        out.add(path + ": expected " + show(e) + ", got " + show(actual));
        return;
      }
      for (int i = 0; i < e.size(); i++) {
        match(e.getValue(i), a.getValue(i), path + "[" + i + "]", out);
      }
    } else if (!same(expected, actual)) {
      out.add(path + ": expected " + show(expected) + ", got " + show(actual));
    }
  }

  private static void matcher(JsonObject m, Object actual, String path, List<String> out) {
    String name = m.fieldNames().iterator().next();
    Object arg = m.getValue(name);
    boolean ok = switch (name) {
      case "$any" -> type((String) arg, actual);
      case "$gte" -> actual instanceof Number n && new BigDecimal(n.toString()).compareTo(new BigDecimal(arg.toString())) >= 0;
      case "$regex" -> actual instanceof String s && Pattern.compile((String) arg).matcher(s).find();
      case "$oneOf" -> ((JsonArray) arg).stream().anyMatch(x -> mismatches(x, actual).isEmpty());
      case "$superset" -> {
        if (!(actual instanceof JsonObject a)) {
          yield false;
        }
        for (String k : ((JsonObject) arg).fieldNames()) {
          if (!a.containsKey(k)) {
            out.add(path + ": missing field '" + k + "'");
          } else {
            match(((JsonObject) arg).getValue(k), a.getValue(k), path + "." + k, out);
          }
        }
        yield true;
      }
      case "$includes" -> actual instanceof JsonArray a
        && ((JsonArray) arg).stream().allMatch(x -> a.stream().anyMatch(y -> mismatches(x, y).isEmpty()));
      default -> throw new IllegalArgumentException(name);
    };
    if (!ok) {
      out.add(path + ": expected " + m.encode() + ", got " + show(actual));
    }
  }

  private static boolean type(String type, Object v) {
    return switch (type) {
      case "string" -> v instanceof String;
      case "number" -> v instanceof Number;
      case "integer" -> v instanceof Number n && new BigDecimal(n.toString()).stripTrailingZeros().scale() <= 0;
      case "boolean" -> v instanceof Boolean;
      case "object" -> v instanceof JsonObject;
      case "array" -> v instanceof JsonArray;
      case "null" -> v == null;
      case "any" -> true;
      default -> throw new IllegalArgumentException("$any: " + type);
    };
  }

  private static boolean same(Object e, Object a) {
    if (e instanceof Number x && a instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    return e == null ? a == null : e.equals(a);
  }

  private static String show(Object v) {
    String s = v instanceof String str ? '"' + str + '"' : String.valueOf(v);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
