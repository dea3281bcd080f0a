package io.txgate.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * The value mapping between JSON and MySQL, in both directions. PROTOCOL.md has the full table.
 *
 * <p>Results: integers within +/-(2^53 - 1) are JSON numbers and larger ones strings, because most
 * JSON parsers (JavaScript's among them) read every number as a double. DECIMAL is always a string.
 * Binary is {@code {"$base64": "..."}}. Dates and times are ISO-8601 strings.
 *
 * <p>Parameters: JSON strings, numbers, booleans and null bind as themselves; {@code {"$base64":
 * "..."}} binds bytes. Anything else is a {@link ErrorCode#BAD_REQUEST}.
 */
public final class Values {

  /** The key of the one-member object that marks binary data, both ways. */
  public static final String BASE64 = "$base64";

  /** The largest integer a double represents exactly: 2^53 - 1. */
  static final long MAX_SAFE = (1L << 53) - 1;

  private static final DateTimeFormatter DATETIME =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private Values() {
  }

  /** The wire type name of a column, from the MySQL client's type name. */
  public static String wireType(String clientType) {
    switch (clientType) {
      case "INT8": case "INT16": case "INT24": case "INT32": case "INT64":
      case "U_INT8": case "U_INT16": case "U_INT24": case "U_INT32": case "U_INT64":
      case "YEAR": case "BIT":
        return "integer";
      case "NUMERIC":
        return "decimal";
      case "FLOAT": case "DOUBLE":
        return "float";
      case "BINARY": case "VARBINARY": case "TINY_BLOB": case "BLOB": case "MEDIUM_BLOB": case "LONG_BLOB":
        return "binary";
      case "DATE":
        return "date";
      case "TIME":
        return "time";
      case "DATETIME": case "TIMESTAMP":
        return "datetime";
      case "JSON":
        return "json";
      case "GEOMETRY":
        return "geometry";
      case "NULL":
        return "null";
      default:
        return "string";
    }
  }

  /** Converts one result value to its JSON form. */
  public static Object toJson(Object v) {
    if (v == null || v == Tuple.JSON_NULL) {
      return v == null ? null : "null";
    }
    if (v instanceof String || v instanceof Boolean || v instanceof Double || v instanceof Float) {
      return v;
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
      return ((Number) v).intValue();
    }
    if (v instanceof Long l) {
      return (l <= MAX_SAFE && l >= -MAX_SAFE) ? l : l.toString();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() <= 53 ? (Object) b.longValue() : b.toString();
    }
    if (v instanceof Numeric n) {
      return decimal(n.bigDecimalValue());
    }
    if (v instanceof BigDecimal d) {
      return decimal(d);
    }
    if (v instanceof Buffer b) {
      return new JsonObject().put(BASE64, Base64.getEncoder().encodeToString(b.getBytes()));
    }
    if (v instanceof LocalDateTime t) {
      return datetime(t);
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    if (v instanceof Duration d) {
      return time(d);
    }
    if (v instanceof io.vertx.mysqlclient.data.spatial.Geometry g) {
      return Wkt.of(g);
    }
    // A MySQL JSON column arrives parsed (object, array, number, ...): send its text, the same shape
    // MariaDB gives, where JSON is a LONGTEXT.
    return Json.encode(v);
  }

  /** An integer column that may hold a number beyond 2^53 arrives as Long, BigInteger or Numeric. */
  public static Object integer(Object v) {
    if (v instanceof Numeric n) {
      BigInteger b = n.bigIntegerValue();
      return b.bitLength() <= 53 ? (Object) b.longValue() : b.toString();
    }
    return toJson(v);
  }

  private static String decimal(BigDecimal d) {
    return d.toPlainString();
  }

  /** ISO-8601 local date-time, always with seconds, plus microseconds when there are any. */
  static String datetime(LocalDateTime t) {
    String s = DATETIME.format(t);
    int nanos = t.getNano();
    return nanos == 0 ? s : s + fraction(nanos);
  }

  /**
   * TIME is an interval in MySQL (-838:59:59 to 838:59:59): ISO-8601's hh:mm:ss, with a sign and
   * more than two hour digits where MySQL's range needs them.
   */
  static String time(Duration d) {
    boolean negative = d.isNegative();
    Duration a = d.abs();
    long seconds = a.getSeconds();
    String s = String.format(Locale.ROOT, "%s%02d:%02d:%02d", negative ? "-" : "",
      seconds / 3600, (seconds / 60) % 60, seconds % 60);
    return a.getNano() == 0 ? s : s + fraction(a.getNano());
  }

  private static String fraction(int nanos) {
    return String.format(Locale.ROOT, ".%06d", nanos / 1000);
  }

  /**
   * Converts one JSON parameter to the value the MySQL client binds.
   *
   * @param index the parameter's position, for the error message
   */
  public static Object toSql(Object json, int index) {
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
      // Beyond 64 bits: MySQL converts the exact decimal text itself.
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
}
