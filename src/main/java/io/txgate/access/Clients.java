package io.txgate.access;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured clients and the JWT verifier, as one immutable value: a reload builds a new one
 * beside the one in use and swaps it in whole, so no request ever sees half of each.
 */
public final class Clients {

  private final Map<String, Client> byName;
  private final JWTAuth jwt;

  private Clients(Map<String, Client> byName, JWTAuth jwt) {
    this.byName = byName;
    this.jwt = jwt;
  }

  /**
   * Builds the verifier as well, so that a key that does not parse fails here, before anything is
   * swapped, and names {@code protocol.jwtKey}.
   */
  public static Clients of(Vertx vertx, List<Client> clients, String jwtAlgorithm, String jwtKey) {
    Map<String, Client> byName = new LinkedHashMap<>();
    clients.forEach(c -> byName.put(c.name(), c));
    JWTAuth jwt = null;
    if (jwtKey != null && !jwtKey.isEmpty()) {
      try {
        jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(jwtAlgorithm).setBuffer(jwtKey)));
      } catch (RuntimeException e) {
        throw new io.txgate.config.ConfigException(io.txgate.config.Keys.PROTOCOL_JWT_KEY,
          "not a usable " + jwtAlgorithm + " key (" + e.getClass().getSimpleName() + ")");
      }
    }
    return new Clients(Map.copyOf(byName), jwt);
  }

  /** The client of that name, or null. */
  public Client get(String name) {
    return name == null ? null : byName.get(name);
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public Set<String> names() {
    return byName.keySet();
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  public int size() {
    return byName.size();
  }

  /** The verifier of {@code protocol.jwtKey}, or null when no key is set. */
  JWTAuth jwt() {
    return jwt;
  }
}
