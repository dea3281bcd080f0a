package io.txgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

  private static JsonObject yaml(int port) {
    return new JsonObject().put("protocol", new JsonObject().put("port", port));
  }

  @Test
  void theSameValueFromTheEnvironmentIsNoChange() {
    JsonObject fromEnv = new JsonObject().put("TXGATE_PROTOCOL_PORT", "7500");
    assertThat(ConfigChanges.between(yaml(7500), fromEnv)).isEmpty();
  }

  @Test
  void namesEveryChangedKeyAndTheClientsList() {
    JsonObject before = yaml(7500).put("clients", new JsonArray().add(new JsonObject().put("name", "a")));
    JsonObject after = yaml(7501).put("db", new JsonObject().put("poolSize", 32))
      .put("clients", new JsonArray().add(new JsonObject().put("name", "b")));
    assertThat(ConfigChanges.between(before, after)).containsExactly("db.poolSize", "protocol.port", "clients");
  }

  @Test
  void aKeySetToItsDefaultIsNoChange() {
    assertThat(ConfigChanges.between(new JsonObject(), yaml(7400))).isEmpty();
  }
}
