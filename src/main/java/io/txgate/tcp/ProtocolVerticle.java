package io.txgate.tcp;

import io.txgate.config.TxgateConfig;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Response;
import io.txgate.protocol.ResponseEncoder;
import io.txgate.tls.CloseNotify;
import io.txgate.tls.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import java.util.concurrent.TimeUnit;

/**
 * The protocol server. Deployed once per core, all instances listen on the same port (Vert.x spreads
 * connections over them round-robin) and share one request handler (and through it one MySQL pool)
 * and one session registry, all owned by {@link io.txgate.Txgate}: the pool must outlive every
 * instance, since a connection borrowed by one instance may have been opened by another.
 */
public final class ProtocolVerticle extends VerticleBase {

  private final TxgateConfig config;
  private final Sessions sessions;
  private final RequestHandler handler;
  private final ServerSSLOptions tls;
  private final ProtocolServer shared;
  private NetServer server;
  private String instanceName;
  /** The idle and authentication deadlines of this instance's sessions, all on its event loop. */
  private SessionClock clock;

  /**
   * @param tls the port's TLS options, or null for plaintext
   * @param shared where the listening server is registered, for certificate reloads
   */
  public ProtocolVerticle(TxgateConfig config, Sessions sessions, RequestHandler handler, ServerSSLOptions tls,
                          ProtocolServer shared) {
    this.config = config;
    this.tls = tls;
    this.shared = shared;
    this.sessions = sessions;
    this.handler = handler;
  }

  @Override
  public Future<?> start() {
    instanceName = Thread.currentThread().getName().replace("vert.x-", "");
    TxgateConfig.Protocol p = config.protocol();
    clock = new SessionClock(vertx, shortestTimeoutMs());
    // With TLS, Vert.x calls accept() only once the handshake is done: a client that does not
    // handshake (plaintext, or no certificate when one is required) never gets a session.
    server = vertx.createNetServer(ServerTls.apply(new NetServerOptions()
      .setHost(p.host())
      .setPort(p.port())
      // No NetServerOptions idle timeout: it counts socket I/O only and would close a connection
      // whose request waits on a long statement. ClientSession keeps its own idle clock.
      .setTcpNoDelay(true), tls));
    server.connectHandler(this::accept);
    return server.listen().onSuccess(shared::listening);
  }

  private void accept(NetSocket socket) {
    CloseNotify.closeOnPeerClose(socket);
    if (sessions.paused()) {
      refuse(socket, ErrorCode.UNAVAILABLE, "this server is draining and accepts no new connections");
      return;
    }
    if (sessions.count() >= config.protocol().maxConnections()) {
      refuse(socket, ErrorCode.BUSY, "too many connections: the limit is " + config.protocol().maxConnections());
      return;
    }
    String host = ClientSession.hostOf(socket);
    int perAddress = config.protocol().maxConnectionsPerAddress();
    if (!sessions.admit(host, perAddress)) {
      refuse(socket, ErrorCode.BUSY, "too many connections from " + host + ": the limit is " + perAddress + " per address");
      return;
    }
    // From here the session owns the address slot and gives it back when it closes.
    new ClientSession(sessions.newId(), socket, handler.decoder(), handler, sessions, instanceName, vertx, clock,
      config.protocol().frameTimeoutMs(), config.protocol().idleTimeoutSeconds() * 1000L,
      config.access().timeoutSeconds() * 1000L).start();
  }

  /** The shortest of the idle and authentication timeouts that are set: what the clock's tick must resolve. */
  private long shortestTimeoutMs() {
    long idle = config.protocol().idleTimeoutSeconds() * 1000L;
    long auth = config.access().timeoutSeconds() * 1000L;
    long shortest = Long.MAX_VALUE;
    for (long t : new long[] {idle, auth}) {
      if (t > 0) {
        shortest = Math.min(shortest, t);
      }
    }
    return shortest == Long.MAX_VALUE ? SessionClock.MAX_TICK_MS * 4 : shortest;
  }

  private static void refuse(NetSocket socket, ErrorCode code, String message) {
    socket.end(ResponseEncoder.encode(Response.failure(ProtocolException.builder(code, message).build())));
  }

  /**
   * Stops accepting, lets every session finish its request in flight and answer the rest with
   * UNAVAILABLE, then closes what is left after the grace period.
   */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.protocol().shutdownGraceSeconds(), TimeUnit.SECONDS);
  }
}
