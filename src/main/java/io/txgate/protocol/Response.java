package io.txgate.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One response line. Success: {@code {"id":1,"ok":true,"result":{...}}}. Failure:
 * {@code {"id":1,"ok":false,"error":{"code":"SQL_ERROR","message":"...","retryable":false,
 * "sqlState":"42S02","vendorCode":1146}}}. An INTERNAL error also carries {@code "ref"}, the
 * correlation id of the server's log line about it.
 */
public record Response(Object id, boolean ok, JsonObject result, JsonObject error) {

  public static Response success(Object id, JsonObject result) {
    return new Response(id, true, result, null);
  }

  public static Response failure(ProtocolException e) {
    JsonObject error = new JsonObject()
      .put("code", e.code().name())
      .put("message", e.getMessage())
      .put("retryable", e.retryable());
    if (e.sqlState() != null) {
      error.put("sqlState", e.sqlState());
    }
    if (e.vendorCode() != null) {
      error.put("vendorCode", e.vendorCode());
    }
    if (e.step() != null) {
      error.put("step", e.step());
    }
    if (e.ref() != null) {
      error.put("ref", e.ref());
    }
    return new Response(e.id(), false, null, error);
  }

  /** The error code of a failed response; throws on a successful one. */
  public ErrorCode errorCode() {
    if (ok) {
      throw new IllegalStateException("response is a success");
    }
    return ErrorCode.of(error.getString("code"));
  }
}
