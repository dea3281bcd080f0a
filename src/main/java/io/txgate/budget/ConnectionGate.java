package io.txgate.budget;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * A node-local limit in front of the pool: a request passes it before it borrows a connection and
 * gives its permit back once the connection is back in the pool (or closed). The pool's own maximum
 * stays fixed; the gate's limit moves with this node's share of the connection budget.
 *
 * <p>First come, first served: permits go to waiters in arrival order. A shrink interrupts nothing:
 * connections in use drain down to the new limit as they come back, and no one passes until they
 * have. A grow lets waiters through at once. At most {@code maxQueue} requests wait; one more fails
 * at once with the same BUSY the pool's full wait queue gives.
 *
 * <p>Confined to one context (the pool's loop, {@link io.txgate.db.DbLoop}): every method but the
 * readers must be called on it. The readers ({@link #limit()}, {@link #inUse()}, {@link #waiting()})
 * may be called from anywhere.
 */
public final class ConnectionGate {

  /** The right to hold one pooled connection. Giving it back twice is harmless: only the first counts. */
  public interface Permit {
    void release();
  }

  private final int maxQueue;
  /** The waiters in arrival order, by the future each was given, so that a withdrawal is O(1). */
  private final LinkedHashMap<Future<Permit>, Promise<Permit>> queue = new LinkedHashMap<>();
  private volatile int limit;
  private volatile int inUse;
  private volatile int waiting;
  private volatile String why = "";
  private Runnable onFree = () -> { };

  /**
   * @param limit how many permits may be out at once, 0 or more
   * @param maxQueue how many requests may wait for one ({@code db.maxWaitQueue})
   */
  public ConnectionGate(int limit, int maxQueue) {
    this.limit = Math.max(0, limit);
    this.maxQueue = maxQueue;
  }

  /**
   * A permit when one is free, in arrival order; failed at once with BUSY when {@code maxQueue}
   * requests already wait. A waiter that gives up must {@link #withdraw} its ticket.
   */
  public Future<Permit> enter() {
    if (queue.isEmpty() && inUse < limit) {
      return Future.succeededFuture(grant());
    }
    if (queue.size() >= maxQueue) {
      return Future.failedFuture(new ProtocolException(ErrorCode.BUSY,
        "too many requests are waiting for a database connection"));
    }
    Promise<Permit> ticket = Promise.promise();
    queue.put(ticket.future(), ticket);
    waiting = queue.size();
    return ticket.future();
  }

  /** Takes a ticket that is still waiting out of the queue; false when it was served already. */
  public boolean withdraw(Future<Permit> ticket) {
    boolean removed = queue.remove(ticket) != null;
    waiting = queue.size();
    return removed;
  }

  /**
   * Sets the limit. Lowering it takes nothing away from those who hold a permit; raising it serves
   * waiters at once.
   *
   * @param why what the limit stands for, for a BUSY answer while it is 0
   */
  public void limit(int newLimit, String why) {
    this.limit = Math.max(0, newLimit);
    this.why = why;
    serve();
  }

  /** Runs {@code action} each time a permit comes back (on the gate's context). */
  public void onFree(Runnable action) {
    this.onFree = action;
  }

  public int limit() {
    return limit;
  }

  public int inUse() {
    return inUse;
  }

  public int waiting() {
    return waiting;
  }

  /** What the limit stands for, as given to {@link #limit(int, String)}. */
  public String why() {
    return why;
  }

  private Permit grant() {
    inUse++;
    return new Permit() {
      private boolean released;

      @Override
      public void release() {
        if (released) {
          return;
        }
        released = true;
        inUse--;
        serve();
        onFree.run();
      }
    };
  }

  private void serve() {
    Iterator<Promise<Permit>> it = queue.values().iterator();
    while (inUse < limit && it.hasNext()) {
      Promise<Permit> next = it.next();
      it.remove();
      waiting = queue.size();
      // The waiter's handler runs here and may give the permit straight back (it gave up
      // meanwhile): that re-enters serve, which serves and removes waiters of its own, so the
      // iteration here starts afresh after it.
      Permit p = grant();
      next.complete(p);
      it = queue.values().iterator();
    }
    waiting = queue.size();
  }
}
