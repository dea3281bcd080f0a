package io.txgate.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The client's side of the wire, the inverse of {@link RequestDecoder} and {@link ResponseEncoder}:
 * the server never writes a request nor reads a response, so this lives with the tests that
 * round-trip through the server's side.
 */
final class ClientFrames {

  private ClientFrames() {
  }

  /** Encodes a request as one frame, terminator included. */
  static Buffer encodeRequest(Request request) {
    JsonObject json = new JsonObject().put("id", request.id()).put("op", request.op());
    if (request instanceof Request.Hello h) {
      json.put("client", h.client()).put("protocol", h.protocol());
    } else if (request instanceof Request.Execute e) {
      putStep(json, e.step());
      putOptions(json, e.options());
    } else if (request instanceof Request.Batch b) {
      JsonArray steps = new JsonArray();
      b.steps().forEach(s -> steps.add(putStep(new JsonObject(), s)));
      json.put("steps", steps);
      putOptions(json, b.options());
    } else if (request instanceof Request.Call c) {
      json.put("name", c.name()).put("args", c.args());
      putOptions(json, c.options());
    }
    return json.toBuffer().appendByte((byte) '\n');
  }

  /** Decodes a response frame (terminator optional). */
  static Response decodeResponse(Buffer frame) {
    JsonObject json = new JsonObject(frame);
    boolean ok = json.getBoolean("ok");
    return new Response(json.getValue("id"), ok, json.getJsonObject("result"), json.getJsonObject("error"));
  }

  private static JsonObject putStep(JsonObject json, Step step) {
    putStatement(json, step.statement());
    if (step.expect() != null) {
      json.put("expect", step.expect().toJson());
    }
    return json;
  }

  private static void putOptions(JsonObject json, TxOptions o) {
    if (o.isolation() != null) {
      json.put("isolation", o.isolation().name());
    }
    if (o.readOnly() != null) {
      json.put("readOnly", o.readOnly());
    }
    if (o.requestKey() != null) {
      json.put("requestKey", o.requestKey());
    }
    if (o.maxAttempts() != null) {
      json.put("maxAttempts", o.maxAttempts());
    }
    if (o.timeoutMs() != null) {
      json.put("timeoutMs", o.timeoutMs());
    }
    if (o.trace() != null) {
      json.put("traceparent", o.trace().traceparent());
      if (o.trace().tracestate() != null) {
        json.put("tracestate", o.trace().tracestate());
      }
    }
  }

  private static JsonObject putStatement(JsonObject json, Statement s) {
    JsonArray params = new JsonArray();
    for (Object p : s.params()) {
      params.add(p instanceof Buffer b ? Params.binary(b) : p);
    }
    return json.put("sql", s.sql()).put("params", params);
  }
}
