package io.txgate.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between txgate and the test database that counts round trips: it holds every answer
 * from the database back for {@code delayMs}, like a slow network, and counts the client's flights on
 * each connection. A flight is the client's data that follows an answer (or opens the connection):
 * commands sent together, without waiting for one another's answers, are one flight, since they all
 * arrive while the answer to the first is still held back.
 */
public final class RoundTripProxy implements AutoCloseable {

  private final DatabaseProxy proxy;
  private final Vertx vertx;
  private final Map<NetSocket, AtomicInteger> flights = new ConcurrentHashMap<>();

    public RoundTripProxy(long delayMs) {
    proxy = new DatabaseProxy((front, back) -> pipe(front, back, delayMs));
    vertx = proxy.vertx;
  }


  private void pipe(NetSocket front, NetSocket back, long delayMs) {
    AtomicInteger count = new AtomicInteger();
    flights.put(front, count);
    // Whether an answer has been passed on since the client last sent: its next data is a new flight.
    boolean[] answered = {true};
    front.handler(data -> {
      if (answered[0]) {
        answered[0] = false;
        count.incrementAndGet();
      }
      back.write(data);
    });
    // Each answer is passed on delayMs after it arrived, in order (one event loop, equal delays).
    back.handler(data -> vertx.setTimer(delayMs, id -> {
      answered[0] = true;
      front.write(data);
    }));
    front.closeHandler(v -> {
      flights.remove(front);
      back.close();
    });
    back.closeHandler(v -> front.close());
    front.resume();
  }

  /** The URL txgate should use to reach the database through this proxy. */
  public String url() {
    return proxy.url();
  }

  /** The flights so far on each connection open now. */
  public Map<NetSocket, Integer> flights() {
    Map<NetSocket, Integer> now = new java.util.HashMap<>();
    flights.forEach((socket, n) -> now.put(socket, n.get()));
    return now;
  }

  /**
   * The flights between two {@link #flights()} snapshots on the connections open at both: with a
   * pool of one, the pooled connection's (a health probe's connection lives only milliseconds).
   */
  public static List<Integer> between(Map<NetSocket, Integer> before, Map<NetSocket, Integer> after) {
    List<Integer> out = new ArrayList<>();
    before.forEach((socket, n) -> {
      Integer later = after.get(socket);
      if (later != null) {
        out.add(later - n);
      }
    });
    return out;
  }

  @Override
  public void close() {
    proxy.close();
  }
}
