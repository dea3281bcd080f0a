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
import java.util.ArrayList;
import java.util.List;

/**
 * Turns frames into {@link Request}s and {@link Response}s into frames, and back: the server uses
 * one direction, clients and tests the other. No sockets, no database.
 *
 * <p>Example frame: {@code {"id":7,"op":"execute","sql":"SELECT balance FROM accounts WHERE id = ?",
 * "params":[1]}}.
 */
public final class Codec {

  /** The protocol version this server speaks. */
  public static final int PROTOCOL_VERSION = 1;

  private static final int MAX_CLIENT_NAME = 128;

  /** How much of the JSON parser's own description of a syntax error goes back to the client. */
  private static final int MAX_PARSER_DETAIL = 200;

  private final Limits limits;

  public Codec(Limits limits) {
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Decodes one frame (without its line terminator).
   *
   * @throws ProtocolException BAD_REQUEST or UNKNOWN_OPERATION, carrying the id when it was readable
   */
  public Request decodeRequest(Buffer frame) {
    JsonObject json = parseObject(frame);
    Object id = readId(json);
    try {
      finiteNumbers(json, "");
      return decodeOp(json, id);
    } catch (ProtocolException e) {
      throw e.withId(id);
    }
  }

  private Request decodeOp(JsonObject json, Object id) {
    Object op = json.getValue("op");
    if (!(op instanceof String name)) {
      throw bad(op == null ? "missing field 'op'" : "'op' must be a string");
    }
    switch (name) {
      case "ping":
        return new Request.Ping(id);
      case "hello":
        return hello(json, id);
      case "execute":
        return new Request.Execute(id, new Step(statement(json, ""), expectation(json, "")), options(json));
      case "batch":
        return batch(json, id);
      case "call":
        return call(json, id);
      case "operations":
        return new Request.Operations(id);
      default:
        throw new ProtocolException(ErrorCode.UNKNOWN_OPERATION, "unknown op '" + truncate(name) + "'");
    }
  }

  private static Request hello(JsonObject json, Object id) {
    Object client = json.getValue("client");
    if (client != null && !(client instanceof String)) {
      throw bad("'client' must be a string");
    }
    if (client != null && ((String) client).length() > MAX_CLIENT_NAME) {
      throw bad("'client' is longer than " + MAX_CLIENT_NAME + " characters");
    }
    Object protocol = json.getValue("protocol", PROTOCOL_VERSION);
    if (!(protocol instanceof Integer version)) {
      throw bad("'protocol' must be an integer");
    }
    if (version != PROTOCOL_VERSION) {
      throw bad("unsupported protocol " + version + "; this server speaks " + PROTOCOL_VERSION);
    }
    return new Request.Hello(id, (String) client, version);
  }

  private Request batch(JsonObject json, Object id) {
    Object steps = json.getValue("steps");
    if (!(steps instanceof JsonArray array)) {
      throw bad(steps == null ? "missing field 'steps'" : "'steps' must be an array");
    }
    if (array.isEmpty()) {
      throw bad("'steps' must not be empty");
    }
    if (array.size() > limits.maxBatchSteps()) {
      throw bad("'steps' has " + array.size() + " entries; the limit is " + limits.maxBatchSteps());
    }
    List<Step> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject step)) {
        throw bad("steps[" + i + "] must be an object");
      }
      String where = "steps[" + i + "].";
      out.add(new Step(statement(step, where), expectation(step, where)));
    }
    return new Request.Batch(id, out, options(json));
  }

  private static Request call(JsonObject json, Object id) {
    Object name = json.getValue("name");
    if (!(name instanceof String n) || n.isBlank()) {
      throw bad(name == null ? "missing field 'name'" : "'name' must be a non-empty string");
    }
    Object args = json.getValue("args");
    if (args != null && !(args instanceof JsonObject)) {
      throw bad("'args' must be an object");
    }
    return new Request.Call(id, n, args == null ? new JsonObject() : (JsonObject) args, options(json));
  }

  /** Reads {@code expect}: {@code {"affectedRows": n}} and/or {@code {"rowCount": n}}. */
  private static Expectation expectation(JsonObject json, String where) {
    Object value = json.getValue("expect");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject expect) || expect.isEmpty()) {
      throw bad("'" + where + "expect' must be an object with affectedRows and/or rowCount");
    }
    for (String key : expect.fieldNames()) {
      if (!key.equals("affectedRows") && !key.equals("rowCount")) {
        throw bad("'" + where + "expect' has unknown key '" + key + "'; use affectedRows or rowCount");
      }
      Object n = expect.getValue(key);
      if (!(n instanceof Integer || n instanceof Long) || ((Number) n).longValue() < 0) {
        throw bad("'" + where + "expect." + key + "' must be a non-negative integer");
      }
    }
    return new Expectation(expect.getLong("affectedRows"), expect.getLong("rowCount"));
  }

  /** Reads the transaction options every data-touching op accepts. */
  private static TxOptions options(JsonObject json) {
    Isolation isolation = null;
    Object iso = json.getValue("isolation");
    if (iso != null) {
      if (!(iso instanceof String name)) {
        throw bad("'isolation' must be a string: one of " + Isolation.names());
      }
      try {
        isolation = Isolation.of(name);
      } catch (IllegalArgumentException e) {
        throw bad(e.getMessage());
      }
    }
    Object readOnly = json.getValue("readOnly");
    if (readOnly != null && !(readOnly instanceof Boolean)) {
      throw bad("'readOnly' must be true or false");
    }
    Object key = json.getValue("requestKey");
    if (key != null && (!(key instanceof String k) || k.isEmpty() || k.length() > TxOptions.MAX_REQUEST_KEY)) {
      throw bad("'requestKey' must be a string of 1 to " + TxOptions.MAX_REQUEST_KEY + " characters");
    }
    if (key != null && Boolean.TRUE.equals(readOnly)) {
      throw bad("'requestKey' makes a change exactly-once; a readOnly request changes nothing and needs none");
    }
    Object attempts = json.getValue("maxAttempts");
    if (attempts != null && (!(attempts instanceof Integer a) || a < 1)) {
      throw bad("'maxAttempts' must be a positive integer");
    }
    Object timeout = json.getValue("timeoutMs");
    if (timeout != null && (!(timeout instanceof Integer t) || t < 1)) {
      throw bad("'timeoutMs' must be a positive integer (milliseconds)");
    }
    if (iso == null && readOnly == null && key == null && attempts == null && timeout == null) {
      return TxOptions.NONE;
    }
    // The deadline is how long the client waits, not what it asks for: a resend with another
    // timeoutMs is the same request.
    return new TxOptions(isolation, (Boolean) readOnly, (String) key, (Integer) attempts,
      key == null ? null : Canonical.digest(json, "id", "requestKey", "timeoutMs"), (Integer) timeout);
  }

  private Statement statement(JsonObject json, String where) {
    Object sql = json.getValue("sql");
    if (!(sql instanceof String text)) {
      throw bad(sql == null ? "missing field '" + where + "sql'" : "'" + where + "sql' must be a string");
    }
    if (text.isBlank()) {
      throw bad("'" + where + "sql' must not be empty");
    }
    Object params = json.getValue("params");
    if (params == null) {
      return new Statement(text, List.of());
    }
    if (!(params instanceof JsonArray array)) {
      throw bad("'" + where + "params' must be an array");
    }
    if (array.size() > limits.maxParams()) {
      throw bad("'" + where + "params' has " + array.size() + " entries; the limit is " + limits.maxParams());
    }
    List<Object> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      try {
        values.add(Values.toSql(array.getValue(i), i));
      } catch (ProtocolException e) {
        throw bad(where + e.getMessage());
      }
    }
    return new Statement(text, values);
  }

  private static Object readId(JsonObject json) {
    Object id = json.getValue("id");
    if (id == null) {
      throw bad("missing field 'id'");
    }
    if (!(id instanceof String || id instanceof Number)) {
      throw bad("'id' must be a number or a string");
    }
    if (!finite(id)) {
      // Echoed as it is, it would make the answer invalid JSON (Infinity).
      throw outOfRange("id");
    }
    return id;
  }

  /**
   * The JSON parser reads a number beyond a double's range (1e400) as Infinity, which would be
   * bound as a parameter or compared as a limit without a word: refuse it, naming where it is.
   */
  private static void finiteNumbers(Object value, String path) {
    if (value instanceof JsonObject o) {
      for (var e : o) {
        finiteNumbers(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        finiteNumbers(a.getValue(i), path + "[" + i + "]");
      }
    } else if (!finite(value)) {
      throw outOfRange(path);
    }
  }

  private static boolean finite(Object value) {
    return !(value instanceof Double d && !Double.isFinite(d)) && !(value instanceof Float f && !Float.isFinite(f));
  }

  private static ProtocolException outOfRange(String path) {
    return bad("'" + truncate(path) + "' is out of range: a number must lie within +/-" + Double.MAX_VALUE);
  }

  private static JsonObject parseObject(Buffer frame) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(frame.getBytes()))
        .toString();
    } catch (CharacterCodingException e) {
      throw bad("frame is not valid UTF-8");
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

  /** Encodes a response as one frame, terminator included. */
  public static Buffer encodeResponse(Response r) {
    JsonObject json = new JsonObject().put("id", r.id()).put("ok", r.ok());
    if (r.ok()) {
      json.put("result", r.result());
    } else {
      json.put("error", r.error());
    }
    return json.toBuffer().appendByte((byte) '\n');
  }

  /** Decodes a response frame (terminator optional): the client side. */
  public static Response decodeResponse(Buffer frame) {
    JsonObject json = new JsonObject(frame);
    boolean ok = json.getBoolean("ok");
    return new Response(json.getValue("id"), ok, json.getJsonObject("result"), json.getJsonObject("error"));
  }

  /** Encodes a request as one frame, terminator included: the client side. */
  public static Buffer encodeRequest(Request request) {
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
  }

  private static JsonObject putStatement(JsonObject json, Statement s) {
    JsonArray params = new JsonArray();
    for (Object p : s.params()) {
      params.add(p instanceof Buffer ? Values.toJson(p) : p);
    }
    return json.put("sql", s.sql()).put("params", params);
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, message);
  }

  private static String truncate(String s) {
    return truncate(s, 64);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
