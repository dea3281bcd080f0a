package io.txgate.access;

import static io.txgate.access.AuthServers.TOKEN;
import static io.txgate.access.AuthServers.hello;
import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.client.RejectedException;
import io.txgate.client.TxgateClient;
import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.ServerLog;
import io.txgate.testsupport.TestCertificates;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS client certificate as a credential, over real handshakes with certificates this test
 * makes: a server that asks for (REQUEST) a client certificate from its CA, with one certificate
 * client (app-1) and one token client (full).
 */
class CertificateAuthTest {

  @TempDir
  static Path dir;

  static TestCertificates ca;
  static TestCertificates.Pair app1;
  static TestCertificates.Pair app2;
  static TestCertificates.Pair full;
  static TestCertificates.Pair serverCert;
  static TestServer server;

  @BeforeAll
  static void start() throws IOException {
    ca = TestCertificates.authority(dir.resolve("ca"), "txgate-test-ca");
    serverCert = ca.issue("server", "IP:127.0.0.1", "DNS:localhost");
    app1 = ca.client("app-1");
    app2 = ca.client("app-2");
    full = ca.client("full");
    // No throttling: the refusals below all come from 127.0.0.1.
    server = TestServer.start(requestingCertificates()
      .put(Keys.PROTOCOL_CLIENTS_FILE.env(), clientsFile().toString())
      .put(Keys.PROTOCOL_AUTH_FAILURE_LIMIT.env(), 0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** TLS on the protocol port, asking for a client certificate from the test's CA. */
  static JsonObject requestingCertificates() {
    return new JsonObject()
      .put(Keys.PROTOCOL_TLS_CERT_FILE.env(), serverCert.cert().toString())
      .put(Keys.PROTOCOL_TLS_KEY_FILE.env(), serverCert.key().toString())
      .put(Keys.PROTOCOL_TLS_CA_FILE.env(), ca.caCert().toString())
      .put(Keys.PROTOCOL_TLS_CLIENT_AUTH.env(), "REQUEST");
  }

  static Path clientsFile() throws IOException {
    Path file = dir.resolve("clients.yaml");
    Files.writeString(file, "clients:\n"
      + "  - {name: app-1, certificate: true, operations: [balance]}\n"
      + "  - {name: full, tokenHash: \"" + AuthServers.tokenHash() + "\", rawSql: true}\n");
    return file;
  }

  static WireClient connect(TestCertificates.Pair client) throws IOException {
    SSLContext context = TestCertificates.sslContext(ca.caCert(), client);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
    socket.startHandshake();
    return new WireClient(socket);
  }

  static JsonObject bareHello(Object id, String client) {
    return new JsonObject().put("id", id).put("op", "hello").put("client", client);
  }

  static void assertRefused(WireClient c, JsonObject response) throws IOException {
    assertThat(response.getBoolean("ok")).as(response.encode()).isFalse();
    assertThat(response.getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
    assertThat(c.closedByServer()).as("closed after UNAUTHENTICATED").isTrue();
  }

  @Test
  void theCertificateAuthenticatesItsClientWithItsPermissionsAndShowsInTheSessions() throws Exception {
    try (WireClient c = connect(app1)) {
      // The hello carries no credential; its client field is the application's own label.
      JsonObject hello = c.call(bareHello(1, "cert-test"));
      assertThat(hello.getBoolean("ok")).as(hello.encode()).isTrue();
      assertThat(hello.getJsonObject("result").getString("identity")).isEqualTo("app-1");

      JsonObject sql = c.call(execute(2, "SELECT 1"));
      assertThat(sql.getJsonObject("error").getString("code")).as(sql.encode()).isEqualTo("FORBIDDEN");
      assertThat(sql.getJsonObject("error").getString("message")).contains("rawSql");
      JsonObject call = c.call(new JsonObject().put("id", 3).put("op", "call").put("name", "balance")
        .put("args", new JsonObject().put("id", 1)));
      assertThat(call.getBoolean("ok")).as(call.encode()).isTrue();

      JsonArray sessions = new JsonArray(Http.get(server.adminUrl() + "/api/sessions").body());
      JsonObject mine = sessions.stream().map(JsonObject.class::cast)
        .filter(s -> "cert-test".equals(s.getString("client"))).findFirst().orElseThrow();
      assertThat(mine.getString("identity")).isEqualTo("app-1");
      assertThat(mine.getString("tlsSubject")).isEqualTo("app-1");
    }
  }

  @Test
  void aValidCertificateOfAnUnconfiguredNameIsRefusedAndItsSubjectLogged() throws Exception {
    String log = ServerLog.during(() -> {
      try (WireClient c = connect(app2)) {
        assertRefused(c, c.call(bareHello(1, "app-1")));
      }
    });
    assertThat(log).contains("by certificate, CN=app-2");
  }

  @Test
  void aCertificateNamingATokenClientIsNotThatClientsCredential() throws IOException {
    try (WireClient c = connect(full)) {
      assertRefused(c, c.call(bareHello(1, "full")));
    }
  }

  @Test
  void withoutACertificateAHelloWithoutACredentialIsRefused() throws IOException {
    try (WireClient c = connect(null)) {
      assertRefused(c, c.call(bareHello(1, "app-1")));
    }
  }

  @Test
  void aTokenStillAuthenticatesItsOwnClientOnACertificateConnection() throws IOException {
    // An explicit credential wins over the connection's certificate.
    try (WireClient c = connect(app1)) {
      JsonObject r = c.call(hello(1, "full", TOKEN));
      assertThat(r.getJsonObject("result").getString("identity")).as(r.encode()).isEqualTo("full");
    }
  }

  @Test
  void theJavaClientAuthenticatesWithItsCertificate() {
    TxgateClient.Options options = new TxgateClient.Options().setHost("127.0.0.1").setPort(server.port())
      .setConnectTimeoutMs(30_000).setTlsCaFile(ca.caCert()).setTlsClientCert(app1.cert(), app1.key());
    try (TxgateClient db = TxgateClient.connect(options)) {
      assertThat(db.hello().identity()).isEqualTo("app-1");
      assertThat(db.call("balance", Map.of("id", 1))).isNotEmpty();
      assertThatThrownBy(() -> db.execute("SELECT 1")).isInstanceOf(RejectedException.class)
        .satisfies(e -> assertThat(((RejectedException) e).code()).isEqualTo("FORBIDDEN"));
    }
    TxgateClient.Options stranger = new TxgateClient.Options().setHost("127.0.0.1").setPort(server.port())
      .setConnectTimeoutMs(30_000).setTlsCaFile(ca.caCert()).setTlsClientCert(app2.cert(), app2.key())
      .setReconnect(false);
    assertThatThrownBy(() -> TxgateClient.connect(stranger)).isInstanceOf(RejectedException.class)
      .satisfies(e -> assertThat(((RejectedException) e).code()).isEqualTo("UNAUTHENTICATED"));
  }

  @Test
  void aCertificateClientWithoutClientCertificateVerificationStopsTheStart() throws IOException {
    JsonObject conf = new JsonObject().put(Keys.PROTOCOL_CLIENTS_FILE.env(), clientsFile().toString());
    assertThatThrownBy(() -> TxgateConfig.from(conf))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("clients[0] (app-1).certificate")
      .hasMessageContaining("protocol.tls.clientAuth")
      .hasMessageContaining("NONE");
  }

  @Test
  void aCertificateEntryIsOneCredentialAndABoolean() {
    JsonObject ok = requestingCertificates().put("clients", new JsonArray()
      .add(new JsonObject().put("name", "app-1").put("certificate", true)));
    assertThat(TxgateConfig.from(ok).access().clients().get(0).credential()).isInstanceOf(Client.Certificate.class);
    JsonObject two = requestingCertificates().put("clients", new JsonArray().add(new JsonObject()
      .put("name", "app-1").put("certificate", true).put("tokenHash", AuthServers.tokenHash())));
    assertThatThrownBy(() -> TxgateConfig.from(two))
      .hasMessageContaining("clients[0] (app-1): needs exactly one credential");
    JsonObject text = requestingCertificates().put("clients", new JsonArray()
      .add(new JsonObject().put("name", "app-1").put("certificate", "CN=app-1")));
    assertThatThrownBy(() -> TxgateConfig.from(text))
      .hasMessageContaining("clients[0] (app-1).certificate: must be true or false");
  }
}
