package io.txgate.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A named operation as {@code operations} lists it. */
public record Operation(String name, String description, boolean readOnly, int steps, String isolation,
                        List<Param> params) {

  /** A parameter: its name, type (integer, decimal, number, string, boolean, date, datetime, binary), whether it is required, and its description and default where defined. */
  public record Param(String name, String type, boolean required, String description, Object defaultValue) {
  }

  static Operation of(Map<String, Object> raw) {
    List<Param> params = new ArrayList<>();
    for (Object p : Json.emptyIfNull(raw.get("params"))) {
      Map<?, ?> m = (Map<?, ?>) p;
      params.add(new Param(str(m.get("name")), str(m.get("type")), Boolean.TRUE.equals(m.get("required")),
        str(m.get("description")), m.get("default")));
    }
    return new Operation(str(raw.get("name")), str(raw.get("description")), Boolean.TRUE.equals(raw.get("readOnly")),
      raw.get("steps") instanceof Number n ? n.intValue() : 0, str(raw.get("isolation")),
      Collections.unmodifiableList(params));
  }

  private static String str(Object v) {
    return v == null ? null : v.toString();
  }
}
