package io.txgate.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.txgate.config.DatabaseUrls;
import io.txgate.config.TxgateConfig;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's availability as txgate sees it: whether the start-up tasks (the request-key
 * table, the server probes) have run, and a circuit that opens while the database cannot be
 * reached, so that requests fail at once instead of each waiting out a connect timeout.
 *
 * <p>The circuit opens after {@code failureThreshold} consecutive connection failures reported by
 * {@link #recordFailure}, or at once when a probe fails. A probe is a fresh connection outside the
 * pool, {@code SELECT 1}, then close, bounded by {@code probeTimeoutMs} (a frozen server accepts TCP
 * but never sends its handshake, and no client timeout covers that). Probes run one at a time:
 * every {@code probeMs} while the circuit is open, where the first success closes it, and every
 * {@code healthCheckMs} while it is closed, so an outage is seen with no traffic. Start-up tasks
 * ride on successful probes until each has succeeded once, with a backoff for those that fail.
 *
 * <p>Thread safe: requests on any event loop report to it; probes run on the context given.
 */
public final class DatabaseHealth {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealth.class);
  private static final long TASK_BACKOFF_MIN_MS = 250;
  private static final long TASK_BACKOFF_MAX_MS = 5_000;

  /**
   * Something txgate needs done in the database once before it is ready.
   *
   * @param name shown in /ready and the log
   * @param hint what an operator can do when it keeps failing, or ""
   * @param run the work, on a connection that has just answered {@code SELECT 1}
   */
  public record StartupTask(String name, String hint, Function<SqlClient, Future<?>> run) {
  }

  private record Waiter(Context context, Promise<Void> promise, long timer) {
  }

  private final Vertx vertx;
  private final Connector connector;
  private final Context context;
  private final MySQLConnectOptions connectOptions;
  private final TxgateConfig.Outage settings;
  private final Map<String, StartupTask> pending = new LinkedHashMap<>();
  private final Map<String, String> taskErrors = new LinkedHashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final MeterRegistry registry;
  private final Gauge gauge;
  /** "database", or "replica host:port": what the log says is down or back. */
  private final String what;

  private volatile Isolation isolation;
  private volatile boolean open;
  private volatile boolean ready;
  private int consecutiveFailures;
  private long openSinceMillis;
  private String lastFailure;
  private boolean probeInFlight;
  private long taskBackoffMs = TASK_BACKOFF_MIN_MS;
  private long nextTaskRunMillis;
  private long probeTimer = -1;
  private boolean closed;

  /**
   * @param context where probes run (the pool's loop)
   * @param tasks start-up tasks besides the built-in ones (the default isolation level, the
   *     statement budget check)
   */
  public DatabaseHealth(Vertx vertx, Context context, TxgateConfig.Db db, MeterRegistry registry,
                        List<StartupTask> tasks) {
    this(vertx, context, db, registry, tasks, null);
  }

  /**
   * @param replica null for the primary, the database behind {@code txgate_db_available}; else the
   *     read replica's name, which the log names (its usability has gauges of its own)
   */
  public DatabaseHealth(Vertx vertx, Context context, TxgateConfig.Db db, MeterRegistry registry,
                        List<StartupTask> tasks, String replica) {
    this.what = replica == null ? "database" : "replica " + replica;
    boolean exported = replica == null;
    this.vertx = vertx;
    this.connector = new Connector(vertx);
    this.context = context;
    this.connectOptions = DatabaseUrls.connectOptions(db).setCharset("utf8mb4");
    this.settings = db.outage();
    this.registry = registry;
    List<StartupTask> all = new ArrayList<>(tasks);
    all.add(new StartupTask("isolation", "", c -> ServerInfo.isolation(c).map(i -> isolation = i)));
    all.add(new StartupTask("statementBudget", "",
      c -> ServerInfo.checkStatementBudget(c, db.poolSize(), db.statementCacheSize())));
    all.forEach(t -> pending.put(t.name(), t));
    this.gauge = !exported ? null : Gauge.builder("txgate.db.available", this, h -> h.isOpen() ? 0 : 1)
      .description("1 while txgate considers the database reachable (circuit closed), 0 while the circuit"
        + " is open and requests fail at once with UNAVAILABLE")
      .register(registry);
  }

  /**
   * Starts probing. The future completes once the first probe has finished, whatever its outcome:
   * txgate listens whether or not the database is up, and knows its isolation level when it is.
   */
  public Future<Void> start() {
    Promise<Void> first = Promise.promise();
    context.runOnContext(v -> probe(first));
    return first.future();
  }

  /** Stops probing; requests waiting for the circuit fail with UNAVAILABLE. */
  public void close() {
    List<Waiter> failed;
    synchronized (this) {
      closed = true;
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    context.runOnContext(v -> {
      if (probeTimer >= 0) {
        vertx.cancelTimer(probeTimer);
      }
    });
    failed.forEach(w -> settle(w, new ProtocolException(ErrorCode.UNAVAILABLE, "txgate is stopping")));
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  /** Whether every start-up task has succeeded and the circuit is closed: what /ready reports. */
  public boolean ready() {
    return ready && !open;
  }

  public boolean isOpen() {
    return open;
  }

  /**
   * The database's default isolation level, or null while unknown (the probe has not read it yet):
   * then every transaction must state its level.
   */
  public Isolation isolation() {
    return isolation;
  }

  /**
   * Reports a failed database call. Only connection-level failures count (refused, closed, timed
   * out); SQL errors say nothing about availability. Returns whether it counted.
   */
  public boolean recordFailure(Throwable t) {
    if (!isConnectionFailure(t)) {
      return false;
    }
    synchronized (this) {
      lastFailure = describe(t);
      if (++consecutiveFailures >= settings.failureThreshold() && !open) {
        trip(consecutiveFailures + " consecutive connection failures");
        // Probe at the open circuit's pace from now on, not at the next health check.
        context.runOnContext(v -> probeSoon());
      }
    }
    return true;
  }

  /** Reports a database call that the server answered (a result or an SQL error). */
  public synchronized void recordSuccess() {
    consecutiveFailures = 0;
  }

  /**
   * Completes at once while the circuit is closed; while it is open, completes when it closes or
   * fails with UNAVAILABLE after {@code maxWaitMs} (at once when 0). Completes on the caller's
   * context.
   */
  public Future<Void> whenAvailable(long maxWaitMs) {
    Context caller = Vertx.currentContext();
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      if (!open) {
        return Future.succeededFuture();
      }
      if (maxWaitMs <= 0 || closed) {
        return Future.failedFuture(unavailable());
      }
      long timer = vertx.setTimer(maxWaitMs, id -> {
        boolean mine;
        synchronized (this) {
          mine = waiters.removeIf(w -> w.promise() == promise);
        }
        if (mine) {
          promise.tryFail(unavailable());
        }
      });
      waiters.add(new Waiter(caller, promise, timer));
    }
    return promise.future();
  }

  /** What /ready shows: the circuit and the start-up tasks still pending, with their last error. */
  public synchronized JsonObject status() {
    JsonObject circuit = new JsonObject().put("state", open ? "open" : "closed");
    if (open) {
      circuit.put("openSince", Instant.ofEpochMilli(openSinceMillis).toString()).put("lastFailure", lastFailure);
    }
    JsonArray tasks = new JsonArray();
    pending.keySet().forEach(name -> tasks.add(new JsonObject().put("task", name)
      .put("lastError", taskErrors.get(name))));
    return new JsonObject().put("ready", ready()).put("circuit", circuit).put("pendingStartupTasks", tasks);
  }

  /** Whether a failure means the database could not be reached, as opposed to an SQL error. */
  static boolean isConnectionFailure(Throwable t) {
    return t instanceof IOException || t instanceof ClosedConnectionException || t instanceof ProbeTimeout
      || (t instanceof VertxException && t.getMessage() != null
          && t.getMessage().toLowerCase(Locale.ROOT).contains("closed"));
  }

  // ---- the circuit; callers hold the monitor

  private void trip(String why) {
    open = true;
    openSinceMillis = System.currentTimeMillis();
    LOG.warn("{} unavailable after {} ({}): circuit open, requests fail with UNAVAILABLE until a probe"
        + " succeeds (every {} ms)", what, why, lastFailure, settings.probeMs());
  }

  private void reset() {
    consecutiveFailures = 0;
    if (!open) {
      return;
    }
    open = false;
    LOG.info("{} available again after {} ms: circuit closed", what,
      System.currentTimeMillis() - openSinceMillis);
    List<Waiter> released = new ArrayList<>(waiters);
    waiters.clear();
    released.forEach(w -> {
      vertx.cancelTimer(w.timer());
      settle(w, null);
    });
  }

  private ProtocolException unavailable() {
    return new ProtocolException(ErrorCode.UNAVAILABLE, "database unavailable: circuit open since "
      + Instant.ofEpochMilli(openSinceMillis) + " (" + lastFailure + ")");
  }

  private static void settle(Waiter w, Throwable failure) {
    Runnable r = () -> {
      if (failure == null) {
        w.promise().tryComplete();
      } else {
        w.promise().tryFail(failure);
      }
    };
    if (w.context() == null) {
      r.run();
    } else {
      w.context().runOnContext(v -> r.run());
    }
  }

  // ---- probes; on the context

  /** A probe that outlived probeTimeoutMs: the server accepted TCP but did not answer. */
  static final class ProbeTimeout extends RuntimeException {
    ProbeTimeout(long ms) {
      super("no answer to a probe within " + ms + " ms", null, false, false);
    }
  }

  private void probe(Promise<Void> first) {
    synchronized (this) {
      if (closed) {
        first.tryComplete();
        return;
      }
      if (probeInFlight) {
        // The last probe is still stuck in its handshake: never stack a second one on a frozen
        // server, but count it as failing again.
        failedProbe();
        ready = pending.isEmpty();
        schedule();
        first.tryComplete();
        return;
      }
      probeInFlight = true;
    }
    Promise<Void> outcome = Promise.promise();
    SqlConnection[] conn = new SqlConnection[1];
    long timer = vertx.setTimer(settings.probeTimeoutMs(), id -> {
      if (outcome.tryFail(new ProbeTimeout(settings.probeTimeoutMs())) && conn[0] != null) {
        conn[0].close();
      }
    });
    connector.connect(connectOptions)
      .compose(c -> {
        conn[0] = c;
        if (outcome.future().isComplete()) {
          return c.close().compose(v -> Future.failedFuture(new ProbeTimeout(settings.probeTimeoutMs())));
        }
        return c.query("SELECT 1").execute().compose(rows -> runTasks(c)).eventually(c::close);
      })
      .onComplete(ar -> {
        vertx.cancelTimer(timer);
        synchronized (this) {
          probeInFlight = false;
        }
        if (ar.succeeded()) {
          outcome.tryComplete();
        } else {
          outcome.tryFail(ar.cause());
        }
      });
    outcome.future().onComplete(ar -> {
      synchronized (this) {
        if (ar.succeeded()) {
          reset();
        } else {
          lastFailure = describe(ar.cause());
          failedProbe();
        }
        ready = pending.isEmpty();
        schedule();
      }
      first.tryComplete();
    });
  }

  /**
   * A probe is a deliberate, bounded test on a fresh connection, but one slow probe on a loaded
   * machine is not an outage: two in a row, with no request answered by the database in between
   * (which resets the count), are. Callers hold the monitor.
   */
  private void failedProbe() {
    if (!open && ++consecutiveFailures >= Math.min(2, settings.failureThreshold())) {
      trip(consecutiveFailures + " failed probes");
    }
  }

  private Future<Void> runTasks(SqlConnection c) {
    List<StartupTask> due;
    synchronized (this) {
      if (pending.isEmpty() || System.currentTimeMillis() < nextTaskRunMillis) {
        return Future.succeededFuture();
      }
      due = new ArrayList<>(pending.values());
    }
    Future<Void> chain = Future.succeededFuture();
    for (StartupTask task : due) {
      chain = chain.compose(v -> task.run().apply(c).transform(ar -> taskDone(task, ar.cause())));
    }
    return chain;
  }

  /** Records a task's outcome; a connection failure fails the probe, an SQL error waits for a retry. */
  private Future<Void> taskDone(StartupTask task, Throwable failure) {
    synchronized (this) {
      if (failure == null) {
        pending.remove(task.name());
        if (taskErrors.remove(task.name()) != null) {
          LOG.info("start-up task {} succeeded", task.name());
        }
        taskBackoffMs = TASK_BACKOFF_MIN_MS;
        return Future.succeededFuture();
      }
      if (isConnectionFailure(failure)) {
        return Future.failedFuture(failure);
      }
      String message = describe(failure);
      if (!message.equals(taskErrors.put(task.name(), message))) {
        LOG.error("start-up task {} failed ({}); retrying in the background, /ready answers 503 until it"
          + " succeeds{}", task.name(), message, task.hint().isEmpty() ? "" : ". " + task.hint());
      }
      nextTaskRunMillis = System.currentTimeMillis() + taskBackoffMs;
      taskBackoffMs = Math.min(TASK_BACKOFF_MAX_MS, taskBackoffMs * 2);
      return Future.succeededFuture();
    }
  }

  private synchronized void probeSoon() {
    if (!probeInFlight && !closed) {
      vertx.cancelTimer(probeTimer);
      schedule();
    }
  }

  private void schedule() {
    if (closed) {
      return;
    }
    long delay = open ? settings.probeMs()
      : pending.isEmpty() ? settings.healthCheckMs()
      : Math.max(1, Math.min(settings.healthCheckMs(), nextTaskRunMillis - System.currentTimeMillis()));
    probeTimer = vertx.setTimer(delay, id -> context.runOnContext(v -> probe(Promise.promise())));
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
