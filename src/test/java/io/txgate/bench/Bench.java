package io.txgate.bench;

import io.txgate.Await;
import io.txgate.config.DatabaseUrls;
import io.txgate.db.SchemaLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop load: N connections, each with exactly one request in flight, for a fixed time. The
 * same transactions then run straight against the database through a Vert.x pool of txgate's size
 * (the direct limit), so that txgate's figure can be read as a ratio.
 *
 * <p>Workloads: {@code point} (a single-row SELECT by primary key), {@code transfer} (two UPDATEs
 * with expectations, as a batch), {@code transfer-op} (the {@code transfer} named operation),
 * {@code mixed} (80% point, 20% transfer).
 *
 * <p>Arguments: {@code --txgate host:port --db mysql://... --admin host:port --connections
 * 1,32,256,1000,10000 --seconds 10 --pool 16 --workloads point,transfer --warmup 15
 * [--server-pid PID] [--report docs/BENCHMARKS.md] [--tls-ca ca.pem]}. The warm-up runs unmeasured
 * load first, so that both JVMs' just-in-time compilers are done before anything is measured.
 * {@code --tls-ca} connects to txgate over TLS, trusting that CA and checking the host name, to
 * measure what TLS on the protocol port costs.
 */
public final class Bench {

  private static final String POINT_SQL = "SELECT id, balance FROM accounts WHERE id = ?";
  private static final String DEBIT = "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?";
  private static final String CREDIT = "UPDATE accounts SET balance = balance + ? WHERE id = ?";
  private static final String LOCK_BOTH = "SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE";
  private static final String LEDGER = "INSERT INTO ledger (from_id, to_id, amount) VALUES (?, ?, ?)";
  private static final String AMOUNT = "0.01";

  private Bench() {
  }

  /** What one request does, through txgate and directly. */
  enum Workload {
    POINT, TRANSFER, TRANSFER_OP, MIXED;

    static Workload of(String name) {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    Workload pick(ThreadLocalRandom r) {
      return this == MIXED ? (r.nextInt(100) < 80 ? POINT : TRANSFER) : this;
    }
  }

  record Row(String workload, String target, int connections, Result result, String rssMb, String heapMb) {
  }

