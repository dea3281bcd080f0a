package io.txgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestCertificates;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the protocol port, with real handshakes against certificates this test makes: a server
 * with TLS only, and one that requires a client certificate (mTLS) from its own CA.
 */
class ProtocolTlsTest {

  @TempDir
  static Path dir;

  static TestCertificates ca;
  static TestCertificates.Pair serverCert;
  static TestCertificates.Pair app1;
  static TestCertificates.Pair strangerApp1;
  static TestServer tls;
  static TestServer mtls;

  @BeforeAll
  static void start() {
    ca = TestCertificates.authority(dir.resolve("ca"), "txgate-test-ca");
    serverCert = ca.issue("server", "IP:127.0.0.1", "DNS:localhost");
    app1 = ca.client("app-1");
    strangerApp1 = TestCertificates.authority(dir.resolve("other"), "other-ca").client("app-1");
    tls = TestServer.start(serverTls());
    mtls = TestServer.start(serverTls()
      .put(Keys.PROTOCOL_TLS_CA_FILE.env(), ca.caCert().toString())
      .put(Keys.PROTOCOL_TLS_CLIENT_AUTH.env(), "REQUIRED"));
  }

  @AfterAll
  static void stop() {
    if (tls != null) {
      tls.close();
    }
    if (mtls != null) {
      mtls.close();
    }
  }

  static JsonObject serverTls() {
    return new JsonObject()
      .put(Keys.PROTOCOL_TLS_CERT_FILE.env(), serverCert.cert().toString())
      .put(Keys.PROTOCOL_TLS_KEY_FILE.env(), serverCert.key().toString());
  }

