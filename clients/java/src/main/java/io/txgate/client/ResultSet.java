package io.txgate.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One statement's result, with typed access to its values, decoded exactly from their wire form
 * (PROTOCOL.md section 4). {@link #attempts()} and {@link #replayed()} describe the transaction the
 * statement ran in: for a step of a batch or call they are the batch's.
 */
public final class ResultSet {

  private final List<String> columns;
  private final List<String> types;
  private final List<Row> rows;
  private final long affectedRows;
  private final BigInteger lastInsertId;
  private final Integer attempts;
  private final boolean replayed;

  ResultSet(Map<String, Object> raw, Integer attempts, boolean replayed) {
    columns = strings(raw.get("columns"));
    types = strings(raw.get("types"));
    List<Row> out = new ArrayList<>();
    for (Object r : Json.emptyIfNull(raw.get("rows"))) {
      out.add(new Row(Json.emptyIfNull(r)));
    }
    rows = Collections.unmodifiableList(out);
    affectedRows = raw.get("affectedRows") instanceof Number n ? n.longValue() : 0L;
    Object id = raw.get("lastInsertId");
    lastInsertId = id == null ? BigInteger.ZERO : Values.integer(id);
    this.attempts = attempts;
    this.replayed = replayed;
  }

  /** An execute's result: attempts and replayed are its own fields. */
  static ResultSet ofExecute(Map<String, Object> raw) {
    return new ResultSet(raw, attempts(raw), Boolean.TRUE.equals(raw.get("replayed")));
  }

  static Integer attempts(Map<String, Object> raw) {
    return raw.get("attempts") instanceof Number n ? Integer.valueOf(n.intValue()) : null;
  }

  private static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    for (Object v : Json.emptyIfNull(list)) {
      out.add((String) v);
    }
    return Collections.unmodifiableList(out);
  }

  /** Column names (labels), in order; empty for statements that return no rows. */
  public List<String> columns() {
    return columns;
  }

  /** Wire types per column: integer, decimal, float, string, binary, date, datetime, time, json, geometry. */
  public List<String> types() {
    return types;
  }

  public List<Row> rows() {
    return rows;
  }

  public int size() {
    return rows.size();
  }

  public Row row(int i) {
    return rows.get(i);
  }

  /** Rows inserted, deleted or matched by an UPDATE; 0 for a SELECT. */
  public long affectedRows() {
    return affectedRows;
  }

  /** The AUTO_INCREMENT value an INSERT generated (unsigned 64-bit, hence a BigInteger), else 0. */
  public BigInteger lastInsertId() {
    return lastInsertId;
  }

  /** How many times the transaction ran (1 unless a transient conflict was retried), or null if not reported. */
  public Integer attempts() {
    return attempts;
  }

  /** True when the answer is the stored result of an earlier request with the same requestKey: nothing ran again. */
  public boolean replayed() {
    return replayed;
  }

  private int index(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + columns);
    }
    return i;
  }

  /** One row; values by position (from 0) or by column name. SQL NULL is Java null in every getter. */
  public final class Row {
    private final List<Object> values;

    Row(List<Object> values) {
      this.values = values;
    }

    public int size() {
      return values.size();
    }

    public boolean isNull(int i) {
      return values.get(i) == null;
    }

    /** The raw JSON value: String, Long, BigInteger, Double, Boolean, Map (binary) or null. */
    public Object raw(int i) {
      return values.get(i);
    }

    /**
     * The value as the Java type of its column's wire type: integer as Long (BigInteger beyond 64
     * bits), decimal as BigDecimal, float as Double, binary as byte[], date as LocalDate, datetime as
     * LocalDateTime, time as Duration, string/json/geometry as String.
     */
    public Object getObject(int i) {
      Object v = values.get(i);
      if (v == null) {
        return null;
      }
      String type = i < types.size() ? types.get(i) : "";
      switch (type) {
        case "integer": {
          BigInteger b = Values.integer(v);
          return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        case "decimal":
          return getBigDecimal(i);
        case "float":
          return getDouble(i);
        case "binary":
          return getBytes(i);
        case "date":
          return getLocalDate(i);
        case "datetime":
          return getLocalDateTime(i);
        case "time":
          return getDuration(i);
        default:
          return v instanceof String ? v : v.toString();
      }
    }

    public String getString(int i) {
      Object v = values.get(i);
      return v == null ? null : v instanceof String s ? s : String.valueOf(v);
    }

    /** An integer that fits 64 signed bits; an ArithmeticException otherwise. */
    public Long getLong(int i) {
      Object v = values.get(i);
      return v == null ? null : v instanceof Long l ? l : Values.integer(v).longValueExact();
    }

    public Integer getInteger(int i) {
      Long l = getLong(i);
      return l == null ? null : Math.toIntExact(l);
    }

    /** Any integer, exactly, from either wire form (number or string of digits). */
    public BigInteger getBigInteger(int i) {
      Object v = values.get(i);
      return v == null ? null : Values.integer(v);
    }

    public BigDecimal getBigDecimal(int i) {
      Object v = values.get(i);
      return v == null ? null : new BigDecimal(v.toString());
    }

    public Double getDouble(int i) {
      Object v = values.get(i);
      return v == null ? null : v instanceof Number n ? n.doubleValue() : Double.valueOf(v.toString());
    }

    /** A non-zero integer (TINYINT(1), BOOLEAN) is true. */
    public Boolean getBoolean(int i) {
      Object v = values.get(i);
      return v == null ? null : v instanceof Boolean b ? b : Values.integer(v).signum() != 0;
    }

    public byte[] getBytes(int i) {
      Object v = values.get(i);
      return v == null ? null : Values.bytes(v);
    }

    public LocalDate getLocalDate(int i) {
      String s = getString(i);
      return s == null ? null : LocalDate.parse(s);
    }

    public LocalDateTime getLocalDateTime(int i) {
      String s = getString(i);
      return s == null ? null : LocalDateTime.parse(s.replace(' ', 'T'));
    }

    /** A TIME value ({@code [-]hh:mm:ss[.ffffff]}, hours beyond 24 allowed). */
    public Duration getDuration(int i) {
      String s = getString(i);
      return s == null ? null : Values.parseTime(s);
    }

    /** A TIME value within a day, as a time of day; a DateTimeException for other values. */
    public LocalTime getLocalTime(int i) {
      String s = getString(i);
      return s == null ? null : LocalTime.parse(s);
    }

    public Object getObject(String column) {
      return getObject(index(column));
    }

    public boolean isNull(String column) {
      return isNull(index(column));
    }

    public String getString(String column) {
      return getString(index(column));
    }

    public Long getLong(String column) {
      return getLong(index(column));
    }

    public Integer getInteger(String column) {
      return getInteger(index(column));
    }

    public BigInteger getBigInteger(String column) {
      return getBigInteger(index(column));
    }

    public BigDecimal getBigDecimal(String column) {
      return getBigDecimal(index(column));
    }

    public Double getDouble(String column) {
      return getDouble(index(column));
    }

    public Boolean getBoolean(String column) {
      return getBoolean(index(column));
    }

    public byte[] getBytes(String column) {
      return getBytes(index(column));
    }

    public LocalDate getLocalDate(String column) {
      return getLocalDate(index(column));
    }

    public LocalDateTime getLocalDateTime(String column) {
      return getLocalDateTime(index(column));
    }

    public Duration getDuration(String column) {
      return getDuration(index(column));
    }

    public LocalTime getLocalTime(String column) {
      return getLocalTime(index(column));
    }
  }
}
