/** Lock waits and deadlocks between real sessions, seen through GET /api/locks and the console. */
package io.txgate.locks;
