package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.client.Committed;
import io.txgate.client.ConnectionException;
import io.txgate.client.TxgateClient;
import io.txgate.config.Keys;
import io.txgate.testsupport.ClientSuites;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestCertificates;
import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java, Python and Node.js clients (and txgate-cli) over TLS against real txgate servers: one
 * whose certificate names 127.0.0.1 and that asks for (not requires) a client certificate from its
 * CA, and one whose certificate from the same CA names another host. Each client must connect with
 * the CA, present a client certificate whose CN shows as the session's tlsSubject, and refuse
 * another CA's certificate and a certificate for another name. The Python and Node.js cases are in
 * the clients' own trees (clients/python/tls_tests, clients/node/tls-test).
 */
class ClientsTlsTest {

  @TempDir
  static Path dir;

  static TestCertificates ca;
  static TestCertificates other;
  static TestCertificates.Pair app1;
  static TestServer server;
  static TestServer wrongName;

  @BeforeAll
  static void start() {
    ca = TestCertificates.authority(dir.resolve("ca"), "txgate-test-ca");
    other = TestCertificates.authority(dir.resolve("other"), "other-ca");
    app1 = ca.client("app-1");
    TestCertificates.Pair good = ca.issue("server", "IP:127.0.0.1", "DNS:localhost");
    TestCertificates.Pair elsewhere = ca.issue("elsewhere", "DNS:elsewhere.example");
    server = TestServer.start(tls(good)
      .put(Keys.PROTOCOL_TLS_CA_FILE.env(), ca.caCert().toString())
      .put(Keys.PROTOCOL_TLS_CLIENT_AUTH.env(), "REQUEST"));
    wrongName = TestServer.start(tls(elsewhere));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (wrongName != null) {
      wrongName.close();
    }
  }

  static JsonObject tls(TestCertificates.Pair cert) {
    return new JsonObject()
      .put(Keys.PROTOCOL_TLS_CERT_FILE.env(), cert.cert().toString())
      .put(Keys.PROTOCOL_TLS_KEY_FILE.env(), cert.key().toString());
  }

  static TxgateClient.Options options(int port) {
    return new TxgateClient.Options().setHost("127.0.0.1").setPort(port).setConnectTimeoutMs(30_000);
  }

  @Test
  void javaClientConnectsWithTheCaFile() {
    try (TxgateClient db = TxgateClient.connect(options(server.port()).setTlsCaFile(ca.caCert()))) {
      assertThat(db.execute("SELECT 1 + 1").row(0).getLong(0)).isEqualTo(2L);
    }
  }

  @Test
  void javaClientCertificateNamesTheSession() throws Exception {
    try (TxgateClient db = TxgateClient.connect(options(server.port()).setClientName("java-mtls")
      .setTlsCaFile(ca.caCert()).setTlsClientCert(app1.cert(), app1.key()))) {
      db.ping();
      JsonArray sessions = new JsonArray(Http.get(server.adminUrl() + "/api/sessions").body());
      List<Object> subjects = sessions.stream().map(JsonObject.class::cast)
        .filter(s -> "java-mtls".equals(s.getString("client"))).map(s -> s.getValue("tlsSubject")).toList();
      assertThat(subjects).containsExactly("app-1");
    }
  }

  @Test
  void javaClientRefusesAServerCertificateFromAnotherCa() {
    assertThatThrownBy(() -> TxgateClient.connect(options(server.port()).setTlsCaFile(other.caCert())))
      .isInstanceOfSatisfying(ConnectionException.class, e -> assertThat(e.committed()).isEqualTo(Committed.NO))
      .hasMessageContaining("TLS handshake")
      .hasMessageContaining("PKIX path");
  }

  @Test
  void javaClientRefusesACertificateForAnotherHostName() {
    assertThatThrownBy(() -> TxgateClient.connect(options(wrongName.port()).setTlsCaFile(ca.caCert())))
      .isInstanceOf(ConnectionException.class)
      .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
  }

  @Test
  void javaClientInPlaintextGetsNoAnswerFromTheTlsPort() {
    assertThatThrownBy(() -> TxgateClient.connect(options(server.port()).setReconnect(false)))
      .isInstanceOf(ConnectionException.class);
  }

  @Test
  void pythonClientAndCliTlsCasesPass() throws Exception {
    ClientSuites.require("python3");
    String output = ClientSuites.run(List.of("python3", "-m", "unittest", "discover", "-v",
      "-s", "clients/python/tls_tests", "-t", "clients/python"), new File("."), env());
    assertThat(output).contains("OK").doesNotContain("skipped");
    assertThat(output).containsPattern("Ran [1-9][0-9]* tests");
  }

  @Test
  void nodeClientTlsCasesPass() throws Exception {
    ClientSuites.require("node");
    String output = ClientSuites.run(List.of("node", "--test", "--test-reporter=tap", "tls-test/tls.js"),
      new File("clients/node"), env());
    assertThat(output).as(output)
      .containsPattern("(?m)^# pass [1-9][0-9]*$")
      .containsPattern("(?m)^# fail 0$")
      .containsPattern("(?m)^# skipped 0$");
  }

  static Map<String, String> env() {
    return Map.of(
      "TXGATE_TEST_TLS_PORT", Integer.toString(server.port()),
      "TXGATE_TEST_TLS_ADMIN_URL", server.adminUrl(),
      "TXGATE_TEST_TLS_CA", ca.caCert().toAbsolutePath().toString(),
      "TXGATE_TEST_TLS_CERT", app1.cert().toAbsolutePath().toString(),
      "TXGATE_TEST_TLS_KEY", app1.key().toAbsolutePath().toString(),
      "TXGATE_TEST_TLS_OTHER_CA", other.caCert().toAbsolutePath().toString(),
      "TXGATE_TEST_TLS_WRONG_NAME_PORT", Integer.toString(wrongName.port()));
  }
}
