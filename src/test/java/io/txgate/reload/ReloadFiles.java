package io.txgate.reload;

import io.txgate.auth.PasswordHash;
import io.txgate.testsupport.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A config file, its operations file and its clients, in a temp directory the tests edit. */
final class ReloadFiles implements AutoCloseable {

  static final String TOKEN = "reload-token-4d1f7a-0051";
  private static String tokenHash;

  final Path dir;
  final Path config;
  final Path operations;
  final int port;
  final int adminPort;

  private ReloadFiles(Path dir, int port, int adminPort) {
    this.dir = dir;
    this.config = dir.resolve("config.yaml");
    this.operations = dir.resolve("operations.yaml");
    this.port = port;
    this.adminPort = adminPort;
  }

  /** A config with {@code clients} (name: operations list) and the operations named in {@code ops}. */
  static ReloadFiles create(List<String> clients, List<String> ops) throws IOException {
    ReloadFiles f = new ReloadFiles(Files.createTempDirectory("txgate-reload"), TestServer.freePort(),
      TestServer.freePort());
    f.writeConfig(f.port, clients);
    f.writeOperations(ops);
    return f;
  }

  /** One PBKDF2 hash for every client: it takes a while to make, on purpose. */
  static synchronized String tokenHash() {
    if (tokenHash == null) {
      tokenHash = PasswordHash.hash(TOKEN);
    }
    return tokenHash;
  }

  /** Each client is {@code name} and may send raw SQL and call every operation. */
  void writeConfig(int protocolPort, List<String> clients) throws IOException {
    StringBuilder y = new StringBuilder()
      .append("protocol:\n  port: ").append(protocolPort).append('\n')
      .append("admin:\n  port: ").append(adminPort).append('\n')
      // Relative to this file's directory, as an operator's would be.
      .append("tx:\n  operationsFile: operations.yaml\n")
      .append("clients:\n");
    for (String c : clients) {
      y.append("  - {name: ").append(c).append(", tokenHash: \"").append(tokenHash())
        .append("\", rawSql: true, operations: \"*\"}\n");
    }
    Files.writeString(config, y.toString(), StandardCharsets.UTF_8);
  }

  /** Each operation {@code name} answers {@code SELECT :x AS v}. */
  void writeOperations(List<String> ops) throws IOException {
    StringBuilder y = new StringBuilder("operations:\n");
    for (String op : ops) {
      y.append("  ").append(op).append(":\n    params: {x: integer}\n    steps:\n      - sql: \"SELECT :x AS v\"\n");
    }
    writeOperationsText(y.toString());
  }

  void writeOperationsText(String yaml) throws IOException {
    Files.writeString(operations, yaml, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
