package io.txgate.testsupport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy between txgate and the test database that can lose a connection at the worst moment:
 * after the database has committed, before txgate hears about it. It recognises MySQL's COM_QUERY
 * packet carrying {@code COMMIT} in the client's stream.
 */
public final class FaultProxy implements AutoCloseable {

  private static final byte[] COMMIT = "\u0003COMMIT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] START = "\u0003START TRANSACTION".getBytes(StandardCharsets.US_ASCII);
  /** How a pipelined transaction opens (see TransactionRunner): its statements follow at once. */
  private static final byte[] AUTOCOMMIT_OFF = "\u0003SET autocommit=0".getBytes(StandardCharsets.US_ASCII);

  private final DatabaseProxy proxy;
  private final AtomicBoolean cutNextCommit = new AtomicBoolean();
  private final AtomicBoolean stallNextCommit = new AtomicBoolean();
  private final AtomicBoolean cutAfterNextStart = new AtomicBoolean();

    public FaultProxy() {
    proxy = new DatabaseProxy(this::pipe);
  }


  private void pipe(NetSocket front, NetSocket back) {
    AtomicBoolean cutting = new AtomicBoolean();
    AtomicBoolean stalling = new AtomicBoolean();
    AtomicBoolean cuttingAfterStart = new AtomicBoolean();
    front.handler(data -> {
      if ((contains(data, START) || contains(data, AUTOCOMMIT_OFF)) && cutAfterNextStart.compareAndSet(true, false)) {
        cuttingAfterStart.set(true);
      }
      if (contains(data, COMMIT) && cutNextCommit.compareAndSet(true, false)) {
        cutting.set(true);
      }
      if (contains(data, COMMIT) && stallNextCommit.compareAndSet(true, false)) {
        stalling.set(true);
      }
      back.write(data);
    });
    back.handler(data -> {
      if (cuttingAfterStart.get()) {
        // The database answered START TRANSACTION (or SET autocommit=0); by now txgate has the
        // statements in flight behind it. The connection dies with commands unanswered.
        front.close();
        back.close();
        return;
      }
      if (stalling.get()) {
        // The database committed; its answer, and everything after it, never arrives, as from a
        // server frozen right after the commit. The connection stays open.
        return;
      }
      if (cutting.get()) {
        // The database answered the COMMIT: it has committed. Drop the answer and the connection.
        front.close();
        back.close();
        return;
      }
      front.write(data);
    });
    front.closeHandler(v -> back.close());
    back.closeHandler(v -> front.close());
    front.resume();
  }

  private static boolean contains(Buffer data, byte[] needle) {
    byte[] bytes = data.getBytes();
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The URL txgate should use to reach the database through this proxy. */
  public String url() {
    return proxy.url();
  }

  /** The next COMMIT reaches the database; its answer never reaches txgate. */
  public void cutNextCommit() {
    cutNextCommit.set(true);
  }

  /**
   * The connection that next opens a transaction (START TRANSACTION, or SET autocommit=0 ahead of a
   * pipelined one) dies as soon as the database answers it, while the statements pipelined behind
   * it are still unanswered.
   */
  public void cutAfterNextStart() {
    cutAfterNextStart.set(true);
  }

  /** The next COMMIT reaches the database; its answer is held back forever, the connection kept open. */
  public void stallNextCommit() {
    stallNextCommit.set(true);
  }

  @Override
  public void close() {
    proxy.close();
  }
}
