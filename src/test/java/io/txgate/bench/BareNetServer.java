package io.txgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServerOptions;

/**
 * A Vert.x NetServer that echoes what it reads, on the same transport txgate uses (native epoll
 * where available): the floor that {@code scripts/idle-memory.sh} compares txgate's cost per idle
 * connection with. Argument: the port.
 */
public final class BareNetServer {

  private BareNetServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
      .connectHandler(socket -> socket.handler(socket::write))
      .listen()
      .onSuccess(s -> System.out.println("bare NetServer listening on 127.0.0.1:" + s.actualPort()
        + " (native transport: " + vertx.isNativeTransportEnabled() + ")"))
      .onFailure(t -> {
        t.printStackTrace();
        System.exit(1);
      });
  }
}
