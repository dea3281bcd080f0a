package io.txgate.tcp;

import io.vertx.core.Future;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.ServerSSLOptions;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The protocol port's listening server, as one of the {@link ProtocolVerticle} instances registered
 * it. All instances share one server socket, and Vert.x applies new TLS options given to any of
 * them to all: this is where a certificate reload reaches the port.
 */
public final class ProtocolServer {

  private final AtomicReference<NetServer> server = new AtomicReference<>();

  void listening(NetServer s) {
    server.compareAndSet(null, s);
  }

  /**
   * Serves new handshakes with {@code options}; open connections keep the session they have.
   * Fails when the port is not listening.
   */
  public Future<Boolean> updateTls(ServerSSLOptions options) {
    NetServer s = server.get();
    if (s == null) {
      return Future.failedFuture(new IllegalStateException("the protocol port is not listening"));
    }
    // force: the new files may hold what the old did; reading them again is the point.
    return s.updateSSLOptions(options, true);
  }
}
