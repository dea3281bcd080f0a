package io.txgate.tls;

import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * A TLS client's close_notify (RFC 8446 section 6.1) ends the connection as a TCP FIN does in
 * plaintext. Vert.x leaves a TLS connection open after the peer's close_notify until the TCP close,
 * and a client that waits for the server to close after sending it (asyncio's streams do, for 30
 * seconds) would hold its session, and its slot, all that time. The peer can send nothing after it,
 * so nothing is lost by closing.
 */
public final class CloseNotify {

  private CloseNotify() {
  }

  /** Closes {@code socket} when its peer sends close_notify; a plaintext socket is left alone. */
  public static void closeOnPeerClose(NetSocket socket) {
    if (socket.isSsl() && socket instanceof NetSocketInternal internal) {
      internal.eventHandler(event -> {
        if (event instanceof SslCloseCompletionEvent) {
          socket.close();
        }
      });
    }
  }
}
