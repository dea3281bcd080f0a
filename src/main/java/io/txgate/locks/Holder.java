package io.txgate.locks;

/**
 * A txgate session as the lock views name it. Read only when someone looks (a lock-wait sample, a
 * deadlock), never on the request path.
 */
public interface Holder {

  /** The session's id, as the console and {@code POST /api/sessions/:id/kill} know it. */
  String id();

  /** The name the client gave in hello; null when it gave none. */
  String clientName();

  /** What the session is running now; null when idle. */
  Activity activity();

  /** A request as the lock views describe it. */
  interface Activity {
    String op();

    /** Its SQL (or operation name), shortened for display. */
    String statement();

    long startedAtMillis();
  }
}
