package io.txgate.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.tx.TransactionRunner;
import io.txgate.tx.TxRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides where each request runs, the primary or a read replica, and runs it there.
 *
 * <p>A request goes to a replica only when all of these hold: it is {@code readOnly} (by its own
 * flag, its named operation's, or its client's permission; such a request never carries a
 * {@code requestKey}, see RequestHandler); it did not ask for {@code consistency: "primary"}; its
 * connection did not commit a write within {@code db.readYourWritesMs}; and some replica is usable.
 * Among usable replicas the choice is round-robin.
 *
 * <p>A request that finds no connection on its replica, or loses it (the replica was killed), is
 * run again on the primary with what is left of its deadline: it only reads, so running it twice
 * changes nothing, and the client gets one answer. A request stopped by its client, an operator or
 * a shutdown is not run again, nor one whose replica answered (a result or an SQL error).
 */
public final class ReadRouter {

  /** Why a request went where it went: the {@code reason} label of {@code txgate_db_routed_total}. */
  enum Reason {
    READ_ONLY("replica"),
    WRITE("primary"),
    CONSISTENCY("primary"),
    READ_YOUR_WRITES("primary"),
    NO_USABLE_REPLICA("primary"),
    REPLICA_FAILED("primary");

    final String target;

    Reason(String target) {
      this.target = target;
    }

    String label() {
      String[] words = name().toLowerCase(Locale.ROOT).split("_");
      StringBuilder b = new StringBuilder(words[0]);
      for (int i = 1; i < words.length; i++) {
        b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
      }
      return b.toString();
    }
  }

  private final TransactionRunner primary;
  private final ReplicaSet replicas;
  private final long readYourWritesMs;
  private final Map<Reason, Counter> routed = new EnumMap<>(Reason.class);
  private final AtomicInteger next = new AtomicInteger();

  public ReadRouter(TransactionRunner primary, ReplicaSet replicas, MeterRegistry registry) {
    this.primary = primary;
    this.replicas = replicas;
    this.readYourWritesMs = replicas.settings().readYourWritesMs();
    if (!replicas.isEmpty()) {
      for (Reason r : Reason.values()) {
        routed.put(r, Counter.builder("txgate.db.routed")
          .tag("target", r.target)
          .tag("reason", r.label())
          .description("Requests by the database they were sent to (primary or a read replica) and why;"
            + " replicaFailed: a readOnly request run again on the primary after its replica failed it")
          .register(registry));
      }
    }
  }

  /**
   * Runs the request on the primary or a replica (see the class comment).
   *
   * @param primaryOnly the request asked for {@code consistency: "primary"}
   * @param session the client connection's write clock, for read-your-writes
   */
  public Future<JsonObject> run(TxRequest r, boolean primaryOnly, WriteClock session) {
    if (replicas.isEmpty()) {
      return primary.run(r);
    }
    Reason reason = route(r, primaryOnly, session);
    if (reason == Reason.READ_ONLY) {
      Replica replica = pick();
      if (replica != null) {
        routed.get(reason).increment();
        replica.served.increment();
        return onReplica(replica, r, System.nanoTime());
      }
      reason = Reason.NO_USABLE_REPLICA;
    }
    routed.get(reason).increment();
    Future<JsonObject> f = primary.run(r);
    if (reason == Reason.WRITE && readYourWritesMs > 0) {
      f.onComplete(ar -> {
        if (ar.succeeded() || code(ar.cause()) == ErrorCode.COMMIT_UNKNOWN) {
          session.wrote();
        }
      });
    }
    return f;
  }

  private Reason route(TxRequest r, boolean primaryOnly, WriteClock session) {
    if (!r.readOnly()) {
      return Reason.WRITE;
    }
    if (primaryOnly) {
      return Reason.CONSISTENCY;
    }
    if (session.wroteWithin(readYourWritesMs)) {
      return Reason.READ_YOUR_WRITES;
    }
    return Reason.READ_ONLY;
  }

  /** The next usable replica round-robin, or null when none is. */
  private Replica pick() {
    List<Replica> all = replicas.replicas();
    int start = Math.floorMod(next.getAndIncrement(), all.size());
    for (int i = 0; i < all.size(); i++) {
      Replica candidate = all.get((start + i) % all.size());
      if (candidate.usable()) {
        return candidate;
      }
    }
    return null;
  }

  private Future<JsonObject> onReplica(Replica replica, TxRequest r, long startedNanos) {
    return replica.runner().run(r).recover(t -> {
      ErrorCode code = code(t);
      if (code != ErrorCode.UNAVAILABLE && code != ErrorCode.BUSY || r.stop().reason() != null) {
        return Future.failedFuture(t);
      }
      replica.requestFailed(t.getMessage());
      long left = r.timeoutMs() - (System.nanoTime() - startedNanos) / 1_000_000;
      if (left < 1) {
        return Future.failedFuture(t);
      }
      replica.fallbacks.increment();
      routed.get(Reason.REPLICA_FAILED).increment();
      return primary.run(r.withTimeout((int) left));
    });
  }

  /** The runner fails with a ProtocolException; anything else is a bug, never a reason to run again. */
  private static ErrorCode code(Throwable t) {
    return t instanceof ProtocolException p ? p.code() : ErrorCode.INTERNAL;
  }
}
