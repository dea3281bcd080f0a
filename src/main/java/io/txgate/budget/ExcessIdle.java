package io.txgate.budget;

import io.txgate.db.DbLoop;
import io.txgate.db.DbSessions;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the idle pooled connections beyond this node's share after the share shrank. The database
 * counts open connections, idle or not, and Vert.x 5.0.7's pool has no way to shrink or to close an
 * idle connection on demand: its only eviction is the cleaner, every 30 s, of connections idle for
 * {@code db.idleTimeoutSeconds} (300 s by default). So the excess is taken out of the pool the way
 * any borrower takes a connection, and its session is ended with COM_QUIT (a clean goodbye that the
 * server does not count as an aborted connection); the pool forgets it when its socket closes.
 *
 * <p>It never takes a connection that someone is waiting for: it takes at most
 * {@code open - limit} connections, and only while more are idle than the gate's permits in use
 * could claim, so the pool always lends it an idle one and never opens one for it.
 *
 * <p>Runs on the pool's loop, as the gate does.
 */
final class ExcessIdle {

  private static final Logger LOG = LoggerFactory.getLogger(ExcessIdle.class);

  private final DbLoop db;
  private final DbSessions sessions;
  private final ConnectionGate gate;
  /** Connections taken out to be closed that the pool still counts. */
  private int closing;

  ExcessIdle(DbLoop db, DbSessions sessions, ConnectionGate gate) {
    this.db = db;
    this.sessions = sessions;
    this.gate = gate;
  }

  /** Closes what is open beyond the limit and idle; called after every change of limit and return. */
  void trim() {
    int open = db.pool().size() - closing;
    int excess = open - gate.limit();
    // Every permit out may be holding a connection or about to take an idle one.
    int idle = open - gate.inUse();
    int n = Math.min(excess, idle);
    for (int i = 0; i < n; i++) {
      closing++;
      db.pool().getConnection().onComplete(ar -> {
        if (ar.failed()) {
          closing--;
          return;
        }
        SqlConnection c = ar.result();
        long id = sessions.connectionId(c);
        // Handed back only once the pool has heard of the close, as Execution does: handing it
        // back earlier would let the pool lend the closing connection.
        c.closeHandler(v -> db.context().runOnContext(x -> c.close().onComplete(y -> closing--)));
        if (sessions.quit(c)) {
          LOG.debug("connection budget: closed idle database session {} beyond this node's share", id);
        } else {
          c.closeHandler(null);
          c.close().onComplete(y -> closing--);
        }
      });
    }
  }
}
