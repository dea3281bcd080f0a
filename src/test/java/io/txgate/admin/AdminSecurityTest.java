package io.txgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.ConfigException;
import io.txgate.auth.PasswordHash;
import io.txgate.config.TxgateConfig;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The console is loopback-only by default, and behind credentials whenever any are configured. */
class AdminSecurityTest {

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void refusesAPublicAddressWithoutCredentialsAndSaysWhy() {
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_ADMIN_HOST", "0.0.0.0")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("TXGATE_ADMIN_HOST").hasMessageContaining("without credentials");
    assertThat(TxgateConfig.from(new JsonObject().put("TXGATE_ADMIN_HOST", "0.0.0.0")
      .put("TXGATE_ADMIN_TOKEN", "t0k3n")).admin().host()).isEqualTo("0.0.0.0");
  }

  @Test
  void passwordFromTheEnvironmentAndBearerTokenAreRequiredAndChecked() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("TXGATE_ADMIN_PASSWORD", "correct horse").put("TXGATE_ADMIN_TOKEN", "s3cr3t-t0ken"))) {
      String api = server.adminUrl() + "/api/overview";
      assertThat(Http.get(api).statusCode()).isEqualTo(401);
      assertThat(Http.get(api).headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("Basic"));
      assertThat(Http.get(server.adminUrl() + "/").statusCode()).isEqualTo(401);
      assertThat(Http.get(server.adminUrl() + "/metrics").statusCode()).isEqualTo(401);
      assertThat(Http.get(api, "Authorization", basic("admin", "wrong")).statusCode()).isEqualTo(401);
      assertThat(Http.get(api, "Authorization", basic("root", "correct horse")).statusCode()).isEqualTo(401);
      assertThat(Http.get(api, "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
      var ok = Http.get(api, "Authorization", basic("admin", "correct horse"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(Http.get(api, "Authorization", "Bearer s3cr3t-t0ken").statusCode()).isEqualTo(200);
      // Orchestrators probe these without credentials.
      assertThat(Http.get(server.adminUrl() + "/health").statusCode()).isEqualTo(200);
      // No secret in anything the console serves.
      for (String path : new String[] {"/api/overview", "/api/sessions", "/api/pool", "/api/operations", "/", "/app.js"}) {
        String body = Http.get(server.adminUrl() + path, "Authorization", "Bearer s3cr3t-t0ken").body();
        assertThat(body).as(path).doesNotContain("correct horse").doesNotContain("s3cr3t-t0ken");
      }
    }
  }

  @Test
  void passwordHashWorksAndIsNotThePassword() throws Exception {
    String hash = PasswordHash.hash("tr0ub4dor");
    assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("tr0ub4dor");
    assertThat(PasswordHash.verify("tr0ub4dor", hash)).isTrue();
    assertThat(PasswordHash.verify("tr0ub4dor!", hash)).isFalse();
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_ADMIN_PASSWORD_HASH", hash))) {
      String api = server.adminUrl() + "/api/pool";
      assertThat(Http.get(api).statusCode()).isEqualTo(401);
      assertThat(Http.get(api, "Authorization", basic("admin", "tr0ub4dor")).statusCode()).isEqualTo(200);
      assertThat(Http.get(api, "Authorization", basic("admin", "tr0ub4dor")).statusCode()).isEqualTo(200);
    }
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_ADMIN_PASSWORD_HASH", "plaintext")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("TXGATE_ADMIN_PASSWORD_HASH");
  }

  @Test
  void configToStringHidesCredentials() {
    TxgateConfig c = TxgateConfig.from(new JsonObject().put("TXGATE_ADMIN_PASSWORD", "hunter2")
      .put("TXGATE_ADMIN_TOKEN", "tok-123"));
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("tok-123").contains("credentials=set");
  }
}
