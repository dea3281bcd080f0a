/** The database side: the shared MySQL pool, the embedded development database and schema loading. */
package io.txgate.db;
