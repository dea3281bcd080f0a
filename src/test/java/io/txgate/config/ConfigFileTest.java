package io.txgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the config file comes from, how paths inside it resolve, and how it is shown. */
class ConfigFileTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    System.clearProperty(ConfigLoader.CONFIG_FILE_VAR);
    System.clearProperty(ConfigLoader.HOME_PROPERTY);
    System.clearProperty(Keys.OPERATIONS_FILE.env());
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void relativePathsInTheFileAreRelativeToTheFilesDirectory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("etc/config.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "tx:\n  operationsFile: ops/ops.yaml\nembedded:\n  schema: /abs/schema.sql\n"
      + "protocol:\n  clientsFile: clients.yaml\n");
    Files.writeString(dir.resolve("etc/clients.yaml"), "clients:\n  - name: beside-the-config\n    tokenHash: \""
      + io.txgate.auth.PasswordHash.hash("t0ken") + "\"\n    rawSql: true\n");
    System.setProperty(ConfigLoader.CONFIG_FILE_VAR, file.toString());
    TxgateConfig c = load();
    assertThat(Path.of(c.tx().operationsFile())).isEqualTo(dir.resolve("etc/ops/ops.yaml"));
    assertThat(c.embedded().schema()).isEqualTo("/abs/schema.sql");
    assertThat(c.access().clients()).extracting(io.txgate.access.Client::name).containsExactly("beside-the-config");
  }

  @Test
  void anEmptyOperationsFileStaysEmptyAndAnOverrideIsRelativeToTheWorkingDirectory(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "tx:\n  operationsFile: \"\"\n");
    System.setProperty(ConfigLoader.CONFIG_FILE_VAR, file.toString());
    assertThat(load().tx().operationsFile()).isEmpty();
    System.setProperty(Keys.OPERATIONS_FILE.env(), "mine/ops.yaml");
    assertThat(load().tx().operationsFile()).isEqualTo("mine/ops.yaml");
  }

  @Test
  void theInstallDirectoryGivesTheDefaultFileAndDefaultPaths(@TempDir Path home) throws Exception {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/config.yaml"), "protocol:\n  port: 7999\n");
    System.setProperty(ConfigLoader.HOME_PROPERTY, home.toString());
    assertThat(ConfigLoader.file()).isEqualTo(home.resolve("conf/config.yaml").toString());
    TxgateConfig c = load();
    assertThat(c.protocol().port()).isEqualTo(7999);
    // Not in the file: the default, relative to the install directory rather than the working one.
    assertThat(Path.of(c.tx().operationsFile())).isEqualTo(home.resolve("conf/operations.yaml"));
    assertThat(Path.of(c.embedded().schema())).isEqualTo(home.resolve("conf/demo-schema.sql"));
  }

  @Test
  void theEffectiveConfigurationMasksEverySecret() {
    JsonObject merged = new JsonObject()
      .put("db", new JsonObject().put("url", "mysql://app:Url-Secret-1@db:3306/shop"))
      .put("admin", new JsonObject().put("password", "Pw-Secret-2").put("passwordHash", "pbkdf2-sha256$1$a$b")
        .put("allowedHosts", new JsonArray().add("console.example.com")))
      .put(Keys.ADMIN_TOKEN.env(), "Token-Secret-3");
    String shown = EffectiveConfig.describe(merged);
    assertThat(shown).doesNotContain("Url-Secret-1", "Pw-Secret-2", "pbkdf2-sha256$1$a$b", "Token-Secret-3")
      .contains("db.url: mysql://app:***@db:3306/shop", "admin.password: ***", "admin.passwordHash: ***",
        "admin.token: ***", "admin.username: admin", "admin.allowedHosts: [\"console.example.com\"]");
    for (Key k : Keys.ALL) {
      assertThat(shown).contains(k.path() + ": ").contains("# " + k.env());
    }
  }

  private TxgateConfig load() throws Exception {
    return ConfigLoader.load(vertx).toCompletionStage().toCompletableFuture().get();
  }
}
