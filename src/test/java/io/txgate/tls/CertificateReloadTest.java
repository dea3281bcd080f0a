package io.txgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.admin.AdminVerticle;
import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestCertificates;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Txgate.reloadTls(): the protocol port's certificate files are read again and serve new
 * handshakes, while connections already open keep working; files that fail the checks change
 * nothing.
 */
class CertificateReloadTest {

  /**
   * Two authorities, a server certificate from each, and the files the server reads, holding the
   * first one's: a renewal replaces them with the second's.
   */
  private record Renewal(TestCertificates first, TestCertificates second, TestCertificates.Pair newCert,
                         Path cert, Path key) {

    static Renewal prepare(Path dir) throws Exception {
      TestCertificates first = TestCertificates.authority(dir.resolve("first"), "first-ca");
      TestCertificates second = TestCertificates.authority(dir.resolve("second"), "second-ca");
      TestCertificates.Pair oldCert = first.issue("server", "IP:127.0.0.1");
      Path cert = dir.resolve("server.pem");
      Path key = dir.resolve("server.key");
      Files.copy(oldCert.cert(), cert);
      Files.copy(oldCert.key(), key);
      return new Renewal(first, second, second.issue("server", "IP:127.0.0.1"), cert, key);
    }
  }

  @Test
  void aReloadServesTheNewCertificateToNewConnectionsAndKeepsOpenOnes(@TempDir Path dir) throws Exception {
    Renewal renewal = Renewal.prepare(dir);
    TestCertificates first = renewal.first();
    TestCertificates second = renewal.second();
    TestCertificates.Pair newCert = renewal.newCert();
    Path cert = renewal.cert();
    Path key = renewal.key();
    try (TestServer server = TestServer.start(new JsonObject()
        .put(Keys.PROTOCOL_TLS_CERT_FILE.env(), cert.toString())
        .put(Keys.PROTOCOL_TLS_KEY_FILE.env(), key.toString()));
         WireClient before = ProtocolTlsTest.connect(server.port(), TestCertificates.sslContext(first.caCert(), null))) {
      assertThat(before.call(ProtocolTlsTest.ping()).getBoolean("ok")).isTrue();

      // A key that is not the certificate's: refused, and the port keeps serving the old pair.
      Files.copy(newCert.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> TestServer.await(server.txgate().reloadTls()))
        .hasRootCauseInstanceOf(ConfigException.class).hasMessageContaining("protocol.tls.keyFile");
      try (WireClient c = ProtocolTlsTest.connect(server.port(), TestCertificates.sslContext(first.caCert(), null))) {
        assertThat(c.call(ProtocolTlsTest.ping()).getBoolean("ok")).isTrue();
      }

      Files.copy(newCert.key(), key, StandardCopyOption.REPLACE_EXISTING);
      TestServer.await(server.txgate().reloadTls());
      try (WireClient c = ProtocolTlsTest.connect(server.port(), TestCertificates.sslContext(second.caCert(), null))) {
        assertThat(c.call(ProtocolTlsTest.ping()).getBoolean("ok")).isTrue();
      }
      assertThat(ProtocolTlsTest.refused(server.port(), TestCertificates.sslContext(first.caCert(), null)))
        .as("a client that trusts only the old CA").isTrue();
      assertThat(before.call(ProtocolTlsTest.ping()).getBoolean("ok")).as("the connection open before").isTrue();
    }
  }

  /**
   * The same through the operator's reload (POST /api/reload, as SIGHUP): the certificate files are
   * one of the parts a reload re-reads, and named in its changes.
   */
  @Test
  void theConsolesReloadReadsTheCertificatesAgain(@TempDir Path dir) throws Exception {
    Renewal renewal = Renewal.prepare(dir);
    TestCertificates first = renewal.first();
    TestCertificates second = renewal.second();
    TestCertificates.Pair newCert = renewal.newCert();
    Path cert = renewal.cert();
    Path key = renewal.key();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "protocol:\n  port: " + TestServer.freePort() + "\n  tls:\n    certFile: " + cert
      + "\n    keyFile: " + key + "\nadmin:\n  port: " + TestServer.freePort() + "\ntx:\n  operationsFile: "
      + Path.of("conf/operations.yaml").toAbsolutePath() + "\n");
    try (TestServer server = TestServer.startFromFile(config, new JsonObject());
         WireClient before = ProtocolTlsTest.connect(server.port(), TestCertificates.sslContext(first.caCert(), null))) {
      assertThat(before.call(ProtocolTlsTest.ping()).getBoolean("ok")).isTrue();
      Files.copy(newCert.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(newCert.key(), key, StandardCopyOption.REPLACE_EXISTING);

      var r = Http.post(server.adminUrl() + "/api/reload", AdminVerticle.CSRF_HEADER, "1");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getJsonArray("changes").encode()).contains("certificates");
      try (WireClient c = ProtocolTlsTest.connect(server.port(), TestCertificates.sslContext(second.caCert(), null))) {
        assertThat(c.call(ProtocolTlsTest.ping()).getBoolean("ok")).isTrue();
      }
      assertThat(ProtocolTlsTest.refused(server.port(), TestCertificates.sslContext(first.caCert(), null)))
        .as("a client that trusts only the old CA").isTrue();
      assertThat(before.call(ProtocolTlsTest.ping()).getBoolean("ok")).as("the connection open before").isTrue();
    }
  }
}
