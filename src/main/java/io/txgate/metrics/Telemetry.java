package io.txgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.txgate.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Prometheus registry per process, shared by Vert.x (its {@code vertx_pool_*} and network
 * series) and by txgate's own meters: requests by op, latency, errors by code, and per named
 * operation calls, errors, retries and latency. The admin console reads the same numbers that
 * {@code /metrics} exposes.
 */
public final class Telemetry {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
  private final Map<String, OperationMeters> operations = new ConcurrentHashMap<>();
  // Looked up once per op and code: Counter.builder(...).register() on every request costs an id
  // allocation and a registry lookup on the hot path.
  private final Map<String, Counter> requestCounters = new ConcurrentHashMap<>();
  private final Map<String, Counter> errorCounters = new ConcurrentHashMap<>();
  private final Timer latency;
  private final io.txgate.timing.TimingMetrics timing = new io.txgate.timing.TimingMetrics(registry);
  private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
  /** Per authenticated client: requests, then errors. */
  private final Map<String, Counter[]> clientCounters = new ConcurrentHashMap<>();

  /** The meters of one named operation. */
  public record OperationMeters(Counter calls, Counter errors, Counter retries, Timer latency) {
  }

  /** Where spans go; off unless observability.tracing says otherwise. */
  private final Tracing tracing;

  /** Metrics, no tracing. */
  public Telemetry() {
    this(Tracing.off());
  }

  public Telemetry(Tracing tracing) {
    this.tracing = tracing;
    latency = Timer.builder("txgate.request")
      .description("Time from a request's arrival to its response")
      .publishPercentiles(0.5, 0.99)
      .publishPercentileHistogram()
      .distributionStatisticExpiry(Duration.ofMinutes(1))
      .register(registry);
  }

  /**
   * A Vert.x instance whose metrics land in this registry, with one event loop per core, on Netty's
   * native epoll transport where the platform has it (it cut thread wake-ups enough to raise
   * transfer throughput by about 10% on the benchmark machine; see docs/BENCHMARKS.md).
   */
  public Vertx newVertx() {
    VertxBuilder builder = Vertx.builder().with(vertxOptions()).withMetrics(metricsFactory());
    VertxTracerFactory tracer = tracing.vertxTracer();
    return (tracer == null ? builder : builder.withTracer(tracer)).build();
  }

  /** Where txgate's spans go. */
  public Tracing tracing() {
    return tracing;
  }

  /** The options of {@link #newVertx()}, for a Vert.x built elsewhere (a clustered one). */
  public VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true)
      // One event loop per core (Vert.x's default is two): the protocol verticles, one per core,
      // then cover every loop, so that one of them shares the database pool's loop and its
      // requests reach the pool without a thread hand-off (see DbLoop).
      .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
      .setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /** Lands Vert.x's metrics in this registry. */
  public MicrometerMetricsFactory metricsFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  /** Where requests' time goes: connection wait, database, backoff, queueing. */
  public io.txgate.timing.TimingMetrics timing() {
    return timing;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Records one answered request: its op, how long it took, and its error code or null. */
  public void request(String op, long nanos, String errorCode) {
    requests.increment();
    latency.record(nanos, TimeUnit.NANOSECONDS);
    requestCounters.computeIfAbsent(op, o -> Counter.builder("txgate.requests").tag("op", o)
        .description("Requests answered, by op, whether they succeeded or failed").register(registry))
      .increment();
    if (errorCode != null) {
      errors.increment();
      errorsByCode.computeIfAbsent(errorCode, k -> new LongAdder()).increment();
      errorCounters.computeIfAbsent(errorCode, c -> Counter.builder("txgate.errors").tag("code", c)
        .description("Requests answered with an error, by error code").register(registry))
        .increment();
    }
  }

  /** Counts one failed authentication on the protocol port, by reason ({@code txgate_auth_failures_total}). */
  public void authFailure(String reason) {
    authFailures.computeIfAbsent(reason, r -> Counter.builder("txgate.auth.failures").tag("reason", r)
      .description("Failed authentications on the protocol port, by reason").register(registry)).increment();
  }

  /**
   * Counts one answered request of an authenticated client: {@code txgate_client_requests_total} and,
   * when it failed, {@code txgate_client_errors_total}, labelled {@code client}.
   */
  public void clientRequest(String client, boolean failed) {
    Counter[] counters = clientCounters.computeIfAbsent(client, c -> new Counter[] {
      Counter.builder("txgate.client.requests").tag("client", c)
        .description("Requests from connections authenticated as a configured client, by client").register(registry),
      Counter.builder("txgate.client.errors").tag("client", c)
        .description("Error answers to a configured client's requests, by client").register(registry)});
    counters[0].increment();
    if (failed) {
      counters[1].increment();
    }
  }

  /** Records one call of a named operation. */
  public void operation(String name, long nanos, boolean failed, int attempts) {
    OperationMeters m = operation(name);
    m.calls().increment();
    m.latency().record(nanos, TimeUnit.NANOSECONDS);
    if (failed) {
      m.errors().increment();
    }
    if (attempts > 1) {
      m.retries().increment(attempts - 1);
    }
  }

  public OperationMeters operation(String name) {
    return operations.computeIfAbsent(name, n -> new OperationMeters(
      Counter.builder("txgate.operation.calls").tag("name", n)
        .description("Calls of a named operation, by name").register(registry),
      Counter.builder("txgate.operation.errors").tag("name", n)
        .description("Calls of a named operation answered with an error, by name").register(registry),
      Counter.builder("txgate.operation.retries").tag("name", n)
        .description("Attempts of a named operation re-run after a transient conflict, by name").register(registry),
      Timer.builder("txgate.operation").tag("name", n)
        .description("Time from a named operation call's arrival to its response, by name").publishPercentiles(0.99)
        .distributionStatisticExpiry(Duration.ofMinutes(5)).register(registry)));
  }

  public long requests() {
    return requests.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public Map<String, Long> errorsByCode() {
    Map<String, Long> out = new java.util.TreeMap<>();
    errorsByCode.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The request latency at a percentile published by the timer (0.5 or 0.99), in milliseconds. */
  public double latencyMillis(double percentile) {
    return percentile(latency, percentile);
  }

  /** A published percentile of a timer in milliseconds; 0 before anything was recorded. */
  public static double percentile(Timer timer, double percentile) {
    for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
      if (Math.abs(v.percentile() - percentile) < 1e-9) {
        double ms = v.value(TimeUnit.MILLISECONDS);
        return Double.isNaN(ms) ? 0 : Math.round(ms * 1000) / 1000.0;
      }
    }
    return 0;
  }
}
