/**
 * One request, one transaction: running statements on a pooled connection, deadlines and stops,
 * the guard that no connection is lent with a transaction open, statement guards (over the one SQL
 * lexer) and error translation.
 */
package io.txgate.tx;
