package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the Node.js client's test suite (clients/node/test, with {@code node --test}) against a real
 * txgate started here. In CI a missing node fails the test; on a developer's machine it skips.
 */
class NodeClientTest {

  @Test
  void nodeSuitePassesAgainstARealServer() throws Exception {
    boolean node = onPath("node");
    if (!node && System.getenv("CI") == null) {
      Assumptions.abort("node is not installed");
    }
    assertThat(node).as("node (installed by .ci/run)").isTrue();
    try (TestServer server = TestServer.start()) {
      ProcessBuilder pb = new ProcessBuilder(List.of("node", "--test", "--test-reporter=tap"))
        .directory(new File("clients/node"))
        .redirectErrorStream(true);
      pb.environment().put("TXGATE_TEST_HOST", "127.0.0.1");
      pb.environment().put("TXGATE_TEST_PORT", Integer.toString(server.port()));
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      System.out.println(output);
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).as(output)
        .containsPattern("(?m)^# pass [1-9][0-9]*$")
        .containsPattern("(?m)^# fail 0$")
        .containsPattern("(?m)^# cancelled 0$")
        .containsPattern("(?m)^# skipped 0$")
        .containsPattern("(?m)^# todo 0$");
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
