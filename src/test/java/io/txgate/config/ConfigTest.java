package io.txgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    System.clearProperty(ConfigLoader.CONFIG_FILE_VAR);
    System.clearProperty(Keys.PROTOCOL_PORT.env());
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void defaultsAreSafe() {
    TxgateConfig c = TxgateConfig.from(new JsonObject());
    assertThat(c.protocol().host()).isEqualTo("127.0.0.1");
    assertThat(c.protocol().port()).isEqualTo(7400);
    assertThat(c.admin().host()).isEqualTo("127.0.0.1");
    assertThat(c.admin().port()).isEqualTo(7401);
    assertThat(c.protocol().limits().maxFrameBytes()).isEqualTo(1024 * 1024);
    assertThat(c.protocol().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.db().configured()).isFalse();
    assertThat(c.db().poolSize()).isPositive();
    assertThat(c.db().maxWaitQueue()).isPositive();
  }

  @Test
  void shippedYamlStatesEveryDefault() throws Exception {
    // conf/config.yaml documents every key with its default: reading it changes nothing.
    System.setProperty(ConfigLoader.CONFIG_FILE_VAR, "conf/config.yaml");
    TxgateConfig fromFile = ConfigLoader.load(vertx).toCompletionStage().toCompletableFuture().get();
    assertThat(fromFile).isEqualTo(TxgateConfig.from(new JsonObject()));
    String yaml = Files.readString(Path.of("conf/config.yaml"));
    for (Key k : Keys.ALL) {
      assertThat(yaml).as("conf/config.yaml mentions " + k).contains(k.env());
    }
  }

  @Test
  void environmentNamesOverrideYamlAndSystemPropertiesOverrideBoth(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    // Not loopback, so (with no clients configured) it needs allowAnonymous to be accepted.
    Files.writeString(file, "protocol:\n  port: 7500\n  host: 0.0.0.0\n  allowAnonymous: true\ndb:\n  poolSize: 3\n");
    System.setProperty(ConfigLoader.CONFIG_FILE_VAR, file.toString());
    TxgateConfig yamlOnly = ConfigLoader.load(vertx).toCompletionStage().toCompletableFuture().get();
    assertThat(yamlOnly.protocol().port()).isEqualTo(7500);
    assertThat(yamlOnly.protocol().host()).isEqualTo("0.0.0.0");
    assertThat(yamlOnly.db().poolSize()).isEqualTo(3);

    System.setProperty(Keys.PROTOCOL_PORT.env(), "7600");
    TxgateConfig withSys = ConfigLoader.load(vertx).toCompletionStage().toCompletableFuture().get();
    assertThat(withSys.protocol().port()).isEqualTo(7600);
    assertThat(withSys.db().poolSize()).isEqualTo(3);

    // vertx-config merges env before sys, so both arrive as flat TXGATE_* names over the YAML tree.
    JsonObject merged = new JsonObject()
      .put("db", new JsonObject().put("poolSize", 3))
      .put("TXGATE_DB_POOL_SIZE", "9");
    assertThat(TxgateConfig.from(merged).db().poolSize()).isEqualTo(9);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_PROTOCOL_PORT", "seventy")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("TXGATE_PROTOCOL_PORT");
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_DB_POOL_SIZE", 0)))
      .isInstanceOf(ConfigException.class).hasMessageContaining("db.poolSize");
  }

  @Test
  void passwordsNeverAppearInToStringOrErrors() {
    TxgateConfig c = TxgateConfig.from(new JsonObject().put("TXGATE_DB_URL", "mysql://app:s3cret@db:3306/shop"));
    assertThat(c.toString()).doesNotContain("s3cret").contains("app:***@db:3306/shop");
    assertThat(DatabaseUrls.redact("mysql://u:p%40ss@h/d?password=x")).doesNotContain("p%40ss").doesNotContain("=x");
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_DB_URL", "postgres://u:hunter2@h/d")))
      .isInstanceOf(ConfigException.class)
      .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void replicasNeedAPrimaryAndValidUrlsThatNeverShowTheirPassword() {
    TxgateConfig c = TxgateConfig.from(new JsonObject().put("TXGATE_DB_URL", "mysql://app@db1:3306/shop")
      .put("TXGATE_DB_REPLICAS", "mysql://app:s3cret@db2:3306/shop, mysql://app@db3/shop"));
    assertThat(c.db().replicas().urls()).containsExactly("mysql://app:s3cret@db2:3306/shop", "mysql://app@db3/shop");
    assertThat(c.db().replica(0).url()).isEqualTo("mysql://app:s3cret@db2:3306/shop");
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_DB_REPLICAS", "mysql://app@db2/shop")))
      .isInstanceOf(ConfigException.class)
      .hasMessage("configuration db.replicas (TXGATE_DB_REPLICAS): replicas of the embedded database are not"
        + " supported: set db.url (TXGATE_DB_URL) to their primary");
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put("TXGATE_DB_URL", "mysql://app@db1/shop")
      .put("TXGATE_DB_REPLICAS", "postgres://u:hunter2@db2/d")))
      .isInstanceOf(ConfigException.class)
      .satisfies(e -> assertThat(e.getMessage()).contains("db.replicas").doesNotContain("hunter2"));
  }
}
