package io.txgate.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.testsupport.ServerLog;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The clients list is checked at start-up, and the protocol port is not opened to others anonymously. */
class ClientsConfigTest {

  private static JsonObject client(String name) {
    return new JsonObject().put("name", name).put("tokenHash", AuthServers.tokenHash());
  }

  private static TxgateConfig config(JsonObject conf) {
    return TxgateConfig.from(conf);
  }

  private static JsonObject withClients(JsonObject... clients) {
    return new JsonObject().put("clients", new JsonArray(java.util.List.of((Object[]) clients)));
  }

  @Test
  void permissionsDefaultToNothingButPing() {
    Client c = config(withClients(client("a"))).access().clients().get(0);
    assertThat(c.credential()).isInstanceOf(Client.TokenHash.class);
    assertThat(c.credential().toString()).doesNotContain(AuthServers.tokenHash());
    assertThat(c.permissions()).isEqualTo(new Permissions(false, java.util.Set.of(), false, 0, 0));
  }

  @Test
  void everyBadEntryStopsTheStartNamingIt() {
    assertThatThrownBy(() -> config(withClients(client("a"), client("a")))).isInstanceOf(ConfigException.class)
      .hasMessageContaining("'a' is configured twice");
    assertThatThrownBy(() -> config(withClients(new JsonObject().put("name", "a"))))
      .hasMessageContaining("clients[0] (a): needs exactly one credential");
    assertThatThrownBy(() -> config(withClients(client("a").put("jwt", true))))
      .hasMessageContaining("needs exactly one credential");
    assertThatThrownBy(() -> config(withClients(new JsonObject().put("name", "a").put("tokenHash", "plain"))))
      .hasMessageContaining("clients[0] (a).tokenHash: not a pbkdf2-sha256 hash").hasMessageNotContaining("plain");
    assertThatThrownBy(() -> config(withClients(new JsonObject().put("name", "j").put("jwt", true))))
      .hasMessageContaining("protocol.jwtKey");
    assertThatThrownBy(() -> config(withClients(client("a").put("readonly", true))))
      .hasMessageContaining("unknown field 'readonly'");
    assertThatThrownBy(() -> config(withClients(client("a").put("operations", "transfer"))))
      .hasMessageContaining("clients[0] (a).operations");
    assertThatThrownBy(() -> config(withClients(client("a").put("maxConnections", -1))))
      .hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> config(new JsonObject().put(Keys.PROTOCOL_CLIENTS_FILE.env(), "no/such/clients.yaml")))
      .hasMessageContaining("protocol.clientsFile").hasMessageContaining("no/such/clients.yaml");
  }

  @Test
  void anOperationAClientMayCallMustExist() {
    JsonObject conf = withClients(client("a").put("operations", new JsonArray().add("balance").add("transfr")));
    assertThatThrownBy(() -> TestServer.start(conf)).hasMessageContaining("clients (a).operations")
      .hasMessageContaining("'transfr'");
  }

  @Test
  void aNonLoopbackProtocolHostNeedsClientsOrAllowAnonymous() {
    JsonObject open = new JsonObject().put(Keys.PROTOCOL_HOST.env(), "0.0.0.0");
    assertThatThrownBy(() -> config(open.copy())).isInstanceOf(ConfigException.class)
      .hasMessageContaining("protocol.host").hasMessageContaining("allowAnonymous");
    assertThat(config(open.copy().mergeIn(withClients(client("a")))).access().clients()).hasSize(1);
    assertThat(config(open.copy().put(Keys.PROTOCOL_ALLOW_ANONYMOUS.env(), "true")).access().allowAnonymous()).isTrue();
    assertThat(config(new JsonObject().put(Keys.PROTOCOL_HOST.env(), "127.0.0.1")).access().clients()).isEmpty();
  }

  @Test
  void allowAnonymousOnANonLoopbackHostWarnsAtStart() throws Exception {
    String[] log = new String[1];
    log[0] = ServerLog.during(() -> {
      try (TestServer server = TestServer.start(new JsonObject().put(Keys.PROTOCOL_HOST.env(), "0.0.0.0")
        .put(Keys.PROTOCOL_ALLOW_ANONYMOUS.env(), "true"));
           WireClient c = server.connect()) {
        // Anonymous: no hello needed.
        assertThat(c.call(new JsonObject().put("id", 1).put("op", "ping")).getBoolean("ok")).isTrue();
      }
    });
    assertThat(log[0]).contains("WARN").contains("protocol.allowAnonymous: true");
  }
}
