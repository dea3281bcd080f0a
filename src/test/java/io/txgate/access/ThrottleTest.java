package io.txgate.access;

import static io.txgate.access.AuthServers.TOKEN;
import static io.txgate.access.AuthServers.WRONG_TOKEN;
import static io.txgate.access.AuthServers.hello;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Repeated failed authentications from one address: its further attempts are refused unchecked. */
class ThrottleTest {

  @Test
  void afterTheLimitEvenTheRightTokenIsRefusedUnchecked() throws Exception {
    try (TestServer server = AuthServers.start(3)) {
      for (int i = 0; i < 3; i++) {
        try (WireClient c = server.connect()) {
          JsonObject r = c.call(hello(1, "full", WRONG_TOKEN));
          assertThat(r.getJsonObject("error").getString("message")).contains("authentication failed");
        }
      }
      try (WireClient c = server.connect()) {
        JsonObject r = c.call(hello(1, "full", TOKEN));
        assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
        assertThat(r.getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
        assertThat(r.getJsonObject("error").getString("message")).contains("too many failed authentications");
        assertThat(c.closedByServer()).isTrue();
      }
      assertThat(Http.get(server.adminUrl() + "/metrics").body())
        .containsPattern("txgate_auth_failures_total\\{reason=\"throttled\"[^}]*} 1");
    }
  }
}
