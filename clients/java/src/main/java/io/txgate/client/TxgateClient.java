package io.txgate.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A txgate client on one TCP connection, for any number of threads: requests are pipelined (sent
 * without waiting for earlier answers) and every answer is matched to its request by id, in order.
 * Each method comes in a blocking form ({@link #execute}) and an asynchronous one
 * ({@link #executeAsync}) that returns a {@link CompletableFuture}.
 *
 * <p>Timeouts: a request that gets no answer within {@link Options#setRequestTimeoutMs} fails with
 * {@link ClientTimeoutException}, and the client closes the connection, so that the late answer can
 * never be read as the answer to a later request; requests still waiting on that connection fail
 * with {@link ConnectionException} (committed "unknown"). The next request opens a new connection
 * (unless {@link Options#setReconnect} is off). A request's deadline on the server is
 * {@link TxOptions#timeoutMs} (or the server's {@code tx.requestTimeoutMs}); a request that sets it
 * is waited for at least {@code timeoutMs} plus 5 seconds.
 *
 * <p>Futures are completed on the connection's reader thread: keep callbacks short, and use the
 * {@code ...Async} variants of {@code CompletableFuture} for more. A blocking call from a callback
 * is refused with an IllegalStateException, because the answer it waits for would have to be read
 * by that same thread.
 *
 * <pre>{@code
 * try (TxgateClient db = TxgateClient.connect(new TxgateClient.Options().setClientName("billing"))) {
 *   BigDecimal balance = db.execute("SELECT balance FROM accounts WHERE id = ?", 1).row(0).getBigDecimal(0);
 * }
 * }</pre>
 */
public final class TxgateClient implements AutoCloseable {

  /** The protocol version this client speaks. */
  public static final int PROTOCOL_VERSION = 1;

  /** Connection settings. */
  public static final class Options {
    private String host = "127.0.0.1";
    private int port = 7400;
    private String clientName;
    private String token;
    private String jwt;
    private int connectTimeoutMs = 10_000;
    private long requestTimeoutMs = 60_000;
    private boolean reconnect = true;
    private boolean tls;
    private Path tlsCaFile;
    private Path tlsCertFile;
    private Path tlsKeyFile;
    private SSLContext sslContext;
    private volatile SSLContext builtContext;

    public Options setHost(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    public Options setPort(int port) {
      this.port = port;
      return this;
    }

    /** The name operators see for this client (at most 128 characters). */
    public Options setClientName(String clientName) {
      this.clientName = clientName;
      return this;
    }

    /**
     * The secret token this client authenticates with, on a server with clients configured: the
     * client name ({@link #setClientName}) must then be the configured client's name.
     */
    public Options setToken(String token) {
      this.token = token;
      return this;
    }

    /** A JWT this client authenticates with, on a server with clients configured; its {@code sub} names the client. */
    public Options setJwt(String jwt) {
      this.jwt = jwt;
      return this;
    }

    /** How long connecting and the server's hello answer may take (10,000 ms by default). */
    public Options setConnectTimeoutMs(int ms) {
      this.connectTimeoutMs = ms;
      return this;
    }

    /**
     * How long a request may wait for its answer (60,000 ms by default; 0 waits forever). Past it the
     * request fails with {@link ClientTimeoutException} and the connection is closed.
     */
    public Options setRequestTimeoutMs(long ms) {
      if (ms < 0) {
        throw new IllegalArgumentException("requestTimeoutMs must be 0 or more");
      }
      this.requestTimeoutMs = ms;
      return this;
    }

    /** Whether a request after a closed or lost connection opens a new one (default true). */
    public Options setReconnect(boolean reconnect) {
      this.reconnect = reconnect;
      return this;
    }

    /**
     * Whether to speak TLS (default false). The server's certificate must be trusted (by the JVM's
     * default store, or {@link #setTlsCaFile}) and name the host connected to (its subjectAltName):
     * the host name is always checked.
     */
    public Options setTls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** A PEM file of the authorities to trust instead of the JVM's default ones; turns TLS on. */
    public Options setTlsCaFile(Path caFile) {
      this.tlsCaFile = caFile;
      this.tls = true;
      return this;
    }

    /**
     * The client certificate (PEM, the chain's first certificate being the client's) and its
     * unencrypted PKCS#8 PEM key, for a server that asks for one; turns TLS on.
     */
    public Options setTlsClientCert(Path certFile, Path keyFile) {
      this.tlsCertFile = Objects.requireNonNull(certFile);
      this.tlsKeyFile = Objects.requireNonNull(keyFile);
      this.tls = true;
      return this;
    }

    /** A ready TLS context (key stores, PKCS#12, ...) used instead of the files above; turns TLS on. */
    public Options setSslContext(SSLContext context) {
      this.sslContext = context;
      this.tls = true;
      return this;
    }

    /** The TLS context to connect with, or null for plaintext; the files are read once. */
    SSLContext tlsContext() {
      if (!tls) {
        return null;
      }
      if (sslContext != null) {
        return sslContext;
      }
      if (builtContext == null) {
        builtContext = TlsContexts.create(tlsCaFile, tlsCertFile, tlsKeyFile);
      }
      return builtContext;
    }

    public String host() {
      return host;
    }

    public int port() {
      return port;
    }
  }

  /** Added to a request's timeoutMs for the client's wait: the server answers within its deadline plus tx.cancelGraceMs (1 s by default). */
  static final long DEADLINE_MARGIN_MS = 5_000;

  private static final ScheduledThreadPoolExecutor TIMERS = timers();

  private static ScheduledThreadPoolExecutor timers() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, "txgate-client-timer");
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  private final Options options;
  private final Object connectLock = new Object();
  private volatile Connection connection;
  private volatile boolean closed;

  private TxgateClient(Options options) {
    this.options = options;
  }

  /** Connects and says hello; a {@link ConnectionException} (committed "no") if txgate cannot be reached. */
  public static TxgateClient connect(Options options) {
    TxgateClient c = new TxgateClient(options);
    c.connection = c.open();
    return c;
  }

  /** Connects to {@code host:port} with default options. */
  public static TxgateClient connect(String host, int port) {
    return connect(new Options().setHost(host).setPort(port));
  }

  // ---------------------------------------------------------------------------------------------
  // Blocking API

  /** The server's hello answer on the current connection. */
  public Hello hello() {
    return current().hello;
  }

  /** The server's session id of the current connection, as the operators' console shows it. */
  public String session() {
    return hello().session();
  }

  public void ping() {
    await(pingAsync());
  }

  /** One statement, one transaction. */
  public ResultSet execute(String sql, Object... params) {
    return await(executeAsync(Statement.of(sql, params), null));
  }

  public ResultSet execute(Statement statement) {
    return await(executeAsync(statement, null));
  }

  public ResultSet execute(Statement statement, TxOptions options) {
    return await(executeAsync(statement, options));
  }

  /** Several statements in one transaction: all take effect, or none. One result per step. */
  public BatchResult batch(List<Statement> steps) {
    return await(batchAsync(steps, null));
  }

  public BatchResult batch(List<Statement> steps, TxOptions options) {
    return await(batchAsync(steps, options));
  }

  /** Runs a named operation; args are mapped as {@link Values#toWire} says. */
  public BatchResult call(String name, Map<String, ?> args) {
    return await(callAsync(name, args, null));
  }

  /** Runs a named operation with requestKey, maxAttempts or timeoutMs. */
  public BatchResult call(String name, Map<String, ?> args, TxOptions options) {
    return await(callAsync(name, args, options));
  }

  /** The server's named operations with their parameters. */
  public List<Operation> operations() {
    return await(operationsAsync());
  }

  // ---------------------------------------------------------------------------------------------
  // Asynchronous API

  public CompletableFuture<Void> pingAsync() {
    return send(request("ping")).thenApply(r -> null);
  }

  public CompletableFuture<ResultSet> executeAsync(Statement statement, TxOptions options) {
    Map<String, Object> req = request("execute");
    statement.writeTo(req);
    if (options != null) {
      options.writeTo(req);
    }
    return send(req).thenApply(ResultSet::ofExecute);
  }

  public CompletableFuture<BatchResult> batchAsync(List<Statement> steps, TxOptions options) {
    Map<String, Object> req = request("batch");
    List<Object> wire = new ArrayList<>(steps.size());
    for (Statement s : steps) {
      Map<String, Object> step = new LinkedHashMap<>();
      s.writeTo(step);
      wire.add(step);
    }
    req.put("steps", wire);
    if (options != null) {
      options.writeTo(req);
    }
    return send(req).thenApply(BatchResult::new);
  }

  public CompletableFuture<BatchResult> callAsync(String name, Map<String, ?> args, TxOptions options) {
    Map<String, Object> req = request("call");
    req.put("name", Objects.requireNonNull(name, "name"));
    req.put("args", Values.toWire(args == null ? Map.of() : args));
    if (options != null) {
      options.writeTo(req);
    }
    return send(req).thenApply(BatchResult::new);
  }

  public CompletableFuture<List<Operation>> operationsAsync() {
    return send(request("operations")).thenApply(r -> {
      List<Operation> out = new ArrayList<>();
      for (Object o : Json.emptyIfNull(r.get("operations"))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        out.add(Operation.of(m));
      }
      return List.copyOf(out);
    });
  }

  /** Closes the connection; requests still waiting fail with {@link ConnectionException} (committed "unknown"). */
  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      c.shutdown("the client was closed", null);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, Object> request(String op) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("id", null);
    req.put("op", op);
    return req;
  }

  private CompletableFuture<Map<String, Object>> send(Map<String, Object> req) {
    Connection c;
    try {
      c = current();
    } catch (TxgateException e) {
      return CompletableFuture.failedFuture(e);
    }
    return c.send(req);
  }

  /** The open connection, opening a new one if the last was lost and reconnecting is on. */
  private Connection current() {
    Connection c = connection;
    if (c != null && c.failure == null) {
      return c;
    }
    synchronized (connectLock) {
      c = connection;
      if (closed) {
        throw new ConnectionException("the client was closed", Committed.NO, null);
      }
      if (c != null && c.failure == null) {
        return c;
      }
      if (!options.reconnect) {
        throw new ConnectionException("the connection is closed (" + c.failure + ")", Committed.NO, null);
      }
      c = open();
      connection = c;
      return c;
    }
  }

  private Connection open() {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(options.host, options.port), options.connectTimeoutMs);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new ConnectionException("cannot connect to " + options.host + ":" + options.port + ": " + e.getMessage(),
        Committed.NO, e);
    }
    SSLContext tls = options.tlsContext();
    if (tls != null) {
      socket = handshake(socket, tls);
    }
    Connection c;
    try {
      c = new Connection(socket);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new ConnectionException("cannot connect to " + options.host + ":" + options.port + ": " + e.getMessage(),
        Committed.NO, e);
    }
    Map<String, Object> hello = request("hello");
    if (options.clientName != null) {
      hello.put("client", options.clientName);
    }
    hello.put("protocol", PROTOCOL_VERSION);
    if (options.token != null) {
      hello.put("token", options.token);
    }
    if (options.jwt != null) {
      hello.put("jwt", options.jwt);
    }
    try {
      c.hello = Hello.of(await(c.send(hello, options.connectTimeoutMs)));
    } catch (RuntimeException e) {
      c.shutdown("hello failed", e);
      throw e;
    }
    return c;
  }

  /**
   * TLS over the connected socket; the server's certificate must name {@code options.host}
   * (RFC 2818 rules, as HTTPS checks them).
   */
  private Socket handshake(Socket plain, SSLContext context) {
    try {
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, options.host, options.port, true);
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      plain.setSoTimeout(options.connectTimeoutMs);
      socket.startHandshake();
      plain.setSoTimeout(0);
      return socket;
    } catch (IOException e) {
      closeQuietly(plain);
      throw new ConnectionException("TLS handshake with " + options.host + ":" + options.port + " failed: "
        + e.getMessage(), Committed.NO, e);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private <T> T await(CompletableFuture<T> f) {
    Connection c = connection;
    if (!f.isDone() && c != null && Thread.currentThread() == c.reader) {
      throw new IllegalStateException("a blocking txgate call from a callback on the client's reader thread would wait"
        + " forever: use the ...Async methods, or thenApplyAsync");
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionException("interrupted while waiting for the answer; the request may still run",
        Committed.UNKNOWN, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        // The exception was made for this one request on the reader thread; give it the caller's stack.
        r.fillInStackTrace();
        throw r;
      }
      throw new ConnectionException(String.valueOf(cause), Committed.UNKNOWN, cause);
    }
  }

  /** One TCP connection with its reader thread and the requests waiting for answers, in order. */
  private final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final Thread reader;
    private final Object writeLock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long nextId;
    private volatile String failure;
    private volatile Hello hello;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = socket.getInputStream();
      this.reader = new Thread(this::readLoop, "txgate-client-reader " + options.host + ":" + options.port);
      reader.setDaemon(true);
      reader.start();
    }

    CompletableFuture<Map<String, Object>> send(Map<String, Object> req) {
      return send(req, waitMs(req));
    }

    /** Sends a request; {@code wait} ms without an answer (0: forever) close the connection. */
    CompletableFuture<Map<String, Object>> send(Map<String, Object> req, long wait) {
      CompletableFuture<Map<String, Object>> future = new CompletableFuture<>();
      synchronized (writeLock) {
        if (failure != null) {
          future.completeExceptionally(new ConnectionException("the connection is closed (" + failure + ")",
            Committed.NO, null));
          return future;
        }
        long id = ++nextId;
        req.put("id", id);
        byte[] frame = (Json.write(req) + "\n").getBytes(StandardCharsets.UTF_8);
        Long max = hello == null ? null : hello.limit("maxFrameBytes");
        if (max != null && frame.length - 1 > max) {
          // The server would answer FRAME_TOO_LARGE and close the connection; refuse it here instead.
          future.completeExceptionally(new RejectedException("FRAME_TOO_LARGE", "the request has " + (frame.length - 1)
            + " bytes, more than the server's maxFrameBytes (" + max + "); it was not sent", false, null, null, null));
          return future;
        }
        Pending p = new Pending(id, future);
        synchronized (pending) {
          if (failure != null) {
            future.completeExceptionally(new ConnectionException("the connection is closed (" + failure + ")",
              Committed.NO, null));
            return future;
          }
          pending.add(p);
        }
        if (wait > 0) {
          p.timer = TIMERS.schedule(() -> timedOut(p, wait), wait, TimeUnit.MILLISECONDS);
        }
        try {
          out.write(frame);
          out.flush();
        } catch (IOException e) {
          shutdown("the connection to txgate failed: " + e.getMessage(), e);
        }
      }
      return future;
    }

    /**
     * How long the client waits for this request's answer: requestTimeoutMs, or longer when the
     * request's own deadline (timeoutMs) plus the server's grace for stopping it needs more.
     */
    private long waitMs(Map<String, Object> req) {
      if (options.requestTimeoutMs == 0) {
        return 0;
      }
      long wait = options.requestTimeoutMs;
      if (req.get("timeoutMs") instanceof Integer t) {
        wait = Math.max(wait, t + DEADLINE_MARGIN_MS);
      }
      return wait;
    }

    private void timedOut(Pending p, long wait) {
      synchronized (pending) {
        if (!pending.remove(p)) {
          return;
        }
      }
      // Closed first, so that a caller woken by the timeout cannot send on this connection again.
      shutdown("closed after request " + p.id + " got no answer within " + wait + " ms", null);
      p.future.completeExceptionally(new ClientTimeoutException("no answer within " + wait
        + " ms; the connection was closed and the request may still have run: resend it only with the same requestKey"));
    }

    /** Closes the connection once; every request still waiting fails with committed "unknown". */
    void shutdown(String reason, Throwable cause) {
      List<Pending> failed;
      synchronized (pending) {
        if (failure == null) {
          failure = reason;
        }
        failed = new ArrayList<>(pending);
        pending.clear();
      }
      closeQuietly(socket);
      for (Pending p : failed) {
        if (p.timer != null) {
          p.timer.cancel(false);
        }
        p.future.completeExceptionally(new ConnectionException(reason + "; request " + p.id
          + " was sent and may have run: resend it only with the same requestKey", Committed.UNKNOWN, cause));
      }
    }

    private void readLoop() {
      try {
        while (true) {
          String line = readLine();
          if (line == null) {
            shutdown("txgate closed the connection", null);
            return;
          }
          if (line.isBlank()) {
            continue;
          }
          Map<String, Object> response;
          try {
            Object parsed = Json.parse(line);
            if (!(parsed instanceof Map<?, ?>)) {
              throw new IllegalArgumentException("an answer that is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) parsed;
            response = m;
          } catch (RuntimeException e) {
            shutdown("txgate sent an unreadable answer: " + e.getMessage(), e);
            return;
          }
          Object id = response.get("id");
          Pending p;
          synchronized (pending) {
            p = pending.peek();
            if (p == null) {
              if (failure != null) {
                return;
              }
              // An id-less error with nothing waiting (e.g. BUSY or UNAVAILABLE as the server closes).
              shutdown("txgate sent an answer nobody asked for: " + line, null);
              return;
            }
            if (id != null && !(id instanceof Long l && l == p.id)) {
              shutdown("txgate answered request " + id + " where request " + p.id + " was expected", null);
              return;
            }
            // An id of null answers a frame the server could not read: the oldest one unanswered.
            pending.poll();
          }
          if (p.timer != null) {
            p.timer.cancel(false);
          }
          if (Boolean.TRUE.equals(response.get("ok"))) {
            Object result = response.get("result");
            @SuppressWarnings("unchecked")
            Map<String, Object> r = result instanceof Map<?, ?> ? (Map<String, Object>) result : Map.of();
            p.future.complete(r);
          } else {
            Object error = response.get("error");
            @SuppressWarnings("unchecked")
            Map<String, Object> e = error instanceof Map<?, ?> ? (Map<String, Object>) error : Map.of();
            p.future.completeExceptionally(TxgateException.fromError(e));
          }
        }
      } catch (IOException e) {
        shutdown(failure != null ? failure : "the connection to txgate failed: " + e.getMessage(), e);
      }
    }

    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream(256);

    /** The next line without its terminator (and a \r before it), or null at the end of the stream. */
    private String readLine() throws IOException {
      lineBuffer.reset();
      while (true) {
        if (pos == limit) {
          int n = in.read(buf);
          if (n < 0) {
            return null;
          }
          pos = 0;
          limit = n;
        }
        int start = pos;
        while (pos < limit && buf[pos] != '\n') {
          pos++;
        }
        if (pos == limit) {
          lineBuffer.write(buf, start, pos - start);
          continue;
        }
        byte[] line;
        if (lineBuffer.size() == 0) {
          line = Arrays.copyOfRange(buf, start, pos);
        } else {
          lineBuffer.write(buf, start, pos - start);
          line = lineBuffer.toByteArray();
        }
        pos++;
        int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        return new String(line, 0, n, StandardCharsets.UTF_8);
      }
    }
  }

  private static final class Pending {
    final long id;
    final CompletableFuture<Map<String, Object>> future;
    volatile ScheduledFuture<?> timer;

    Pending(long id, CompletableFuture<Map<String, Object>> future) {
      this.id = id;
      this.future = future;
    }
  }
}
