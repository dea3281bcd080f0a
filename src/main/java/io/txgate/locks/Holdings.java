package io.txgate.locks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which txgate session holds each pooled database connection now, keyed by the connection's
 * {@code CONNECTION_ID()}, and which held it a moment ago.
 *
 * <p>The request path pays a map put when a request borrows a connection and a remove (plus a slot
 * of a fixed ring) when it gives it back; nothing is described until someone looks. The ring keeps
 * the last {@value #HISTORY} releases because a deadlock is read after the fact: by then the
 * transaction that won has usually committed and its connection serves another request.
 */
public final class Holdings {

  /** Releases remembered for mapping a deadlock's thread ids after the fact. */
  static final int HISTORY = 256;

  /**
   * One borrowing: the connection, the session, what it ran when it borrowed (the session moves on
   * to its next request; this does not), and since when.
   */
  public record Held(long connectionId, Holder holder, Holder.Activity activity, long sinceMillis) {
  }

  private final ConcurrentHashMap<Long, Held> current = new ConcurrentHashMap<>();
  private final Held[] recent = new Held[HISTORY];
  private final long[] releasedAt = new long[HISTORY];
  private int next;
  private volatile Runnable onDeadlock;

  /** A request of {@code holder} borrowed the connection with database id {@code connectionId}. */
  public void borrowed(long connectionId, Holder holder) {
    if (connectionId > 0) {
      current.put(connectionId, new Held(connectionId, holder, holder.activity(), System.currentTimeMillis()));
    }
  }

  /** The connection went back to the pool, or was closed. */
  public void released(long connectionId) {
    Held h = current.remove(connectionId);
    if (h != null) {
      remember(h);
    }
  }

  private synchronized void remember(Held h) {
    recent[next] = h;
    releasedAt[next] = System.currentTimeMillis();
    next = (next + 1) % HISTORY;
  }

  /** Who holds the connection now; null when nobody (or not a txgate request) does. */
  public Held holding(long connectionId) {
    return current.get(connectionId);
  }

  /** Whether some request has held its connection for more than {@code ms}. */
  public boolean heldLongerThan(long ms, long nowMillis) {
    for (Held h : current.values()) {
      if (nowMillis - h.sinceMillis() > ms) {
        return true;
      }
    }
    return false;
  }

  /**
   * Who held each connection around now: every current holder, and for a connection free now, the
   * last holder that released it within {@code windowMs}.
   */
  public Map<Long, Held> around(long windowMs) {
    Map<Long, Held> seen = new HashMap<>();
    long since = System.currentTimeMillis() - windowMs;
    synchronized (this) {
      // Oldest first, so that a later release of the same connection wins.
      for (int i = 0; i < HISTORY; i++) {
        int k = (next + i) % HISTORY;
        if (recent[k] != null && releasedAt[k] >= since) {
          seen.put(recent[k].connectionId(), recent[k]);
        }
      }
    }
    seen.putAll(current);
    return seen;
  }

  /** The last holder of a connection, now or in the remembered releases; null when none is known. */
  public Held lastHolder(long connectionId) {
    Held now = current.get(connectionId);
    if (now != null) {
      return now;
    }
    synchronized (this) {
      for (int i = 1; i <= HISTORY; i++) {
        Held h = recent[(next - i + HISTORY) % HISTORY];
        if (h != null && h.connectionId() == connectionId) {
          return h;
        }
      }
    }
    return null;
  }

  /** A request's statement failed with a deadlock (1213); called on the pool's loop. */
  public void deadlocked() {
    Runnable r = onDeadlock;
    if (r != null) {
      r.run();
    }
  }

  /** What to do after a deadlock; one listener. */
  void onDeadlock(Runnable r) {
    onDeadlock = r;
  }
}
