package io.txgate.sql;

/**
 * The wire type of a result column ({@code "types": ["integer", "decimal", "string"]}), from the
 * type name the MySQL client gives its column descriptor ({@code INT64}, {@code NUMERIC},
 * {@code VARSTRING}). PROTOCOL.md section 4 lists the wire types.
 */
public final class WireTypes {

  private WireTypes() {
  }

  /** The wire type name of a column, from the MySQL client's type name. */
  public static String of(String clientType) {
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
}
