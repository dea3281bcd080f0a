package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every MySQL column type, written through txgate as a bound parameter and read back through txgate:
 * the value a client gets must be exactly the value it stored, in the documented JSON form.
 */
class ColumnTypesTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeAll
  static void prepare() {
    TestSql.update("DELETE FROM t_types");
  }

  private static JsonObject b64(String base64) {
    return new JsonObject().put("$base64", base64);
  }

  /** column, JSON sent as the parameter, JSON expected back, wire type. */
  private record Case(String column, Object sent, Object expected, String type) {
  }

  private static final List<Case> CASES = List.of(
    new Case("c_tinyint", -128, -128, "integer"),
    new Case("c_utinyint", 255, 255, "integer"),
    new Case("c_smallint", -32768, -32768, "integer"),
    new Case("c_usmallint", 65535, 65535, "integer"),
    new Case("c_mediumint", -8388608, -8388608, "integer"),
    new Case("c_int", -2147483648, -2147483648, "integer"),
    new Case("c_uint", 4294967295L, 4294967295L, "integer"),
    new Case("c_bigint", 9223372036854775807L, "9223372036854775807", "integer"),
    new Case("c_ubigint", "18446744073709551615", "18446744073709551615", "integer"),
    new Case("c_decimal", "12345678901234567890.0123456789", "12345678901234567890.0123456789", "decimal"),
    new Case("c_float", 1.5, 1.5, "float"),
    new Case("c_double", 3.141592653589793, 3.141592653589793, "float"),
    new Case("c_bit", 9223372036854775807L, "9223372036854775807", "integer"),
    new Case("c_bool", true, 1, "integer"),
    new Case("c_char", "abc", "abc", "string"),
    new Case("c_varchar", "h\u00e9llo \uD83D\uDE00 \u4e2d\u6587 \u0000 end", "h\u00e9llo \uD83D\uDE00 \u4e2d\u6587 \u0000 end", "string"),
    new Case("c_tinytext", "tiny", "tiny", "string"),
    new Case("c_text", "line1\nline2\t\"quoted\"", "line1\nline2\t\"quoted\"", "string"),
    new Case("c_mediumtext", "m".repeat(70_000), "m".repeat(70_000), "string"),
    new Case("c_longtext", "\uD83D\uDE80".repeat(1000), "\uD83D\uDE80".repeat(1000), "string"),
    new Case("c_binary", b64("AAEC/w=="), b64("AAEC/w=="), "binary"),
    new Case("c_varbinary", b64("3q2+7w=="), b64("3q2+7w=="), "binary"),
    new Case("c_tinyblob", b64("AA=="), b64("AA=="), "binary"),
    new Case("c_blob", b64("/////w=="), b64("/////w=="), "binary"),
    new Case("c_mediumblob", b64("SGVsbG8="), b64("SGVsbG8="), "binary"),
    new Case("c_longblob", b64(""), b64(""), "binary"),
    new Case("c_date", "2024-02-29", "2024-02-29", "date"),
    new Case("c_time", "-838:59:59", "-838:59:59", "time"),
    new Case("c_datetime", "2024-02-29T23:59:59.999999", "2024-02-29T23:59:59.999999", "datetime"),
    new Case("c_timestamp", "2024-01-01 00:00:00", "2024-01-01T00:00:00", "datetime"),
    new Case("c_year", 2024, 2024, "integer"),
    new Case("c_enum", "medium", "medium", "string"),
    new Case("c_set", "a,c", "a,c", "string"));

  @Test
  void everyTypeRoundTripsExactly() throws Exception {
    StringBuilder cols = new StringBuilder("id");
    StringBuilder marks = new StringBuilder("?");
    List<Object> params = new ArrayList<>();
    params.add(1);
    for (Case c : CASES) {
      cols.append(", ").append(c.column());
      marks.append(", ?");
      params.add(c.sent());
    }
    try (WireClient client = server.connect()) {
      JsonObject ins = client.call(WireClient.execute(1,
        "INSERT INTO t_types (" + cols + ") VALUES (" + marks + ")", params.toArray()));
      assertThat(ins.getBoolean("ok")).as(ins.encode()).isTrue();

      JsonObject r = client.call(WireClient.execute(2, "SELECT " + cols + " FROM t_types WHERE id = ?", 1));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      JsonObject result = r.getJsonObject("result");
      JsonArray row = result.getJsonArray("rows").getJsonArray(0);
      for (int i = 0; i < CASES.size(); i++) {
        Case c = CASES.get(i);
        assertThat(result.getJsonArray("columns").getString(i + 1)).isEqualTo(c.column());
        assertThat(result.getJsonArray("types").getString(i + 1)).as(c.column()).isEqualTo(c.type());
        Object got = row.getValue(i + 1);
        if (c.expected() instanceof Number n && got instanceof Number g) {
          assertThat(g.doubleValue()).as(c.column()).isEqualTo(n.doubleValue());
          assertThat(g.longValue()).as(c.column()).isEqualTo(n.longValue());
        } else {
          assertThat(got).as(c.column()).isEqualTo(c.expected());
        }
      }
    }
  }

  @Test
  void nullRoundTripsInEveryColumn() throws Exception {
    StringBuilder cols = new StringBuilder();
    StringBuilder marks = new StringBuilder();
    List<Object> params = new ArrayList<>();
    for (Case c : CASES) {
      cols.append(", ").append(c.column());
      marks.append(", ?");
      params.add(null);
    }
    params.add(0, 2);
    try (WireClient client = server.connect()) {
      JsonObject ins = client.call(WireClient.execute(1,
        "INSERT INTO t_types (id" + cols + ", c_json, c_geometry) VALUES (?" + marks + ", ?, ?)",
        concat(params, null, null)));
      assertThat(ins.getBoolean("ok")).as(ins.encode()).isTrue();
      JsonObject r = client.call(WireClient.execute(2, "SELECT * FROM t_types WHERE id = ?", 2));
      JsonArray row = r.getJsonObject("result").getJsonArray("rows").getJsonArray(0);
      for (int i = 1; i < row.size(); i++) {
        assertThat(row.getValue(i)).as(r.getJsonObject("result").getJsonArray("columns").getString(i)).isNull();
      }
    }
  }

  @Test
  void jsonColumnsTravelAsTheirJsonText() throws Exception {
    try (WireClient client = server.connect()) {
      JsonObject ins = client.call(WireClient.execute(1, "INSERT INTO t_types (id, c_json) VALUES (?, ?)",
        3, "{\"a\": [1, 2.5, \"x\"], \"b\": null}"));
      assertThat(ins.getBoolean("ok")).as(ins.encode()).isTrue();
      JsonObject r = client.call(WireClient.execute(2, "SELECT c_json FROM t_types WHERE id = ?", 3));
      Object text = r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getValue(0);
      assertThat(text).isInstanceOf(String.class);
      assertThat(new JsonObject((String) text))
        .isEqualTo(new JsonObject().put("a", new JsonArray().add(1).add(2.5).add("x")).putNull("b"));
    }
  }

  @Test
  void geometryTravelsAsWellKnownText() throws Exception {
    try (WireClient client = server.connect()) {
      JsonObject ins = client.call(WireClient.execute(1,
        "INSERT INTO t_types (id, c_geometry) VALUES (?, ST_GeomFromText(?))", 4, "POLYGON((0 0,4 0,4 4,0 0))"));
      assertThat(ins.getBoolean("ok")).as(ins.encode()).isTrue();
      client.call(WireClient.execute(2,
        "INSERT INTO t_types (id, c_geometry) VALUES (?, ST_GeomFromText(?))", 5, "POINT(1.5 -2)"));
      JsonObject r = client.call(WireClient.execute(3, "SELECT c_geometry FROM t_types WHERE id IN (4, 5) ORDER BY id"));
      JsonObject result = r.getJsonObject("result");
      assertThat(result.getJsonArray("types").getString(0)).isEqualTo("geometry");
      assertThat(result.getJsonArray("rows")).containsExactly(
        new JsonArray().add("POLYGON((0 0,4 0,4 4,0 0))"), new JsonArray().add("POINT(1.5 -2)"));
    }
  }

  @Test
  void expressionsKeepTheirTypes() throws Exception {
    try (WireClient client = server.connect()) {
      JsonObject r = client.call(WireClient.execute(1,
        "SELECT ? AS big, ? + 0 AS sum, CAST(? AS DECIMAL(5,2)) AS d, ? AS nul, ? AS bin",
        "9007199254740993", 9007199254740991L, "1.005", null, b64("AP8=")));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      JsonArray row = r.getJsonObject("result").getJsonArray("rows").getJsonArray(0);
      assertThat(row.getValue(0)).isEqualTo("9007199254740993");
      assertThat(row.getValue(1)).isEqualTo(9007199254740991L);
      assertThat(row.getValue(2)).isEqualTo("1.01");
      assertThat(row.getValue(3)).isNull();
      assertThat(row.getValue(4)).isEqualTo(b64("AP8="));
    }
  }

  @Test
  void bitSixtyFourWithTheHighBitSetIsUnsigned() throws Exception {
    try (WireClient client = server.connect()) {
      JsonObject ins = client.call(WireClient.execute(1,
        "INSERT INTO t_types (id, c_bit) VALUES (?, CAST(? AS UNSIGNED))", 6, "18446744073709551615"));
      assertThat(ins.getBoolean("ok")).as(ins.encode()).isTrue();
      JsonObject r = client.call(WireClient.execute(2, "SELECT c_bit FROM t_types WHERE id = ?", 6));
      assertThat(r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getValue(0))
        .isEqualTo("18446744073709551615");
    }
  }

  private static Object[] concat(List<Object> head, Object... tail) {
    List<Object> all = new ArrayList<>(head);
    all.addAll(java.util.Arrays.asList(tail));
    return all.toArray();
  }
}
