package io.txgate.ops;

import io.txgate.protocol.Params;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** The types a named operation's parameter can have, and how a JSON argument becomes a SQL value. */
public enum ParamType {
  /** A whole number within 64 bits: a JSON integer, or a string of digits. */
  INTEGER("a whole number"),
  /** An exact decimal: a string like "10.50" (or a JSON number, taken by its text). */
  DECIMAL("a decimal number, e.g. \"10.50\""),
  /** A floating-point number. */
  NUMBER("a number"),
  STRING("a string"),
  BOOLEAN("true or false"),
  /** An ISO-8601 date string, e.g. "2024-02-29". */
  DATE("a date like \"2024-02-29\""),
  /** An ISO-8601 local date-time string, e.g. "2024-02-29T12:00:00". */
  DATETIME("a date-time like \"2024-02-29T12:00:00\" or \"2024-02-29 12:00:00\""),
  /** Bytes, as {"$base64": "..."}. */
  BINARY("{\"$base64\": \"...\"}");

  private final String expected;

  ParamType(String expected) {
    this.expected = expected;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ParamType of(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  /**
   * Converts an argument to the value bound for it.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public Object bind(Object v) {
    if (v == null) {
      return null;
    }
    try {
      switch (this) {
        case INTEGER:
          if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
          }
          if (v instanceof String s && s.matches("-?\\d{1,19}")) {
            return new BigInteger(s).longValueExact();
          }
          break;
        case DECIMAL:
          if (v instanceof String s) {
            return new BigDecimal(s.trim()).toPlainString();
          }
          if (v instanceof Number n) {
            return new BigDecimal(n.toString()).toPlainString();
          }
          break;
        case NUMBER:
          if (v instanceof Number n) {
            return n.doubleValue();
          }
          break;
        case STRING:
          if (v instanceof String) {
            return v;
          }
          break;
        case BOOLEAN:
          if (v instanceof Boolean) {
            return v;
          }
          break;
        case DATE:
          if (v instanceof String s) {
            return LocalDate.parse(s).toString();
          }
          break;
        case DATETIME:
          if (v instanceof String s) {
            // ISO 8601 with "T", or SQL's own form with a space, which is what MySQL prints and
            // what Python's str(datetime) gives: the server accepts both, and so does txgate.
            LocalDateTime.parse(s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s);
            return s;
          }
          break;
        case BINARY:
          if (v instanceof JsonObject) {
            return Params.fromJson(v, 0);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      // fall through to the message below
    } catch (RuntimeException e) {
      // a malformed $base64 value
    }
    throw new IllegalArgumentException("must be " + expected);
  }
}
