package io.txgate.admission;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Per kind of transaction (its statements' fingerprints), a concurrency limit that conflicts lower
 * and successes raise again ({@link AimdLimit}), and a first-come first-served queue for the
 * transactions over it.
 *
 * <p>Only kinds that have had a conflict are tracked: a server whose transactions do not collide
 * keeps no state here and pays one emptiness check per request (the kind is not even computed). A
 * kind whose limit is back at its maximum with nothing running or queued is forgotten again. At most
 * {@code maxKinds} kinds are tracked at once, which also bounds the metrics' label values; a
 * conflicting kind beyond that runs unlimited, as it would without admission.
 *
 * <p>Changed only on the pool's loop (see {@code db.DbLoop}); read from any thread for the console
 * and the metrics.
 */
public final class Admission {

  /**
   * @param enabled whether conflicts limit anything
   * @param minLimit the lowest limit a kind can be cut to
   * @param maxLimit the highest limit, where a kind starts: with it, the pool size
   * @param backoff what a conflict multiplies the limit by
   * @param maxKinds how many kinds can be limited at once
   */
  public record Settings(boolean enabled, int minLimit, int maxLimit, double backoff, int maxKinds) {
  }

  /** Held by an admitted transaction until its request has its answer; released exactly once. */
  public interface Ticket {
    void release();
  }

  private static final Ticket FREE = () -> { };

  private final Settings settings;
  private final MeterRegistry registry;
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

  public Admission(Settings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
    if (registry != null) {
      Gauge.builder("txgate_admission_limited_kinds", kinds, Map::size)
        .description("Kinds of transaction (by fingerprint) whose concurrency is limited now because they conflicted")
        .register(registry);
    }
  }

  /**
   * Admits a transaction of kind {@code kind} (computed only when some kind is limited), at once or
   * once one of its kind finishes. {@code abandoned} completes when the request gives up waiting
   * (deadline, stop, acquire timeout): it then leaves the queue.
   */
  public Future<Ticket> enter(Supplier<String> kind, Future<?> abandoned) {
    if (kinds.isEmpty()) {
      return Future.succeededFuture(FREE);
    }
    Kind k = kinds.get(kind.get());
    if (k == null) {
      return Future.succeededFuture(FREE);
    }
    if (k.inFlight < k.limit.limit() && k.queue.isEmpty()) {
      return Future.succeededFuture(k.admit());
    }
    Promise<Ticket> waiting = Promise.promise();
    k.queue.add(waiting);
    k.queued++;
    k.waited++;
    abandoned.onComplete(x -> {
      if (k.queue.remove(waiting)) {
        k.queued--;
        waiting.tryFail("gave up waiting for admission");
      }
    });
    return waiting.future();
  }

  /** An attempt of this kind ended in a deadlock, lock wait timeout or snapshot conflict. */
  public void conflict(Supplier<String> kind) {
    if (!settings.enabled()) {
      return;
    }
    String key = kind.get();
    Kind k = kinds.get(key);
    if (k == null) {
      if (kinds.size() >= settings.maxKinds()) {
        return;
      }
      k = new Kind(key);
      kinds.put(key, k);
    }
    k.conflicts++;
    k.limit.conflict();
  }

  /** An attempt of this kind ended without a conflict. */
  public void success(Supplier<String> kind) {
    if (kinds.isEmpty()) {
      return;
    }
    String key = kind.get();
    Kind k = kinds.get(key);
    if (k != null) {
      k.limit.success();
      k.forgetIfCalm();
    }
  }

  /** The limited kinds: fingerprint, id, limit, running, queued, conflicts and waits so far. */
  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    for (Kind k : kinds.values()) {
      out.add(new JsonObject().put("id", k.id).put("fingerprint", k.key).put("limit", k.limit.limit())
        .put("maxLimit", settings.maxLimit()).put("running", k.inFlight).put("queued", k.queued)
        .put("conflicts", k.conflicts).put("waited", k.waited));
    }
    return out;
  }

  /** Whether conflicts limit anything. */
  public boolean enabled() {
    return settings.enabled();
  }

  /** One kind's limit, its running transactions and its queue. */
  private final class Kind {
    final String key;
    final String id;
    final AimdLimit limit;
    final ArrayDeque<Promise<Ticket>> queue = new ArrayDeque<>();
    volatile int inFlight;
    volatile int queued;
    volatile long conflicts;
    volatile long waited;
    private final Gauge gauge;

    Kind(String key) {
      this.key = key;
      this.id = shortId(key);
      this.limit = new AimdLimit(settings.minLimit(), settings.maxLimit(), settings.backoff());
      this.gauge = registry == null ? null : Gauge.builder("txgate_admission_limit", this, k -> k.limit.limit())
        .description("How many transactions of this kind (fingerprint id) may run at once; lowered by conflicts")
        .tag("kind", id)
        .register(registry);
    }

    Ticket admit() {
      inFlight++;
      boolean[] released = new boolean[1];
      return () -> {
        if (!released[0]) {
          released[0] = true;
          inFlight--;
          next();
          forgetIfCalm();
        }
      };
    }

    /** Lets queued transactions in while there is room under the limit. */
    void next() {
      while (!queue.isEmpty() && inFlight < limit.limit()) {
        Promise<Ticket> p = queue.poll();
        queued--;
        Ticket t = admit();
        if (!p.tryComplete(t)) {
          t.release();
        }
      }
    }

    void forgetIfCalm() {
      if (limit.atMax() && inFlight == 0 && queue.isEmpty() && kinds.remove(key, this) && gauge != null) {
        registry.remove(gauge);
      }
    }
  }

  /** A short, stable name for a kind: the first 12 hex digits of its fingerprint's SHA-256. */
  static String shortId(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
