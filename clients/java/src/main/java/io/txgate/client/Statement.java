package io.txgate.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SQL statement with its {@code ?} parameters and an optional expectation (PROTOCOL.md section
 * 3.6): an {@code execute}, or one step of a {@code batch}. Immutable.
 *
 * <pre>{@code
 * Statement.of("UPDATE accounts SET balance = ? WHERE id = ? AND version = ?", new BigDecimal("990.00"), 1, 7)
 *     .expectAffectedRows(1)
 * }</pre>
 */
public final class Statement {

  private final String sql;
  private final List<Object> params;
  private final Long expectAffectedRows;
  private final Long expectRowCount;

  private Statement(String sql, List<Object> params, Long expectAffectedRows, Long expectRowCount) {
    if (sql == null) {
      throw new IllegalArgumentException("sql is required");
    }
    this.sql = sql;
    this.params = params;
    this.expectAffectedRows = expectAffectedRows;
    this.expectRowCount = expectRowCount;
  }

  /** A statement; each parameter is mapped as {@link Values#toWire} says. */
  public static Statement of(String sql, Object... params) {
    return ofList(sql, params == null ? Collections.singletonList(null) : Arrays.asList(params));
  }

  /** A statement with its parameters in a list. */
  public static Statement ofList(String sql, List<?> params) {
    return new Statement(sql, Collections.unmodifiableList(new ArrayList<>(params)), null, null);
  }

  /** The statement must affect (for an UPDATE: match) exactly {@code n} rows, or the transaction rolls back with CONFLICT. */
  public Statement expectAffectedRows(long n) {
    return new Statement(sql, params, n, expectRowCount);
  }

  /** The statement must return exactly {@code n} rows, or the transaction rolls back with CONFLICT. */
  public Statement expectRowCount(long n) {
    return new Statement(sql, params, expectAffectedRows, n);
  }

  public String sql() {
    return sql;
  }

  public List<Object> params() {
    return params;
  }

  void writeTo(Map<String, Object> target) {
    target.put("sql", sql);
    List<Object> wire = new ArrayList<>(params.size());
    for (Object p : params) {
      wire.add(Values.toWire(p));
    }
    target.put("params", wire);
    if (expectAffectedRows != null || expectRowCount != null) {
      Map<String, Object> expect = new LinkedHashMap<>();
      if (expectAffectedRows != null) {
        expect.put("affectedRows", expectAffectedRows);
      }
      if (expectRowCount != null) {
        expect.put("rowCount", expectRowCount);
      }
      target.put("expect", expect);
    }
  }
}
