package io.txgate.timing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The four parts of a request's time as Prometheus histograms ({@code
 * txgate_request_connection_wait_seconds}, {@code _db_}, {@code _backoff_}, {@code _queue_}), and
 * their sums over the last minute for the console.
 *
 * <p>The last minute costs the request path nothing: the histograms' running totals are sampled
 * once a second (by the console's tick) and the minute is the difference between now and the
 * sample taken 60 s ago.
 */
public final class TimingMetrics {

  /** The parts, in the order the console shows them. */
  public static final String[] PARTS = {"queue", "connectionWait", "db", "backoff"};

  static final int WINDOW_SECONDS = 60;

  private final Timer queue;
  private final Timer wait;
  private final Timer db;
  private final Timer backoff;
  /** Running totals once a second, oldest first: {nanoTime, queue, wait, db, backoff, count}. */
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  public TimingMetrics(MeterRegistry registry) {
    queue = timer(registry, "txgate.request.queue",
      "Time a request waited behind earlier requests pipelined on the same client connection, from its line"
        + " being complete to its start");
    wait = timer(registry, "txgate.request.connection.wait",
      "Time a request waited for a database connection: the connection budget's gate and the pool together");
    db = timer(registry, "txgate.request.db",
      "Time a request held its database connection outside retry backoff: statements, START TRANSACTION,"
        + " COMMIT and ROLLBACK round trips");
    backoff = timer(registry, "txgate.request.backoff",
      "Time a request slept between attempts after transient conflicts (deadlock, lock wait timeout)");
  }

  private static Timer timer(MeterRegistry registry, String name, String description) {
    // Buckets from 100 us to 60 s, plus round numbers an SLO is written in.
    return Timer.builder(name).description(description)
      .publishPercentileHistogram()
      .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(5))
      .minimumExpectedValue(Duration.ofNanos(100_000))
      .maximumExpectedValue(Duration.ofSeconds(60))
      .register(registry);
  }

  /** Records one answered request that reached the database. */
  public void record(RequestTiming t) {
    queue.record(t.queueNanos, TimeUnit.NANOSECONDS);
    wait.record(t.waitNanos, TimeUnit.NANOSECONDS);
    db.record(t.dbNanos, TimeUnit.NANOSECONDS);
    backoff.record(t.backoffNanos, TimeUnit.NANOSECONDS);
  }

  /** Takes the once-a-second sample the last minute is computed from. */
  public synchronized void sample() {
    samples.addLast(totals(System.nanoTime()));
    while (samples.size() > WINDOW_SECONDS + 1) {
      samples.removeFirst();
    }
  }

  private long[] totals(long now) {
    return new long[] {now, nanos(queue), nanos(wait), nanos(db), nanos(backoff), queue.count()};
  }

  private static long nanos(Timer t) {
    return (long) t.totalTime(TimeUnit.NANOSECONDS);
  }

  /**
   * The sum of each part over the last minute (since the oldest sample, when there is less), in
   * milliseconds, with its share of their total: {@code {"windowSeconds", "requests", "totalMs",
   * "parts": {"queue": {"ms", "share"}, ...}}}.
   */
  public synchronized JsonObject lastMinute() {
    long[] now = totals(System.nanoTime());
    long[] from = samples.isEmpty() ? new long[6] : samples.peekFirst();
    if (samples.isEmpty()) {
      from[0] = now[0];
    }
    double total = 0;
    double[] ms = new double[PARTS.length];
    for (int i = 0; i < PARTS.length; i++) {
      ms[i] = Math.max(0, now[i + 1] - from[i + 1]) / 1e6;
      total += ms[i];
    }
    JsonObject parts = new JsonObject();
    for (int i = 0; i < PARTS.length; i++) {
      parts.put(PARTS[i], new JsonObject().put("ms", round(ms[i]))
        .put("share", total == 0 ? 0.0 : round(ms[i] / total)));
    }
    return new JsonObject()
      .put("windowSeconds", Math.round((now[0] - from[0]) / 1e9))
      .put("requests", now[5] - from[5])
      .put("totalMs", round(total))
      .put("parts", parts);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
