/**
 * MySQL values in PROTOCOL.md's terms: how a value the MySQL client reads becomes its JSON form, the
 * wire type of each client column type, spatial values as Well-Known Text. The one package besides
 * the database code that knows the MySQL client's data types.
 */
package io.txgate.sql;
