/**
 * The database side: the shared MySQL pool and the loop it runs on, what txgate knows about each
 * pooled connection's session (its id, the server's status flags) and how to stop it, the
 * database's availability (start-up work, the circuit), the embedded development database and
 * schema loading.
 */
package io.txgate.db;
