package io.txgate.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One SQL statement with its positional parameters, already converted from JSON to the values the
 * MySQL client binds (see {@link Values#toSql}). A null parameter is SQL NULL.
 */
public record Statement(String sql, List<Object> params) {

  public Statement {
    // Not List.copyOf: it rejects nulls, and SQL NULL is a legal parameter.
    params = params == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(params));
  }
}
