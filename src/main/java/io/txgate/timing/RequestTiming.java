package io.txgate.timing;

import io.txgate.protocol.Step;
import java.util.List;

/**
 * Where one request's time went, in nanoseconds: queueing behind earlier requests on its client
 * connection, waiting for a database connection (the connection budget's gate and the pool
 * together), in the database (statements, START TRANSACTION, COMMIT, ROLLBACK, resets between
 * attempts) and in retry backoff. One per request that reaches the database; written by its session
 * (queue) and its transaction's execution (the rest), each at its own boundaries with {@link
 * System#nanoTime}, and read once it has been answered.
 *
 * <p>Plain fields, no synchronisation: the execution runs on the pool's loop, and its answer reaches
 * the session's loop through Vert.x's task queue, which orders the writes before the read. The
 * execution writes nothing once it has answered. The parts add up: a request that fell back from a
 * replica to the primary has both runs in them.
 */
public final class RequestTiming {

  /** From the moment its line was complete to the moment it started, behind earlier requests. */
  public long queueNanos;
  public long waitNanos;
  public long dbNanos;
  public long backoffNanos;
  /** Attempts made (1 when no conflict was retried); 0 when it never ran. */
  public int attempts;
  /** The statements it ran (a named operation's, bound): what the slow log fingerprints. */
  private List<Step> steps;

  public RequestTiming(long queueNanos) {
    this.queueNanos = queueNanos;
  }

  public List<Step> steps() {
    return steps;
  }

  public void steps(List<Step> s) {
    steps = s;
  }
}
