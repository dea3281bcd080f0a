package io.txgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections that come and go: each opens, sends one request (a ping, or every other time a
 * {@code SELECT 1}), reads the answer and closes; one in {@link #KEEP_ONE_IN} is kept idle instead,
 * taking the place of the oldest idle one, so the idle population stays the same size but turns
 * over. The rate is capped so that the client's TIME_WAIT ports and the shared CPU stay bounded.
 */
final class Churn {

  static final int KEEP_ONE_IN = 20;

  private static final byte[] PING = "{\"id\":1,\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SELECT =
    "{\"id\":2,\"op\":\"execute\",\"sql\":\"SELECT 1\"}\n".getBytes(StandardCharsets.UTF_8);

  private final InetSocketAddress server;
  private final IdleClients idle;
  private final int perSecond;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running = true;

  Churn(InetSocketAddress server, IdleClients idle, int perSecond) {
    this.server = server;
    this.idle = idle;
    this.perSecond = perSecond;
  }

  /** Starts {@code threads} churning threads; they run until {@link #stop()}. */
  void start(int threads) {
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::loop, "churn-" + i);
      t.setDaemon(true);
      t.start();
    }
  }

  void stop() {
    running = false;
  }

  long opened() {
    return opened.get();
  }

  long failed() {
    return failed.get();
  }

  private void loop() {
    long started = System.nanoTime();
    while (running) {
      long n = opened.incrementAndGet();
      // Paced on the shared count: connection n is due at n / perSecond seconds.
      long due = started + n * 1_000_000_000L / perSecond;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      try {
        once(n);
      } catch (IOException e) {
        failed.incrementAndGet();
      }
    }
  }

  private void once(long n) throws IOException {
    // Source addresses far from the idle ones', so TIME_WAIT ports never collide with them.
    Socket s = new Socket();
    s.bind(IdleClients.source(n + 5_000_000L));
    s.connect(server, 30_000);
    s.setSoTimeout(30_000);
    boolean keep = ThreadLocalRandom.current().nextInt(KEEP_ONE_IN) == 0;
    try {
      OutputStream out = s.getOutputStream();
      out.write(n % 2 == 0 ? PING : SELECT);
      out.flush();
      InputStream in = s.getInputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("closed before the answer");
        }
      }
      if (keep) {
        idle.replaceOldest(s);
      }
    } finally {
      if (!keep) {
        s.close();
      }
    }
  }
}
