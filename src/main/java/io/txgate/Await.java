package io.txgate;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocks a thread that is not a Vert.x event loop (the main thread, the shutdown hook, a test, the
 * benchmark) until a future completes. Never call it on an event loop: the future may need that
 * very loop to complete.
 *
 * <p>A failed future throws its own failure, not the {@link ExecutionException} around it, so the
 * caller sees the same exception an asynchronous handler would.
 */
public final class Await {

  private Await() {
  }

  /** The future's result, waiting as long as it takes; its failure is thrown as it is. */
  public static <T> T result(Future<T> future) throws Exception {
    return result(future, null);
  }

  /**
   * The future's result, waiting at most {@code timeout} (null: no limit); its failure is thrown as
   * it is.
   *
   * @throws TimeoutException when the future is still pending after {@code timeout}
   */
  public static <T> T result(Future<T> future, Duration timeout) throws Exception {
    var pending = future.toCompletionStage().toCompletableFuture();
    try {
      return timeout == null ? pending.get() : pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  /**
   * As {@link #result(Future, Duration)}, for callers that cannot throw checked exceptions: any
   * failure, timeout or interruption comes wrapped in an {@link IllegalStateException}.
   */
  public static <T> T orFail(Future<T> future, Duration timeout) {
    try {
      return result(future, timeout);
    } catch (ExecutionException e) {
      // Only an Error fails a future this way (see result): it is the cause that matters.
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
