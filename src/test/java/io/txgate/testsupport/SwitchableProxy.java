package io.txgate.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.mysqlclient.MySQLConnectOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A database that can vanish and come back: a TCP forwarder on a fixed loopback port to the test
 * database, in one of three states. Off: nothing listens (connect refused, as when the server is
 * down). Forwarding: a transparent pipe. Frozen: connections are accepted and nothing moves either
 * way, as with a SIGSTOPped server; leaving this state closes the frozen connections.
 */
public final class SwitchableProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final MySQLConnectOptions target = io.txgate.config.DatabaseUrls.parse(TestDatabase.url());
  private final List<NetSocket> sockets = new ArrayList<>();
  private final int port = TestServer.stablePort();
  private final String database;
  private NetServer server;
  private volatile boolean frozen;

  /** Starts off: nothing listens on {@link #port()} yet. */
  public SwitchableProxy(String database) {
    this.database = database;
  }

  /** The URL txgate should use: this proxy's port, the test database's user, the given database. */
  public String url() {
    String user = target.getUser() + (target.getPassword() == null || target.getPassword().isEmpty()
      ? "" : ":" + target.getPassword());
    return "mysql://" + user + "@127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  /** Listens and forwards; connections frozen before are closed. */
  public synchronized void forward() {
    frozen = false;
    closeAll();
    if (server == null) {
      server = vertx.createNetServer().connectHandler(this::accept);
      // The listener closed by off() can still hold the port for a moment after its close
      // completed (its sockets finish closing on the event loop): the bind is tried again.
      for (int attempt = 1; ; attempt++) {
        try {
          TestServer.await(server.listen(port, "127.0.0.1"));
          break;
        } catch (IllegalStateException e) {
          if (!(e.getCause() instanceof java.net.BindException) || attempt == 100) {
            throw e;
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }
  }

  /** Keeps listening, but nothing moves on any connection, old or new. */
  public synchronized void freeze() {
    frozen = true;
    sockets.forEach(NetSocket::pause);
  }

  /** Stops listening and closes every connection: connect is refused from now on. */
  public synchronized void off() {
    frozen = false;
    if (server != null) {
      TestServer.await(server.close());
      server = null;
    }
    closeAll();
  }

  private void accept(NetSocket front) {
    front.pause();
    synchronized (this) {
      sockets.add(front);
      if (frozen) {
        return;
      }
    }
    client.connect(target.getPort(), target.getHost()).onComplete(ar -> {
      if (ar.failed()) {
        front.close();
        return;
      }
      NetSocket back = ar.result();
      synchronized (this) {
        sockets.add(back);
        if (frozen) {
          back.pause();
          return;
        }
      }
      front.handler(back::write);
      back.handler(front::write);
      front.closeHandler(v -> back.close());
      back.closeHandler(v -> front.close());
      front.resume();
    });
  }

  private void closeAll() {
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  @Override
  public void close() {
    off();
    TestServer.await(vertx.close());
  }
}
