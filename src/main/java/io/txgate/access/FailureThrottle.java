package io.txgate.access;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per remote address in fixed windows. Once an address has failed
 * {@code limit} times within one window, its further attempts are refused at once, without
 * checking the credential, until the window (which began at its first failure) ends: guessing a
 * token is held to {@code limit} tries per window, and a flood of wrong tokens costs no PBKDF2
 * work. Shared by every protocol instance.
 */
final class FailureThrottle {

  /** Above this many tracked addresses, windows that have ended are dropped. */
  private static final int PRUNE_ABOVE = 10_000;

  private record Window(long startedAt, int failures) {
  }

  private final int limit;
  private final long windowMs;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /** {@code limit} 0 turns throttling off. */
  FailureThrottle(int limit, long windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Milliseconds until {@code address} may try again, or 0 when it may now. */
  long blockedFor(String address, long now) {
    Window w = windows.get(address);
    if (limit == 0 || w == null || w.failures() < limit) {
      return 0;
    }
    return Math.max(0, w.startedAt() + windowMs - now);
  }

  void failed(String address, long now) {
    if (limit == 0) {
      return;
    }
    windows.compute(address, (k, w) -> w == null || now - w.startedAt() >= windowMs
      ? new Window(now, 1) : new Window(w.startedAt(), w.failures() + 1));
    if (windows.size() > PRUNE_ABOVE) {
      windows.values().removeIf(w -> now - w.startedAt() >= windowMs);
    }
  }
}
