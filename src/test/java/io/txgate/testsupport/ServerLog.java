package io.txgate.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the server in this JVM logs while an action runs. slf4j-simple writes every line to the
 * current {@code System.err}, so the lines are caught there, and still shown.
 */
public final class ServerLog {

  /** An action that may throw. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  private ServerLog() {
  }

  /** Runs the action and returns everything logged meanwhile. */
  public static synchronized String during(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (captured) {
          captured.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (captured) {
          captured.write(b, off, len);
        }
        original.write(b, off, len);
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }
}
