package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
    boolean python = new File("/usr/bin/python3").canExecute() || onPath("python3");
    if (!python && System.getenv("CI") == null) {
      Assumptions.abort("python3 is not installed");
    }
    assertThat(python).as("python3 (installed by .ci/run)").isTrue();
    Path operations = dir.resolve("operations.yaml");
    Files.writeString(operations, Files.readString(Path.of("conf/operations.yaml")) + ECHO_DATETIME);
    try (TestServer server = TestServer.start(
        new JsonObject().put("TXGATE_TX_OPERATIONS_FILE", operations.toString()))) {
      ProcessBuilder pb = new ProcessBuilder(List.of("python3", "-m", "unittest", "discover", "-v",
        "-s", "clients/python/tests", "-t", "clients/python"))
        .redirectErrorStream(true);
      pb.environment().put("TXGATE_TEST_HOST", "127.0.0.1");
      pb.environment().put("TXGATE_TEST_PORT", Integer.toString(server.port()));
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      System.out.println(output);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("OK").doesNotContain("skipped");
      assertThat(output).containsPattern("Ran [1-9][0-9]* tests");
    }
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, command).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
