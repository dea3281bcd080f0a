package io.txgate.tcp;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open client session, across all protocol verticle instances: one registry per process, so
 * that the admin console sees one list whatever event loop a connection landed on. It also holds
 * the operator's switch that pauses accepting new connections (drain).
 */
public final class Sessions {

  private final AtomicLong nextId = new AtomicLong();
  private volatile boolean paused;
  private final ConcurrentHashMap<String, ClientSession> open = new ConcurrentHashMap<>();

  String newId() {
    return Long.toString(nextId.incrementAndGet());
  }

  void add(ClientSession s) {
    open.put(s.id(), s);
  }

  void remove(ClientSession s) {
    open.remove(s.id());
  }

  /** Stops (true) or resumes (false) accepting new client connections; open ones are untouched. */
  public void paused(boolean value) {
    paused = value;
  }

  public boolean paused() {
    return paused;
  }

  public int count() {
    return open.size();
  }

  public Collection<ClientSession> all() {
    return Collections.unmodifiableCollection(open.values());
  }

  public ClientSession get(String id) {
    return open.get(id);
  }
}
