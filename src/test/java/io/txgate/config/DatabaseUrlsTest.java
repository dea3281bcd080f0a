package io.txgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.db.Pools;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database URL's parameters are used or refused, never dropped; the TLS they ask for agrees
 * with {@code db.tls} or start-up stops; no error repeats the password. The TLS handshakes
 * themselves are in {@code db.DatabaseTlsTest}.
 */
class DatabaseUrlsTest {

  private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private static TxgateConfig config(String url, String... keysAndValues) {
    JsonObject m = new JsonObject().put(Keys.DB_URL.env(), url);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return TxgateConfig.from(m);
  }

  /** The options the pool connects with. */
  private static MySQLConnectOptions options(String url, String... keysAndValues) {
    return Pools.connectOptions(config(url, keysAndValues).db());
  }

  private static String refusal(String url, String... keysAndValues) {
    try {
      config(url, keysAndValues);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + url);
  }

  @Test
  void withoutAnyTlsSettingTheConnectionIsPlaintextAsBefore() {
    TxgateConfig c = config("mysql://app:pw@db:3306/shop");
    assertThat(c.db().tls()).isEqualTo(DbTls.DISABLED);
    assertThat(Pools.connectOptions(c.db()).getSslMode()).isEqualTo(SslMode.DISABLED);
    assertThat(Pools.connectOptions(c.db()).getSslOptions()).isNull();
  }

  @Test
  void sslModeInTheUrlIsHonouredInEitherSpellingAndAnyCase() {
    assertThat(options("mysql://app:pw@db/shop?sslMode=REQUIRED").getSslMode()).isEqualTo(SslMode.REQUIRED);
    assertThat(options("mysql://app:pw@db/shop?ssl-mode=preferred").getSslMode()).isEqualTo(SslMode.PREFERRED);
    assertThat(options("mysql://app:pw@db/shop?SSLMODE=Required").getSslMode()).isEqualTo(SslMode.REQUIRED);
    // MySQL's REQUIRED: encrypted, certificate not checked.
    assertThat(options("mysql://app:pw@db/shop?sslMode=REQUIRED").getSslOptions().isTrustAll()).isTrue();
  }

  @Test
  void theDriversOwnParametersStillReachIt() {
    MySQLConnectOptions o = options("mysql://app:pw@db/shop?port=3307&useAffectedRows=true&schema=other");
    assertThat(o.getPort()).isEqualTo(3307);
    assertThat(o.isUseAffectedRows()).isTrue();
    assertThat(o.getDatabase()).isEqualTo("other");
    assertThat(o.getUser()).isEqualTo("app");
    assertThat(o.getPassword()).isEqualTo("pw");
  }

  @Test
  void anUnknownParameterIsRefusedByName() {
    String m = refusal("mysql://app:hunter2@db/shop?sslMode=REQUIRED&useSSL=true");
    assertThat(m).contains("db.url (TXGATE_DB_URL)").contains("unknown parameter 'useSSL'")
      .contains("sslMode").doesNotContain("hunter2");
    // The driver would silently keep these: txgate does not.
    assertThat(refusal("mysql://app:pw@db/shop?charset=latin1")).contains("'charset'");
    assertThat(refusal("mysql://app:pw@db/shop?requireSSL")).contains("'requireSSL'");
  }

  @Test
  void aParameterGivenTwiceOrWithoutValueOrWithABadModeIsRefused() {
    assertThat(refusal("mysql://app:pw@db/shop?sslMode=REQUIRED&ssl-mode=DISABLED")).contains("'ssl-mode' is given twice");
    assertThat(refusal("mysql://app:pw@db/shop?sslMode")).contains("'sslMode' has no value");
    assertThat(refusal("mysql://app:pw@db/shop?sslMode=ON")).contains("sslMode").contains("'ON' is not one of")
      .contains("VERIFY_IDENTITY");
    assertThat(refusal("mysql://app:pw@db/shop", Keys.DB_TLS_MODE.env(), "strict"))
      .contains("db.tls.mode (TXGATE_DB_TLS_MODE)").contains("'strict'");
  }

  @Test
  void theUrlAndDbTlsThatDisagreeAreRefusedNamingBoth(@TempDir Path dir) throws Exception {
    String m = refusal("mysql://app:pw@db/shop?sslMode=REQUIRED", Keys.DB_TLS_MODE.env(), "VERIFY_CA");
    assertThat(m).contains("db.tls.mode (TXGATE_DB_TLS_MODE)").contains("VERIFY_CA")
      .contains("sslMode=REQUIRED").contains("db.url (TXGATE_DB_URL)");

    Path a = Files.writeString(dir.resolve("a.pem"), PEM);
    Path b = Files.writeString(dir.resolve("b.pem"), PEM);
    assertThat(refusal("mysql://app:pw@db/shop?sslCa=" + a, Keys.DB_TLS_MODE.env(), "VERIFY_CA",
      Keys.DB_TLS_CA_FILE.env(), b.toString()))
      .contains("db.tls.caFile (TXGATE_DB_TLS_CA_FILE)").contains("sslCa=" + a).contains("db.url");

    // Saying the same thing twice is no conflict.
    assertThat(config("mysql://app:pw@db/shop?sslMode=VERIFY_CA", Keys.DB_TLS_MODE.env(), "verify_ca",
      Keys.DB_TLS_CA_FILE.env(), a.toString()).db().tls()).isEqualTo(new DbTls(SslMode.VERIFY_CA, a.toString()));
  }

