/**
 * Who blocks whom: the database's lock waits and its last deadlock, joined to the txgate sessions
 * that hold the connections involved, through each pooled connection's {@code CONNECTION_ID()}.
 */
package io.txgate.locks;
