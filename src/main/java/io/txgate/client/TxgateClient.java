package io.txgate.client;

import io.txgate.protocol.Codec;
import io.txgate.protocol.Expectation;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.Request;
import io.txgate.protocol.Response;
import io.txgate.protocol.Statement;
import io.txgate.protocol.Step;
import io.txgate.protocol.TxOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An asynchronous txgate client on one connection. Requests may be pipelined: each call returns at
 * once with a future, and responses complete them in order. All methods may be called from any
 * thread; callbacks run on the client's Vert.x context.
 *
 * <pre>{@code
 * TxgateClient.connect(vertx, new TxgateClient.Options().setClientName("billing"))
 *   .compose(db -> db.execute("SELECT balance FROM accounts WHERE id = ?", 1))
 *   .onSuccess(rs -> System.out.println(rs.row(0).getBigDecimal(0)));
 * }</pre>
 */
public final class TxgateClient {

  /** Connection settings. */
  public static final class Options {
    private String host = "127.0.0.1";
    private int port = 7400;
    private String clientName;
    private int connectTimeoutMs = 10_000;
    private long requestTimeoutMs = 60_000;

    public Options setHost(String host) {
      this.host = host;
      return this;
    }

    public Options setPort(int port) {
      this.port = port;
      return this;
    }

    public Options setClientName(String clientName) {
      this.clientName = clientName;
      return this;
    }

    public Options setConnectTimeoutMs(int ms) {
      this.connectTimeoutMs = ms;
      return this;
    }

    /** How long a request may wait for its answer before it fails with TIMEOUT (0: forever). */
    public Options setRequestTimeoutMs(long ms) {
      this.requestTimeoutMs = ms;
      return this;
    }
  }

  /** Per-request transaction options; every field optional. */
  public static final class TxOptionsBuilder {
    private Isolation isolation;
    private Boolean readOnly;
    private String requestKey;
    private Integer maxAttempts;
    private Integer timeoutMs;

    public TxOptionsBuilder isolation(Isolation level) {
      this.isolation = level;
      return this;
    }

    public TxOptionsBuilder readOnly(boolean value) {
      this.readOnly = value;
      return this;
    }

    public TxOptionsBuilder requestKey(String key) {
      this.requestKey = key;
      return this;
    }

    public TxOptionsBuilder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    /** The request's deadline; the server answers TIMEOUT (nothing committed) when it passes. */
    public TxOptionsBuilder timeoutMs(int millis) {
      this.timeoutMs = millis;
      return this;
    }

    TxOptions build() {
      return new TxOptions(isolation, readOnly, requestKey, maxAttempts, null, timeoutMs);
    }
  }

  public static TxOptionsBuilder options() {
    return new TxOptionsBuilder();
  }

  /** A statement of a batch, with optional parameters and expectation. */
  public static Step step(String sql, Object... params) {
    return new Step(statement(sql, params));
  }

  /** A statement that must affect exactly {@code affectedRows} rows for the batch to commit. */
  public static Step stepExpecting(long affectedRows, String sql, Object... params) {
    return new Step(statement(sql, params), new Expectation(affectedRows, null));
  }

  private record Pending(Promise<JsonObject> promise, long timer) {
  }

  private final Vertx vertx;
  private final NetClient netClient;
  private final NetSocket socket;
  private final Options options;
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private long nextId;
  private boolean closed;
  private String session;

  private TxgateClient(Vertx vertx, NetClient netClient, NetSocket socket, Options options) {
    this.vertx = vertx;
    this.netClient = netClient;
    this.socket = socket;
    this.options = options;
    socket.handler(RecordParser.newDelimited("\n", this::onLine).maxRecordSize(Integer.MAX_VALUE / 2));
    socket.closeHandler(v -> failAll(TxgateException.connection("txgate closed the connection", true)));
    socket.exceptionHandler(t -> socket.close());
  }

