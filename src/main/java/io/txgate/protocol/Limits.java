package io.txgate.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The per-request limits a server enforces, announced in the {@code hello} reply so that a client
 * can check a request before sending it.
 *
 * @param maxFrameBytes bytes in one frame, terminator excluded
 * @param maxBatchSteps statements in one batch
 * @param maxParams parameters of one statement (MySQL's own ceiling is 65,535)
 * @param maxResultRows rows one statement may return before the request fails with RESULT_TOO_LARGE
 */
public record Limits(int maxFrameBytes, int maxBatchSteps, int maxParams, int maxResultRows) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("maxFrameBytes", maxFrameBytes)
      .put("maxBatchSteps", maxBatchSteps)
      .put("maxParams", maxParams)
      .put("maxResultRows", maxResultRows);
  }
}
