package io.txgate.tx;

import io.txgate.protocol.Isolation;
import io.txgate.protocol.Step;
import io.txgate.tracing.RequestTrace;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * Everything the runner needs for one request's transaction, defaults already resolved.
 *
 * @param isolation the requested level, or null for the server default
 * @param requestKey exactly-once key, or null
 * @param requestHash digest of the request's content, checked when the key was seen before
 * @param maxAttempts how often a transient conflict may run the whole transaction
 * @param shape turns the statements' results into the response's result object
 * @param timeoutMs the request's deadline, counted from when it starts to run: the wait for a connection, every
 *     statement, the retries and COMMIT
 * @param stop raised when the request must stop early (kill, client gone, shutdown)
 * @param trace the request's spans; null when tracing is off
 */
public record TxRequest(List<Step> steps, Isolation isolation, boolean readOnly, String requestKey,
                        String requestHash, int maxAttempts, Function<List<JsonObject>, JsonObject> shape,
                        int timeoutMs, StopSignal stop, RequestTrace trace) {

  /** A request that is not traced. */
  public TxRequest(List<Step> steps, Isolation isolation, boolean readOnly, String requestKey, String requestHash,
                   int maxAttempts, Function<List<JsonObject>, JsonObject> shape, int timeoutMs, StopSignal stop) {
    this(steps, isolation, readOnly, requestKey, requestHash, maxAttempts, shape, timeoutMs, stop, null);
  }

  public TxRequest {
    steps = List.copyOf(steps);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be positive");
    }
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("timeoutMs must be positive");
    }
  }

  /** The same request with another deadline: what is left of it, for a second try elsewhere. */
  public TxRequest withTimeout(int ms) {
    return new TxRequest(steps, isolation, readOnly, requestKey, requestHash, maxAttempts, shape, ms, stop, trace);
  }

  /** The result shape of {@code execute}: the one statement's result. */
  public static JsonObject single(List<JsonObject> results) {
    return results.get(0).copy();
  }

  /** The result shape of {@code batch} and {@code call}: {@code {"results": [...]}}. */
  public static JsonObject many(List<JsonObject> results) {
    return new JsonObject().put("results", new io.vertx.core.json.JsonArray(List.copyOf(results)));
  }
}