  /** How long the benchmark waits for any one setup or teardown step. */
  private static final Duration AWAIT_LIMIT = Duration.ofSeconds(120);

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    String[] hostPort = a.getOrDefault("txgate", "127.0.0.1:7400").split(":");
    String host = hostPort[0];
    int port = Integer.parseInt(hostPort[1]);
    String db = a.get("db");
    String admin = a.get("admin");
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    int poolSize = Integer.parseInt(a.getOrDefault("pool", "16"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "15"));
    String pid = a.get("server-pid");
    NetClientOptions clientOptions = new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000);
    if (a.get("tls-ca") != null) {
      clientOptions.setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new PemTrustOptions().addCertPath(a.get("tls-ca")));
    }
    // A client credential (NAME:TOKEN) from the environment, never the command line: each load
    // connection authenticates with it first, to measure what authentication costs.
    String token = System.getenv("BENCH_TOKEN");
    if (token != null && !token.isEmpty()) {
      String[] nameToken = token.split(":", 2);
      hello = new JsonObject().put("id", 0).put("op", "hello").put("client", nameToken[0]).put("token", nameToken[1]);
    }
    List<Workload> workloads = Arrays.stream(a.getOrDefault("workloads", "point").split(","))
      .map(Workload::of).toList();
    List<Integer> counts = Arrays.stream(a.getOrDefault("connections", "32").split(","))
      .map(String::trim).map(Integer::parseInt).toList();

    // The same transport as the server's, for the load generator and the direct pool alike.
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    List<Row> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try {
      if (db != null) {
        Await.result(SchemaLoader.load(vertx, db, Path.of("conf/demo-schema.sql")), AWAIT_LIMIT);
      }
      System.out.printf("workloads=%s seconds=%d pool=%d warmup=%ds%n", workloads, seconds, poolSize, warmup);
      if (warmup > 0) {
        for (Workload w : workloads) {
          runTxgate(vertx, clientOptions, host, port, 32, warmup, w, () -> -1);
          if (db != null) {
            runDirect(vertx, db, Math.min(32, poolSize), 32, Math.max(1, warmup / 3), w);
          }
        }
      }
      System.out.printf("%-12s %-7s %-7s %10s %8s %8s %8s %8s %8s %8s %s%n", "workload", "target", "conns",
        "req/s", "p50ms", "p90ms", "p99ms", "maxms", "rssMB", "heapMB", "errors");
      for (Workload w : workloads) {
        for (int n : counts) {
          Result viaTxgate = runTxgate(vertx, clientOptions, host, port, n, seconds, w, () -> rssKb(pid));
          Row t = new Row(w.wireName(), "txgate", n, viaTxgate, mb(rssKb(pid)), heapMb(admin));
          print(t);
          rows.add(t);
          if (n >= 1000 && viaTxgate.rssBeforeOpenKb() > 0) {
            long before = viaTxgate.rssBeforeOpenKb();
            long after = viaTxgate.rssAfterOpenKb();
            String note = String.format(Locale.ROOT, "%s, %d connections: server RSS %+.1f KB per idle connection"
              + " (%d KB before opening them, %d KB with all open and idle)", w.wireName(), n,
              (after - before) / (double) n, before, after);
            System.out.println(note);
            notes.add(note);
          }
          if (db != null) {
            Result direct = runDirect(vertx, db, Math.min(n, poolSize), n, seconds, w);
            Row d = new Row(w.wireName(), "direct", n, direct, "", "");
            print(d);
            rows.add(d);
            System.out.printf(Locale.ROOT, "%-12s %-7s %-7d %10.2f%n", w.wireName(), "ratio", n,
              viaTxgate.throughput() / direct.throughput());
          }
        }
      }
      targets(rows).forEach(System.out::println);
      if (a.containsKey("report")) {
        report(Path.of(a.get("report")), a, rows, notes);
      }
    } finally {
      Await.result(vertx.close());
    }
  }

  /** Latencies in microseconds, completed count and errors by code, over the measured window. */
  record Result(long completed, double seconds, long[] latenciesMicros, Map<String, Long> errors,
                long rssBeforeOpenKb, long rssAfterOpenKb) {
    double throughput() {
      return completed / seconds;
    }

    double percentileMs(double p) {
      if (latenciesMicros.length == 0) {
        return 0;
      }
      int i = (int) Math.min(latenciesMicros.length - 1, Math.ceil(p / 100.0 * latenciesMicros.length) - 1);
      return latenciesMicros[Math.max(0, i)] / 1000.0;
    }
  }

  private static void print(Row r) {
    Result x = r.result();
    System.out.printf(Locale.ROOT, "%-12s %-7s %-7d %10.0f %8.2f %8.2f %8.2f %8.2f %8s %8s %s%n", r.workload(),
      r.target(), r.connections(), x.throughput(), x.percentileMs(50), x.percentileMs(90), x.percentileMs(99),
      x.percentileMs(100), r.rssMb(), r.heapMb(), x.errors());
  }

  /** Per-connection recorder; each lives on one event loop, merged at the end. */
  private static final class Recorder {
    final List<long[]> chunks = new ArrayList<>();
    long[] current = new long[8192];
    int used;
    long completed;
    final Map<String, Long> errors = new TreeMap<>();

    void record(long micros, String error) {
      if (error != null) {
        errors.merge(error, 1L, Long::sum);
        return;
      }
      completed++;
      if (used == current.length) {
        chunks.add(current);
        current = new long[current.length];
        used = 0;
      }
      current[used++] = micros;
    }
  }

  private static Result merge(List<Recorder> recorders, double seconds, long rssBeforeOpenKb, long rssAfterOpenKb) {
    long total = 0;
    Map<String, Long> errors = new TreeMap<>();
    int size = 0;
    for (Recorder r : recorders) {
      total += r.completed;
      r.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
      size += r.chunks.size() * r.current.length + r.used;
    }
    long[] all = new long[size];
    int at = 0;
    for (Recorder r : recorders) {
      for (long[] c : r.chunks) {
        System.arraycopy(c, 0, all, at, c.length);
        at += c.length;
      }
      System.arraycopy(r.current, 0, all, at, r.used);
      at += r.used;
    }
    Arrays.sort(all, 0, at);
    return new Result(total, seconds, Arrays.copyOf(all, at), errors, rssBeforeOpenKb, rssAfterOpenKb);
  }

  private static JsonObject request(long id, Workload w, ThreadLocalRandom r) {
    int from = r.nextInt(1, 9);
    int to = (from - 1 + r.nextInt(1, 8)) % 8 + 1;
    switch (w.pick(r)) {
      case POINT:
        return new JsonObject().put("id", id).put("op", "execute").put("sql", POINT_SQL)
          .put("params", new JsonArray().add(from));
      case TRANSFER_OP:
        return new JsonObject().put("id", id).put("op", "call").put("name", "transfer")
          .put("args", new JsonObject().put("from", from).put("to", to).put("amount", AMOUNT));
      default:
        JsonObject one = new JsonObject().put("affectedRows", 1);
        return new JsonObject().put("id", id).put("op", "batch").put("steps", new JsonArray()
          .add(new JsonObject().put("sql", DEBIT).put("params", new JsonArray().add(AMOUNT).add(from).add(AMOUNT))
            .put("expect", one))
          .add(new JsonObject().put("sql", CREDIT).put("params", new JsonArray().add(AMOUNT).add(to)).put("expect", one)));
    }
  }

  private static JsonObject hello;

  private static Result runTxgate(Vertx vertx, NetClientOptions clientOptions, String host, int port, int n,
                                  int seconds, Workload w, java.util.function.LongSupplier rss) throws Exception {
    NetClient client = vertx.createNetClient(clientOptions);
    List<NetSocket> sockets = new ArrayList<>();
    List<Recorder> recorders = new ArrayList<>();
    AtomicBoolean running = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    long rssBefore = n >= 1000 ? rss.getAsLong() : -1;
    // Open connections in steps so that the server's accept queue is never the bottleneck.
    for (int i = 0; i < n; i += 500) {
      List<Future<NetSocket>> step = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 500); j++) {
        step.add(client.connect(port, host));
      }
      for (Future<NetSocket> f : step) {
        sockets.add(Await.result(f, AWAIT_LIMIT));
      }
    }
    long rssAfterOpen = -1;
    if (n >= 1000) {
      Thread.sleep(2000); // let the server settle with every connection open and idle
      rssAfterOpen = rss.getAsLong();
    }
    CountDownLatch authenticated = new CountDownLatch(n);
    long connectStart = System.nanoTime();
    for (NetSocket socket : sockets) {
      Recorder rec = new Recorder();
      recorders.add(rec);
      long[] sentAt = new long[1];
      long[] seq = new long[1];
      RecordParser parser = RecordParser.newDelimited("\n", line -> {
        long micros = (System.nanoTime() - sentAt[0]) / 1000;
        if (hello != null && seq[0] == 0) {
          JsonObject r = new JsonObject(line);
          if (!r.getBoolean("ok")) {
            System.err.println("hello refused: " + r.getJsonObject("error").encode());
            System.exit(1);
          }
          authenticated.countDown();
        } else if (running.get()) {
          JsonObject r = new JsonObject(line);
          rec.record(micros, r.getBoolean("ok") ? null : r.getJsonObject("error").getString("code"));
        }
        if (!stop.get()) {
          sentAt[0] = System.nanoTime();
          socket.write(Buffer.buffer(request(++seq[0], w, ThreadLocalRandom.current()).encode() + "\n"));
        }
      });
      socket.handler(parser);
      sentAt[0] = System.nanoTime();
      // With a credential, each connection authenticates first, once, as a client would.
      socket.write(Buffer.buffer((hello != null ? hello.encode()
        : request(++seq[0], w, ThreadLocalRandom.current()).encode()) + "\n"));
    }
    if (hello != null) {
      // Authentication costs once per connection (a PBKDF2 check on a worker thread), never per
      // request: wait for it, say what it took, and keep it out of the measured requests.
      if (!authenticated.await(AWAIT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("connections did not authenticate within " + AWAIT_LIMIT);
      }
      System.out.printf("authenticated %d connections in %d ms%n", n, (System.nanoTime() - connectStart) / 1_000_000);
    }
    Thread.sleep(Math.min(2000, 200L + n / 5));
    running.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    Thread.sleep(500);
    for (NetSocket s : sockets) {
      s.close();
    }
    Await.result(client.close(), AWAIT_LIMIT);
    return merge(recorders, elapsed, rssBefore, rssAfterOpen);
  }

  private static Result runDirect(Vertx vertx, String db, int poolSize, int n, int seconds, Workload w)
      throws Exception {
    // The same statement cache as txgate's pool, so that the ratio measures txgate, not a setting.
    int cache = Integer.parseInt(System.getenv().getOrDefault("TXGATE_DB_STATEMENT_CACHE_SIZE", "64"));
    Pool pool = MySQLBuilder.pool()
      .with(new PoolOptions().setMaxSize(poolSize).setMaxWaitQueueSize(-1))
      .connectingTo(DatabaseUrls.parse(db).setCachePreparedStatements(cache > 0)
        .setPreparedStatementCacheMaxSize(Math.max(1, cache)))
      .using(vertx)
      .build();
    List<Recorder> recorders = new ArrayList<>();
    AtomicBoolean running = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    List<Promise<Void>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Recorder rec = new Recorder();
      recorders.add(rec);
      Promise<Void> finished = Promise.promise();
      done.add(finished);
      vertx.runOnContext(v -> directLoop(pool, w, rec, running, stop, finished));
    }
    Thread.sleep(2000);
    running.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    for (Promise<Void> p : done) {
      Await.result(p.future(), AWAIT_LIMIT);
    }
    Await.result(pool.close(), AWAIT_LIMIT);
    return merge(recorders, elapsed, -1, -1);
  }

  /** The same transaction txgate runs for each request: BEGIN, the statements, COMMIT. */
  private static void directLoop(Pool pool, Workload w, Recorder rec, AtomicBoolean running, AtomicBoolean stop,
                                 Promise<Void> finished) {
    if (stop.get()) {
      finished.complete();
      return;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    JsonObject req = request(0, w, r);
    long t0 = System.nanoTime();
    pool.withTransaction(conn -> direct(conn, req))
      .onComplete(ar -> {
        if (running.get()) {
          rec.record((System.nanoTime() - t0) / 1000, ar.succeeded() ? null : ar.cause().getClass().getSimpleName());
        }
        directLoop(pool, w, rec, running, stop, finished);
      });
  }

  private static Future<?> direct(SqlConnection conn, JsonObject req) {
    switch (req.getString("op")) {
      case "execute":
        return conn.preparedQuery(POINT_SQL).execute(Tuple.of(req.getJsonArray("params").getInteger(0)));
      case "call": {
        JsonObject args = req.getJsonObject("args");
        int from = args.getInteger("from");
        int to = args.getInteger("to");
        return conn.preparedQuery(LOCK_BOTH).execute(Tuple.of(from, to))
          .compose(x -> expect(conn.preparedQuery(DEBIT).execute(Tuple.of(AMOUNT, from, AMOUNT))))
          .compose(x -> expect(conn.preparedQuery(CREDIT).execute(Tuple.of(AMOUNT, to))))
          .compose(x -> conn.preparedQuery(LEDGER).execute(Tuple.of(from, to, AMOUNT)));
      }
      default: {
        JsonArray steps = req.getJsonArray("steps");
        JsonArray debit = steps.getJsonObject(0).getJsonArray("params");
        JsonArray credit = steps.getJsonObject(1).getJsonArray("params");
        return expect(conn.preparedQuery(DEBIT).execute(Tuple.of(debit.getString(0), debit.getInteger(1), debit.getString(2))))
          .compose(x -> expect(conn.preparedQuery(CREDIT).execute(Tuple.of(credit.getString(0), credit.getInteger(1)))));
      }
    }
  }

  private static Future<?> expect(Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> f) {
    return f.compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture(rs)
      : Future.failedFuture(new IllegalStateException("CONFLICT")));
  }

  private static long rssKb(String pid) {
    if (pid == null) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  private static String mb(long kb) {
    return kb < 0 ? "" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
  }

  /** Heap in use, from the server's own /metrics (jvm_memory_used_bytes, area heap). */
  private static String heapMb(String admin) {
    if (admin == null) {
      return "";
    }
    try {
      // HTTP/1.1 explicitly: the JDK client's default h2c upgrade attempt can hang against Vert.x.
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(5)).build();
      String body = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/metrics"))
        .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
      double bytes = 0;
      for (String line : body.split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return String.format(Locale.ROOT, "%.0f", bytes / 1024 / 1024);
    } catch (Exception e) {
      return "?";
    }
  }

  private static void report(Path file, Map<String, String> args, List<Row> rows, List<String> notes) throws Exception {
    StringBuilder md = new StringBuilder("# txgate benchmarks\n\n");
    md.append("Produced by `scripts/bench.sh` on ").append(ZonedDateTime.now().toLocalDate()).append(". ")
      .append("Closed loop: every connection keeps exactly one request in flight. `direct` runs the same ")
      .append("transactions straight against the database through a Vert.x pool of the same size (")
      .append(args.getOrDefault("pool", "16")).append(" connections, and the same prepared-statement cache); `ratio` is ")
      .append("txgate's throughput over it. Throughput counts successful transactions only.\n\n");
    md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
      .append(String.format(Locale.ROOT, "%.0f", totalMemGb())).append(" GiB; txgate, the database and the load ")
      .append("generator share it.\n");
    md.append("- Java ").append(System.getProperty("java.version")).append("; database ")
      .append(args.getOrDefault("db-version", "see the command")).append(".\n");
    md.append("- Command: `").append(args.getOrDefault("command", "scripts/bench.sh")).append("`\n");
    md.append("- Protocol path: TLS ").append(args.get("tls-ca") != null ? "on" : "off").append(", client authentication ")
      .append(hello != null ? "on (a token, checked once per connection)" : "off").append(".\n");
    md.append("- Each step: ").append(args.getOrDefault("seconds", "10")).append(" s measured after ")
      .append(args.getOrDefault("warmup", "15")).append(" s of unmeasured warm-up per workload at the start.\n\n");
    md.append("| workload | target | connections | req/s | p50 ms | p90 ms | p99 ms | max ms | ratio | server RSS MB | heap MB | errors |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Row r : rows) {
      String ratio = "";
      if (r.target().equals("txgate")) {
        for (Row d : rows) {
          if (d.target().equals("direct") && d.workload().equals(r.workload()) && d.connections() == r.connections()) {
            ratio = String.format(Locale.ROOT, "%.2f", r.result().throughput() / d.result().throughput());
          }
        }
      }
      Result x = r.result();
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s |%n",
        r.workload(), r.target(), r.connections(), x.throughput(), x.percentileMs(50), x.percentileMs(90),
        x.percentileMs(99), x.percentileMs(100), ratio, r.rssMb(), r.heapMb(),
        x.errors().isEmpty() ? "" : x.errors().toString()));
    }
    if (!notes.isEmpty()) {
      md.append("\n");
      notes.forEach(n -> md.append("- ").append(n).append("\n"));
    }
    md.append("\n## Against the targets\n\n");
    targets(rows).forEach(t -> md.append("- ").append(t).append("\n"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, md.toString());
    System.out.println("wrote " + file);
  }

  /** txgate's row and the direct row for one workload and connection count, or null. */
  private static Row find(List<Row> rows, String workload, String target, int connections) {
    for (Row r : rows) {
      if (r.workload().equals(workload) && r.target().equals(target) && r.connections() == connections) {
        return r;
      }
    }
    return null;
  }

  /** Each target of the benchmark, with the figures that decide it: met, not met, or not measured. */
  static List<String> targets(List<Row> rows) {
    List<String> out = new ArrayList<>();
    for (String w : List.of("point", "transfer", "transfer-op")) {
      double floor = w.equals("point") ? 1.0 : 0.85;
      for (int n : new int[] {32, 256}) {
        Row t = find(rows, w, "txgate", n);
        Row d = find(rows, w, "direct", n);
        if (t == null || d == null) {
          out.add(String.format(Locale.ROOT, "%s at %d connections, ratio >= %.2f: not measured", w, n, floor));
          continue;
        }
        double ratio = t.result().throughput() / d.result().throughput();
        out.add(String.format(Locale.ROOT, "%s at %d connections, ratio >= %.2f: %.2f, %s", w, n, floor, ratio,
          ratio >= floor ? "met" : "NOT met"));
        double p99 = t.result().percentileMs(99) / d.result().percentileMs(99);
        if (n == 256) {
          out.add(String.format(Locale.ROOT, "%s at 256 connections, p99 <= 2x direct: %.1f ms vs %.1f ms (%.1fx), %s",
            w, t.result().percentileMs(99), d.result().percentileMs(99), p99, p99 <= 2 ? "met" : "NOT met"));
        }
      }
    }
    for (Row t : rows) {
      if (!t.target().equals("txgate") || t.connections() != 10_000) {
        continue;
      }
      Row at256 = find(rows, t.workload(), "txgate", 256);
      if (at256 != null) {
        double share = t.result().throughput() / at256.result().throughput();
        out.add(String.format(Locale.ROOT, "%s, 10,000 connections held, throughput >= 80%% of 256's: %.0f vs %.0f"
          + " req/s (%.0f%%), %s", t.workload(), t.result().throughput(), at256.result().throughput(), 100 * share,
          share >= 0.8 ? "met" : "NOT met"));
      }
      long before = t.result().rssBeforeOpenKb();
      long after = t.result().rssAfterOpenKb();
      if (before > 0 && after > 0) {
        double perConnection = (after - before) / 10_000.0;
        out.add(String.format(Locale.ROOT, "%s, server RSS per idle connection <= 16 KB: %+.1f KB, %s", t.workload(),
          perConnection, perConnection <= 16 ? "met" : "NOT met"));
      }
    }
    return out;
  }

  private static double totalMemGb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0 / 1024.0;
        }
      }
    } catch (Exception e) {
      return 0;
    }
    return 0;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }

}
