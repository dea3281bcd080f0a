package io.txgate.reload;

import io.txgate.config.ConfigChanges;
import io.txgate.config.ConfigException;
import io.txgate.config.TxgateConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration from the sources the server started with (the file, {@code TXGATE_*}
 * variables, {@code -D} properties), checks it whole and stages every {@link ReloadablePart}; only
 * when all of that succeeds are the parts applied, one after another, each in one atomic swap.
 * Requests in flight finish with what they started with; connections stay open.
 *
 * <p>A changed key that no part re-reads (a port, a host, the pool, the database URL...) is not
 * applied and is reported as needing a restart, in the answer and in the log, every time until the
 * server restarts: it is compared with what the server started with, not with the last reload.
 *
 * <p>Reloads run one at a time, in the order asked: a SIGHUP and a console call never interleave.
 */
public final class Reloader {

  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  /** Where each reload's outcome is recorded (the console's audit log). */
  @FunctionalInterface
  public interface Journal {
    void record(String who, String from, String action, String target, String outcome);
  }

  private final Vertx vertx;
  private final Supplier<Future<JsonObject>> source;
  private final JsonObject started;
  private final List<ReloadablePart> parts;
  private final Journal journal;
  /** The configuration the last successful reload applied (at first, the one started with). */
  private JsonObject applied;
  private Future<ReloadOutcome> tail = Future.succeededFuture();

  /**
   * @param source reads the configuration again, merged as at start-up; null when the server was
   *     not started from one (it then refuses every reload, saying so)
   * @param started the merged configuration the server started with
   */
  public Reloader(Vertx vertx, Supplier<Future<JsonObject>> source, JsonObject started, List<ReloadablePart> parts,
                  Journal journal) {
    this.vertx = vertx;
    this.source = source;
    this.started = started == null ? new JsonObject() : started.copy();
    this.applied = this.started;
    this.parts = List.copyOf(parts);
    this.journal = journal;
  }

  /**
   * Reloads once the reloads asked before have ended. The future always succeeds; a refused reload
   * is an outcome with an error.
   *
   * @param who the credential kind that asked, e.g. {@code SIGHUP} or {@code user 'admin'}
   * @param from where it came from: an address, or {@code signal}
   */
  public synchronized Future<ReloadOutcome> reload(String who, String from) {
    Future<ReloadOutcome> next = tail.transform(ignored -> attempt())
      .map(outcome -> {
        if (outcome.reloaded()) {
          LOG.info("configuration {} (asked by {} from {})", outcome.summary(), who, from);
          if (!outcome.needsRestart().isEmpty()) {
            LOG.warn("changed in the configuration but needs a restart to take effect: {}",
              String.join(", ", outcome.needsRestart()));
          }
        } else {
          LOG.error("configuration reload asked by {} from {} {}", who, from, outcome.summary());
        }
        journal.record(who, from, "reload", null, outcome.summary());
        return outcome;
      });
    tail = next;
    return next;
  }

  private Future<ReloadOutcome> attempt() {
    if (source == null) {
      return Future.succeededFuture(ReloadOutcome.refused("this server was not started from a configuration"
        + " file, so there is nothing to re-read"));
    }
    Future<JsonObject> read;
    try {
      read = source.get();
    } catch (RuntimeException e) {
      read = Future.failedFuture(e);
    }
    // Staging reads files: a worker thread, never an event loop.
    return read.compose(merged -> vertx.executeBlocking(() -> stage(merged), false))
      .compose(this::apply)
      .recover(t -> Future.succeededFuture(ReloadOutcome.refused(message(t))));
  }

  /** A configuration read and checked whole, and every part staged from it: nothing changed yet. */
  private record Plan(JsonObject merged, List<ReloadablePart.Staged> staged, List<String> changes,
                      List<String> needsRestart) {
  }

  private Plan stage(JsonObject merged) {
    TxgateConfig next = TxgateConfig.from(merged);
    List<ReloadablePart.Staged> staged = new ArrayList<>();
    for (ReloadablePart part : parts) {
      staged.add(part.stage(next));
    }
    Set<String> reloadable = new HashSet<>();
    parts.forEach(p -> reloadable.addAll(p.keys()));
    List<String> changes = new ArrayList<>();
    // A new JWT key shows in no client's entry: its key name says it was taken.
    for (String key : ConfigChanges.between(applied, merged)) {
      if (reloadable.contains(key) && !key.equals(ConfigChanges.CLIENTS)) {
        changes.add(key + " changed");
      }
    }
    staged.forEach(s -> changes.addAll(s.changes()));
    List<String> needsRestart = new ArrayList<>();
    for (String key : ConfigChanges.between(started, merged)) {
      if (!reloadable.contains(key)) {
        needsRestart.add(key);
      }
    }
    return new Plan(merged, staged, changes, needsRestart);
  }

  private Future<ReloadOutcome> apply(Plan plan) {
    Future<Void> done = Future.succeededFuture();
    for (ReloadablePart.Staged s : plan.staged()) {
      done = done.compose(v -> s.apply());
    }
    return done.map(v -> {
      applied = plan.merged();
      return ReloadOutcome.applied(plan.changes(), plan.needsRestart());
    });
  }

  private static String message(Throwable t) {
    if (t instanceof ConfigException) {
      return t.getMessage();
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
