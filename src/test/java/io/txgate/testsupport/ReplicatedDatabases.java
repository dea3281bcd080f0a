package io.txgate.testsupport;

import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB primary and one replica of it on loopback, each a {@link FaultDatabase} the test owns
 * (so the replica can be killed with -9), joined by MariaDB's own replication: the primary writes a
 * row-based binlog, the replica follows it from the start with {@code CHANGE MASTER TO ...
 * MASTER_HOST='127.0.0.1'} and {@code START SLAVE}.
 *
 * <p>Both servers run with {@code --skip-grant-tables} like every FaultDatabase, so the replication
 * user {@code repl} needs no account on the primary: any user is let in. The replica runs
 * {@code --read-only}.
 */
public final class ReplicatedDatabases implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedDatabases.class);
  public static final int PRIMARY_ID = 1;
  public static final int REPLICA_ID = 2;

  private final FaultDatabase primary;
  private final FaultDatabase replica;

  private ReplicatedDatabases(FaultDatabase primary, FaultDatabase replica) {
    this.primary = primary;
    this.replica = replica;
  }

  /**
   * Bootstraps and starts both servers, creates {@code database} on the primary with {@code
   * script}, starts replication, and returns once the replica has applied all of it.
   */
  public static ReplicatedDatabases start(String name, String database, String script) {
    FaultDatabase primary = FaultDatabase.create(name + "-primary")
      .withArgs("--server-id=" + PRIMARY_ID, "--log-bin=primary-bin", "--binlog-format=ROW");
    FaultDatabase replica = null;
    try {
      primary.start();
      replica = FaultDatabase.create(name + "-replica")
        .withArgs("--server-id=" + REPLICA_ID, "--relay-log=replica-relay", "--read-only", "--skip-slave-start")
        .start();
      // MASTER_SSL=0: MariaDB 11.4 asks for TLS by default and the test servers run --skip-ssl.
      replica.query(null, "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
        + ", MASTER_USER='repl', MASTER_PASSWORD='', MASTER_SSL=0, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1");
      replica.query(null, "START SLAVE");
      primary.createDatabase(database, script);
      ReplicatedDatabases pair = new ReplicatedDatabases(primary, replica);
      pair.awaitCaughtUp();
      LOG.info("replication running: primary 127.0.0.1:{} (pid {}), replica 127.0.0.1:{} (pid {})", primary.port(),
        primary.pid(), replica.port(), replica.pid());
      return pair;
    } catch (RuntimeException e) {
      if (replica != null) {
        replica.close();
      }
      primary.close();
      throw e;
    }
  }

  public FaultDatabase primary() {
    return primary;
  }

  public FaultDatabase replica() {
    return replica;
  }

  /** Waits (at most 60 s) until the replica has applied everything the primary has binlogged so far. */
  public void awaitCaughtUp() {
    String position = primary.query(null, "SELECT @@GLOBAL.gtid_binlog_pos").get(0).getString(0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      // MASTER_GTID_WAIT returns 0 once the replica is at the position, -1 on its own timeout.
      List<Row> rows = replica.query(null, "SELECT MASTER_GTID_WAIT(?, 5)", position);
      if (rows.get(0).getInteger(0) == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the replica did not reach " + position + " within 60 s: "
          + replica.query(null, "SHOW SLAVE STATUS").get(0).toJson());
      }
    }
  }

  /** Kills both servers (by pid) and frees their resources. */
  @Override
  public void close() {
    try {
      replica.close();
    } finally {
      primary.close();
    }
  }
}
