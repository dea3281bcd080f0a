package io.txgate.access;

import io.txgate.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the {@code clients:} list, from the main configuration file and from the file that
 * {@code protocol.clientsFile} names, and checks every entry at start-up. A problem stops the start
 * with a message naming the entry and field, e.g. {@code clients[1] (billing).tokenHash: not a
 * pbkdf2-sha256 hash}; no message ever carries a credential.
 *
 * <pre>
 * clients:
 *   - name: billing
 *     tokenHash: "pbkdf2-sha256$210000$...$..."
 *     rawSql: false
 *     operations: [transfer, balance]
 *     maxConnections: 50
 *     requestsPerSecond: 500
 *   - name: reports
 *     jwt: true
 *     rawSql: true
 *     readOnly: true
 *   - name: app-1             # the subject CN of its client certificate
 *     certificate: true
 *     operations: [balance]
 * </pre>
 */
public final class ClientsLoader {

  private static final Set<String> FIELDS = Set.of(
    "name", "tokenHash", "jwt", "certificate", "rawSql", "operations", "readOnly", "maxConnections", "requestsPerSecond");
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}";

  private ClientsLoader() {
  }

  /**
   * The clients of both sources, the main file's first.
   *
   * @param inline the {@code clients} value of the merged configuration, or null
   * @param file {@code protocol.clientsFile}, or empty for none
   * @param jwtKeySet whether {@code protocol.jwtKey} is set: a {@code jwt} client needs it
   */
  public static List<Client> load(Object inline, String file, boolean jwtKeySet) {
    return load(inline, file, jwtKeySet, false);
  }

  /**
   * The clients of both sources, the main file's first.
   *
   * @param inline the {@code clients} value of the merged configuration, or null
   * @param file {@code protocol.clientsFile}, or empty for none
   * @param jwtKeySet whether {@code protocol.jwtKey} is set: a {@code jwt} client needs it
   * @param certificatesVerified whether the protocol port verifies client certificates
   *     ({@code protocol.tls.clientAuth} REQUEST or REQUIRED): a {@code certificate} client needs it
   */
  public static List<Client> load(Object inline, String file, boolean jwtKeySet, boolean certificatesVerified) {
    Need need = new Need(jwtKeySet, certificatesVerified);
    List<Client> out = new ArrayList<>(parse(inline, "clients", need));
    if (file != null && !file.isEmpty()) {
      out.addAll(parse(readFile(Path.of(file)), file + ": clients", need));
    }
    Set<String> names = new HashSet<>();
    for (Client c : out) {
      if (!names.add(c.name())) {
        throw new ConfigException("clients: the name '" + c.name() + "' is configured twice");
      }
    }
    return List.copyOf(out);
  }

  /**
   * Checks that every operation a client may call exists: a misspelt name would otherwise only
   * show as FORBIDDEN calls once the client runs.
   */
  public static void checkOperations(List<Client> clients, io.txgate.ops.Operations operations) {
    for (Client c : clients) {
      for (String name : c.permissions().operations()) {
        if (!name.equals(Permissions.ALL_OPERATIONS) && !operations.contains(name)) {
          throw new ConfigException("clients (" + c.name() + ").operations: no named operation '" + name
            + "' in tx.operationsFile");
        }
      }
    }
  }

  private static Object readFile(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new ConfigException("protocol.clientsFile (TXGATE_PROTOCOL_CLIENTS_FILE): '" + path
        + "' is not a file (looked for " + path.toAbsolutePath() + ")");
    }
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(path));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(path + ": cannot read it as YAML: " + e.getMessage().replace('\n', ' '));
    }
    if (!(root instanceof Map<?, ?> map) || !(map.get("clients") instanceof List<?> list)) {
      throw new ConfigException(path + ": needs a 'clients:' list");
    }
    return list;
  }

  /** What the rest of the configuration provides that some credential kinds need. */
  private record Need(boolean jwtKeySet, boolean certificatesVerified) {
  }

  private static List<Client> parse(Object node, String at, Need need) {
    if (node == null) {
      return List.of();
    }
    JsonArray list;
    if (node instanceof JsonArray a) {
      list = a;
    } else if (node instanceof List<?> l) {
      list = new JsonArray(new ArrayList<>(l));
    } else {
      throw new ConfigException(at + ": must be a list of clients");
    }
    List<Client> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.getValue(i);
      String where = at + "[" + i + "]";
      if (!(item instanceof JsonObject entry)) {
        throw new ConfigException(where + ": must be a map with name, a credential and permissions");
      }
      out.add(client(entry, where, need));
    }
    return out;
  }

  private static Client client(JsonObject e, String where, Need need) {
    for (String field : e.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new ConfigException(where + ": unknown field '" + field + "'; known: " + new java.util.TreeSet<>(FIELDS));
      }
    }
    Object nameValue = e.getValue("name");
    if (!(nameValue instanceof String name) || !name.matches(NAME)) {
      throw new ConfigException(where + ".name: required, 1 to 128 letters, digits, '_', '.', '@', ':' or '-'");
    }
    String at = where + " (" + name + ")";
    Object hash = e.getValue("tokenHash");
    Object jwt = e.getValue("jwt");
    Object certificate = e.getValue("certificate");
    int kinds = (hash == null ? 0 : 1) + (jwt == null || Boolean.FALSE.equals(jwt) ? 0 : 1)
      + (certificate == null || Boolean.FALSE.equals(certificate) ? 0 : 1);
    if (kinds != 1) {
      throw new ConfigException(at + ": needs exactly one credential: tokenHash, jwt: true or certificate: true");
    }
    Client.Credential credential;
    if (hash != null) {
      if (!(hash instanceof String h) || !io.txgate.auth.PasswordHash.isWellFormed(h)) {
        throw new ConfigException(at + ".tokenHash: not a pbkdf2-sha256 hash; make one with"
          + " java -cp target/txgate.jar io.txgate.auth.PasswordHash");
      }
      credential = new Client.TokenHash(h);
    } else if (jwt != null && !Boolean.FALSE.equals(jwt)) {
      if (!Boolean.TRUE.equals(jwt)) {
        throw new ConfigException(at + ".jwt: must be true or false");
      }
      if (!need.jwtKeySet()) {
        throw new ConfigException(at + ".jwt: a JWT client needs protocol.jwtKey (TXGATE_PROTOCOL_JWT_KEY)");
      }
      credential = new Client.Jwt();
    } else {
      if (!Boolean.TRUE.equals(certificate)) {
        throw new ConfigException(at + ".certificate: must be true or false");
      }
      if (!need.certificatesVerified()) {
        // Without verification no connection ever has a certificate: the client could never connect.
        throw new ConfigException(at + ".certificate: a certificate client needs the protocol port to verify"
          + " client certificates, but protocol.tls.clientAuth (TXGATE_PROTOCOL_TLS_CLIENT_AUTH) is NONE:"
          + " set REQUEST or REQUIRED, with protocol.tls.caFile");
      }
      credential = new Client.Certificate();
    }
    return new Client(name, credential, new Permissions(
      bool(e, "rawSql", at),
      operations(e.getValue("operations"), at + ".operations"),
      bool(e, "readOnly", at),
      count(e, "maxConnections", at, 1_000_000),
      count(e, "requestsPerSecond", at, 10_000_000)));
  }

  private static boolean bool(JsonObject e, String field, String at) {
    Object v = e.getValue(field, false);
    if (!(v instanceof Boolean b)) {
      throw new ConfigException(at + "." + field + ": must be true or false");
    }
    return b;
  }

  private static int count(JsonObject e, String field, String at, int max) {
    Object v = e.getValue(field, 0);
    if (!(v instanceof Integer n) || n < 0 || n > max) {
      throw new ConfigException(at + "." + field + ": must be a whole number from 0 (no limit) to " + max);
    }
    return n;
  }

  private static Set<String> operations(Object v, String at) {
    if (v == null) {
      return Set.of();
    }
    if (Permissions.ALL_OPERATIONS.equals(v)) {
      return Set.of(Permissions.ALL_OPERATIONS);
    }
    if (!(v instanceof JsonArray list)) {
      throw new ConfigException(at + ": must be a list of operation names, or \"*\" for all");
    }
    Map<String, Boolean> names = new LinkedHashMap<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new ConfigException(at + ": must be a list of operation names, or \"*\" for all");
      }
      names.put(s.trim(), true);
    }
    return names.keySet();
  }
}
