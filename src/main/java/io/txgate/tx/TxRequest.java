package io.txgate.tx;

import io.txgate.protocol.Isolation;
import io.txgate.protocol.Step;
import io.txgate.timing.RequestTiming;
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
 * @param timing where the request's time goes: the runner adds its connection wait, database time,
 *     backoff and attempts to it
 * @param operation the named operation's name, or null for ad-hoc SQL: what its statements are counted
 *     under in the statement digests
 * @param holder the client session the request runs for, named in the lock views; null for none
 * @param trace the request's spans; null when tracing is off
 */
public record TxRequest(List<Step> steps, Isolation isolation, boolean readOnly, String requestKey,
                        String requestHash, int maxAttempts, Function<List<JsonObject>, JsonObject> shape,
                        int timeoutMs, StopSignal stop, RequestTiming timing, String operation,
                        io.txgate.locks.Holder holder, RequestTrace trace) {

  /** An ad-hoc request (no named operation). */
  public TxRequest(List<Step> steps, Isolation isolation, boolean readOnly, String requestKey, String requestHash,
                   int maxAttempts, Function<List<JsonObject>, JsonObject> shape, int timeoutMs, StopSignal stop,
                   RequestTiming timing) {
    this(steps, isolation, readOnly, requestKey, requestHash, maxAttempts, shape, timeoutMs, stop, timing, null, null, null);
  }

  public TxRequest {
    steps = List.copyOf(steps);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be positive");
    }
    java.util.Objects.requireNonNull(timing, "timing");
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("timeoutMs must be positive");
    }
  }

  /** A request that no client session's lock view names. */
  public TxRequest(List<Step> steps, Isolation isolation, boolean readOnly, String requestKey, String requestHash,
                   int maxAttempts, Function<List<JsonObject>, JsonObject> shape, int timeoutMs, StopSignal stop) {
    this(steps, isolation, readOnly, requestKey, requestHash, maxAttempts, shape, timeoutMs, stop, null);
  }

  /** The same request with another deadline: what is left of it, for a second try elsewhere. */
  public TxRequest withTimeout(int ms) {
    return new TxRequest(steps, isolation, readOnly, requestKey, requestHash, maxAttempts, shape, ms, stop, timing, operation, holder, trace);
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
