package io.txgate.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the configuration with vertx-config, each store overriding the one before:
 * <ol>
 *   <li>the YAML file: {@code --config <file>} (which sets the {@code TXGATE_CONFIG} system
 *       property), else the {@code TXGATE_CONFIG} environment variable, else
 *       {@code <txgate.home>/conf/config.yaml} when the {@code txgate.home} system property is set
 *       (bin/txgate sets it), else {@code conf/config.yaml} in the working directory;
 *   <li>environment variables named in {@link Keys} ({@code TXGATE_*});
 *   <li>system properties with the same names ({@code -DTXGATE_PROTOCOL_PORT=7500}).
 * </ol>
 *
 * <p>A relative file path written in the config file ({@link #FILE_KEYS}) is relative to the
 * config file's directory, so that a config file and the files beside it move together. The same
 * key's built-in default is relative to {@code txgate.home} when set, else to the working
 * directory; a value from the environment or a system property is relative to the working
 * directory, as on any command line.
 */
public final class ConfigLoader {

  public static final String CONFIG_FILE_VAR = "TXGATE_CONFIG";
  /** The install directory, set by bin/txgate: where the default config and the webroot lie. */
  public static final String HOME_PROPERTY = "txgate.home";
  static final String DEFAULT_FILE = "conf/config.yaml";
  /** Keys that name a file. */
  static final List<Key> FILE_KEYS = List.of(Keys.OPERATIONS_FILE, Keys.EMBEDDED_SCHEMA, Keys.PROTOCOL_CLIENTS_FILE);

  private ConfigLoader() {
  }

  /** The config file that {@link #load} reads. */
  public static String file() {
    String home = System.getProperty(HOME_PROPERTY);
    String fallback = home == null || home.isBlank() ? DEFAULT_FILE : Path.of(home, DEFAULT_FILE).toString();
    return firstSet(System.getProperty(CONFIG_FILE_VAR), System.getenv(CONFIG_FILE_VAR), fallback);
  }

  public static Future<TxgateConfig> load(Vertx vertx) {
    return loadMerged(vertx).map(TxgateConfig::from);
  }

  /** Every source merged, with file paths resolved, before any key is checked. */
  public static Future<JsonObject> loadMerged(Vertx vertx) {
    String file = file();
    // A missing default file is fine (every key has a default); a file someone named must exist.
    boolean optional = !Files.exists(Path.of(file)) && file.endsWith(DEFAULT_FILE)
      && System.getProperty(CONFIG_FILE_VAR) == null && System.getenv(CONFIG_FILE_VAR) == null;
    return loadMerged(vertx, file, optional);
  }

  /** As {@link #loadMerged(Vertx)}, from the named file, which must exist. */
  public static Future<JsonObject> loadMerged(Vertx vertx, String file) {
    return loadMerged(vertx, file, false);
  }

  private static Future<JsonObject> loadMerged(Vertx vertx, String file, boolean optional) {
    ConfigRetriever fileOnly = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml").setOptional(optional)
        .setConfig(new JsonObject().put("path", file))));
    return fileOnly.getConfig()
      .eventually(fileOnly::close)
      .recover(t -> Future.failedFuture(new ConfigException("cannot read configuration from " + file
        + ": " + t.getMessage())))
      .compose(fromFile -> mergeOver(vertx, resolvePaths(fromFile, Path.of(file).toAbsolutePath().getParent())));
  }

  private static Future<JsonObject> mergeOver(Vertx vertx, JsonObject fromFile) {
    JsonArray names = new JsonArray();
    Keys.ALL.forEach(k -> names.add(k.env()));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(fromFile))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("keys", names).put("raw-data", true)))
      .addStore(new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("cache", false).put("raw-data", true))));
    return retriever.getConfig().eventually(retriever::close);
  }

  /**
   * The file's own values for {@link #FILE_KEYS}, made relative to {@code dir}; absent keys get
   * their default relative to {@code txgate.home} when it is set. Empty values stay empty.
   */
  static JsonObject resolvePaths(JsonObject fromFile, Path dir) {
    JsonObject out = fromFile.copy();
    String home = System.getProperty(HOME_PROPERTY);
    for (Key k : FILE_KEYS) {
      String[] parts = k.path().split("\\.");
      JsonObject section = out.getJsonObject(parts[0]);
      Object value = section == null ? null : section.getValue(parts[1]);
      Path base = dir;
      if (value == null) {
        if (home == null || home.isBlank()) {
          continue;
        }
        value = k.defaultValue();
        base = Path.of(home);
      }
      String s = value.toString().trim();
      if (s.isEmpty() || Path.of(s).isAbsolute()) {
        continue;
      }
      if (section == null) {
        section = new JsonObject();
        out.put(parts[0], section);
      }
      section.put(parts[1], relativeToCwd(base.resolve(s).normalize()));
    }
    return out;
  }

  /** Kept relative when under the working directory, so that the dev layout logs short paths. */
  private static String relativeToCwd(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
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
