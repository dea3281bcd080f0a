package io.txgate.tls;

import io.txgate.config.ConfigException;
import io.txgate.config.Key;
import io.txgate.config.TlsConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import javax.net.ssl.X509KeyManager;

/**
 * A port's TLS options, read from its PEM files once and checked before anything listens: a
 * certificate or key that does not parse, a key that does not belong to the certificate, or a CA
 * file without a certificate in it stops the start with one message naming the key. Loading alone
 * would not notice a key of another certificate (a key store takes any pair): it would surface
 * only as failing handshakes, far from the cause.
 *
 * <p>The files are read here into memory rather than handed to Vert.x as paths, so that building
 * the options again (after the files changed) yields options that a running server can take
 * through {@code NetServer.updateSSLOptions}.
 */
public final class ServerTls {

  private ServerTls() {
  }

  /** The options for {@code config}, or null when TLS is off. */
  public static ServerSSLOptions options(TlsConfig config) {
    if (!config.enabled()) {
      return null;
    }
    TlsConfig.TlsKeys keys = config.keys();
    PemKeyCertOptions keyCert = new PemKeyCertOptions()
      .setCertValue(read(keys.cert(), config.certFile()))
      .setKeyValue(read(keys.key(), config.keyFile()));
    checkPair(keyCert, keys);
    ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(keyCert).setClientAuth(config.clientAuth());
    if (!config.caFile().isEmpty()) {
      Buffer pem = read(keys.ca(), config.caFile());
      int count;
      try {
        count = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes())).size();
      } catch (CertificateException e) {
        throw new ConfigException(keys.ca(), "cannot read a PEM certificate from " + config.caFile() + ": "
          + e.getMessage());
      }
      if (count == 0) {
        throw new ConfigException(keys.ca(), "no certificate in " + config.caFile());
      }
      PemTrustOptions trust = new PemTrustOptions().addCertValue(pem);
      ssl.setTrustOptions(trust);
    }
    return ssl;
  }

  /** Sets {@code options} to serve TLS as {@code ssl} says; plaintext when {@code ssl} is null. */
  public static <T extends NetServerOptions> T apply(T options, ServerSSLOptions ssl) {
    if (ssl != null) {
      options.setSsl(true)
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setTrustOptions(ssl.getTrustOptions())
        .setClientAuth(ssl.getClientAuth());
    }
    return options;
  }

  /** Parses the pair and proves the key is the certificate's: it signs, and the certificate's key verifies. */
  private static void checkPair(PemKeyCertOptions keyCert, TlsConfig.TlsKeys keys) {
    PrivateKey privateKey;
    Certificate cert;
    try {
      // The key manager Vert.x itself would use, so the files are read exactly as the server reads them.
      KeyStore store = keyCert.loadKeyStore(null);
      String alias = Collections.list(store.aliases()).get(0);
      X509KeyManager manager = (X509KeyManager) keyCert.getKeyManagerFactory(null).getKeyManagers()[0];
      privateKey = manager.getPrivateKey(alias);
      cert = manager.getCertificateChain(alias)[0];
    } catch (Exception e) {
      throw new ConfigException(keys.cert() + " and " + keys.key() + " do not hold a PEM certificate and its"
        + " private key (PKCS#8, or PKCS#1 for RSA): " + e);
    }
    if (!matches(privateKey, cert.getPublicKey())) {
      throw new ConfigException(keys.key(), "is not the private key of the certificate in " + keys.cert());
    }
  }

  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      // A key type without a known signature scheme here: the first handshake will tell.
      return true;
    }
    try {
      byte[] probe = "txgate key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // Among them InvalidKeyException: the certificate's key is of another type than the private key.
      return false;
    }
  }

  private static Buffer read(Key key, String file) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(file)));
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
