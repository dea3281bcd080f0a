package io.txgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Client connections that connect and then say nothing. Each comes from a loopback source address
 * of its own range (127.0.0.2, 127.0.0.3, ...), at most {@link #PER_ADDRESS} per address, so that
 * txgate's per-address cap (1000 by default) is never what a measurement runs into.
 */
final class IdleClients implements AutoCloseable {

  /** Connections per source address: below txgate's default cap of 1000 per address. */
  static final int PER_ADDRESS = 900;

  private final InetSocketAddress server;
  private final Deque<Socket> open = new ArrayDeque<>();
  private long opened;

  IdleClients(InetSocketAddress server) {
    this.server = server;
  }

  /** The source address of the n-th connection opened: 127.0.0.2 onwards, cycling through 127.0.0.0/8. */
  static InetSocketAddress source(long n) {
    long block = n / PER_ADDRESS % (250L * 250);
    return new InetSocketAddress("127.0." + (block / 250) + "." + (2 + block % 250), 0);
  }

  /** Opens one more connection and keeps it. */
  synchronized Socket openOne() throws IOException {
    Socket c = connect(source(opened++));
    open.addLast(c);
    return c;
  }

  /** Opens a connection from the source address of the n-th; the caller owns it. */
  Socket connect(InetSocketAddress from) throws IOException {
    Socket c = new Socket();
    c.bind(from);
    c.connect(server, 30_000);
    c.setSoTimeout(30_000);
    return c;
  }

  /** Keeps {@code s} idle in place of the oldest kept connection. */
  synchronized void replaceOldest(Socket s) throws IOException {
    open.addLast(s);
    closeOldest();
  }

  /** Closes the oldest kept connection, if any. */
  synchronized void closeOldest() throws IOException {
    Socket c = open.pollFirst();
    if (c != null) {
      c.close();
    }
  }

  synchronized int size() {
    return open.size();
  }

  @Override
  public void close() throws IOException {
    while (!open.isEmpty()) {
      closeOldest();
    }
  }
}
