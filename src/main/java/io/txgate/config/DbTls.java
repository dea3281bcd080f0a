package io.txgate.config;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards the database, with the meaning MySQL's {@code --ssl-mode} gives each mode.
 *
 * <ul>
 *   <li>DISABLED: plaintext.
 *   <li>PREFERRED: TLS when the server offers it; any failure of the encrypted attempt (the driver
 *       does not tell a TLS failure from another) falls back to plaintext. The certificate is not
 *       checked.
 *   <li>REQUIRED: TLS or no connection; the certificate is not checked (encryption against passive
 *       eavesdropping only).
 *   <li>VERIFY_CA: REQUIRED, and the certificate must chain to {@code caFile} (or, without one, to
 *       the JVM's default trust store).
 *   <li>VERIFY_IDENTITY: VERIFY_CA, and the certificate must name the host of the URL (RFC 2818
 *       rules, as HTTPS).
 * </ul>
 *
 * @param mode the mode
 * @param caFile PEM file of the certificate authorities to trust; empty: none given
 */
public record DbTls(SslMode mode, String caFile) {

  public static final DbTls DISABLED = new DbTls(SslMode.DISABLED, "");

  public DbTls {
    caFile = caFile == null ? "" : caFile;
  }

  /** Whether this mode checks the server's certificate, and so uses {@link #caFile}. */
  public boolean verifies() {
    return mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_IDENTITY;
  }

  /** Sets the mode and what it needs on {@code options}; returns them. */
  public MySQLConnectOptions applyTo(MySQLConnectOptions options) {
    options.setSslMode(mode);
    switch (mode) {
      case DISABLED -> options.setSslOptions(null);
      // Vert.x 5.0.7 upgrades with ClientSSLOptions' defaults when given none: trust only the JVM's
      // store, so a server with its own CA (the usual case) would fail REQUIRED, which MySQL
      // defines as "encrypted, certificate unchecked".
      case PREFERRED, REQUIRED -> options.setSslOptions(new ClientSSLOptions().setTrustAll(true)
        .setHostnameVerificationAlgorithm(""));
      // The driver refuses VERIFY_CA without trust options and VERIFY_IDENTITY without a hostname
      // verification algorithm ("" turns the host check off, "HTTPS" checks the SAN as RFC 2818).
      case VERIFY_CA -> options.setSslOptions(new ClientSSLOptions().setTrustOptions(trust())
        .setHostnameVerificationAlgorithm(""));
      case VERIFY_IDENTITY -> options.setSslOptions(new ClientSSLOptions().setTrustOptions(trust())
        .setHostnameVerificationAlgorithm("HTTPS"));
      default -> throw new IllegalStateException("unknown TLS mode " + mode);
    }
    return options;
  }

  private TrustOptions trust() {
    if (!caFile.isEmpty()) {
      return new PemTrustOptions().addCertPath(caFile);
    }
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      return TrustOptions.wrap(tmf);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM's default trust store cannot be loaded: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return mode + (caFile.isEmpty() ? "" : " (CA " + caFile + ")");
  }
}
