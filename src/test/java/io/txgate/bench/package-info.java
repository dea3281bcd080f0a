/** The benchmark: a closed-loop load generator against txgate and against the database directly. */
package io.txgate.bench;
