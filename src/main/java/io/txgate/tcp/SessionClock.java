package io.txgate.tcp;

import io.vertx.core.Vertx;

/**
 * One clock for every session of one event loop: a single periodic timer that checks each
 * session's idle and authentication deadlines, instead of a Vert.x timer per connection. A timer
 * costs a connection about 200 bytes of heap (the handler, Netty's scheduled task, the entry in
 * Vert.x's timer map) for as long as it is armed, and an idle connection's is armed all the time;
 * the clock costs a session two references. The price is precision: a deadline is noticed up to one
 * tick late, and the tick is at most a quarter of the shortest timeout.
 *
 * <p>Sessions are kept in an intrusive list (the links live in {@link SessionTimeouts}), so adding
 * and removing one allocates nothing. The timer runs only while the list is not empty. Everything
 * runs on the event loop that owns the clock.
 */
final class SessionClock {

  /** The longest tick: deadlines are in whole seconds, a second late is within their meaning. */
  static final long MAX_TICK_MS = 1000;
  /** The shortest tick, however short the timeouts (tests use one second). */
  static final long MIN_TICK_MS = 50;

  private final Vertx vertx;
  private final long tickMs;
  private SessionTimeouts head;
  private long timer = -1;

  /** @param shortestTimeoutMs the shortest idle or authentication timeout the sessions will have */
  SessionClock(Vertx vertx, long shortestTimeoutMs) {
    this.vertx = vertx;
    this.tickMs = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, shortestTimeoutMs / 4));
  }

  void add(SessionTimeouts t) {
    t.next = head;
    t.prev = null;
    if (head != null) {
      head.prev = t;
    }
    head = t;
    if (timer < 0) {
      timer = vertx.setPeriodic(tickMs, id -> tick());
    }
  }

  /** Forgets {@code t}; removing one that is not on the clock does nothing. */
  void remove(SessionTimeouts t) {
    if (t.prev == null && head != t) {
      return;
    }
    if (t.prev != null) {
      t.prev.next = t.next;
    } else {
      head = t.next;
    }
    if (t.next != null) {
      t.next.prev = t.prev;
    }
    t.prev = null;
    t.next = null;
    if (head == null && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Whether the clock's timer is running: it is exactly while some session is on the clock. */
  boolean ticking() {
    return timer >= 0;
  }

  private void tick() {
    long now = System.nanoTime();
    SessionTimeouts t = head;
    while (t != null) {
      // Read before the check: a session that times out may leave the list during it.
      SessionTimeouts next = t.next;
      t.check(now);
      t = next;
    }
  }
}
