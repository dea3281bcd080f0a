package io.txgate.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.mysqlclient.MySQLConnectOptions;
import java.util.function.BiConsumer;

/**
 * A loopback TCP listener in front of the test database: each connection made to it is paired with
 * one to the database and handed, paused, to {@code pipe}, which decides what crosses.
 */
final class DatabaseProxy implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  private final String url;

  DatabaseProxy(BiConsumer<NetSocket, NetSocket> pipe) {
    MySQLConnectOptions target = io.txgate.config.DatabaseUrls.parse(TestDatabase.url());
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer().connectHandler(front -> {
      front.pause();
      client.connect(target.getPort(), target.getHost()).onComplete(ar -> {
        if (ar.failed()) {
          front.close();
          return;
        }
        pipe.accept(front, ar.result());
      });
    });
    TestServer.await(server.listen(0, "127.0.0.1"));
    String user = target.getUser() + (target.getPassword() == null || target.getPassword().isEmpty()
      ? "" : ":" + target.getPassword());
    url = "mysql://" + user + "@127.0.0.1:" + server.actualPort() + "/" + target.getDatabase();
  }

  /** The URL that reaches the database through this proxy. */
  String url() {
    return url;
  }

  @Override
  public void close() {
    TestServer.await(vertx.close());
  }
}
