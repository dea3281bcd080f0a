package io.txgate.protocol;

import static io.txgate.protocol.JsonLine.bad;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one request frame, a JSON object on one line without its terminator, into a
 * {@link Request}. The server's side of the wire: every frame a client sends passes through here
 * before anything runs. For example
 *
 * <pre>
 * {"id":7,"op":"execute","sql":"SELECT balance FROM accounts WHERE id = ?","params":[1],"isolation":"READ_COMMITTED"}
 * </pre>
 *
 * becomes {@code Request.Execute(7, Step(Statement("SELECT ...", [1L]), null), TxOptions(READ_COMMITTED, ...))}.
 *
 * <p>A frame that is not a valid request is refused with a {@link ProtocolException} that names
 * the field and the rule: {@link ErrorCode#BAD_REQUEST} ({@code "'steps' has 4 entries; the limit
 * is 3"}), or {@link ErrorCode#UNKNOWN_OPERATION} for an op this server does not know. The exception
 * carries the request's id once it could be read, so that the answer still matches its request.
 * The decoder holds no state besides its {@link Limits}: one instance serves every connection.
 */
public final class RequestDecoder {

  /** How much of a client-supplied name or path goes back in a message. */
  private static final int MAX_ECHO = 64;

  private static final int MAX_CLIENT_NAME = 128;
  /** Longest credentials a hello may carry: far above any real token or JWT, far below a frame. */
  private static final int MAX_TOKEN = 1024;
  private static final int MAX_JWT = 16 * 1024;

  private final Limits limits;

  public RequestDecoder(Limits limits) {
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
  public Request decode(Buffer frame) {
    JsonObject json = JsonLine.parse(frame);
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
        throw new ProtocolException(ErrorCode.UNKNOWN_OPERATION, "unknown op '" + echo(name) + "'");
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
    Object protocol = json.getValue("protocol", ProtocolVersion.CURRENT);
    if (!(protocol instanceof Integer version)) {
      throw bad("'protocol' must be an integer");
    }
    if (version != ProtocolVersion.CURRENT) {
      throw bad("unsupported protocol " + version + "; this server speaks " + ProtocolVersion.CURRENT);
    }
    return new Request.Hello(id, (String) client, version, credential(json, "token", MAX_TOKEN),
      credential(json, "jwt", MAX_JWT));
  }

  /** An optional credential of hello: a non-empty string; never echoed in a message. */
  private static String credential(JsonObject json, String field, int maxChars) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty()) {
      throw bad("'" + field + "' must be a non-empty string");
    }
    if (s.length() > maxChars) {
      throw bad("'" + field + "' is longer than " + maxChars + " characters");
    }
    return s;
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
    Consistency consistency = null;
    Object where = json.getValue("consistency");
    if (where != null) {
      if (!(where instanceof String name)) {
        throw bad("'consistency' must be a string: one of " + Consistency.names());
      }
      try {
        consistency = Consistency.of(name);
      } catch (IllegalArgumentException e) {
        throw bad(e.getMessage());
      }
    }
    TraceContext trace = trace(json);
    if (iso == null && readOnly == null && key == null && attempts == null && timeout == null && where == null
        && trace == null) {
      return TxOptions.NONE;
    }
    // The deadline is how long the client waits, not what it asks for, consistency only where it
    // reads from, and the trace context who is watching: a resend with another timeoutMs,
    // consistency or traceparent is the same request.
    return new TxOptions(isolation, (Boolean) readOnly, (String) key, (Integer) attempts,
      key == null ? null : Canonical.digest(json, "id", "requestKey", "timeoutMs", "consistency", "traceparent",
        "tracestate"),
      (Integer) timeout, consistency, trace);
  }

  /**
   * Reads {@code traceparent} and {@code tracestate}: strings, or absent. Their content is not
   * judged here: an invalid value is ignored when a span is made (see {@link TraceContext}), but a
   * value of the wrong JSON type is a malformed request like any other. A value too long to be valid
   * is dropped here already. A tracestate without a traceparent means nothing (W3C Trace Context,
   * 3.3) and is dropped too.
   */
  private static TraceContext trace(JsonObject json) {
    String parent = traceField(json, "traceparent", TraceContext.MAX_TRACEPARENT);
    String state = traceField(json, "tracestate", TraceContext.MAX_TRACESTATE);
    return parent == null ? null : new TraceContext(parent, state);
  }

  private static String traceField(JsonObject json, String field, int maxChars) {
    Object v = json.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw bad("'" + field + "' must be a string (W3C Trace Context), such as"
        + " \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"");
    }
    // Longer than any valid value: invalid, so ignored like every other invalid value.
    return s.length() > maxChars ? null : s;
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
        values.add(Params.fromJson(array.getValue(i), i));
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
    return bad("'" + echo(path) + "' is out of range: a number must lie within +/-" + Double.MAX_VALUE);
  }

  private static String echo(String s) {
    return JsonLine.truncate(s, MAX_ECHO);
  }
}
