package io.txgate.ops;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Statement;
import io.txgate.protocol.Step;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The named operations a server offers, and the binding of a call's arguments to their steps. */
public final class Operations {

  private final Map<String, Operation> byName;

  Operations(Map<String, Operation> byName) {
    this.byName = Map.copyOf(byName);
  }

  public Operation get(String name) {
    Operation op = byName.get(name);
    if (op == null) {
      throw new ProtocolException(ErrorCode.UNKNOWN_OPERATION, "no operation named '"
        + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'");
    }
    return op;
  }

  /** Whether an operation of that name is defined. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The names of every operation, in no particular order. */
  public java.util.Set<String> names() {
    return byName.keySet();
  }

  public int size() {
    return byName.size();
  }

  /** What {@code {"op":"operations"}} returns, sorted by name. */
  public JsonObject describe() {
    JsonArray list = new JsonArray();
    byName.keySet().stream().sorted().forEach(n -> list.add(byName.get(n).describe()));
    return new JsonObject().put("operations", list);
  }

  /**
   * Checks every argument and builds the steps to run.
   *
   * @throws ProtocolException BAD_REQUEST naming every missing, unknown or ill-typed argument
   */
  public static List<Step> bind(Operation op, JsonObject args) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> values = new HashMap<>();
    for (Operation.Param p : op.params()) {
      if (!args.containsKey(p.name())) {
        if (p.required()) {
          problems.add("missing '" + p.name() + "' (" + p.type().wireName() + ")");
        } else {
          values.put(p.name(), p.defaultValue());
        }
        continue;
      }
      try {
        values.put(p.name(), p.type().bind(args.getValue(p.name())));
      } catch (IllegalArgumentException e) {
        problems.add("'" + p.name() + "' " + e.getMessage());
      }
    }
    for (String given : args.fieldNames()) {
      if (op.params().stream().noneMatch(p -> p.name().equals(given))) {
        problems.add("unknown argument '" + given + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_REQUEST, op.name() + ": " + String.join("; ", problems));
    }
    List<Step> steps = new ArrayList<>(op.steps().size());
    for (Operation.CompiledStep s : op.steps()) {
      List<Object> params = new ArrayList<>(s.paramOrder().size());
      s.paramOrder().forEach(name -> params.add(values.get(name)));
      steps.add(new Step(new Statement(s.sql(), params), s.expect()));
    }
    return steps;
  }
}
