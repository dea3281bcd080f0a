package io.txgate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.testsupport.TestCertificates;
import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin console over HTTPS (admin.tls.certFile and keyFile), with a real handshake. */
class ConsoleTlsTest {

  static HttpResponse<String> get(SSLContext context, String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
      .connectTimeout(Duration.ofSeconds(10)).build();
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
      HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theConsoleServesHealthOverHttpsAndNothingOverHttp(@TempDir Path dir) throws Exception {
    TestCertificates ca = TestCertificates.authority(dir, "console-ca");
    TestCertificates.Pair cert = ca.issue("console", "IP:127.0.0.1", "DNS:localhost");
    try (TestServer server = TestServer.start(new JsonObject()
        .put(Keys.ADMIN_TLS_CERT_FILE.env(), cert.cert().toString())
        .put(Keys.ADMIN_TLS_KEY_FILE.env(), cert.key().toString()))) {
      assertThat(server.adminUrl()).startsWith("https://");
      HttpResponse<String> health = get(TestCertificates.sslContext(ca.caCert(), null), server.adminUrl() + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("UP");
      // The same port in plain HTTP: no page, whatever the client makes of the TLS alert.
      String plain = server.adminUrl().replace("https://", "http://") + "/health";
      assertThatThrownBy(() -> io.txgate.testsupport.Http.get(plain)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aConsoleKeyWithoutItsCertificateIsRefusedNamingBothKeys(@TempDir Path dir) {
    JsonObject conf = new JsonObject().put(Keys.ADMIN_TLS_KEY_FILE.env(), dir.resolve("console.key").toString());
    assertThatThrownBy(() -> TxgateConfig.from(conf))
      .hasMessageContaining("admin.tls.certFile")
      .hasMessageContaining("admin.tls.keyFile");
  }
}
