package io.txgate.ops;

import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.protocol.Expectation;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.ProtocolException;
import io.txgate.tx.SqlGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads and checks {@code conf/operations.yaml} at start-up. Every problem stops the server with a
 * message that names the file and the entry, e.g.
 * {@code conf/operations.yaml: operations.transfer.steps[1].sql: unknown parameter :amout}.
 */
public final class OperationsLoader {

  private static final Set<String> OP_KEYS =
    Set.of("description", "params", "steps", "isolation", "readOnly", "maxAttempts");
  private static final Set<String> PARAM_KEYS = Set.of("type", "description", "default");
  private static final Set<String> STEP_KEYS = Set.of("sql", "expect");

  private final String source;

  private OperationsLoader(String source) {
    this.source = source;
  }

  /**
   * Loads the file. An empty path means no named operations, on purpose; a path that names no file
   * is an error, never "0 named operations": a typo or a wrong working directory would otherwise
   * start a server whose every call fails UNKNOWN_OPERATION.
   */
  public static Operations load(Path file, int serverMaxAttempts) {
    if (file.toString().isEmpty()) {
      return new Operations(Map.of());
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(Keys.OPERATIONS_FILE, "'" + file + "' is not a file (looked for "
        + file.toAbsolutePath() + "); for no named operations, set tx.operationsFile: \"\" in the config file");
    }
    try {
      return parse(file.toString(), Files.readString(file), serverMaxAttempts);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** Parses operations from YAML text; {@code source} names it in error messages. */
  public static Operations parse(String source, String yaml, int serverMaxAttempts) {
    return new OperationsLoader(source).read(yaml, serverMaxAttempts);
  }

  private Operations read(String yaml, int serverMaxAttempts) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (RuntimeException e) {
      throw fail("", "not valid YAML: " + e.getMessage().replace('\n', ' '));
    }
    if (root == null) {
      throw fail("", "is empty: it needs an 'operations:' map (write 'operations: {}' for none)");
    }
    Map<String, Object> top = map(root, "");
    Object ops = top.get("operations");
    if (ops == null) {
      throw fail("", "has no 'operations:' map (write 'operations: {}' for none)");
    }
    Map<String, Operation> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map(ops, "operations").entrySet()) {
      String name = e.getKey();
      if (!name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
        throw fail("operations." + name, "a name is a letter followed by up to 63 letters, digits, '_', '.' or '-'");
      }
      out.put(name, operation(name, e.getValue(), serverMaxAttempts));
    }
    return new Operations(out);
  }

