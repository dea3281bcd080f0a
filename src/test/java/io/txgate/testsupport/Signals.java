package io.txgate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Signals for the processes a test starts itself (never any other): kill -NAME by pid, and waits. */
public final class Signals {

  private Signals() {
  }

  /** Sends SIG{@code name} (TERM, KILL, STOP, CONT) to a running process; fails loudly if it cannot. */
  public static void send(Process process, String name) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("the process is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true)
        .start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the process exited within {@code seconds}. */
  public static boolean waitForExit(Process process, int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Kills the process if it still runs, thawing it first: a stopped process would keep whatever it
   * holds (ports, files) until it is continued.
   */
  public static void killQuietly(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException ignored) {
      // SIGKILL below works on a stopped process too
    }
    process.destroyForcibly();
    waitForExit(process, 30);
  }
}
