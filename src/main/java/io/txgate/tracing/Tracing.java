package io.txgate.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.txgate.Version;
import io.txgate.config.TxgateConfig;
import io.txgate.protocol.TraceContext;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

/**
 * Where txgate's spans go: nowhere ({@link #off()}, the default), to an OpenTelemetry collector over
 * OTLP ({@link #from}), or to any {@link OpenTelemetry} given ({@link #of}, how the tests install an
 * SDK with an in-memory exporter).
 *
 * <p>txgate's protocol is its own, so Vert.x cannot see its requests: their spans are made here,
 * with explicit parents, not through Vert.x's context. Vert.x's tracer ({@link #vertxTracer}) is
 * installed beside them for what Vert.x does see: the console's HTTP requests that carry a
 * traceparent. The SQL client's own spans are switched off (see {@code db.Pools}): they carry each
 * statement's raw text, literals included.
 */
public final class Tracing {

  /** The instrumentation scope of every span txgate makes. */
  static final String SCOPE = "io.txgate";

  private static final Tracing OFF = new Tracing(null, null);

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  /** Flushes and stops the exporter; null when there is nothing to stop. */
  private final AutoCloseable closer;

  private Tracing(OpenTelemetry openTelemetry, AutoCloseable closer) {
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry == null ? null : openTelemetry.getTracer(SCOPE, Version.VERSION);
    this.closer = closer;
  }

  /** No tracing: no span, no tracer, nothing per request. */
  public static Tracing off() {
    return OFF;
  }

  /** Spans to {@code openTelemetry}, which its owner shuts down. */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry, null);
  }

  /** What {@code observability.tracing} asks for. */
  public static Tracing from(TxgateConfig.Observability o) {
    return switch (o.tracing()) {
      case NONE -> off();
      case OTLP -> {
        OtlpExport export = OtlpExport.start(o.otlpEndpoint());
        yield new Tracing(export.openTelemetry(), export);
      }
    };
  }

  public boolean on() {
    return tracer != null;
  }

  /** Vert.x's tracer over the same OpenTelemetry, for {@code Vertx.builder().withTracer}; null when off. */
  public VertxTracerFactory vertxTracer() {
    return openTelemetry == null ? null : new OpenTelemetryTracingFactory(openTelemetry);
  }

  /**
   * Starts a request's span; null when tracing is off, so that an untraced request costs one null
   * check wherever it might be traced.
   *
   * @param op the protocol op ({@code execute}, {@code batch}, {@code call})
   * @param operation the named operation of a {@code call}, else null
   * @param client the client's name, or null when it gave none
   * @param parent the client's trace context, or null
   */
  public RequestTrace request(String op, String operation, String session, String client, TraceContext parent) {
    return tracer == null ? null : new RequestTrace(tracer, op, operation, session, client, parent);
  }

  /** Sends the spans still buffered and stops the exporter (at shutdown). */
  public void close() {
    if (closer != null) {
      try {
        closer.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Tracing.class).warn("tracing: the last spans may be lost: {}",
          e.getMessage());
      }
    }
  }
}
