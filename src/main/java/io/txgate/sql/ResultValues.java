package io.txgate.sql;

import io.txgate.protocol.Params;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.mysqlclient.data.spatial.Geometry;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Converts the values the MySQL client reads from a result into their JSON form. PROTOCOL.md
 * section 4 has the full table; a few rows of it:
 *
 * <pre>
 * BIGINT 42                      -> 42
 * BIGINT UNSIGNED 2^64 - 1       -> "18446744073709551615"
 * DECIMAL(12,2) 10.50            -> "10.50"
 * VARBINARY 0xDEAD               -> {"$base64": "3q0="}
 * DATETIME(6) 2024-01-31 23:05:01.123456 -> "2024-01-31T23:05:01.123456"
 * TIME 838:59:59                 -> "838:59:59"
 * POINT(1 2)                     -> "POINT(1 2)"
 * </pre>
 *
 * <p>Integers within +/-(2^53 - 1) are JSON numbers and larger ones strings, because most JSON
 * parsers (JavaScript's among them) read every number as a double. DECIMAL is always a string.
 */
public final class ResultValues {

  /** The largest integer a double represents exactly: 2^53 - 1. */
  static final long MAX_SAFE = (1L << 53) - 1;

  private static final DateTimeFormatter DATETIME =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private ResultValues() {
  }

  /**
   * Converts one cell, knowing its column: the client's type name and its wire type (from
   * {@link WireTypes#of}).
   */
  public static Object cell(String clientType, String wireType, Object v) {
    if (v instanceof Long bits && bits < 0 && clientType.equals("BIT")) {
      // BIT(64) arrives as a signed long; its value is unsigned.
      return Long.toUnsignedString(bits);
    }
    if (v instanceof Numeric n) {
      // DECIMAL and BIGINT UNSIGNED both arrive as Numeric: the column type tells them apart.
      return wireType.equals("integer") ? integer(n) : n.bigDecimalValue().toPlainString();
    }
    return toJson(v);
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
      return Params.binary(b);
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
    if (v instanceof Geometry g) {
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
}
