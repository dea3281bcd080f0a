/** One request, one transaction: running statements on a pooled connection, statement guards and error translation. */
package io.txgate.tx;
