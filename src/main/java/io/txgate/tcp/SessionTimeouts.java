package io.txgate.tcp;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The clocks of one client session, so that a client cannot hold a connection slot without using
 * it:
 *
 * <ul>
 *   <li>the frame clock runs while a frame is partly received and the session is free to read it.
 *     It starts at the frame's first byte (or, for bytes buffered while a request ran, when that
 *     request was answered) and stops only when the frame is complete: trickling bytes do not
 *     reset it.
 *   <li>the idle clock runs while no request is in flight and no partial frame is buffered. A
 *     request waiting on the database is never idle, however long it takes; Vert.x's own
 *     {@code NetServerOptions} idle timeout counts socket I/O only and would cut it.
 *   <li>the authentication clock, on a server that requires a hello with a credential first, runs
 *     from the connection's start.
 * </ul>
 *
 * <p>The idle and authentication deadlines are checked by the event loop's {@link SessionClock},
 * so an idle session holds no timer of its own. The frame clock keeps a Vert.x timer, armed only
 * while a partial frame is pending and re-armed only when it fires and finds its deadline moved,
 * so the request path costs a few field writes and no timer set or cancel per request. Everything
 * runs on the session's event loop.
 */
final class SessionTimeouts {

  /** What the session does when a clock runs out. */
  interface Expiry {
    void frameTimedOut();

    void idleTimedOut();

    void authTimedOut();
  }

  private final Vertx vertx;
  private final SessionClock clock;
  private final long frameTimeoutNanos;
  private final long idleTimeoutNanos;
  private final Expiry expiry;

  /** The links of the clock's list (see {@link SessionClock}). */
  SessionTimeouts prev;
  SessionTimeouts next;

  private boolean partial;
  private long partialSince;
  private boolean idle;
  private long idleSince;
  /** When the session must have authenticated (System.nanoTime), or 0: no such deadline. */
  private long authDeadline;
  private long frameTimer = -1;
  private boolean stopped;

  /**
   * @param frameTimeoutMs how long a frame may take to arrive once begun; 0: no limit
   * @param idleTimeoutMs how long a session may sit idle; 0: forever
   */
  SessionTimeouts(Vertx vertx, SessionClock clock, long frameTimeoutMs, long idleTimeoutMs, Expiry expiry) {
    this.vertx = vertx;
    this.clock = clock;
    this.frameTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(frameTimeoutMs);
    this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
    this.expiry = expiry;
  }

  /**
   * The connection is open and nothing has arrived yet: idle from now.
   *
   * @param authTimeoutMs how long the session has to authenticate; 0: it need not
   */
  void start(long authTimeoutMs) {
    long now = System.nanoTime();
    idle = true;
    idleSince = now;
    if (authTimeoutMs > 0) {
      // Never 0, which means "none".
      authDeadline = (now + TimeUnit.MILLISECONDS.toNanos(authTimeoutMs)) | 1;
    }
    if (idleTimeoutNanos > 0 || authDeadline != 0) {
      clock.add(this);
    }
  }

  /** A complete frame was taken from the buffer: the partial frame it was, if any, is done. */
  void frameCompleted() {
    partial = false;
  }

  /**
   * Where the session stands after it has read what it could.
   *
   * @param busy a request is in flight
   * @param partialFrame the session is free to read, and what is buffered is the start of a frame
   */
  void update(boolean busy, boolean partialFrame) {
    boolean nowPartial = !busy && partialFrame;
    boolean nowIdle = !busy && !partialFrame;
    if (nowPartial != partial || nowIdle != idle) {
      long now = System.nanoTime();
      if (nowPartial && !partial) {
        partialSince = now;
        armFrame(frameTimeoutNanos);
      }
      if (nowIdle && !idle) {
        idleSince = now;
      }
      partial = nowPartial;
      idle = nowIdle;
    }
  }

  /** The session closed: no clock may fire any more. */
  void stop() {
    stopped = true;
    clock.remove(this);
    if (frameTimer >= 0) {
      vertx.cancelTimer(frameTimer);
      frameTimer = -1;
    }
  }

  /** The clock's tick: fires what ran out by {@code now}, each at most once. */
  void check(long now) {
    if (stopped) {
      return;
    }
    if (authDeadline != 0 && now - authDeadline >= 0) {
      authDeadline = 0;
      expiry.authTimedOut();
      if (stopped) {
        return; // the session closed on the spot: its idle clock has nothing left to watch
      }
    }
    if (idleTimeoutNanos > 0 && idle && now - idleSince >= idleTimeoutNanos) {
      // The session ends or stays busy; either way its idle clock has done its job.
      clock.remove(this);
      expiry.idleTimedOut();
    } else if (idleTimeoutNanos == 0 && authDeadline == 0) {
      clock.remove(this);
    }
  }

  private void armFrame(long delayNanos) {
    if (frameTimeoutNanos > 0 && frameTimer < 0 && !stopped) {
      frameTimer = vertx.setTimer(toMillis(delayNanos), id -> frameTimerFired());
    }
  }

  private void frameTimerFired() {
    frameTimer = -1;
    if (stopped || !partial) {
      return; // the frame completed meanwhile; the next partial frame arms a new timer
    }
    long left = partialSince + frameTimeoutNanos - System.nanoTime();
    if (left <= 0) {
      expiry.frameTimedOut();
    } else {
      armFrame(left); // an earlier frame completed and a later one began since this was armed
    }
  }

  private static long toMillis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }
}
