package io.txgate.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * One statement's result with typed access to its values, decoded exactly from their wire form:
 * {@code getLong}, {@code getBigInteger}, {@code getBigDecimal}, {@code getBytes}, dates and times.
 */
public final class ResultSet {

  private final List<String> columns;
  private final List<String> types;
  private final List<Row> rows;
  private final long affectedRows;
  private final String lastInsertId;
  private final Integer attempts;
  private final boolean replayed;

  ResultSet(JsonObject raw) {
    columns = strings(raw.getJsonArray("columns"));
    types = strings(raw.getJsonArray("types"));
    List<Row> out = new ArrayList<>();
    JsonArray rs = raw.getJsonArray("rows", new JsonArray());
    for (int i = 0; i < rs.size(); i++) {
      out.add(new Row(rs.getJsonArray(i)));
    }
    rows = Collections.unmodifiableList(out);
    affectedRows = raw.getLong("affectedRows", 0L);
    lastInsertId = String.valueOf(raw.getValue("lastInsertId", 0));
    attempts = raw.getInteger("attempts");
    replayed = raw.getBoolean("replayed", false);
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(v -> out.add((String) v));
    }
    return Collections.unmodifiableList(out);
  }

  public List<String> columns() {
    return columns;
  }

  /** Wire types per column: integer, decimal, float, string, binary, date, time, datetime, json, geometry. */
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

  public long affectedRows() {
    return affectedRows;
  }

  /** The AUTO_INCREMENT value an INSERT generated (unsigned 64-bit, hence a BigInteger). */
  public BigInteger lastInsertId() {
    return new BigInteger(lastInsertId);
  }

  /** How often the transaction ran (execute results only), or null. */
  public Integer attempts() {
    return attempts;
  }

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

  /** One row; values by position (from 0) or by column name. */
  public final class Row {
    private final JsonArray values;

    Row(JsonArray values) {
      this.values = values;
    }

    public boolean isNull(int i) {
      return values.getValue(i) == null;
    }

    /** The raw JSON value. */
    public Object raw(int i) {
      return values.getValue(i);
    }

    public String getString(int i) {
      Object v = values.getValue(i);
      return v == null ? null : v instanceof String s ? s : String.valueOf(v);
    }

    public Long getLong(int i) {
      Object v = values.getValue(i);
      return v == null ? null : v instanceof Number n ? n.longValue() : Long.valueOf((String) v);
    }

    public BigInteger getBigInteger(int i) {
      Object v = values.getValue(i);
      return v == null ? null : new BigInteger(v.toString());
    }

    public Integer getInteger(int i) {
      Long l = getLong(i);
      return l == null ? null : Math.toIntExact(l);
    }

    public BigDecimal getBigDecimal(int i) {
      Object v = values.getValue(i);
      return v == null ? null : new BigDecimal(v.toString());
    }

    public Double getDouble(int i) {
      Object v = values.getValue(i);
      return v == null ? null : v instanceof Number n ? n.doubleValue() : Double.valueOf(v.toString());
    }

    public byte[] getBytes(int i) {
      Object v = values.getValue(i);
      return v == null ? null : Base64.getDecoder().decode(((JsonObject) v).getString("$base64"));
    }

    public LocalDate getLocalDate(int i) {
      String s = getString(i);
      return s == null ? null : LocalDate.parse(s);
    }

    public LocalDateTime getLocalDateTime(int i) {
      String s = getString(i);
      return s == null ? null : LocalDateTime.parse(s);
    }

    /** A TIME value ({@code [-]hh:mm:ss[.ffffff]}, hours beyond 24 allowed). */
    public Duration getDuration(int i) {
      String s = getString(i);
      if (s == null) {
        return null;
      }
      boolean negative = s.startsWith("-");
      String[] p = (negative ? s.substring(1) : s).split(":");
      String[] sec = p[2].split("\\.");
      Duration d = Duration.ofHours(Long.parseLong(p[0])).plusMinutes(Long.parseLong(p[1]))
        .plusSeconds(Long.parseLong(sec[0]));
      if (sec.length > 1) {
        d = d.plusNanos(Long.parseLong((sec[1] + "000000").substring(0, 6)) * 1000);
      }
      return negative ? d.negated() : d;
    }

    public String getString(String column) {
      return getString(index(column));
    }

    public Long getLong(String column) {
      return getLong(index(column));
    }

    public BigDecimal getBigDecimal(String column) {
      return getBigDecimal(index(column));
    }

    public byte[] getBytes(String column) {
      return getBytes(index(column));
    }
  }
}
