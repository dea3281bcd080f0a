package io.txgate.tcp;

import io.txgate.Version;
import io.txgate.access.AuthFailure;
import io.txgate.access.Authenticator;
import io.txgate.access.Client;
import io.txgate.access.Permits;
import io.txgate.access.RateLimiter;
import io.txgate.config.TxgateConfig;
import io.txgate.metrics.Telemetry;
import io.txgate.ops.Operation;
import io.txgate.ops.Operations;
import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.ProtocolVersion;
import io.txgate.protocol.Request;
import io.txgate.protocol.RequestDecoder;
import io.txgate.protocol.Response;
import io.txgate.protocol.Step;
import io.txgate.protocol.TxOptions;
import io.txgate.tx.Errors;
import io.txgate.replica.ReadRouter;
import io.txgate.timing.RequestTiming;
import io.txgate.timing.SlowLog;
import io.txgate.timing.TimingMetrics;
import io.txgate.tracing.RequestTrace;
import io.txgate.tracing.Tracing;
import io.txgate.tx.TxRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns one decoded request into its response; never fails, every error becomes a response. Shared
 * by all protocol verticle instances: it holds no per-connection state.
 */
public final class RequestHandler {

  private static final int DETAIL_CHARS = 200;

  private final ReadRouter runner;
  private final Supplier<Operations> operations;
  private final RequestDecoder decoder;
  private final TxgateConfig.Tx tx;
  private final Telemetry telemetry;
  private final Authenticator authenticator;
  private final RateLimiter rates = new RateLimiter();
  private final TimingMetrics timing;
  private final SlowLog slowLog;
  private final Tracing tracing;

  /**
   * @param operations read once per request: a reload replaces them for the next request
   */
  public RequestHandler(ReadRouter runner, Supplier<Operations> operations, RequestDecoder decoder, TxgateConfig.Tx tx,
                        Telemetry telemetry, Authenticator authenticator, SlowLog slowLog) {
    this.timing = telemetry.timing();
    this.slowLog = slowLog;
    this.runner = runner;
    this.operations = operations;
    this.decoder = decoder;
    this.tx = tx;
    this.telemetry = telemetry;
    this.tracing = telemetry.tracing();
    this.authenticator = authenticator;
  }

  /** Whether this session must still authenticate before anything else. */
  boolean mustAuthenticate(ClientSession session) {
    return authenticator.required() && session.client() == null;
  }

  /** The answer to anything but a valid hello first: UNAUTHENTICATED, counted, and the connection closes. */
  ProtocolException unauthenticated(ClientSession session, Object requestId) {
    session.closeAfterReply();
    AuthFailure f = authenticator.refused(new AuthFailure(AuthFailure.Reason.NOT_HELLO,
      "authenticate first: this server's first request must be a hello carrying a token or a jwt,"
        + " or a hello on a connection with a verified client certificate"),
      session.remoteHost());
    return ProtocolException.builder(ErrorCode.UNAUTHENTICATED, f.getMessage()).id(requestId).build();
  }

  RequestDecoder decoder() {
    return decoder;
  }

  /**
   * @param queuedNanos how long the request waited behind earlier ones on its connection
   */
  Future<Response> handle(Request request, ClientSession session, long startedNanos, long queuedNanos) {
    Future<JsonObject> result;
    // Only requests that may reach the database have a time split; a ping has nothing to split.
    RequestTiming t = request instanceof Request.Execute || request instanceof Request.Batch
      || request instanceof Request.Call ? new RequestTiming(queuedNanos) : null;
    RequestTrace trace = null;
    try {
      if (mustAuthenticate(session)) {
        result = authenticate(request, session);
      } else {
        trace = tracing.on() ? trace(request, session) : null;
        result = dispatch(request, session, t, trace);
      }
    } catch (RuntimeException e) {
      // A client's mistake (ProtocolException) or a bug: either way the frame gets its answer
      // (Errors.translate turns a bug into INTERNAL with a reference that is logged once).
      result = Future.failedFuture(e);
    }
    RequestTrace finalTrace = trace;
    return result.transform(ar -> {
      Response response = ar.succeeded()
        ? Response.success(request.id(), ar.result())
        : Response.failure(Errors.translate(ar.cause()).withId(request.id()));
      String code = response.ok() ? null : response.error().getString("code");
      if (finalTrace != null) {
        finalTrace.end(code);
      }
      record(request.op(), startedNanos, code);
      if (session.client() != null) {
        telemetry.clientRequest(session.client().name(), code != null);
      }
      if (request instanceof Request.Call c && !code(code, "UNKNOWN_OPERATION")) {
        telemetry.operation(c.name(), System.nanoTime() - startedNanos, code != null,
          response.ok() ? response.result().getInteger("attempts", 1) : 1);
      }
      if (t != null && t.steps() != null) {
        timed(request, session, t, System.nanoTime() - startedNanos + queuedNanos, code);
      }
      return Future.succeededFuture(response);
    });
  }

