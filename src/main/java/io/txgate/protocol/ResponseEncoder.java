package io.txgate.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Writes a {@link Response} as one frame: a JSON object on one line, ended by {@code \n}. A success
 * carries {@code result}, a failure {@code error}, never both:
 *
 * <pre>
 * {"id":7,"ok":true,"result":{"rows":[[1]]}}\n
 * {"id":8,"ok":false,"error":{"code":"SQL_ERROR","message":"...","retryable":false,"sqlState":"42S02","vendorCode":1146}}\n
 * </pre>
 *
 * The id goes back exactly as the request gave it (a number, a string, or null when it could not
 * be read), so that a client can match answers to pipelined requests.
 */
public final class ResponseEncoder {

  private ResponseEncoder() {
  }

  /** Encodes a response as one frame, terminator included. */
  public static Buffer encode(Response r) {
    JsonObject json = new JsonObject().put("id", r.id()).put("ok", r.ok());
    if (r.ok()) {
      json.put("result", r.result());
    } else {
      json.put("error", r.error());
    }
    return json.toBuffer().appendByte((byte) '\n');
  }
}
