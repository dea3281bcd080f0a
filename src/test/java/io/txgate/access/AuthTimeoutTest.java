package io.txgate.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.config.Keys;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A connection that never authenticates does not keep its slot until the idle timeout. */
class AuthTimeoutTest {

  @Test
  void aSilentConnectionIsToldAndClosed() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
      .put(Keys.PROTOCOL_CLIENTS_FILE.env(), AuthServers.clientsFile().toString())
      .put(Keys.PROTOCOL_JWT_KEY.env(), AuthServers.JWT_KEY)
      .put(Keys.PROTOCOL_AUTH_TIMEOUT_SECONDS.env(), 1));
         WireClient c = server.connect()) {
      JsonObject r = c.read();
      assertThat(r.getValue("id")).isNull();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
      assertThat(r.getJsonObject("error").getString("message")).contains("within 1 s");
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