  /** Records the time split of a request that reached the runner, and logs it if it was slow. */
  private void timed(Request request, ClientSession session, RequestTiming t, long totalNanos, String code) {
    timing.record(t);
    if (slowLog.slow(totalNanos)) {
      try {
        io.txgate.access.Client c = session.client();
        slowLog.log(session.id(), c != null ? c.name() : session.clientName(), request.op(),
          request instanceof Request.Call call ? call.name() : null, t, totalNanos, code == null ? "ok" : code);
      } catch (RuntimeException e) {
        // The answer goes out whatever happens to its log line.
        org.slf4j.LoggerFactory.getLogger(RequestHandler.class).warn("slow log: {}", e.toString());
      }
    }
  }

  /** The span of a request that runs a transaction; null for any other. */
  private RequestTrace trace(Request request, ClientSession session) {
    TxOptions o;
    String operation = null;
    if (request instanceof Request.Execute e) {
      o = e.options();
    } else if (request instanceof Request.Batch b) {
      o = b.options();
    } else if (request instanceof Request.Call c) {
      o = c.options();
      operation = c.name();
    } else {
      return null;
    }
    String client = session.client() != null ? session.client().name() : session.clientName();
    return tracing.request(request.op(), operation, session.id(), client, o.trace());
  }

  private static boolean code(String actual, String expected) {
    return expected.equals(actual);
  }

  /** Counts one answered request (also the ones that could not be decoded) in the metrics. */
  void record(String op, long startedNanos, String errorCode) {
    telemetry.request(op, System.nanoTime() - startedNanos, errorCode);
  }

  /** What the console shows of a request in flight: its SQL or operation name, shortened. */
  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

  static String describe(Request request) {
    String detail;
    if (request instanceof Request.Execute e) {
      detail = e.step().statement().sql();
    } else if (request instanceof Request.Batch b) {
      detail = b.steps().size() + " steps: " + b.steps().get(0).statement().sql();
    } else if (request instanceof Request.Call c) {
      detail = c.name();
    } else {
      detail = "";
    }
    detail = WHITESPACE.matcher(detail).replaceAll(" ").trim();
    return detail.length() <= DETAIL_CHARS ? detail : detail.substring(0, DETAIL_CHARS) + "...";
  }

  /**
   * The first request of a session on a server with clients configured: a hello with a valid
   * credential, or without one on a connection whose handshake verified a client certificate,
   * makes the session its client's; anything else closes the connection.
   */
  private Future<JsonObject> authenticate(Request request, ClientSession session) {
    String certificateName = session.tlsSubject();
    if (!(request instanceof Request.Hello h) || (!h.hasCredential() && certificateName == null)) {
      return Future.failedFuture(unauthenticated(session, request.id()));
    }
    return authenticator.authenticate(h.client(), h.token(), h.jwt(), session.remoteHost(), certificateName)
      .transform(ar -> {
        if (ar.failed()) {
          session.closeAfterReply();
          return Future.failedFuture(ar.cause() instanceof AuthFailure f
            ? new ProtocolException(ErrorCode.UNAUTHENTICATED, f.getMessage()) : ar.cause());
        }
        Client c = ar.result();
        if (!session.authenticated(c)) {
          session.closeAfterReply();
          return Future.failedFuture(new ProtocolException(ErrorCode.BUSY, "client '" + c.name()
            + "' has all its connections open: the limit is " + c.permissions().maxConnections() + " (maxConnections)"));
        }
        return Future.succeededFuture(hello(h, session));
      });
  }

  private JsonObject hello(Request.Hello h, ClientSession session) {
    session.clientName(h.client());
    JsonObject result = new JsonObject()
      .put("server", "txgate/" + Version.VERSION)
      .put("session", session.id())
      .put("protocol", ProtocolVersion.CURRENT)
      .put("limits", decoder.limits().toJson());
    if (session.client() != null) {
      result.put("identity", session.client().name());
    }
    return result;
  }

