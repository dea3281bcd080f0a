package io.txgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a client's own test suite (Python, Node.js) as a process against a real txgate. In CI a
 * missing runtime fails the test; on a developer's machine without it the test is skipped.
 */
public final class ClientSuites {

  private ClientSuites() {
  }

  /** Skips (developer machine) or fails (CI) when {@code command} is not installed. */
  public static void require(String command) {
    boolean found = onPath(command);
    if (!found && System.getenv("CI") == null) {
      Assumptions.abort(command + " is not installed");
    }
    assertThat(found).as(command + " (installed by .ci/run)").isTrue();
  }

  /**
   * Runs {@code command} in {@code directory} with TXGATE_TEST_HOST and TXGATE_TEST_PORT pointing
   * at the server; asserts it exited 0 and returns everything it printed.
   */
  public static String run(List<String> command, File directory, int port) throws Exception {
    return run(command, directory, port, Map.of());
  }

  /** As {@link #run(List, File, int)}, with more environment variables for the process. */
  public static String run(List<String> command, File directory, int port, Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("TXGATE_TEST_PORT", Integer.toString(port));
    return run(command, directory, all);
  }

  /** With TXGATE_TEST_HOST and the environment variables given (the port among them, under its own name). */
  public static String run(List<String> command, File directory, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(directory).redirectErrorStream(true);
    pb.environment().put("TXGATE_TEST_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    System.out.println(output);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
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
