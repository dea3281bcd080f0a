package io.txgate.testsupport;

import io.txgate.db.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one real database of a test run, chosen in this order:
 * <ol>
 *   <li>a URL from {@code -Dtxgate.test.db.url} or the environment variable {@code TXGATE_TEST_DB_URL};
 *   <li>a Testcontainers MySQL, when a Docker engine is available;
 *   <li>one embedded MariaDB, started once and shared by every test class.
 * </ol>
 * There is no fallback to "skip": if none of these can be had, every database test fails.
 */
public final class TestDatabase {

  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  public static final String PROPERTY = "txgate.test.db.url";
  public static final String ENV = "TXGATE_TEST_DB_URL";

  private static String url;
  private static String kind;

  private TestDatabase() {
  }

  /** The database URL, {@code mysql://user:pass@host:port/db}, starting a server on first use. */
  public static synchronized String url() {
    if (url == null) {
      url = choose();
      LOG.info("test database: {}", kind);
    }
    return url;
  }

  /** Which kind of database this run uses, for messages. */
  public static synchronized String kind() {
    url();
    return kind;
  }

  private static String choose() {
    String configured = firstSet(System.getProperty(PROPERTY), System.getenv(ENV));
    if (configured != null) {
      kind = "configured (" + io.txgate.config.DatabaseUrls.redact(configured) + ")";
      return configured;
    }
    if (dockerAvailable()) {
      kind = "Testcontainers MySQL";
      return Containers.mysql();
    }
    kind = "embedded MariaDB";
    return embedded();
  }

  private static boolean dockerAvailable() {
    try {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static String embedded() {
    try {
      Path dir = Files.createTempDirectory("txgate-test-db");
      EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
      db.createDatabase("txgate_test");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        db.close();
        deleteTree(dir);
      }));
      return db.url("txgate_test");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // best effort: it is a temporary directory
    }
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      // An unset Maven property reaches surefire as its literal placeholder.
      if (v != null && !v.isBlank() && !v.startsWith("${")) {
        return v.trim();
      }
    }
    return null;
  }

  /** Kept apart so that the Testcontainers classes load only when Docker is there. */
  private static final class Containers {
    static String mysql() {
      org.testcontainers.mysql.MySQLContainer c = new org.testcontainers.mysql.MySQLContainer("mysql:8.4");
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
      return "mysql://" + c.getUsername() + ":" + c.getPassword() + "@" + c.getHost() + ":"
        + c.getMappedPort(3306) + "/" + c.getDatabaseName();
    }
  }
}