  private Future<JsonObject> dispatch(Request request, ClientSession session, RequestTiming t, RequestTrace trace) {
    Client client = currentClient(session);
    if (client != null && !rates.tryAcquire(client)) {
      throw Permits.rateExceeded(client);
    }
    if (request instanceof Request.Ping) {
      return Future.succeededFuture(new JsonObject());
    }
    if (request instanceof Request.Hello h) {
      if (client != null && h.hasCredential()) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST,
          "this connection is already authenticated as '" + client.name() + "'; open another to be someone else");
      }
      return Future.succeededFuture(hello(h, session));
    }
    if (request instanceof Request.Operations) {
      return Future.succeededFuture(operations.get().describe());
    }
    if (request instanceof Request.Execute e) {
      rawSqlAllowed(client, List.of(e.step()));
      return run(null, List.of(e.step()), e.options(), null, null, false, TxRequest::single, session, client, t, trace);
    }
    if (request instanceof Request.Batch b) {
      rawSqlAllowed(client, b.steps());
      return run(null, b.steps(), b.options(), null, null, false, TxRequest::many, session, client, t, trace);
    }
    if (request instanceof Request.Call c) {
      if (client != null) {
        // Checked before the lookup: a client learns nothing about operations it may not call.
        Permits.call(client, c.name());
      }
      Operation op = operations.get().get(c.name());
      if (client != null) {
        Permits.readOnlyCall(client, c.name(), op.readOnly());
      }
      if (c.options().isolation() != null || c.options().readOnly() != null) {
        throw new ProtocolException(ErrorCode.BAD_REQUEST,
          "isolation and readOnly are fixed by the operation's definition; call takes requestKey and maxAttempts");
      }
      List<Step> steps = Operations.bind(op, c.args());
      return run(c.name(), steps, c.options(), op.isolation(), op.maxAttempts(), op.readOnly(), TxRequest::many, session,
        client, t, trace);
    }
    throw new IllegalStateException("unhandled request type " + request.getClass());
  }

  /** @param opName the named operation called, or null for ad-hoc SQL */
  private Future<JsonObject> run(String opName, List<Step> steps, TxOptions o, Isolation opIsolation, Integer opMaxAttempts,
                                 boolean opReadOnly, Function<List<JsonObject>, JsonObject> shape,
                                 ClientSession session, Client client, RequestTiming t, RequestTrace trace) {
    // A request may lower the attempt limit, never raise it above the operation's or the server's.
    int attempts = Math.min(tx.maxAttempts(), opMaxAttempts == null ? tx.maxAttempts() : opMaxAttempts);
    if (o.maxAttempts() != null) {
      attempts = Math.min(attempts, o.maxAttempts());
    }
    Isolation isolation = o.isolation() != null ? o.isolation() : opIsolation;
    // A request may shorten its deadline, never lengthen it past the server's.
    int timeoutMs = o.timeoutMs() == null ? tx.requestTimeoutMs() : Math.min(o.timeoutMs(), tx.requestTimeoutMs());
    // A readOnly client's transactions are read-only whatever the request says.
    boolean readOnly = o.isReadOnly() || opReadOnly || client != null && client.permissions().readOnly();
    if (readOnly && o.requestKey() != null) {
      // The decoder refuses this for a request that says readOnly itself; here the operation or the
      // client's permissions make it read-only, and a read-only transaction cannot write the key.
      throw new ProtocolException(ErrorCode.BAD_REQUEST, "'requestKey' makes a change exactly-once; this request"
        + " is read-only (" + (opReadOnly ? "the operation says so" : "the client's permissions say so")
        + ") and changes nothing, so it needs none");
    }
    t.steps(steps);
    return runner.run(new TxRequest(steps, isolation, readOnly, o.requestKey(),
      o.requestHash(), attempts, shape, timeoutMs, session.stopSignal(), t, opName, session, trace), o.primaryOnly(), session.writes());
  }

  /**
   * The session's client as configured now. Its identity is the one it authenticated with; its
   * permissions are the current ones, so that a reload that takes a permission away takes it from
   * open connections too, from their next request on. A client that a reload removed is refused
   * and its connection closes: removing a client is how an operator revokes it.
   */
  private Client currentClient(ClientSession session) {
    Client authenticated = session.client();
    if (authenticated == null) {
      return null;
    }
    Client now = authenticator.current(authenticated.name());
    if (now == null) {
      session.closeAfterReply();
      throw new ProtocolException(ErrorCode.UNAUTHENTICATED, "client '" + authenticated.name()
        + "' is no longer configured (removed by a configuration reload)");
    }
    return now;
  }

  private void rawSqlAllowed(Client client, List<Step> steps) {
    if (!tx.allowRawSql()) {
      throw new ProtocolException(ErrorCode.FORBIDDEN,
        "raw SQL is disabled on this server (tx.allowRawSql: false); call a named operation instead");
    }
    if (client != null) {
      Permits.rawSql(client, steps);
    }
  }
}
