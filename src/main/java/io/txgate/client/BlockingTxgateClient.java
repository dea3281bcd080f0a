package io.txgate.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.txgate.protocol.Step;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The client for plain Java programs: every call blocks until txgate answers. One instance is one
 * connection; give each thread its own (or share one: calls are serialised by the connection).
 *
 * <pre>{@code
 * try (BlockingTxgateClient db = BlockingTxgateClient.connect(new TxgateClient.Options().setClientName("job"))) {
 *   long n = db.execute("SELECT COUNT(*) FROM accounts").row(0).getLong(0);
 *   db.call("transfer", new JsonObject().put("from", 1).put("to", 2).put("amount", "5.00"),
 *     TxgateClient.options().requestKey(UUID.randomUUID().toString()));
 * }
 * }</pre>
 */
public final class BlockingTxgateClient implements AutoCloseable {

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final TxgateClient client;

  private BlockingTxgateClient(Vertx vertx, boolean ownsVertx, TxgateClient client) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.client = client;
  }

  /** Connects with a small Vert.x instance of its own. */
  public static BlockingTxgateClient connect(TxgateClient.Options options) {
    Vertx vertx = Vertx.vertx();
    try {
      return new BlockingTxgateClient(vertx, true, await(TxgateClient.connect(vertx, options)));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public ResultSet execute(String sql, Object... params) {
    return await(client.execute(sql, params));
  }

  public ResultSet execute(Step step, TxgateClient.TxOptionsBuilder options) {
    return await(client.execute(step, options));
  }

  public List<ResultSet> batch(List<Step> steps, TxgateClient.TxOptionsBuilder options) {
    return await(client.batch(steps, options));
  }

  public List<ResultSet> call(String name, JsonObject args, TxgateClient.TxOptionsBuilder options) {
    return await(client.call(name, args, options));
  }

  public void ping() {
    await(client.ping());
  }

  public JsonArray operations() {
    return await(client.operations());
  }

  public String session() {
    return client.session();
  }

  @Override
  public void close() {
    try {
      await(client.close());
    } finally {
      // Not chained onto the client's future: that callback would run on the event loop being closed.
      if (ownsVertx) {
        await(vertx.close());
      }
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TxgateException.connection("interrupted", true);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TxgateException t) {
        throw t;
      }
      throw TxgateException.connection(String.valueOf(e.getCause().getMessage()), true);
    }
  }
}
