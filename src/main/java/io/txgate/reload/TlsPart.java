package io.txgate.reload;

import io.txgate.config.Keys;
import io.txgate.config.TlsConfig;
import io.txgate.config.TxgateConfig;
import io.txgate.tcp.ProtocolServer;
import io.txgate.tls.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Set;

/**
 * The protocol port's certificate, key and client CA: read and checked again at every reload, so
 * that a renewed certificate serves new handshakes without a restart; open connections keep theirs.
 * TLS on or off, and the client-certificate mode, still need a restart.
 */
public final class TlsPart implements ReloadablePart {

  private static final Set<String> KEYS = Set.of(Keys.PROTOCOL_TLS_CERT_FILE.path(),
    Keys.PROTOCOL_TLS_KEY_FILE.path(), Keys.PROTOCOL_TLS_CA_FILE.path());

  private final ProtocolServer server;

  public TlsPart(ProtocolServer server) {
    this.server = server;
  }

  @Override
  public Set<String> keys() {
    return KEYS;
  }

  @Override
  public Staged stage(TxgateConfig next) {
    TlsConfig tls = next.protocol().tls();
    if (!tls.enabled()) {
      throw new io.txgate.config.ConfigException(Keys.PROTOCOL_TLS_CERT_FILE,
        "is empty: turning TLS off on the protocol port takes a restart");
    }
    ServerSSLOptions options = ServerTls.options(tls);
    return new Staged() {
      @Override
      public List<String> changes() {
        return List.of("protocol port certificates read again from " + tls.certFile());
      }

      @Override
      public Future<Void> apply() {
        return server.updateTls(options).mapEmpty();
      }
    };
  }
}
