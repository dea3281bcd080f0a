package io.txgate.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.testsupport.FaultDatabase;
import io.txgate.testsupport.TestCertificates;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS towards the database, with real handshakes: a MariaDB of the test's own serving a certificate
 * from a CA the test makes, and refusing plaintext ({@code require_secure_transport}). Each mode
 * goes through the same connect options the pool uses ({@link Pools#connectOptions}); the
 * encryption is read back from the server ({@code Ssl_cipher}), not assumed.
 */
class DatabaseTlsTest {

  private static final String DATABASE = "tlstest";

  @TempDir
  static Path certs;

  private static FaultDatabase db;
  private static TestCertificates ca;
  private static TestCertificates otherCa;
  private static TestCertificates.Pair forThisHost;
  private static TestCertificates.Pair forAnotherHost;
  private static TestCertificates.Pair served;
  private static Vertx vertx;

  @BeforeAll
  static void startServer() throws Exception {
    ca = TestCertificates.authority(certs, "txgate-test-ca");
    otherCa = TestCertificates.authority(certs, "unrelated-ca");
    forThisHost = ca.issue("db-127-0-0-1", "IP:127.0.0.1", "DNS:localhost");
    forAnotherHost = ca.issue("db-elsewhere", "DNS:db.elsewhere.example");
    // The server reads the files it was started with again at FLUSH SSL: serve copies to swap.
    served = new TestCertificates.Pair(certs.resolve("served.pem"), certs.resolve("served.key"));
    serve(forThisHost);
    db = FaultDatabase.create("tls").withTls(ca.caCert(), served.cert(), served.key(), true).start();
    db.createDatabase(DATABASE, "");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopServer() {
    if (vertx != null) {
      TestServer.await(vertx.close());
    }
    if (db != null) {
      db.close();
    }
  }

  private static void serve(TestCertificates.Pair pair) throws Exception {
    Files.copy(pair.cert(), served.cert(), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(pair.key(), served.key(), StandardCopyOption.REPLACE_EXISTING);
  }

  private static TxgateConfig config(String urlParameters, String mode, Path caFile) {
    JsonObject m = new JsonObject().put(Keys.DB_URL.env(), db.url(DATABASE) + urlParameters);
    if (mode != null) {
      m.put(Keys.DB_TLS_MODE.env(), mode);
    }
    if (caFile != null) {
      m.put(Keys.DB_TLS_CA_FILE.env(), caFile.toString());
    }
    return TxgateConfig.from(m);
  }

  /** Connects as the pool would and answers the session's cipher ("" for plaintext). */
  private static Future<String> cipher(TxgateConfig config) {
    return MySQLConnection.connect(vertx, Pools.connectOptions(config.db()))
      .compose(c -> c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'").execute()
        .map(rows -> rows.iterator().next().getString(1))
        .eventually(c::close))
      .timeout(30, TimeUnit.SECONDS);
  }

  private static String connects(TxgateConfig config) {
    return TestServer.await(cipher(config));
  }

  /** The whole chain of messages of the failed connection attempt. */
  private static String refused(TxgateConfig config) throws Exception {
    try {
      String c = cipher(config).toCompletionStage().toCompletableFuture().get();
      throw new AssertionError("connected (cipher '" + c + "') where it should have been refused");
    } catch (ExecutionException e) {
      StringBuilder all = new StringBuilder();
      for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
        all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" | ");
      }
      return all.toString();
    }
  }

  @Test
  void sslModeInTheUrlEncryptsEveryConnectionTxgateMakes() throws Exception {
    JsonObject overrides = new JsonObject().put(Keys.DB_URL.env(), db.url(DATABASE) + "?sslMode=REQUIRED");
    try (TestServer server = TestServer.start(overrides); WireClient client = server.connect()) {
      JsonObject r = client.call(WireClient.execute(1, "SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      String cipher = r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getString(1);
      assertThat(cipher).as("the cipher of txgate's pooled connection").isNotBlank();
    }
  }

  @Test
  void theMysqlClientSpellingAndPreferredEncryptToo() {
    assertThat(connects(config("?ssl-mode=required", null, null))).isNotBlank();
    assertThat(connects(config("", "PREFERRED", null))).isNotBlank();
  }

  @Test
  void plaintextAgainstAServerThatRequiresTlsFailsSayingWhy() throws Exception {
    // DISABLED is the default: no parameter, no key.
    TxgateConfig plain = config("", null, null);
    assertThat(plain.db().tls().mode().name()).isEqualTo("DISABLED");
    assertThat(refused(plain)).contains("insecure transport");

    try (TestServer server = TestServer.start(new JsonObject().put(Keys.DB_URL.env(), db.url(DATABASE)));
         WireClient client = server.connect()) {
      JsonObject r = client.call(WireClient.execute(1, "SELECT 1"));
      assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
      assertThat(r.getJsonObject("error").getString("message")).as(r.encode()).contains("insecure transport");
    }
  }

  @Test
  void verifyCaTrustsTheConfiguredAuthorityOnly() throws Exception {
    assertThat(connects(config("", "VERIFY_CA", ca.caCert()))).isNotBlank();
    // The same, from the URL's own parameters.
    assertThat(connects(config("?sslMode=VERIFY_CA&sslCa=" + ca.caCert(), null, null))).isNotBlank();

    assertThat(refused(config("", "VERIFY_CA", otherCa.caCert())))
      .contains("SSLHandshakeException").contains("unable to find valid certification path");
    // Without a CA file the JVM's default trust store applies, and it knows nothing of the test CA.
    assertThat(refused(config("", "VERIFY_CA", null)))
      .contains("SSLHandshakeException").contains("unable to find valid certification path");
  }

  @Test
  void verifyIdentityRefusesACertificateForAnotherHostName() throws Exception {
    TxgateConfig identity = config("", "VERIFY_IDENTITY", ca.caCert());
    assertThat(connects(identity)).as("certificate for 127.0.0.1").isNotBlank();
    try {
      serve(forAnotherHost);
      db.query(null, "FLUSH SSL");
      // Same CA, so VERIFY_CA still connects: what fails is the name alone.
      assertThat(connects(config("", "VERIFY_CA", ca.caCert()))).isNotBlank();
      assertThat(refused(identity)).contains("SSLHandshakeException")
        .contains("No subject alternative names matching IP address 127.0.0.1");
    } finally {
      serve(forThisHost);
      db.query(null, "FLUSH SSL");
    }
  }
}
