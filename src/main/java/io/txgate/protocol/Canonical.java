package io.txgate.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;

/**
 * A digest of a request's meaning: object keys sorted, so that the same request sent again by
 * another client library, with its fields in another order, has the same digest.
 */
final class Canonical {

  private Canonical() {
  }

  /** SHA-256, hex, of the object without the named top-level fields. */
  static String digest(JsonObject json, String... without) {
    Set<String> skip = Set.of(without);
    TreeMap<String, Object> sorted = new TreeMap<>();
    json.forEach(e -> {
      if (!skip.contains(e.getKey())) {
        sorted.put(e.getKey(), sort(e.getValue()));
      }
    });
    byte[] text = new JsonObject(new java.util.LinkedHashMap<>(sorted)).encode().getBytes(StandardCharsets.UTF_8);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object sort(Object v) {
    if (v instanceof JsonObject o) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      o.forEach(e -> sorted.put(e.getKey(), sort(e.getValue())));
      return new JsonObject(new java.util.LinkedHashMap<>(sorted));
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(sort(x)));
      return out;
    }
    return v;
  }
}
