package io.txgate.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.sqlclient.Pool;
import java.util.function.Function;

/**
 * The shared pool and the one event loop that does all of its work.
 *
 * <p>A pooled connection lives on the event loop that created it, and every command sent on it,
 * and every answer, crosses to that loop and back when the borrower runs elsewhere. The protocol
 * verticles run on one loop per core, and under load the pool hands each waiter whichever
 * connection comes free first, so most statements would pay two thread hand-offs. Here a request
 * crosses once to this loop, runs its whole transaction on it, with every connection created,
 * used and returned there, and its result crosses back once. A request that arrives on this loop's
 * own thread (Vert.x has one event loop per core, so one protocol verticle shares it) does not
 * cross at all.
 */
public final class DbLoop {

  private final Context context;
  private final Pool pool;
  private final String deployment;

  private DbLoop(Context context, Pool pool, String deployment) {
    this.context = context;
    this.pool = pool;
    this.deployment = deployment;
  }

  /** Gives the pool a loop of its own: the context of a verticle that does nothing else. */
  public static Future<DbLoop> start(Vertx vertx, Pool pool) {
    Promise<Context> owner = Promise.promise();
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        owner.complete(context);
        return Future.succeededFuture();
      }
    }).compose(id -> owner.future().map(c -> new DbLoop(c, pool, id)));
  }

  /** Closes the pool, then releases the loop. */
  public Future<Void> close() {
    return pool.close().eventually(() -> context.owner().undeploy(deployment));
  }

  public Pool pool() {
    return pool;
  }

  public Context context() {
    return context;
  }

  /**
   * Runs {@code work} on the pool's loop. The returned future completes on the caller's context
   * (when the caller runs on one), so the caller's state never sees another thread.
   */
  public <T> Future<T> call(Function<Pool, Future<T>> work) {
    Context caller = Vertx.currentContext();
    if (caller == context) {
      return apply(work);
    }
    ContextInternal own = (ContextInternal) context;
    if (caller != null && own.inThread()) {
      // The caller runs on this loop's thread, in another context (a protocol verticle that shares
      // the loop; see Telemetry#newVertx): the work and its result switch contexts in place, with
      // no task queued and no thread woken.
      ContextInternal back = (ContextInternal) caller;
      Promise<T> result = Promise.promise();
      own.emit(null, v -> apply(work).onComplete(ar -> back.emit(ar, result::handle)));
      return result.future();
    }
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> apply(work).onComplete(ar -> {
      if (caller == null) {
        result.handle(ar);
      } else {
        caller.runOnContext(x -> result.handle(ar));
      }
    }));
    return result.future();
  }

  private <T> Future<T> apply(Function<Pool, Future<T>> work) {
    try {
      return work.apply(pool);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
