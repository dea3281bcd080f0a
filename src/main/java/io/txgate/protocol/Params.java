package io.txgate.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Statement parameters on the wire (PROTOCOL.md section 4) and the plain Java values they decode
 * to. JSON strings, numbers, booleans and null stand for themselves; binary data is the one-member
 * object {@code {"$base64": "3q0="}}, which decodes to a {@link Buffer}. Anything else is a
 * {@link ErrorCode#BAD_REQUEST}.
 *
 * <p>In {@code "params": [1, 2.5, "x", null, {"$base64": "3q0="}]} the values decode to
 * {@code 1L, 2.5, "x", null} and the bytes {@code DE AD}.
 */
public final class Params {

  /** The key of the one-member object that marks binary data, both ways. */
  public static final String BASE64 = "$base64";

  private Params() {
  }

  /**
   * Decodes one JSON parameter to the value a statement binds: a String, Long, Double, Boolean,
   * null or Buffer.
   *
   * @param index the parameter's position, for the error message
   */
  public static Object fromJson(Object json, int index) {
    if (json == null || json instanceof String || json instanceof Boolean) {
      return json;
    }
    if (json instanceof Integer || json instanceof Long || json instanceof Short || json instanceof Byte) {
      return ((Number) json).longValue();
    }
    if (json instanceof Double || json instanceof Float) {
      return ((Number) json).doubleValue();
    }
    if (json instanceof BigInteger || json instanceof BigDecimal) {
      // Beyond 64 bits: the database converts the exact decimal text itself.
      return json.toString();
    }
    if (json instanceof JsonObject o && o.size() == 1 && o.getValue(BASE64) instanceof String b64) {
      try {
        return Buffer.buffer(Base64.getDecoder().decode(b64));
      } catch (IllegalArgumentException e) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST,
          "params[" + index + "]: invalid base64 in " + BASE64);
      }
    }
    throw new ProtocolException(ErrorCode.BAD_REQUEST, "params[" + index
      + "]: must be a string, number, boolean, null or {\"" + BASE64 + "\": \"...\"}");
  }

  /** Binary data in its wire form: {@code {"$base64": "..."}}. */
  public static JsonObject binary(Buffer bytes) {
    return new JsonObject().put(BASE64, Base64.getEncoder().encodeToString(bytes.getBytes()));
  }
}
