package io.txgate.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.txgate.digest.Fingerprint;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.TraceContext;
import io.vertx.core.Future;
import io.vertx.mysqlclient.MySQLException;
import java.util.List;
import java.util.function.Supplier;

/**
 * One request's spans: {@code txgate.request}, a child {@code txgate.attempt} per run of its
 * transaction, and under each attempt a {@code txgate.statement} per statement sent. Statements
 * appear as their fingerprints (literals replaced by {@code ?}); no parameter value, and no message
 * from the database (which may quote a value: "Duplicate entry 'alice@example.com'"), is put in any
 * span, only error codes.
 *
 * <p>A request's attempts run one after another, so one field holds the current one. The request
 * is started on its client's event loop and its attempts run on the pool's: the hand-over between
 * them goes through a Vert.x future, which orders the writes before the reads.
 */
public final class RequestTrace {

  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");
  /** The MySQL error number of a failed statement or attempt (OpenTelemetry's database conventions). */
  static final AttributeKey<String> DB_STATUS = AttributeKey.stringKey("db.response.status_code");
  static final AttributeKey<String> OP = AttributeKey.stringKey("txgate.op");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("txgate.operation");
  static final AttributeKey<String> SESSION = AttributeKey.stringKey("txgate.session");
  static final AttributeKey<String> CLIENT = AttributeKey.stringKey("txgate.client");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("txgate.attempts");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("txgate.attempt");
  static final AttributeKey<Long> STEP = AttributeKey.longKey("txgate.step");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("txgate.outcome");
  static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("txgate.error.code");
  static final AttributeKey<String> TRACEPARENT = AttributeKey.stringKey("txgate.traceparent");

  private static final TextMapGetter<TraceContext> FROM_REQUEST = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(TraceContext carrier) {
      return List.of("traceparent", "tracestate");
    }

    @Override
    public String get(TraceContext carrier, String key) {
      return carrier == null ? null : switch (key) {
        case "traceparent" -> carrier.traceparent();
        case "tracestate" -> carrier.tracestate();
        default -> null;
      };
    }
  };

  private final Tracer tracer;
  private final Span request;
  private final Context inRequest;
  private Span attempt;
  private Context inAttempt;
  private int attempts;

  RequestTrace(Tracer tracer, String op, String operation, String session, String client, TraceContext parent) {
    this.tracer = tracer;
    // The propagator checks the value as the W3C specification says (version, lengths, lower-case
    // hex, ids not all zero) and yields no parent for an invalid one: the request starts a trace.
    Context parentContext = parent == null ? Context.root()
      : W3CTraceContextPropagator.getInstance().extract(Context.root(), parent, FROM_REQUEST);
    SpanBuilder b = tracer.spanBuilder("txgate.request").setSpanKind(SpanKind.SERVER).setParent(parentContext)
      .setAttribute(DB_SYSTEM, "mysql").setAttribute(OP, op).setAttribute(SESSION, session);
    if (operation != null) {
      b.setAttribute(OPERATION, operation);
    }
    if (client != null) {
      b.setAttribute(CLIENT, client);
    }
    if (parent != null && !Span.fromContext(parentContext).getSpanContext().isValid()) {
      b.setAttribute(TRACEPARENT, "invalid, ignored");
    }
    request = b.startSpan();
    inRequest = Context.root().with(request);
  }

  /** Runs attempt {@code n} of the transaction in its span, which ends when the attempt does. */
  public <T> Future<T> attempt(int n, Supplier<Future<T>> work) {
    // Counted, not taken from n: a read that falls back from a replica to the primary starts
    // again at attempt 1 there.
    attempts++;
    Span span = tracer.spanBuilder("txgate.attempt").setParent(inRequest).setAttribute(ATTEMPT, (long) n)
      .startSpan();
    attempt = span;
    inAttempt = Context.root().with(span);
    return run(span, work);
  }

  /**
   * Runs one statement in a span under the current attempt (under the request, before any).
   *
   * @param step the statement's index in the request
   */
  public <T> Future<T> statement(int step, String sql, Supplier<Future<T>> work) {
    Span span = tracer.spanBuilder("txgate.statement").setSpanKind(SpanKind.CLIENT)
      .setParent(inAttempt != null ? inAttempt : inRequest)
      .setAttribute(DB_SYSTEM, "mysql").setAttribute(DB_STATEMENT, Fingerprint.of(sql)).setAttribute(STEP, (long) step)
      .startSpan();
    return run(span, work);
  }

  /**
   * Ends the request's span with its outcome.
   *
   * @param errorCode the error code of the answer, or null for a success
   */
  public void end(String errorCode) {
    request.setAttribute(ATTEMPTS, (long) attempts);
    if (errorCode == null) {
      request.setAttribute(OUTCOME, "ok");
    } else {
      request.setAttribute(OUTCOME, "error").setAttribute(ERROR_CODE, errorCode).setStatus(StatusCode.ERROR,
        errorCode);
    }
    request.end();
  }

  private static <T> Future<T> run(Span span, Supplier<Future<T>> work) {
    Future<T> f;
    try {
      f = work.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.onComplete(ar -> {
      if (ar.failed()) {
        failed(span, ar.cause());
      }
      span.end();
    });
  }

  /** Marks a span failed with the error's codes: never its message, which may quote a value. */
  private static void failed(Span span, Throwable t) {
    String reason = "failed";
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MySQLException m) {
        span.setAttribute(DB_STATUS, String.valueOf(m.getErrorCode()));
        reason = "MySQL error " + m.getErrorCode() + " (SQLSTATE " + m.getSqlState() + ")";
        break;
      }
      if (c instanceof ProtocolException p) {
        span.setAttribute(ERROR_CODE, p.code().name());
        reason = p.code().name();
        break;
      }
    }
    span.setStatus(StatusCode.ERROR, reason);
  }
}
