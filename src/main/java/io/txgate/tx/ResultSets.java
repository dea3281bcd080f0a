package io.txgate.tx;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.sql.WireTypes;
import io.txgate.sql.ResultValues;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collector;

/**
 * Collects a statement's rows with a ceiling, then renders the statement's result object:
 * {@code {"columns":["id","balance"],"types":["integer","decimal"],"rows":[[1,"100.00"]],
 * "affectedRows":0,"lastInsertId":0}}.
 *
 * <p>Rows beyond the ceiling are counted, not kept, so a runaway SELECT costs the server no more
 * memory than the ceiling allows; the request then fails with RESULT_TOO_LARGE.
 */
final class ResultSets {

  private ResultSets() {
  }

  /** Rows gathered by {@link #collector}. */
  static final class Rows {
    final List<Row> kept = new ArrayList<>();
    int seen;
  }

  static Collector<Row, Rows, Rows> collector(int maxRows) {
    Supplier<Rows> supplier = Rows::new;
    BiConsumer<Rows, Row> accumulator = (rows, row) -> {
      if (rows.seen++ < maxRows) {
        rows.kept.add(row);
      }
    };
    BinaryOperator<Rows> combiner = (a, b) -> {
      throw new UnsupportedOperationException("sequential only");
    };
    return Collector.of(supplier, accumulator, combiner, Function.identity());
  }

  /** Renders one statement's result, or fails when it had more rows than allowed. */
  static JsonObject render(SqlResult<Rows> result, int maxRows) {
    Rows rows = result.value();
    if (rows.seen > maxRows) {
      throw new ProtocolException(ErrorCode.RESULT_TOO_LARGE,
        "the statement returned " + rows.seen + " rows; the limit is " + maxRows);
    }
    List<ColumnDescriptor> descriptors = result.columnDescriptors();
    int width = descriptors == null ? 0 : descriptors.size();
    JsonArray columns = new JsonArray();
    JsonArray types = new JsonArray();
    String[] wire = new String[width];
    String[] client = new String[width];
    for (int c = 0; c < width; c++) {
      ColumnDescriptor d = descriptors.get(c);
      client[c] = d.typeName();
      wire[c] = WireTypes.of(client[c]);
      columns.add(d.name());
      types.add(wire[c]);
    }
    JsonArray out = new JsonArray(new ArrayList<>(rows.kept.size()));
    for (Row row : rows.kept) {
      List<Object> cells = new ArrayList<>(width);
      for (int c = 0; c < width; c++) {
        Object v = row.getValue(c);
        cells.add(ResultValues.cell(client[c], wire[c], v));
      }
      out.add(new JsonArray(cells));
    }
    // vertx-mysql-client (5.0.7, and its 5.x branches since) sets this property only when the OK
    // packet's id, read into a signed long, is above 0: an id of 2^63 or more (BIGINT UNSIGNED) reads
    // negative and is dropped, so it arrives null like "no id" and is answered 0. Nothing in the
    // result tells the two apart, and a SELECT LAST_INSERT_ID() afterwards could return an id that
    // an earlier statement on the pooled connection generated. Should the driver pass it, it is
    // negative here and written unsigned.
    Long lastInsertId = result.property(MySQLClient.LAST_INSERTED_ID);
    return new JsonObject()
      .put("columns", columns)
      .put("types", types)
      .put("rows", out)
      .put("affectedRows", width == 0 ? result.rowCount() : 0)
      .put("lastInsertId", lastInsertId == null ? 0
        : lastInsertId < 0 ? Long.toUnsignedString(lastInsertId) : ResultValues.toJson(lastInsertId));
  }
}