  /** Connects and says hello; the future completes once the server has answered. */
  public static Future<TxgateClient> connect(Vertx vertx, Options options) {
    NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
      .setConnectTimeout(options.connectTimeoutMs));
    return net.connect(options.port, options.host)
      .recover(t -> net.close().transform(x -> Future.failedFuture(
        TxgateException.connection("cannot connect to " + options.host + ":" + options.port + ": " + t.getMessage(), true))))
      .compose(socket -> {
        TxgateClient c = new TxgateClient(vertx, net, socket, options);
        return c.send(new Request.Hello(0, options.clientName, Codec.PROTOCOL_VERSION)).map(hello -> {
          c.session = hello.getString("session");
          return c;
        });
      });
  }

  /** The server's session id for this connection, as its console shows it. */
  public String session() {
    return session;
  }

  public Future<ResultSet> execute(String sql, Object... params) {
    return execute(step(sql, params), options());
  }

  public Future<ResultSet> execute(Step step, TxOptionsBuilder opts) {
    return send(new Request.Execute(0, step, opts.build())).map(ResultSet::new);
  }

  /** Runs the steps as one transaction; one result per step. */
  public Future<List<ResultSet>> batch(List<Step> steps, TxOptionsBuilder opts) {
    return send(new Request.Batch(0, steps, opts.build())).map(TxgateClient::results);
  }

  /** Calls a named operation; {@code opts} may carry a requestKey and maxAttempts. */
  public Future<List<ResultSet>> call(String name, JsonObject args, TxOptionsBuilder opts) {
    return send(new Request.Call(0, name, args, opts.build())).map(TxgateClient::results);
  }

  public Future<Void> ping() {
    return send(new Request.Ping(0)).mapEmpty();
  }

  /** The server's named operations with their parameters. */
  public Future<JsonArray> operations() {
    return send(new Request.Operations(0)).map(r -> r.getJsonArray("operations"));
  }

  /** Closes the connection; requests still waiting fail with CONNECTION. */
  public Future<Void> close() {
    return socket.close().eventually(netClient::close);
  }

  private static List<ResultSet> results(JsonObject r) {
    List<ResultSet> out = new ArrayList<>();
    r.getJsonArray("results").forEach(x -> out.add(new ResultSet((JsonObject) x)));
    return out;
  }

  private static Statement statement(String sql, Object... params) {
    List<Object> wire = new ArrayList<>(params.length);
    Arrays.stream(params).forEach(p -> wire.add(toWire(p)));
    return new Statement(sql, wire);
  }

  /** Exact types travel as text; bytes as the base64 marker (via Buffer). */
  static Object toWire(Object p) {
    if (p instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (p instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
    }
    if (p instanceof byte[] bytes) {
      return Buffer.buffer(bytes);
    }
    if (p instanceof TemporalAccessor t) {
      return t.toString();
    }
    if (p instanceof Duration d) {
      long s = Math.abs(d.getSeconds());
      return String.format("%s%02d:%02d:%02d.%06d", d.isNegative() ? "-" : "", s / 3600, s / 60 % 60, s % 60,
        d.abs().getNano() / 1000);
    }
    return p;
  }

  private synchronized Future<JsonObject> send(Request request) {
    if (closed) {
      return Future.failedFuture(TxgateException.connection("connection is closed", true));
    }
    long id = ++nextId;
    Promise<JsonObject> promise = Promise.promise();
    long timer = options.requestTimeoutMs > 0
      ? vertx.setTimer(options.requestTimeoutMs, t -> timeout(id)) : -1;
    pending.put(id, new Pending(promise, timer));
    socket.write(Codec.encodeRequest(withId(request, id)));
    return promise.future();
  }

  private static Request withId(Request r, long id) {
    if (r instanceof Request.Hello h) {
      return new Request.Hello(id, h.client(), h.protocol());
    } else if (r instanceof Request.Ping) {
      return new Request.Ping(id);
    } else if (r instanceof Request.Execute e) {
      return new Request.Execute(id, e.step(), e.options());
    } else if (r instanceof Request.Batch b) {
      return new Request.Batch(id, b.steps(), b.options());
    } else if (r instanceof Request.Call c) {
      return new Request.Call(id, c.name(), c.args(), c.options());
    }
    return new Request.Operations(id);
  }

  private void onLine(Buffer line) {
    Response r = Codec.decodeResponse(line);
    Pending p;
    synchronized (this) {
      p = r.id() instanceof Number n ? pending.remove(n.longValue()) : null;
    }
    if (p == null) {
      return; // timed out earlier, or an error about an unreadable frame
    }
    vertx.cancelTimer(p.timer());
    if (r.ok()) {
      p.promise().tryComplete(r.result());
    } else {
      p.promise().tryFail(TxgateException.of(r.error()));
    }
  }

  private void timeout(long id) {
    Pending p;
    synchronized (this) {
      p = pending.remove(id);
    }
    if (p != null) {
      p.promise().tryFail(new TxgateException("TIMEOUT", "no answer within " + options.requestTimeoutMs
        + " ms; the request may still run: resend it with the same requestKey", true, null, null, null));
    }
  }

  private void failAll(TxgateException e) {
    List<Pending> failed;
    synchronized (this) {
      closed = true;
      failed = new ArrayList<>(pending.values());
      pending.clear();
    }
    for (Pending p : failed) {
      vertx.cancelTimer(p.timer());
      p.promise().tryFail(e);
    }
  }
}