  static WireClient connect(int port, SSLContext context) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.startHandshake();
    return new WireClient(socket);
  }

  static JsonObject ping() {
    return new JsonObject().put("id", 1).put("op", "ping");
  }

  @Test
  void aTlsClientThatTrustsTheCaIsAnswered() throws Exception {
    try (WireClient c = connect(tls.port(), TestCertificates.sslContext(ca.caCert(), null))) {
      assertThat(c.call(ping()).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void aClientsCloseNotifyClosesTheConnectionAsAFinDoesInPlaintext() throws Exception {
    // asyncio (Python's AsyncClient) closes a TLS stream by sending close_notify and waiting for the
    // server to close; a server that waits for the TCP close instead keeps the session, and the
    // client, waiting until its shutdown timeout (30 s). Watched on the TCP socket under the TLS one:
    // the JDK's own TLS socket answers reads locally once its output is shut.
    try (Socket tcp = new Socket("127.0.0.1", tls.port())) {
      SSLSocket socket = (SSLSocket) TestCertificates.sslContext(ca.caCert(), null).getSocketFactory()
        .createSocket(tcp, "127.0.0.1", tls.port(), false);
      socket.startHandshake();
      socket.setSoTimeout(30_000);
      WireClient c = new WireClient(socket);
      assertThat(c.call(ping()).getBoolean("ok")).isTrue();
      socket.shutdownOutput();
      tcp.setSoTimeout(30_000);
      assertThat(readsToEnd(tcp.getInputStream())).as("the server closed the TCP connection").isTrue();
    }
  }

  @Test
  void aPlaintextClientOnTheTlsPortGetsNoAnswerAndIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", tls.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write((ping().encode() + "\n").getBytes());
      s.getOutputStream().flush();
      // Whatever comes back (at most a TLS alert) is not an answer, and then the server closes.
      String received = readToEnd(s.getInputStream());
      assertThat(received).doesNotContain("\"ok\"");
    }
  }

  @Test
  void mtlsRefusesAClientWithoutACertificate() {
    assertThat(refused(mtls.port(), TestCertificates.sslContext(ca.caCert(), null))).isTrue();
  }

  @Test
  void mtlsRefusesACertificateFromAnotherCa() {
    assertThat(refused(mtls.port(), TestCertificates.sslContext(ca.caCert(), strangerApp1))).isTrue();
  }

  @Test
  void mtlsAcceptsTheCasClientAndShowsItsSubjectInTheSessions() throws Exception {
    try (WireClient c = connect(mtls.port(), TestCertificates.sslContext(ca.caCert(), app1))) {
      JsonObject hello = c.call(new JsonObject().put("id", 1).put("op", "hello").put("client", "tls-test"));
      assertThat(hello.getBoolean("ok")).as(hello.encode()).isTrue();
      JsonArray sessions = new JsonArray(Http.get(mtls.adminUrl() + "/api/sessions").body());
      assertThat(sessions).hasSize(1);
      assertThat(sessions.getJsonObject(0).getString("tlsSubject")).isEqualTo("app-1");
    }
  }

  @Test
  void aPlainSessionHasNoTlsSubject() throws Exception {
    try (WireClient c = connect(tls.port(), TestCertificates.sslContext(ca.caCert(), app1))) {
      c.call(new JsonObject().put("id", 1).put("op", "hello").put("client", "no-client-auth"));
      JsonArray sessions = new JsonArray(Http.get(tls.adminUrl() + "/api/sessions").body());
      JsonObject mine = sessions.stream().map(JsonObject.class::cast)
        .filter(s -> "no-client-auth".equals(s.getString("client"))).findFirst().orElseThrow();
      // The server asked for no certificate, so the client sent none: nothing is claimed.
      assertThat(mine.getValue("tlsSubject")).isNull();
    }
  }

  @Test
  void aMissingKeyFileStopsTheStartNamingTheKey() {
    JsonObject conf = serverTls().put(Keys.PROTOCOL_TLS_KEY_FILE.env(), dir.resolve("nowhere.key").toString());
    assertThatThrownBy(() -> TxgateConfig.from(conf))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("protocol.tls.keyFile")
      .hasMessageContaining("TXGATE_PROTOCOL_TLS_KEY_FILE")
      .hasMessageContaining("nowhere.key");
  }

  @Test
  void aKeyOfAnotherCertificateStopsTheStartNamingTheKey() {
    JsonObject conf = serverTls().put(Keys.PROTOCOL_TLS_KEY_FILE.env(), app1.key().toString());
    assertThatThrownBy(() -> ServerTls.options(TxgateConfig.from(conf).protocol().tls()))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("protocol.tls.keyFile")
      .hasMessageContaining("is not the private key of the certificate");
  }

  @Test
  void aFileThatIsNotPemStopsTheStart() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    JsonObject conf = serverTls().put(Keys.PROTOCOL_TLS_CERT_FILE.env(), junk.toString());
    assertThatThrownBy(() -> ServerTls.options(TxgateConfig.from(conf).protocol().tls()))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("protocol.tls.certFile");
  }

  @Test
  void clientAuthWithoutACaAndRequiredWithoutACertificateAreRefused() {
    assertThatThrownBy(() -> TxgateConfig.from(serverTls().put(Keys.PROTOCOL_TLS_CLIENT_AUTH.env(), "REQUIRED")))
      .hasMessageContaining("protocol.tls.caFile");
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put(Keys.PROTOCOL_TLS_REQUIRED.env(), true)))
      .hasMessageContaining("protocol.tls.required");
    assertThatThrownBy(() -> TxgateConfig.from(serverTls().put(Keys.PROTOCOL_TLS_CLIENT_AUTH.env(), "SOMETIMES")))
      .hasMessageContaining("protocol.tls.clientAuth");
  }

  /** Whether the server refused the connection: the handshake, or the first answer after it, fails. */
  static boolean refused(int port, SSLContext context) {
    // Under TLS 1.3 the client's handshake completes before the server has checked the client's
    // certificate; the server's refusal arrives as an alert on the first read.
    try (WireClient c = connect(port, context)) {
      c.send(ping());
      return c.readLine() == null;
    } catch (IOException e) {
      return true;
    }
  }

  /** True at the end of the stream (or a reset), false when nothing more came within the socket's timeout. */
  static boolean readsToEnd(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // whatever the server still sends (its own close_notify) comes before the end
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      in.transferTo(out);
    } catch (IOException reset) {
      // a reset also ends it
    }
    return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
