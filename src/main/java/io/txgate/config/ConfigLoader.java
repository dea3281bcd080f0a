package io.txgate.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;

/**
 * Reads the configuration with vertx-config, each store overriding the one before:
 * <ol>
 *   <li>the YAML file: {@code conf/config.yaml}, or the path in {@code TXGATE_CONFIG};
 *   <li>environment variables named in {@link Keys} ({@code TXGATE_*});
 *   <li>system properties with the same names ({@code -DTXGATE_PROTOCOL_PORT=7500}).
 * </ol>
 */
public final class ConfigLoader {

  public static final String CONFIG_FILE_VAR = "TXGATE_CONFIG";
  static final String DEFAULT_FILE = "conf/config.yaml";

  private ConfigLoader() {
  }

  public static Future<TxgateConfig> load(Vertx vertx) {
    String file = firstSet(System.getProperty(CONFIG_FILE_VAR), System.getenv(CONFIG_FILE_VAR), DEFAULT_FILE);
    JsonArray names = new JsonArray();
    Keys.ALL.forEach(k -> names.add(k.env()));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
        .setOptional(!new File(file).exists() && file.equals(DEFAULT_FILE))
        .setConfig(new JsonObject().put("path", file)))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("keys", names).put("raw-data", true)))
      .addStore(new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("cache", false).put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .recover(t -> Future.failedFuture(new ConfigException("cannot read configuration from " + file
        + ": " + t.getMessage())))
      .map(TxgateConfig::from);
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
