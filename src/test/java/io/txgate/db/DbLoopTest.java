package io.txgate.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's work runs on the pool's own loop, and its results come back on the caller's context:
 * a protocol verticle's session state is only ever touched by its own thread.
 */
class DbLoopTest {

  private Vertx vertx;
  private DbLoop db;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Pool pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(2))
      .connectingTo(io.txgate.config.DatabaseUrls.parse(TestDatabase.url())).using(vertx).build();
    db = TestServer.await(DbLoop.start(vertx, pool));
  }

  @AfterEach
  void stop() {
    TestServer.await(db.close());
    TestServer.await(vertx.close());
  }

  @Test
  void workRunsOnThePoolsLoopAndAnswersOnTheCallersContext() throws Exception {
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<Context[]> seen = new CompletableFuture<>();
    caller.runOnContext(v -> {
      Context[] where = new Context[2];
      db.call(pool -> {
        where[0] = Vertx.currentContext();
        return pool.query("SELECT 1").execute();
      }).onComplete(ar -> {
        where[1] = Vertx.currentContext();
        if (ar.succeeded()) {
          seen.complete(where);
        } else {
          seen.completeExceptionally(ar.cause());
        }
      });
    });
    Context[] where = seen.get(30, TimeUnit.SECONDS);
    assertThat(where[0]).as("the work ran on the pool's loop").isSameAs(db.context()).isNotSameAs(caller);
    assertThat(where[1]).as("the answer came back on the caller's context").isSameAs(caller);
  }

  /**
   * A caller on the pool loop's own thread (another context, as a protocol verticle that shares the
   * loop) hands nothing to another thread: the work runs before call() returns, on the pool's
   * context, and the answer comes back on the caller's.
   */
  @Test
  void aCallerOnThePoolsThreadDoesNotHandOff() throws Exception {
    io.vertx.core.internal.ContextInternal own = (io.vertx.core.internal.ContextInternal) db.context();
    Context caller = ((io.vertx.core.internal.VertxInternal) vertx).contextBuilder()
      .withEventLoop(own.nettyEventLoop()).build();
    CompletableFuture<Object[]> seen = new CompletableFuture<>();
    caller.runOnContext(v -> {
      Object[] where = new Object[3];
      db.call(pool -> {
        where[0] = Vertx.currentContext();
        return pool.query("SELECT 1").execute();
      }).onComplete(ar -> {
        where[2] = Vertx.currentContext();
        seen.complete(where);
      });
      // Recorded right after call() returned: the work has already run if nothing was queued.
      where[1] = where[0];
    });
    Object[] where = seen.get(30, TimeUnit.SECONDS);
    assertThat(caller).isNotSameAs(db.context());
    assertThat(where[1]).as("the work ran inside call(), not queued for later").isSameAs(db.context());
    assertThat(where[2]).as("the answer came back on the caller's context").isSameAs(caller);
  }

  @Test
  void aFailureThrownByTheWorkBecomesAFailedFuture() {
    Future<Object> f = db.call(pool -> {
      throw new IllegalStateException("boom");
    });
    assertThat(f.toCompletionStage().toCompletableFuture()).failsWithin(30, TimeUnit.SECONDS)
      .withThrowableThat().withMessageContaining("boom");
  }
}
