package io.txgate.replica;

import io.txgate.config.DatabaseUrls;
import io.txgate.db.DatabaseHealth;
import io.txgate.db.DbLoop;
import io.txgate.db.DbSessions;
import io.txgate.tx.TransactionRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read replica: its pool, loop, session preparation and circuit (as the primary has), the
 * runner that executes requests on it, and whether it may serve reads now, as its last check and
 * the requests sent to it say.
 *
 * <p>A replica is usable only after a check found replication running within the lag limit, and
 * stops being usable at once when a check says otherwise, when its circuit opens, or when a request
 * on it lost its connection: then it waits for the next good check. State changes are logged once
 * each, not at every check.
 */
public final class Replica {

  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);

  private final String name;
  private final String redactedUrl;
  private final DbLoop db;
  private final DbSessions sessions;
  private final DatabaseHealth health;
  private final TransactionRunner runner;
  final LongAdder served = new LongAdder();
  final LongAdder fallbacks = new LongAdder();

  private boolean usable;
  private Long lagSeconds;
  private String lastError = "not checked yet";
  private long lastCheckMillis;
  /** Raised by every failure a request reports: a check that began before it cannot make the replica usable. */
  private long failures;

  Replica(String name, String url, DbLoop db, DbSessions sessions, DatabaseHealth health, TransactionRunner runner) {
    this.name = name;
    this.redactedUrl = DatabaseUrls.redact(url);
    this.db = db;
    this.sessions = sessions;
    this.health = health;
    this.runner = runner;
  }

  /** host:port, the label of its metrics. */
  public String name() {
    return name;
  }

  TransactionRunner runner() {
    return runner;
  }

  DbLoop db() {
    return db;
  }

  /** Whether readOnly requests may go here now. */
  public synchronized boolean usable() {
    return usable && !health.isOpen();
  }

  /** The last lag read, in whole seconds; null when unknown. */
  public synchronized Long lagSeconds() {
    return lagSeconds;
  }

  synchronized long failures() {
    return failures;
  }

  /** A check's verdict: {@code reason} null for usable. Ignored for usable when a request failed since it began. */
  synchronized void checked(long failuresAtStart, ReplicationStatus status, String reason) {
    lastCheckMillis = System.currentTimeMillis();
    lagSeconds = status == null ? null : status.secondsBehind();
    if (reason == null && failuresAtStart != failures) {
      return;
    }
    become(reason == null, reason);
  }

  /** A request on this replica lost its connection (or found none): out of rotation until the next good check. */
  synchronized void requestFailed(String why) {
    failures++;
    become(false, "a request failed: " + why);
  }

  private void become(boolean nowUsable, String reason) {
    if (usable != nowUsable) {
      if (nowUsable) {
        LOG.info("replica {} is usable: replication running, {} s behind", name, lagSeconds);
      } else {
        LOG.warn("replica {} is not usable ({}): readOnly requests go to the primary", name, reason);
      }
    }
    usable = nowUsable;
    if (reason != null) {
      lastError = reason;
    }
  }

  /** What /api/replicas shows of it. */
  public synchronized JsonObject toJson() {
    return new JsonObject()
      .put("name", name)
      .put("url", redactedUrl)
      .put("usable", usable())
      .put("lagSeconds", lagSeconds)
      .put("lastError", lastError)
      .put("lastCheck", lastCheckMillis == 0 ? null : Instant.ofEpochMilli(lastCheckMillis).toString())
      .put("circuit", health.isOpen() ? "open" : "closed")
      .put("requests", served.sum())
      .put("fallbacks", fallbacks.sum());
  }

  /** Stops the circuit's probes, closes the pool and its loop, then the session killer. */
  Future<Void> close() {
    health.close();
    return db.close().eventually(sessions::close);
  }
}
