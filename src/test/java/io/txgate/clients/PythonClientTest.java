package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.ClientSuites;
import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Python client's and txgate-cli's unittest suite (clients/python/tests) against a real
 * txgate started here. In CI a missing python3 fails the test; on a developer's machine it skips.
 * The server offers conf/operations.yaml plus {@code echo_datetime}, an operation with a datetime
 * parameter that the suite sends Python datetimes to.
 */
class PythonClientTest {

  /** Appended under conf/operations.yaml's {@code operations:} map. */
  static final String ECHO_DATETIME = """

      echo_datetime:
        description: Echoes a datetime argument; reads no table.
        params:
          at: datetime
        steps:
          - sql: SELECT CAST(:at AS DATETIME(6)) AS at
    """;

  @Test
  void pythonSuitePassesAgainstARealServer(@TempDir Path dir) throws Exception {
    ClientSuites.require("python3");
    Path operations = dir.resolve("operations.yaml");
    Files.writeString(operations, Files.readString(Path.of("conf/operations.yaml")) + ECHO_DATETIME);
    try (TestServer server = TestServer.start(
        new JsonObject().put("TXGATE_TX_OPERATIONS_FILE", operations.toString()))) {
      String output = ClientSuites.run(List.of("python3", "-m", "unittest", "discover", "-v",
        "-s", "clients/python/tests", "-t", "clients/python"), new File("."), server.port());
      assertThat(output).contains("OK").doesNotContain("skipped");
      assertThat(output).containsPattern("Ran [1-9][0-9]* tests");
    }
  }
}