  @Test
  void dbTlsKeysApplyAndTheCaFileIsCheckedAtStartUp(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), PEM);
    MySQLConnectOptions o = options("mysql://app:pw@db/shop", Keys.DB_TLS_MODE.env(), "VERIFY_IDENTITY",
      Keys.DB_TLS_CA_FILE.env(), ca.toString());
    assertThat(o.getSslMode()).isEqualTo(SslMode.VERIFY_IDENTITY);
    assertThat(o.getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(o.getSslOptions().isTrustAll()).isFalse();
    assertThat(options("mysql://app:pw@db/shop", Keys.DB_TLS_MODE.env(), "VERIFY_CA",
      Keys.DB_TLS_CA_FILE.env(), ca.toString()).getSslOptions().getHostnameVerificationAlgorithm()).isEmpty();

    assertThat(refusal("mysql://app:pw@db/shop", Keys.DB_TLS_MODE.env(), "VERIFY_CA",
      Keys.DB_TLS_CA_FILE.env(), dir.resolve("missing.pem").toString()))
      .contains("db.tls.caFile").contains("cannot read the CA file").contains("missing.pem");
    Path notPem = Files.writeString(dir.resolve("key.txt"), "not a certificate");
    assertThat(refusal("mysql://app:pw@db/shop?sslMode=VERIFY_CA&ssl-ca=" + notPem))
      .contains("sslCa in db.url").contains("holds no PEM certificate");
    // A CA file that the mode would not use is refused rather than ignored.
    assertThat(refusal("mysql://app:pw@db/shop", Keys.DB_TLS_MODE.env(), "REQUIRED",
      Keys.DB_TLS_CA_FILE.env(), ca.toString())).contains("used only by VERIFY_CA and VERIFY_IDENTITY");
  }

  @Test
  void tlsWithoutADatabaseUrlOrOverAUnixSocketIsRefused() {
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put(Keys.DB_TLS_MODE.env(), "REQUIRED")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("db.tls.mode").hasMessageContaining("embedded");
    assertThat(TxgateConfig.from(new JsonObject().put(Keys.DB_TLS_MODE.env(), "DISABLED")).db().tls())
      .isEqualTo(DbTls.DISABLED);
    assertThat(refusal("mysql://app:pw@localhost/shop?socket=/run/mysqld/mysqld.sock&sslMode=REQUIRED"))
      .contains("unix socket");
  }

  @Test
  void dbTlsWrittenAsAValueInsteadOfASectionIsRefused() {
    JsonObject yaml = new JsonObject().put("db", new JsonObject().put("url", "mysql://app:pw@db/shop")
      .put("tls", "REQUIRED"));
    assertThatThrownBy(() -> TxgateConfig.from(yaml)).isInstanceOf(ConfigException.class)
      .hasMessageContaining("db.tls").hasMessageContaining("section");
    JsonObject section = new JsonObject().put("db", new JsonObject().put("url", "mysql://app:pw@db/shop")
      .put("tls", new JsonObject().put("mode", "REQUIRED")));
    assertThat(TxgateConfig.from(section).db().tls().mode()).isEqualTo(SslMode.REQUIRED);
  }

  /** Malformed URLs, each with the password it must not show: the bug reports' shapes. */
  private static final String[][] MALFORMED = {
    {"mysql://app:hunter2@db:99999/shop", "hunter2", "mysql://app:***@db:99999/shop"},
    {"mysql:/app:hunter2@db/shop", "hunter2", "mysql:/app:***@db/shop"},
    {"app:hunter2@db/shop", "hunter2", "app:***@db/shop"},
    {"mysql://app:hunter2", "hunter2", "mysql://app:***"},
    {"mysql://app:hun?ter2@db/shop", "hun?ter2", "mysql://app:***@db/shop"},
    {"mysql://app:hun#ter2@db/shop", "hun#ter2", "mysql://app:***@db/shop"},
    {"mysql://app:hun/ter2@db/shop", "hun/ter2", "mysql://app:***@db/shop"},
    {"mysql://app:hun:ter2@db/shop", "hun:ter2", "mysql://app:***@db/shop"},
    {"mysql://app:p@ss@db/shop", "p@ss", "mysql://app:***@db/shop"},
    {"postgres://app:hunter2@db/shop", "hunter2", "postgres://app:***@db/shop"},
  };

  @Test
  void aMalformedUrlIsShownWithItsPasswordMasked() {
    for (String[] c : MALFORMED) {
      String url = c[0];
      String secret = c[1];
      String message = refusal(url);
      // The same check finds the secret in the unmasked URL: it can fail.
      assertThatThrownBy(() -> assertThat(url).doesNotContain(secret)).isInstanceOf(AssertionError.class);
      assertThat(message).as(url).doesNotContain(secret).contains(c[2]).contains("db.url (TXGATE_DB_URL)");
      assertThat(DatabaseUrls.redact(url)).as(url).doesNotContain(secret);
    }
  }

  @Test
  void redactionLeavesAWellFormedUrlReadable() {
    assertThat(DatabaseUrls.redact("mysql://app:s3cret@db:3306/shop?sslMode=REQUIRED"))
      .isEqualTo("mysql://app:***@db:3306/shop?sslMode=REQUIRED");
    assertThat(DatabaseUrls.redact("mysql://app@db:3306/shop")).isEqualTo("mysql://app@db:3306/shop");
    assertThat(DatabaseUrls.redact("mysql://db:3306/shop?password=s3cret")).isEqualTo("mysql://db:3306/shop?password=***");
    assertThat(DatabaseUrls.redact("mysql://[::1]/shop")).isEqualTo("mysql://[::1]/shop");
    assertThat(DatabaseUrls.redact("mysql://[::1]:3306/shop")).isEqualTo("mysql://[::1]:3306/shop");
  }
}
