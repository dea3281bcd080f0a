package io.txgate.admin;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.ServerLog;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console against a hostile browser: DNS rebinding (a foreign {@code Host} header), framing and
 * MIME sniffing; and the audit trail of every operator action.
 */
class ConsoleHardeningTest {

  /**
   * One HTTP/1.1 request with a Host header of our choosing (the JDK client will not send a foreign
   * one), as a page whose domain was rebound to 127.0.0.1 would; returns the status code.
   */
  private static int status(TestServer server, String method, String path, String host, String... headers)
      throws IOException {
    URI admin = URI.create(server.adminUrl());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(admin.getHost(), admin.getPort()), 10_000);
      s.setSoTimeout(30_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
      for (int i = 0; i + 1 < headers.length; i += 2) {
        req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(response.substring(9, 12));
    }
  }

  @Test
  void aForeignHostNameIsRefusedSoARebindingPageCannotActAsTheConsole() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_ADMIN_ALLOWED_HOSTS", "console.example.com"));
         WireClient victim = server.connect()) {
      assertThat(victim.call(execute("a", "SELECT 1")).getBoolean("ok")).isTrue();
      String id = new JsonArray(Http.get(server.adminUrl() + "/api/sessions").body()).getJsonObject(0).getString("id");
      int port = URI.create(server.adminUrl()).getPort();

      for (String path : List.of("/", "/app.js", "/api/overview", "/api/stream", "/metrics")) {
        assertThat(status(server, "GET", path, "attacker.example:" + port)).as(path).isEqualTo(403);
      }
      assertThat(status(server, "POST", "/api/sessions/" + id + "/kill", "attacker.example",
        AdminVerticle.CSRF_HEADER, "1")).isEqualTo(403);
      assertThat(status(server, "POST", "/api/pause", "localhost.attacker.example", AdminVerticle.CSRF_HEADER, "1"))
        .isEqualTo(403);
      assertThat(victim.call(execute("b", "SELECT 1")).getBoolean("ok")).as("the session lives").isTrue();
      assertThat(new JsonObject(Http.get(server.adminUrl() + "/api/overview").body()).getBoolean("accepting"))
        .as("still accepting").isTrue();

      for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port,
          "console.example.com:" + port, "Console.Example.Com.")) {
        assertThat(status(server, "GET", "/api/overview", host)).as(host).isEqualTo(200);
      }
      assertThat(status(server, "GET", "/api/overview", "example.com")).isEqualTo(403);
    }
  }

  @Test
  void pagesAndApiForbidFramingAndSniffing() throws Exception {
    try (TestServer server = TestServer.start()) {
      for (String path : List.of("/", "/app.js", "/api/overview")) {
        var r = Http.get(server.adminUrl() + path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValueSatisfying(v -> assertThat(v).contains("frame-ancestors 'none'").contains("default-src 'self'"));
        assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
      }
    }
  }

  @Test
  void everyKillPauseAndResumeIsAuditedWithWhoAndNeverTheSecret() throws Exception {
    String token = "audit-t0ken-s3cret";
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_ADMIN_TOKEN", token));
         WireClient victim = server.connect()) {
      assertThat(victim.call(execute("a", "SELECT 1")).getBoolean("ok")).isTrue();
      String[] auth = {"Authorization", "Bearer " + token, AdminVerticle.CSRF_HEADER, "1"};
      String id = new JsonArray(Http.get(server.adminUrl() + "/api/sessions", auth).body()).getJsonObject(0).getString("id");

      String log = ServerLog.during(() -> {
        assertThat(Http.post(server.adminUrl() + "/api/pause", auth).statusCode()).isEqualTo(200);
        assertThat(Http.post(server.adminUrl() + "/api/resume", auth).statusCode()).isEqualTo(200);
        assertThat(Http.post(server.adminUrl() + "/api/sessions/" + id + "/kill", auth).statusCode()).isEqualTo(200);
        assertThat(Http.post(server.adminUrl() + "/api/sessions/99999/kill", auth).statusCode()).isEqualTo(404);
      });
      assertThat(victim.closedByServer()).isTrue();

      JsonArray audit = new JsonArray(Http.get(server.adminUrl() + "/api/audit", auth).body());
      assertThat(audit.stream().map(e -> ((JsonObject) e).getString("action")))
        .containsExactly("pause", "resume", "kill", "kill");
      JsonObject kill = audit.getJsonObject(2);
      assertThat(kill.getString("target")).isEqualTo(id);
      assertThat(kill.getString("outcome")).isEqualTo("killed");
      assertThat(kill.getString("who")).isEqualTo("the bearer-token holder");
      assertThat(kill.getString("from")).isEqualTo("127.0.0.1");
      assertThat(kill.getString("at")).isNotBlank();
      assertThat(audit.getJsonObject(3).getString("outcome")).isEqualTo("no such session");
      assertThat(Http.get(server.adminUrl() + "/api/audit").statusCode()).as("behind the credentials").isEqualTo(401);

      assertThat(log).contains("audit - the bearer-token holder from 127.0.0.1: kill " + id + ": killed")
        .contains("audit - the bearer-token holder from 127.0.0.1: pause");
      assertThat(log + audit.encode()).doesNotContain(token);
    }
  }
}
