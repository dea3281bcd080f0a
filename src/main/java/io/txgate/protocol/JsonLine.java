package io.txgate.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The syntax layer of the request decoder: a frame must be UTF-8 text holding one JSON object. When
 * it is not, the {@link ErrorCode#BAD_REQUEST} says why in the client's terms, not the parser's:
 *
 * <pre>
 * {"id":1,"op":"ping"} {"id":2,"op":"ping"}   frame is not valid JSON: more than one value on the line
 * [1,2]                                       frame is a JSON array, not an object
 * (bytes C3 28)                               frame is not valid UTF-8
 * </pre>
 */
final class JsonLine {

  /** How much of the JSON parser's own description of a syntax error goes back to the client. */
  private static final int MAX_PARSER_DETAIL = 200;

  private JsonLine() {
  }

  /** Parses one frame (without its line terminator) into the object it holds. */
  static JsonObject parse(Buffer frame) {
    byte[] bytes = frame.getBytes();
    String text;
    if (ascii(bytes)) {
      // ASCII is valid UTF-8 as it is, and nearly every frame is ASCII (JSON escapes the rest when
      // a client's encoder is set to): one copy into a compact string instead of a strict
      // decoder, a char buffer and a second copy.
      text = new String(bytes, StandardCharsets.ISO_8859_1);
    } else {
      try {
        text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      } catch (CharacterCodingException e) {
        throw bad("frame is not valid UTF-8");
      }
    }
    if (text.isBlank()) {
      throw bad("empty frame");
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw bad(notJson(e));
    }
    if (!(value instanceof JsonObject json)) {
      throw bad("frame is " + kind(value) + ", not an object");
    }
    return json;
  }

  private static boolean ascii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** Says why a frame did not parse, in the client's terms rather than the parser's. */
  private static String notJson(DecodeException e) {
    StreamReadConstraints limits = StreamReadConstraints.defaults();
    if (e.getCause() instanceof StreamConstraintsException c) {
      String m = String.valueOf(c.getOriginalMessage());
      if (m.startsWith("Document nesting depth")) {
        return "frame is nested too deeply: more than " + limits.getMaxNestingDepth()
          + " levels of arrays and objects";
      }
      if (m.startsWith("Number value length")) {
        return "frame has a number of more than " + limits.getMaxNumberLength() + " characters";
      }
      if (m.startsWith("String value length")) {
        return "frame has a string of more than " + limits.getMaxStringLength() + " characters";
      }
      return "frame is over a JSON parser limit: " + truncate(m, MAX_PARSER_DETAIL);
    }
    if (e.getCause() instanceof JsonProcessingException p) {
      // The original message, without the parser's "at [Source: ...]" suffix; the column instead.
      String m = String.valueOf(p.getOriginalMessage()).replaceAll("\\s+", " ").trim();
      JsonLocation at = p.getLocation();
      return "frame is not valid JSON: " + truncate(m, MAX_PARSER_DETAIL)
        + (at == null || at.getColumnNr() < 1 ? "" : " (column " + at.getColumnNr() + ")");
    }
    if ("Unexpected trailing token".equals(e.getMessage())) {
      return "frame is not valid JSON: more than one value on the line";
    }
    return "frame is not valid JSON: " + truncate(String.valueOf(e.getMessage()), MAX_PARSER_DETAIL);
  }

  private static String kind(Object value) {
    if (value instanceof JsonArray) {
      return "a JSON array";
    }
    if (value instanceof String) {
      return "a JSON string";
    }
    if (value instanceof Number) {
      return "a JSON number";
    }
    if (value instanceof Boolean) {
      return "a JSON boolean";
    }
    return "JSON null";
  }

  static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, message);
  }

  /** Shortens what the client sent before it is quoted back in a message. */
  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
