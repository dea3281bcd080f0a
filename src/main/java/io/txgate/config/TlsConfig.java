package io.txgate.config;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * TLS for one listening port, from PEM files. TLS is on exactly when a certificate is configured,
 * and then every connection on that port must handshake: a port that offered both would have to
 * guess, from a connection's first bytes, whether it is a TLS hello, so txgate offers one or the
 * other. {@code required} turns a missing certificate into a start-up error instead of a plaintext
 * port, for deployments where the certificate arrives from elsewhere (a secret, a mount).
 *
 * <p>The files are checked here to be readable; that they parse and that the key belongs to the
 * certificate is checked when the server's TLS options are built ({@code tls.ServerTls}).
 *
 * @param certFile the certificate chain, server first (empty: TLS off)
 * @param keyFile the certificate's private key (PKCS#8, or PKCS#1 for RSA)
 * @param caFile the authorities whose client certificates are accepted (empty: none asked for)
 * @param clientAuth whether a client certificate is asked for (REQUEST) or needed (REQUIRED)
 * @param keys where each value came from, for error messages
 */
public record TlsConfig(String certFile, String keyFile, String caFile, ClientAuth clientAuth, boolean required,
                        TlsKeys keys) {

  /** The configuration keys of one port's TLS settings; a port without client certificates has null ones. */
  public record TlsKeys(Key cert, Key key, Key ca, Key clientAuth, Key required) {
    static final TlsKeys PROTOCOL = new TlsKeys(Keys.PROTOCOL_TLS_CERT_FILE, Keys.PROTOCOL_TLS_KEY_FILE,
      Keys.PROTOCOL_TLS_CA_FILE, Keys.PROTOCOL_TLS_CLIENT_AUTH, Keys.PROTOCOL_TLS_REQUIRED);
    static final TlsKeys ADMIN = new TlsKeys(Keys.ADMIN_TLS_CERT_FILE, Keys.ADMIN_TLS_KEY_FILE, null, null, null);
  }

  /** Whether the port speaks TLS (and only TLS). */
  public boolean enabled() {
    return !certFile.isEmpty();
  }

  @Override
  public String toString() {
    if (!enabled()) {
      return "plaintext";
    }
    return "TLS[cert=" + certFile + ", clientAuth=" + clientAuth + (caFile.isEmpty() ? "" : ", ca=" + caFile) + "]";
  }

  static TlsConfig read(JsonObject m, TlsKeys k) {
    String cert = k.cert().string(m);
    String key = k.key().string(m);
    String ca = k.ca() == null ? "" : k.ca().string(m);
    boolean required = k.required() != null && k.required().bool(m);
    ClientAuth clientAuth = k.clientAuth() == null ? ClientAuth.NONE : clientAuth(k.clientAuth(), m);
    if (cert.isEmpty() != key.isEmpty()) {
      Key missing = cert.isEmpty() ? k.cert() : k.key();
      throw new ConfigException(missing, "is not set, but " + (cert.isEmpty() ? k.key() : k.cert())
        + " is: TLS needs both the certificate and its key");
    }
    if (required && cert.isEmpty()) {
      throw new ConfigException(k.required(), "is true, but no certificate is configured: set " + k.cert()
        + " and " + k.key());
    }
    if (clientAuth != ClientAuth.NONE && ca.isEmpty()) {
      throw new ConfigException(k.ca(), "is not set, but " + k.clientAuth() + " is " + clientAuth
        + ": client certificates are checked against the authorities in this file");
    }
    if (clientAuth == ClientAuth.NONE && !ca.isEmpty()) {
      throw new ConfigException(k.clientAuth(), "is NONE, so " + k.ca() + " would not be used:"
        + " set REQUEST or REQUIRED, or remove the CA file");
    }
    if (!ca.isEmpty() && cert.isEmpty()) {
      throw new ConfigException(k.ca(), "is set, but TLS is off: set " + k.cert() + " and " + k.key());
    }
    readable(k.cert(), cert);
    readable(k.key(), key);
    if (k.ca() != null) {
      readable(k.ca(), ca);
    }
    return new TlsConfig(cert, key, ca, clientAuth, required, k);
  }

  private static ClientAuth clientAuth(Key key, JsonObject m) {
    String v = key.string(m).toUpperCase(Locale.ROOT);
    try {
      return ClientAuth.valueOf(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "'" + v + "' is not one of NONE, REQUEST, REQUIRED");
    }
  }

  private static void readable(Key key, String file) {
    if (file.isEmpty()) {
      return;
    }
    Path p = Path.of(file);
    if (!Files.isRegularFile(p)) {
      throw new ConfigException(key, "no file at " + p.toAbsolutePath());
    }
    if (!Files.isReadable(p)) {
      throw new ConfigException(key, p.toAbsolutePath() + " is not readable by this process");
    }
  }
}
