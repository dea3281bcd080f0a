package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.txgate.client.BatchResult;
import io.txgate.client.Isolation;
import io.txgate.client.Operation;
import io.txgate.client.ResultSet;
import io.txgate.client.Statement;
import io.txgate.client.TxOptions;
import io.txgate.client.TxgateClient;
import io.txgate.client.TxgateException;
import io.txgate.conformance.Vectors;
import io.txgate.testsupport.SharedServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance vectors' client calls (clients/conformance/README.md, "Client calls") through the
 * Java client against a real txgate, compared in Java's own types. The raw wire vectors are
 * ConformanceTest's.
 */
class JavaClientConformanceTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  private static TxgateClient db;

  @BeforeAll
  static void connect() {
    db = TxgateClient.connect(new TxgateClient.Options().setPort(server.port()).setClientName("java-conformance"));
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> clientCalls() {
    List<Vectors.Vector> calls = Vectors.all().stream()
      .filter(v -> v.knownDefect() == null && v.json().containsKey("client") && v.requires().isEmpty()).toList();
    assertThat(calls).hasSizeGreaterThan(40);
    return calls.stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> run(v)));
  }

  private static void run(Vectors.Vector v) {
    String key = UUID.randomUUID().toString().replace("-", "");
    JsonObject c = new JsonObject(v.json().getJsonObject("client").encode().replace("{{key}}", key));
    if (c.containsKey("raises")) {
      TxgateException e = catchThrowableOfType(TxgateException.class, () -> call(c));
      assertThat(e).as(v + " raises").isNotNull();
      Map<String, Object> got = new LinkedHashMap<>();
      got.put("code", e.code());
      got.put("retryable", e.retryable());
      got.put("committed", e.committed().toString());
      got.put("step", e.step());
      got.put("sqlState", e.sqlState());
      got.put("vendorCode", e.vendorCode());
      got.keySet().retainAll(c.getJsonObject("raises").fieldNames());
      assertThat(got).as(v.toString()).isEqualTo(c.getJsonObject("raises").getMap());
      return;
    }
    for (int i = 1; i < c.getInteger("repeat", 1); i++) {
      call(c);
    }
    Object out = call(c);
    Object returns = c.getValue("returns");
    switch (c.getString("call")) {
      case "execute" -> check(v + "", (JsonObject) returns, (ResultSet) out);
      case "batch", "call" -> check(v + "", (JsonObject) returns, (BatchResult) out);
      case "operations" -> {
        JsonArray ops = new JsonArray();
        for (Operation o : (List<Operation>) out) {
          ops.add(new JsonObject().put("name", o.name()).put("readOnly", o.readOnly()).put("steps", o.steps()));
        }
        assertThat(Vectors.mismatches(returns, ops)).as(v.toString()).isEmpty();
      }
      default -> assertThat(out).as(v.toString()).isNotNull();
    }
  }

  private static Object call(JsonObject c) {
    TxOptions options = options(c.getJsonObject("options", new JsonObject()));
    return switch (c.getString("call")) {
      case "execute" -> db.execute(statement(c), options);
      case "batch" -> db.batch(c.getJsonArray("steps").stream().map(s -> statement((JsonObject) s)).toList(), options);
      case "call" -> {
        Map<String, Object> args = new LinkedHashMap<>();
        c.getJsonObject("args", new JsonObject()).forEach(e -> args.put(e.getKey(), java(e.getValue())));
        yield db.call(c.getString("name"), args, options);
      }
      case "operations" -> db.operations();
      case "hello" -> db.hello();
      case "ping" -> {
        db.ping();
        yield Boolean.TRUE;
      }
      default -> throw new IllegalArgumentException(c.getString("call"));
    };
  }

  private static Statement statement(JsonObject s) {
    List<Object> params = new ArrayList<>();
    s.getJsonArray("params", new JsonArray()).forEach(p -> params.add(java(p)));
    Statement st = Statement.ofList(s.getString("sql"), params);
    JsonObject expect = s.getJsonObject("expect");
    if (expect != null && expect.containsKey("affectedRows")) {
      st = st.expectAffectedRows(expect.getLong("affectedRows"));
    }
    if (expect != null && expect.containsKey("rowCount")) {
      st = st.expectRowCount(expect.getLong("rowCount"));
    }
    return st;
  }

  private static TxOptions options(JsonObject o) {
    TxOptions options = TxOptions.create();
    if (o.containsKey("isolation")) {
      options.isolation(Isolation.valueOf(o.getString("isolation")));
    }
    if (o.containsKey("readOnly")) {
      options.readOnly(o.getBoolean("readOnly"));
    }
    if (o.containsKey("requestKey")) {
      options.requestKey(o.getString("requestKey"));
    }
    if (o.containsKey("maxAttempts")) {
      options.maxAttempts(o.getInteger("maxAttempts"));
    }
    if (o.containsKey("timeoutMs")) {
      options.timeoutMs(o.getInteger("timeoutMs"));
    }
    if (o.containsKey("consistency")) {
      options.consistency(io.txgate.client.Consistency.valueOf(o.getString("consistency").toUpperCase(java.util.Locale.ROOT)));
    }
    if (o.containsKey("traceparent")) {
      options.traceparent(o.getString("traceparent"));
    }
    // An option this runner does not know would otherwise be dropped, and its vector pass untested.
    java.util.Set<String> unknown = new java.util.TreeSet<>(o.fieldNames());
    unknown.removeAll(java.util.Set.of("isolation", "readOnly", "requestKey", "maxAttempts", "timeoutMs", "consistency",
      "traceparent"));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("options this runner does not map to TxOptions: " + unknown);
    }
    return options;
  }

  private static final Pattern TIME = Pattern.compile("^(-)?(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?$");

  /** README, "Typed values": a typed value as the Java value the client sends and returns. */
  static Object java(Object t) {
    if (t instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      return n instanceof Double || n instanceof Float ? (Object) n.doubleValue() : (Object) d.longValueExact();
    }
    if (!(t instanceof JsonObject o) || o.size() != 1) {
      return t;
    }
    String k = o.fieldNames().iterator().next();
    String x = o.getString(k);
    switch (k) {
      case "$int": {
        BigInteger b = new BigInteger(x);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
      }
      case "$decimal":
        return new BigDecimal(x);
      case "$bytes":
        return java.util.Base64.getDecoder().decode(x);
      case "$date":
        return LocalDate.parse(x);
      case "$datetime":
        return LocalDateTime.parse(x.replace(' ', 'T'));
      case "$time": {
        Matcher m = TIME.matcher(x);
        assertThat(m.matches()).as(x).isTrue();
        Duration d = Duration.ofHours(Long.parseLong(m.group(2))).plusMinutes(Long.parseLong(m.group(3)))
          .plusSeconds(Long.parseLong(m.group(4)))
          .plusNanos(m.group(5) == null ? 0 : Long.parseLong((m.group(5) + "00000000").substring(0, 9)));
        return m.group(1) != null ? d.negated() : d;
      }
      default:
        return t;
    }
  }

  private static void check(String where, JsonObject expected, BatchResult r) {
    for (String k : expected.fieldNames()) {
      switch (k) {
        case "results" -> {
          JsonArray results = expected.getJsonArray(k);
          assertThat(r.size()).as(where).isEqualTo(results.size());
          for (int i = 0; i < results.size(); i++) {
            check(where + " results[" + i + "]", results.getJsonObject(i), r.get(i));
          }
        }
        case "attempts" -> assertThat(r.attempts()).as(where + " attempts").isEqualTo(expected.getInteger(k));
        case "replayed" -> assertThat(r.replayed()).as(where + " replayed").isEqualTo(expected.getBoolean(k));
        default -> throw new IllegalArgumentException(k);
      }
    }
  }

  private static void check(String where, JsonObject expected, ResultSet r) {
    for (String k : expected.fieldNames()) {
      Object x = expected.getValue(k);
      switch (k) {
        case "columns" -> assertThat(r.columns()).as(where + " columns").isEqualTo(((JsonArray) x).getList());
        case "types" -> assertThat(r.types()).as(where + " types").isEqualTo(((JsonArray) x).getList());
        case "affectedRows" -> assertThat(r.affectedRows()).as(where + " affectedRows").isEqualTo(((Number) x).longValue());
        case "lastInsertId" -> assertThat(r.lastInsertId()).as(where + " lastInsertId")
          .isEqualTo(new BigInteger(java(x).toString()));
        case "attempts" -> assertThat(r.attempts()).as(where + " attempts").isEqualTo(((Number) x).intValue());
        case "replayed" -> assertThat(r.replayed()).as(where + " replayed").isEqualTo(x);
        case "rows" -> {
          JsonArray rows = (JsonArray) x;
          assertThat(r.size()).as(where + " rows").isEqualTo(rows.size());
          for (int i = 0; i < rows.size(); i++) {
            JsonArray row = rows.getJsonArray(i);
            for (int j = 0; j < row.size(); j++) {
              Object e = java(row.getValue(j));
              Object a = r.row(i).getObject(j);
              String at = where + " row " + i + " column " + j + ": expected " + e + ", got " + a;
              if (e instanceof byte[] b) {
                assertThat(a).as(at).isInstanceOf(byte[].class);
                assertThat(Arrays.equals(b, (byte[]) a)).as(at).isTrue();
              } else {
                assertThat(Objects.equals(e, a)).as(at).isTrue();
              }
            }
          }
        }
        default -> throw new IllegalArgumentException(k);
      }
    }
  }
}