  private Operation operation(String name, Object node, int serverMaxAttempts) {
    String at = "operations." + name;
    Map<String, Object> def = map(node, at);
    unknownKeys(def, OP_KEYS, at);
    String description = string(def.get("description"), at + ".description", true);
    List<Operation.Param> params = params(def.get("params"), at + ".params");
    Isolation isolation = null;
    if (def.get("isolation") != null) {
      try {
        isolation = Isolation.of(string(def.get("isolation"), at + ".isolation", true));
      } catch (IllegalArgumentException ex) {
        throw fail(at + ".isolation", ex.getMessage());
      }
    }
    Object ro = def.getOrDefault("readOnly", false);
    if (!(ro instanceof Boolean readOnly)) {
      throw fail(at + ".readOnly", "must be true or false");
    }
    Integer maxAttempts = null;
    if (def.get("maxAttempts") != null) {
      if (!(def.get("maxAttempts") instanceof Integer m) || m < 1 || m > serverMaxAttempts) {
        throw fail(at + ".maxAttempts", "must be a whole number from 1 to the server's tx.maxAttempts ("
          + serverMaxAttempts + ")");
      }
      maxAttempts = (Integer) def.get("maxAttempts");
    }
    Object stepsNode = def.get("steps");
    if (!(stepsNode instanceof List<?> list) || list.isEmpty()) {
      throw fail(at + ".steps", "must be a non-empty list of {sql, expect}");
    }
    Set<String> declared = new LinkedHashSet<>();
    params.forEach(p -> declared.add(p.name()));
    Set<String> used = new LinkedHashSet<>();
    List<Operation.CompiledStep> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String sat = at + ".steps[" + i + "]";
      Map<String, Object> step = map(list.get(i), sat);
      unknownKeys(step, STEP_KEYS, sat);
      String sql = string(step.get("sql"), sat + ".sql", false);
      Placeholders.Compiled compiled;
      try {
        compiled = Placeholders.compile(sql);
      } catch (IllegalArgumentException ex) {
        throw fail(sat + ".sql", ex.getMessage());
      }
      for (String p : compiled.names()) {
        if (!declared.contains(p)) {
          throw fail(sat + ".sql", "unknown parameter :" + p + " (declared: " + String.join(", ", declared) + ")");
        }
      }
      used.addAll(compiled.names());
      try {
        SqlGuard.check(compiled.sql(), list.size() > 1);
      } catch (ProtocolException ex) {
        throw fail(sat + ".sql", ex.getMessage());
      }
      steps.add(new Operation.CompiledStep(compiled.sql(), compiled.names(), expectation(step.get("expect"), sat)));
    }
    for (String p : declared) {
      if (!used.contains(p)) {
        throw fail(at + ".params." + p, "declared but used by no step");
      }
    }
    return new Operation(name, description, params, steps, isolation, readOnly, maxAttempts);
  }

  private List<Operation.Param> params(Object node, String at) {
    List<Operation.Param> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    for (Map.Entry<String, Object> e : map(node, at).entrySet()) {
      String pat = at + "." + e.getKey();
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw fail(pat, "a parameter name is a letter or '_' followed by letters, digits or '_'");
      }
      Map<String, Object> def = e.getValue() instanceof String shorthand
        ? Map.of("type", shorthand) : map(e.getValue(), pat);
      unknownKeys(def, PARAM_KEYS, pat);
      ParamType type;
      try {
        type = ParamType.of(string(def.get("type"), pat + ".type", false));
      } catch (IllegalArgumentException ex) {
        throw fail(pat + ".type", "must be one of integer, decimal, number, string, boolean, date, datetime, binary");
      }
      boolean required = !def.containsKey("default");
      Object defaultValue = null;
      if (!required && def.get("default") != null) {
        try {
          defaultValue = type.bind(def.get("default"));
        } catch (IllegalArgumentException ex) {
          throw fail(pat + ".default", ex.getMessage());
        }
      }
      out.add(new Operation.Param(e.getKey(), type, string(def.get("description"), pat + ".description", true),
        required, defaultValue));
    }
    return out;
  }

  private Expectation expectation(Object node, String at) {
    if (node == null) {
      return null;
    }
    Map<String, Object> def = map(node, at + ".expect");
    unknownKeys(def, Set.of("affectedRows", "rowCount"), at + ".expect");
    Long affected = count(def.get("affectedRows"), at + ".expect.affectedRows");
    Long rows = count(def.get("rowCount"), at + ".expect.rowCount");
    if (affected == null && rows == null) {
      throw fail(at + ".expect", "needs affectedRows and/or rowCount");
    }
    return new Expectation(affected, rows);
  }

  private Long count(Object v, String at) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer n) || n < 0) {
      throw fail(at, "must be a non-negative whole number");
    }
    return n.longValue();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object node, String at) {
    if (!(node instanceof Map<?, ?> m)) {
      throw fail(at, "must be a mapping");
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw fail(at, "keys must be strings, found " + k);
      }
    }
    return (Map<String, Object>) m;
  }

  private String string(Object v, String at, boolean optional) {
    if (v == null && optional) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw fail(at, "must be a non-empty string");
    }
    return s;
  }

  private void unknownKeys(Map<String, Object> def, Set<String> allowed, String at) {
    for (String k : def.keySet()) {
      if (!allowed.contains(k)) {
        throw fail(at + "." + k, "unknown key; expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
  }

  private ConfigException fail(String at, String problem) {
    return new ConfigException(source + ": " + (at.isEmpty() ? "" : at + ": ") + problem);
  }
}
