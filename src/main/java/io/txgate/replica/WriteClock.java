package io.txgate.replica;

/**
 * When a client connection last committed a write, for read-your-writes: for a while after it,
 * the connection's {@code readOnly} requests go to the primary, which has the write, and not to a
 * replica that may not have it yet. One per client connection.
 */
public final class WriteClock {

  /** {@link System#nanoTime} of the last write's end; meaningless while {@code written} is false. */
  private volatile long lastWriteNanos;
  private volatile boolean written;

  /** A write of this connection has committed (or may have: its outcome is unknown). */
  public void wrote() {
    lastWriteNanos = System.nanoTime();
    written = true;
  }

  /** Whether the last write ended less than {@code ms} ago. */
  public boolean wroteWithin(long ms) {
    return written && ms > 0 && System.nanoTime() - lastWriteNanos < ms * 1_000_000L;
  }
}
