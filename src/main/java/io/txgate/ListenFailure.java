package io.txgate;

import io.txgate.config.ConfigException;
import io.txgate.config.Key;
import java.net.BindException;
import java.util.Locale;

/**
 * Turns a server's failure to listen into a configuration error that names the key and the
 * address, e.g. {@code configuration protocol.port (TXGATE_PROTOCOL_PORT): cannot listen on
 * 127.0.0.1:7400: address already in use}. Netty's native transport reports a bind failure as its
 * own {@code NativeIoException} (not a {@link BindException}), hence the look at the message too.
 */
final class ListenFailure {

  private ListenFailure() {
  }

  /** {@code failure} translated when it is a bind failure, else unchanged. */
  static Throwable of(Key portKey, Key hostKey, String host, int port, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("address already in use")) {
        return new ConfigException(portKey, "cannot listen on " + host + ":" + port
          + ": address already in use (another process holds the port: choose another one, or stop it)");
      }
      if (m.contains("assign requested address") || (t instanceof BindException)) {
        return new ConfigException(hostKey, "cannot listen on " + host + ":" + port + ": " + t.getMessage()
          + " (not an address of this machine?)");
      }
    }
    return failure;
  }
}
