package io.txgate.tx;

import java.util.function.Consumer;

/**
 * Tells a running request that it must stop, and why. Raised from the client connection's event
 * loop (an operator's kill, the client gone, shutdown) and heard on the pool's loop, so it is
 * thread-safe; the first reason wins.
 */
public final class StopSignal {

  /** Why a request stops before it finished on its own. */
  public enum Reason {
    /** Its deadline ({@code timeoutMs} or {@code tx.requestTimeoutMs}) passed. */
    DEADLINE,
    /** An operator killed its client session. */
    KILLED,
    /** The client's connection closed while the request ran. */
    CLIENT_GONE,
    /** The server shut down and the grace period for requests in flight ran out. */
    SHUTDOWN
  }

  private Reason reason;
  private Consumer<Reason> listener;

  /** Raises the signal; later reasons are ignored. */
  public void stop(Reason why) {
    Consumer<Reason> l;
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why;
      l = listener;
    }
    if (l != null) {
      l.accept(why);
    }
  }

  /** Why the request was stopped, or null while it may go on. */
  public synchronized Reason reason() {
    return reason;
  }

  /** Sets the one listener; called at once when the signal was already raised. */
  void onStop(Consumer<Reason> l) {
    Reason already;
    synchronized (this) {
      listener = l;
      already = reason;
    }
    if (already != null) {
      l.accept(already);
    }
  }
}
