package io.txgate.budget;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.txgate.cluster.Membership;
import io.txgate.db.DbLoop;
import io.txgate.db.DbSessions;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of {@code db.clusterMaxConnections}: its share ({@link Shares}) of the live
 * membership, held by a {@link ConnectionGate} in front of the pool, recomputed on every join and
 * departure; and, after a shrink, the closing of the idle connections beyond the share
 * ({@link ExcessIdle}).
 *
 * <p>Exists only when a budget is configured: without one there is no gate, and a request borrows
 * from the pool as it always did.
 */
public final class ConnectionBudget {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionBudget.class);

  private final int budget;
  private final int poolSize;
  private final Membership membership;
  private final Context context;
  private final ConnectionGate gate;
  private final ExcessIdle excess;
  private final MeterRegistry registry;
  private final Gauge gauge;
  private volatile int share;
  private volatile int nodes;
  private volatile boolean closed;

  private ConnectionBudget(int budget, int poolSize, int maxQueue, Membership membership, DbLoop db,
                           DbSessions sessions, MeterRegistry registry) {
    this.budget = budget;
    this.poolSize = poolSize;
    this.membership = membership;
    this.context = db.context();
    List<String> now = membership.nodes();
    this.share = Shares.of(budget, poolSize, now, membership.self());
    this.nodes = now.size();
    this.gate = new ConnectionGate(share, maxQueue);
    this.excess = new ExcessIdle(db, sessions, gate);
    this.registry = registry;
    this.gauge = Gauge.builder("txgate.db.connection.share", this, b -> b.share)
      .description("Database connections this node may hold: its share of db.clusterMaxConnections among the"
        + " live cluster nodes, at most db.poolSize; the node's requests wait (and answer BUSY) beyond it")
      .register(registry);
  }

  /**
   * The budget of a node, or null when none is configured ({@code budget} 0).
   *
   * @param budget {@code db.clusterMaxConnections}
   * @param poolSize {@code db.poolSize}: no share is larger
   * @param maxQueue {@code db.maxWaitQueue}: how many requests may wait at the gate
   */
  public static ConnectionBudget start(int budget, int poolSize, int maxQueue, Membership membership, DbLoop db,
                                       DbSessions sessions, MeterRegistry registry) {
    if (budget <= 0) {
      return null;
    }
    ConnectionBudget b = new ConnectionBudget(budget, poolSize, maxQueue, membership, db, sessions, registry);
    b.context.runOnContext(v -> {
      b.gate.onFree(b.excess::trim);
      // Registered on the pool's loop, so that every change arrives there, where the gate lives. A
      // change between the constructor's reading and this registration is caught by the reading
      // that follows it.
      membership.onChange(b::rebalance);
      b.rebalance(membership.nodes());
    });
    b.log(b.nodes, b.share > 0 || membership.nodes().contains(membership.self()));
    return b;
  }

  /** The gate a request passes before it borrows a connection. */
  public ConnectionGate gate() {
    return gate;
  }

  /**
   * Runs txgate's own work on the pool (the request-key expiry) within the share too: it waits for a
   * permit like a request, at most {@code timeoutMs}, and gives it back when the work is done. Call
   * it on the pool's loop.
   */
  public <T> Future<T> within(long timeoutMs, Supplier<Future<T>> work) {
    Future<ConnectionGate.Permit> ticket = gate.enter();
    if (ticket.isComplete()) {
      return ticket.compose(p -> run(p, work));
    }
    Promise<T> result = Promise.promise();
    long timer = context.owner().setTimer(timeoutMs, id -> {
      if (gate.withdraw(ticket)) {
        result.tryFail(new ProtocolException(ErrorCode.BUSY, "no database connection came free within "
          + timeoutMs + " ms"));
      }
    });
    ticket.onSuccess(p -> {
      context.owner().cancelTimer(timer);
      run(p, work).onComplete(result);
    });
    return result.future();
  }

  private static <T> Future<T> run(ConnectionGate.Permit permit, Supplier<Future<T>> work) {
    Future<T> f;
    try {
      f = work.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.onComplete(x -> permit.release());
  }

  /** What the console shows as {@code pool.budget}. */
  public JsonObject status() {
    return new JsonObject()
      .put("clusterMaxConnections", budget)
      .put("share", share)
      .put("nodes", nodes)
      .put("inUse", gate.inUse())
      .put("waiting", gate.waiting());
  }

  public int share() {
    return share;
  }

  /** Stops following the membership and removes the gauge. */
  public void close() {
    closed = true;
    registry.remove(gauge);
  }

  private void rebalance(List<String> members) {
    if (closed) {
      return;
    }
    int next = Shares.of(budget, poolSize, members, membership.self());
    boolean changed = next != share || members.size() != nodes;
    share = next;
    nodes = members.size();
    gate.limit(next, whyZero(members));
    if (changed) {
      log(members.size(), members.contains(membership.self()));
    }
    excess.trim();
  }

  private void log(int k, boolean member) {
    if (share > 0) {
      LOG.info("connection budget: this node's share is {} of {} across {} node(s)", share, budget, k);
    } else if (!member) {
      LOG.warn("connection budget: this node's share is 0 of {} across {} node(s): it is not (or no longer) among"
        + " the live members, so it holds no connection; requests wait and answer BUSY after db.acquireTimeoutMs",
        budget, k);
    } else {
      LOG.warn("connection budget: this node's share is 0 of {} across {} node(s): db.clusterMaxConnections is"
        + " smaller than the number of nodes; requests here wait and answer BUSY after db.acquireTimeoutMs until a"
        + " node leaves or the budget is raised", budget, k);
    }
  }

  private String whyZero(List<String> members) {
    return "this node's share of db.clusterMaxConnections (" + budget + " across " + members.size()
      + " node(s)) is 0";
  }
}
