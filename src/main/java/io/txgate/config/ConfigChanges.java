package io.txgate.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which keys differ between two readings of the configuration (see {@link ConfigLoader#loadMerged}):
 * compared as txgate reads them, the {@code TXGATE_*} override first, then the file, then the
 * default, so that a value moved from the file to the environment is no change. Only key names are
 * returned, never values: some are secrets.
 */
public final class ConfigChanges {

  /** The inline {@code clients:} list, the one part of the configuration that is not a {@link Key}. */
  public static final String CLIENTS = "clients";

  private ConfigChanges() {
  }

  /** The paths ({@code protocol.port}, {@code clients}) whose value differs, in {@link Keys#ALL} order. */
  public static List<String> between(JsonObject before, JsonObject after) {
    List<String> out = new ArrayList<>();
    for (Key k : Keys.ALL) {
      if (!Objects.equals(normal(k.raw(before)), normal(k.raw(after)))) {
        out.add(k.path());
      }
    }
    if (!Objects.equals(before.getValue(CLIENTS), after.getValue(CLIENTS))) {
      out.add(CLIENTS);
    }
    return out;
  }

  /** 7400 from YAML and "7400" from the environment are the same setting. */
  private static Object normal(Object v) {
    return v == null ? null : v instanceof io.vertx.core.json.JsonArray a ? a.encode() : v.toString().trim();
  }
}
