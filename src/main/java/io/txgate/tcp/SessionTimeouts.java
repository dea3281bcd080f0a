package io.txgate.tcp;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks of one client session, so that a client cannot hold a connection slot without
 * using it:
 *
 * <ul>
 *   <li>the frame clock runs while a frame is partly received and the session is free to read it.
 *     It starts at the frame's first byte (or, for bytes buffered while a request ran, when that
 *     request was answered) and stops only when the frame is complete: trickling bytes do not
 *     reset it.
 *   <li>the idle clock runs while no request is in flight and no partial frame is buffered. A
 *     request waiting on the database is never idle, however long it takes; Vert.x's own
 *     {@code NetServerOptions} idle timeout counts socket I/O only and would cut it.
 * </ul>
 *
 * <p>Each clock has at most one Vert.x timer, re-armed only when it fires and finds its deadline
 * moved, so the request path costs a few field writes and no timer set or cancel per request.
 * Everything runs on the session's event loop.
 */
final class SessionTimeouts {

  private final Vertx vertx;
  private final long frameTimeoutNanos;
  private final long idleTimeoutNanos;
  private final Runnable onFrameTimeout;
  private final Runnable onIdleTimeout;

  private boolean partial;
  private long partialSince;
  private boolean idle;
  private long idleSince;
  private long frameTimer = -1;
  private long idleTimer = -1;
  private boolean stopped;

  /**
   * @param frameTimeoutMs how long a frame may take to arrive once begun; 0: no limit
   * @param idleTimeoutMs how long a session may sit idle; 0: forever
   */
  SessionTimeouts(Vertx vertx, long frameTimeoutMs, long idleTimeoutMs, Runnable onFrameTimeout,
                  Runnable onIdleTimeout) {
    this.vertx = vertx;
    this.frameTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(frameTimeoutMs);
    this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
    this.onFrameTimeout = onFrameTimeout;
    this.onIdleTimeout = onIdleTimeout;
  }

  /** The connection is open and nothing has arrived yet: idle from now. */
  void start() {
    idle = true;
    idleSince = System.nanoTime();
    armIdle(idleTimeoutNanos);
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
    if (frameTimer >= 0) {
      vertx.cancelTimer(frameTimer);
      frameTimer = -1;
    }
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
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
      onFrameTimeout.run();
    } else {
      armFrame(left); // an earlier frame completed and a later one began since this was armed
    }
  }

  private void armIdle(long delayNanos) {
    if (idleTimeoutNanos > 0 && idleTimer < 0 && !stopped) {
      idleTimer = vertx.setTimer(toMillis(delayNanos), id -> idleTimerFired());
    }
  }

  private void idleTimerFired() {
    idleTimer = -1;
    if (stopped) {
      return;
    }
    if (!idle) {
      // Busy or mid-frame: it cannot become idle for less than a full timeout from now.
      armIdle(idleTimeoutNanos);
      return;
    }
    long left = idleSince + idleTimeoutNanos - System.nanoTime();
    if (left <= 0) {
      onIdleTimeout.run();
    } else {
      armIdle(left);
    }
  }

  private static long toMillis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }
}
