package io.txgate.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's answer to {@code hello}: its name and version, this connection's session id (as the
 * operators' console shows it), the protocol version, the server's limits, and the configured client
 * this connection authenticated as ({@code identity}; null on a server without clients).
 */
public record Hello(String server, String session, int protocol, Map<String, Long> limits, String identity) {

  static Hello of(Map<String, Object> raw) {
    Map<String, Long> limits = new LinkedHashMap<>();
    if (raw.get("limits") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if (v instanceof Number n) {
          limits.put(String.valueOf(k), n.longValue());
        }
      });
    }
    return new Hello(String.valueOf(raw.get("server")), raw.get("session") == null ? null : String.valueOf(raw.get("session")),
      raw.get("protocol") instanceof Number n ? n.intValue() : 1, Collections.unmodifiableMap(limits),
      raw.get("identity") instanceof String s ? s : null);
  }

  /** A limit by name (maxFrameBytes, maxBatchSteps, maxParams, maxResultRows), or null. */
  public Long limit(String name) {
    return limits.get(name);
  }
}
