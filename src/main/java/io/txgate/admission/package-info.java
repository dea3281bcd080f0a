/**
 * Conflict-aware admission: when transactions of one kind keep colliding (deadlocks, lock wait
 * timeouts, snapshot conflicts), fewer of them are let into the database at once and the rest wait
 * their turn, so that the conflicting work converges instead of burning connections on retries.
 * Work of other kinds is not limited at all.
 */
package io.txgate.admission;
