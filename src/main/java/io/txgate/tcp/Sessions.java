package io.txgate.tcp;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open client session, across all protocol verticle instances: one registry per process, so
 * that the admin console sees one list whatever event loop a connection landed on. It also holds
 * the operator's switch that pauses accepting new connections (drain), and counts connections per
 * remote IP address for {@code protocol.maxConnectionsPerAddress}.
 */
public final class Sessions {

  private final AtomicLong nextId = new AtomicLong();
  private volatile boolean paused;
  private final ConcurrentHashMap<String, ClientSession> open = new ConcurrentHashMap<>();
  /** Open sessions per remote IP address; an address leaves the map with its last session. */
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  /** Open authenticated sessions per client name, for each client's {@code maxConnections}. */
  private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

  String newId() {
    return Long.toString(nextId.incrementAndGet());
  }

  /**
   * Takes one of {@code address}'s connection slots, atomically across event loops; false when all
   * {@code limit} are taken (0: no limit). A session that got one gives it back when it is removed.
   */
  boolean admit(String address, int limit) {
    return takeSlot(perAddress, address, limit);
  }

  /**
   * Takes one of an authenticated client's connection slots ({@code maxConnections}, 0: no cap),
   * atomically across event loops; the session gives it back when it is removed.
   */
  boolean admitClient(String client, int limit) {
    return takeSlot(perClient, client, limit);
  }

  /** One slot of {@code key}'s {@code limit} (0: none), counted in {@code counts}; false when all are taken. */
  private static boolean takeSlot(java.util.concurrent.ConcurrentMap<String, Integer> counts, String key, int limit) {
    boolean[] admitted = {false};
    counts.compute(key, (k, n) -> {
      int count = n == null ? 0 : n;
      if (limit > 0 && count >= limit) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    return admitted[0];
  }

  /** Open authenticated sessions of one client. */
  public int clientCount(String client) {
    return perClient.getOrDefault(client, 0);
  }

  /** Open sessions from one remote IP address. */
  public int count(String address) {
    return perAddress.getOrDefault(address, 0);
  }

  void add(ClientSession s) {
    open.put(s.id(), s);
  }

  /** Forgets a closed session and frees its address slot: once, however often it is called. */
  void remove(ClientSession s) {
    if (open.remove(s.id()) != null) {
      perAddress.computeIfPresent(s.remoteHost(), (k, n) -> n <= 1 ? null : n - 1);
      if (s.client() != null) {
        perClient.computeIfPresent(s.client().name(), (k, n) -> n <= 1 ? null : n - 1);
      }
    }
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
