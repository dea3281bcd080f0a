package io.txgate.cli;

import io.txgate.config.ConfigLoader;
import io.txgate.config.EffectiveConfig;
import io.txgate.config.TxgateConfig;
import io.txgate.ops.Operations;
import io.txgate.ops.OperationsLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

/**
 * {@code txgate --check-config}: everything a start would read and check, without opening a port
 * or a database connection. A deployment script runs it before a restart.
 */
public final class CheckConfig {

  private CheckConfig() {
  }

  /** Prints the effective configuration to {@code out}, or one line to {@code err}; the exit status. */
  public static int run(PrintStream out, PrintStream err) {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject merged = ConfigLoader.loadMerged(vertx).toCompletionStage().toCompletableFuture().get();
      TxgateConfig config = TxgateConfig.from(merged);
      String ops = config.tx().operationsFile();
      Operations operations = OperationsLoader.load(Path.of(ops), config.tx().maxAttempts());
      out.println("# txgate configuration from " + ConfigLoader.file() + ", with the environment applied");
      out.print(EffectiveConfig.describe(merged));
      out.println("# " + operations.size() + " named operation(s) from " + (ops.isEmpty() ? "(none)" : ops));
      out.println("# configuration OK");
      return 0;
    } catch (ExecutionException e) {
      err.println("txgate: " + message(e.getCause()));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("txgate: interrupted");
      return 1;
    } catch (RuntimeException e) {
      err.println("txgate: " + message(e));
      return 1;
    } finally {
      vertx.close();
    }
  }

  private static String message(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
