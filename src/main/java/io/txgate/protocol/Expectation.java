package io.txgate.protocol;

import io.vertx.core.json.JsonObject;

/**
 * What a statement must have done for its transaction to commit: {@code {"affectedRows": 1}} or
 * {@code {"rowCount": 1}} (rows returned), or both. When a statement misses its expectation the
 * whole transaction rolls back and the client receives CONFLICT with the step's index: optimistic
 * concurrency (compare-and-set) in one round trip.
 *
 * @param affectedRows required affected (for UPDATE: matched) rows, or null for any
 * @param rowCount required number of rows returned, or null for any
 */
public record Expectation(Long affectedRows, Long rowCount) {

  /** Checks a statement result; returns null when met, else what was wrong. */
  public String check(JsonObject result) {
    if (affectedRows != null && result.getLong("affectedRows") != affectedRows.longValue()) {
      return "expected affectedRows " + affectedRows + ", got " + result.getLong("affectedRows");
    }
    if (rowCount != null && result.getJsonArray("rows").size() != rowCount) {
      return "expected rowCount " + rowCount + ", got " + result.getJsonArray("rows").size();
    }
    return null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (affectedRows != null) {
      json.put("affectedRows", affectedRows);
    }
    if (rowCount != null) {
      json.put("rowCount", rowCount);
    }
    return json;
  }
}
