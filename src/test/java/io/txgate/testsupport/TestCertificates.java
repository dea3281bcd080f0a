package io.txgate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority of the test's own, made with the {@code openssl} command (Debian package
 * {@code openssl}), and the server and client certificates it signs. Keys are RSA 2048 without a
 * passphrase, in PKCS#8 PEM; everything lives in the directory given and is valid for two days.
 * {@link #sslContext} builds the JDK side of a handshake from the same files.
 */
public final class TestCertificates {

  /** A PEM certificate and its key. */
  public record Pair(Path cert, Path key) {
  }

  private final Path dir;
  private final Pair ca;

  private TestCertificates(Path dir, Pair ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new self-signed CA under {@code dir}, its files named after {@code name}. */
  public static TestCertificates authority(Path dir, String name) {
    Pair ca = new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
      "-subj", "/CN=" + name, "-keyout", ca.key().toString(), "-out", ca.cert().toString());
    return new TestCertificates(dir, ca);
  }

  /** The CA's certificate: what a client trusts. */
  public Path caCert() {
    return ca.cert();
  }

  /**
   * A server certificate signed by this CA for the names given as subjectAltName entries, e.g.
   * {@code "IP:127.0.0.1", "DNS:localhost"}.
   */
  public Pair issue(String name, String... altNames) {
    Pair p = new Pair(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    try {
      Files.writeString(ext, "subjectAltName=" + String.join(",", altNames) + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
      "-keyout", p.key().toString(), "-out", csr.toString());
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
      "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", p.cert().toString());
    return p;
  }

  /** A client certificate whose subject is {@code CN=<commonName>}, signed by this CA. */
  public Pair client(String commonName) {
    Pair p = new Pair(dir.resolve(commonName + ".pem"), dir.resolve(commonName + ".key"));
    Path csr = dir.resolve(commonName + ".csr");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName,
      "-keyout", p.key().toString(), "-out", csr.toString());
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.cert().toString(), "-CAkey", ca.key().toString(),
      "-CAcreateserial", "-days", "2", "-out", p.cert().toString());
    return p;
  }

  /**
   * A TLS 1.2/1.3 client context that trusts the certificates in {@code caFile} only and, when
   * {@code client} is not null, presents that certificate.
   */
  public static SSLContext sslContext(Path caFile, Pair client) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      try (var in = Files.newInputStream(caFile)) {
        int i = 0;
        for (Certificate c : x509.generateCertificates(in)) {
          trust.setCertificateEntry("ca" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManager[] keyManagers = null;
      if (client != null) {
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        Certificate[] chain;
        try (var in = Files.newInputStream(client.cert())) {
          chain = x509.generateCertificates(in).toArray(new Certificate[0]);
        }
        String pem = Files.readString(client.key());
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[^-]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        keys.setKeyEntry("client", key, new char[0], chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        keyManagers = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void openssl(Path dir, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run openssl (Debian package openssl): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
