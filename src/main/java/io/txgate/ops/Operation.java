package io.txgate.ops;

import io.txgate.protocol.Expectation;
import io.txgate.protocol.Isolation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One named operation from {@code conf/operations.yaml}, compiled: its SQL uses {@code ?} and each
 * step knows which parameter goes to which placeholder.
 *
 * @param isolation the level it runs at, or null for the server default
 * @param maxAttempts its own retry limit, or null for the server's
 */
public record Operation(String name, String description, List<Param> params, List<CompiledStep> steps,
                        Isolation isolation, boolean readOnly, Integer maxAttempts) {

  /** A declared parameter; {@code defaultValue} makes it optional. */
  public record Param(String name, ParamType type, String description, boolean required, Object defaultValue) {
  }

  /** A step with {@code :name} placeholders replaced by {@code ?}, and the names in their order. */
  public record CompiledStep(String sql, List<String> paramOrder, Expectation expect) {
  }

  /** The description the {@code operations} op returns. */
  public JsonObject describe() {
    JsonArray ps = new JsonArray();
    for (Param p : params) {
      JsonObject j = new JsonObject().put("name", p.name()).put("type", p.type().wireName())
        .put("required", p.required());
      if (p.description() != null) {
        j.put("description", p.description());
      }
      if (!p.required()) {
        j.put("default", p.defaultValue());
      }
      ps.add(j);
    }
    JsonObject json = new JsonObject().put("name", name).put("description", description).put("params", ps)
      .put("readOnly", readOnly).put("steps", steps.size());
    if (isolation != null) {
      json.put("isolation", isolation.name());
    }
    return json;
  }
}
