package io.txgate.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The value mapping of PROTOCOL.md section 4, both ways.
 *
 * <p>Java to the wire (parameters and arguments): {@code null}, {@code Boolean}, {@code String},
 * {@code Integer}/{@code Long}/{@code Short}/{@code Byte} as numbers; {@code BigInteger} as a number
 * within 64 signed bits, else as its decimal digits in a string; {@code BigDecimal} as its exact plain
 * text in a string (never a double); {@code Double}/{@code Float} as numbers; {@code byte[]} as
 * {@code {"$base64": ...}}; {@code LocalDate} as {@code 2024-02-29}; {@code LocalDateTime} as
 * {@code 2024-02-29T23:59:59[.ffffff]} (always with seconds); {@code LocalTime} as
 * {@code 23:59:59[.ffffff]}; {@code Duration} as a TIME, {@code [-]hhh:mm:ss[.ffffff]}, hours beyond
 * 24 allowed; {@code UUID} as its text; maps and lists element by element (for {@code call}
 * arguments). Time-zoned types ({@code Instant}, {@code OffsetDateTime}, {@code ZonedDateTime}) are
 * refused: MySQL DATETIME and TIMESTAMP values carry no offset, so convert to a
 * {@code LocalDateTime} in the database session's time zone first.
 *
 * <p>The wire to Java (results): see {@link ResultSet.Row#getObject(int)}.
 */
public final class Values {

  private Values() {
  }

  /** The JSON value that carries {@code value} to txgate. */
  public static Object toWire(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long
      || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return value;
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("a parameter cannot be " + d);
      }
      return d;
    }
    if (value instanceof Float f) {
      return toWire(Double.valueOf(f.toString()));
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
    }
    if (value instanceof byte[] bytes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("$base64", Base64.getEncoder().encodeToString(bytes));
      return m;
    }
    if (value instanceof LocalDate d) {
      return d.toString();
    }
    if (value instanceof LocalDateTime t) {
      return t.toLocalDate() + "T" + time(t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }
    if (value instanceof LocalTime t) {
      return time(t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }
    if (value instanceof Duration d) {
      Duration abs = d.abs();
      long s = abs.getSeconds();
      return (d.isNegative() ? "-" : "") + time(s / 3600, (int) (s / 60 % 60), (int) (s % 60), abs.getNano());
    }
    if (value instanceof UUID u) {
      return u.toString();
    }
    if (value instanceof Character c) {
      return c.toString();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), toWire(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(toWire(v)));
      return out;
    }
    if (value instanceof Temporal) {
      throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " has a time zone or offset,"
        + " which MySQL does not keep: convert it to a LocalDateTime in the database session's time zone");
    }
    throw new IllegalArgumentException("no wire form for a " + value.getClass().getName());
  }

  private static String time(long hours, int minutes, int seconds, int nanos) {
    String hms = String.format("%02d:%02d:%02d", hours, minutes, seconds);
    if (nanos == 0) {
      return hms;
    }
    String f = String.format("%09d", nanos);
    int end = f.length();
    while (end > 6 && f.charAt(end - 1) == '0') {
      end--;
    }
    return hms + "." + f.substring(0, end);
  }

  /** Reads a TIME value, {@code [-]h+:mm:ss[.f+]}. */
  static Duration parseTime(String s) {
    boolean negative = s.startsWith("-");
    String[] p = (negative ? s.substring(1) : s).split(":");
    if (p.length != 3) {
      throw new IllegalArgumentException("not a TIME value: " + s);
    }
    String[] sec = p[2].split("\\.");
    Duration d = Duration.ofHours(Long.parseLong(p[0])).plusMinutes(Long.parseLong(p[1]))
      .plusSeconds(Long.parseLong(sec[0]));
    if (sec.length > 1) {
      d = d.plusNanos(Long.parseLong((sec[1] + "000000000").substring(0, 9)));
    }
    return negative ? d.negated() : d;
  }

  /** Reads an {@code integer} value in either of its wire forms: a number, or a string of digits. */
  static BigInteger integer(Object v) {
    if (v instanceof BigInteger b) {
      return b;
    }
    if (v instanceof Long || v instanceof Integer) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof Number n) {
      return new BigDecimal(n.toString()).toBigIntegerExact();
    }
    return new BigInteger(v.toString());
  }

  /** Decodes a {@code {"$base64": ...}} value. */
  static byte[] bytes(Object v) {
    if (v instanceof Map<?, ?> m && m.get("$base64") instanceof String s) {
      return Base64.getDecoder().decode(s);
    }
    throw new IllegalArgumentException("not a binary value: " + v);
  }
}
