package io.txgate.bench;

import io.txgate.Await;
import io.txgate.config.ConfigLoader;
import io.txgate.config.DatabaseUrls;
import io.txgate.config.TxgateConfig;
import io.txgate.db.SchemaLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The load runs of the benchmark; {@link BenchReport} turns their figures into the report.
 *
 * <p>Each step (a workload at a connection count) runs {@code --rounds} rounds, and each round
 * runs every target in turn (txgate, direct, baseline), so that a slow spell of a shared machine
 * lands on all of them rather than on one. Every target is warmed up first for {@code --warmup}
 * seconds per workload. Closed loop: each connection (or direct client) keeps exactly one request
 * in flight.
 *
 * <p>Arguments: {@code --txgate host:port --db mysql://... [--baseline host:port]
 * [--baseline-max-connections 1000] --connections 32,256,10000 --workloads point,transfer
 * --seconds 10 --rounds 3 --warmup 15 --results target/bench-results.json [--tls-ca ca.pem]}.
 * The pool size, statement cache and retry settings are txgate's own, read the way the server
 * reads them (conf/config.yaml and TXGATE_* variables), so that both sides run alike.
 */
public final class Bench {

  private static final Duration LIMIT = Duration.ofSeconds(120);

  private Bench() {
  }

  /** Something the load runs against: txgate, the direct client, the baseline gateway. */
  interface Target {
    String name();

    /** Connection counts above this are skipped for this target. */
    int maxConnections();

    Sample run(int connections, int seconds, Workload w) throws Exception;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parse(argv);
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "15"));
    List<Workload> workloads = Arrays.stream(a.getOrDefault("workloads", "point").split(","))
      .map(Workload::of).toList();
    List<Integer> counts = Arrays.stream(a.getOrDefault("connections", "32").split(","))
      .map(String::trim).map(Integer::parseInt).toList();
    Path results = Path.of(a.getOrDefault("results", "target/bench-results.json"));

    // The same transport as the server's, for the load generator and the direct pool alike.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      TxgateConfig config = Await.result(ConfigLoader.load(vertx), LIMIT);
      String db = a.get("db");
      Await.result(SchemaLoader.load(vertx, db, Path.of("conf/demo-schema.sql")), LIMIT);
      Pool pool = directPool(vertx, db, config);
      Await.result(Accounts.prepare(pool), LIMIT);
      String version = Await.result(pool.query("SELECT VERSION()").execute(), LIMIT).iterator().next().getString(0);
      DirectLoad.Retry retry = new DirectLoad.Retry(config.tx().maxAttempts(), config.tx().retryBaseMs(),
        config.tx().retryMaxMs());

      List<Target> targets = new ArrayList<>();
      targets.add(new LineLoad(Figures.TXGATE, vertx, txgateOptions(a), a.getOrDefault("txgate", "127.0.0.1:7400"),
        hello(), Integer.MAX_VALUE));
      targets.add(new DirectLoad(vertx, pool, retry));
      if (a.containsKey("baseline")) {
        // A thread per connection: past this it measures the machine's thread limit, not the gateway.
        targets.add(new LineLoad(Figures.BASELINE, vertx, plainOptions(), a.get("baseline"), null,
          Integer.parseInt(a.getOrDefault("baseline-max-connections", "1000"))));
      }
      System.out.printf("workloads=%s connections=%s seconds=%d rounds=%d warmup=%ds pool=%d cache=%d %s db %s%n",
        workloads, counts, seconds, rounds, warmup, config.db().poolSize(), config.db().statementCacheSize(),
        retry, version);

      if (warmup > 0) {
        for (Workload w : workloads) {
          for (Target t : targets) {
            Sample s = t.run(Math.min(32, t.maxConnections()), warmup, w);
            System.out.printf(Locale.ROOT, "warm-up %-12s %-8s %8.0f req/s %s%n", w.wireName(), t.name(),
              s.throughput(), s.failures());
          }
        }
      }
      List<Figures> figures = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (Workload w : workloads) {
        for (int n : counts) {
          figures.addAll(step(targets, w, n, seconds, rounds, notes));
        }
      }
      JsonObject out = new JsonObject()
        .put("dbVersion", version)
        .put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")")
        .put("seconds", seconds).put("rounds", rounds).put("warmup", warmup)
        .put("pool", config.db().poolSize()).put("statementCache", config.db().statementCacheSize())
        .put("maxAttempts", retry.maxAttempts()).put("retryBaseMs", retry.baseMs()).put("retryMaxMs", retry.maxMs())
        .put("tls", a.containsKey("tls-ca")).put("auth", hello() != null)
        .put("baseline", a.containsKey("baseline"))
        .put("notes", new JsonArray(new ArrayList<>(notes)))
        .put("figures", new JsonArray(figures.stream().map(Figures::toJson).toList()));
      Files.createDirectories(results.toAbsolutePath().getParent());
      Files.writeString(results, out.encodePrettily());
      System.out.println("wrote " + results);
      Await.result(pool.close(), LIMIT);
    } finally {
      Await.result(vertx.close(), LIMIT);
    }
  }

  /** One step: every round runs each target in turn; the figures are over all rounds. */
  static List<Figures> step(List<Target> targets, Workload w, int n, int seconds, int rounds, List<String> notes)
      throws Exception {
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    for (Target t : targets) {
      if (n > t.maxConnections()) {
        notes.add(String.format(Locale.ROOT, "%s at %d connections: %s not run (capped at %d connections)",
          w.wireName(), n, t.name(), t.maxConnections()));
        continue;
      }
      samples.put(t.name(), new ArrayList<>());
    }
    for (int r = 1; r <= rounds; r++) {
      for (Target t : targets) {
        if (samples.containsKey(t.name())) {
          Sample s = t.run(n, seconds, w);
          samples.get(t.name()).add(s);
          System.out.printf(Locale.ROOT, "%-12s %6d round %d %-8s %8.0f req/s p50 %7.2f p99 %8.2f ms %s%n",
            w.wireName(), n, r, t.name(), s.throughput(), Stats.percentile(s.latenciesMicros(), 50) / 1000.0,
            Stats.percentile(s.latenciesMicros(), 99) / 1000.0, s.failures());
        }
      }
    }
    List<Sample> direct = samples.get(Figures.DIRECT);
    List<Figures> out = new ArrayList<>();
    samples.forEach((name, list) -> out.add(figures(w, n, name, list, name.equals(Figures.DIRECT) ? null : direct)));
    return out;
  }

  /** A target's figures from its rounds; ratios pair each round with direct's in the same round. */
  static Figures figures(Workload w, int n, String target, List<Sample> rounds, List<Sample> direct) {
    List<Double> throughputs = rounds.stream().map(Sample::throughput).toList();
    List<Double> ratios = new ArrayList<>();
    if (direct != null) {
      for (int i = 0; i < rounds.size() && i < direct.size(); i++) {
        ratios.add(rounds.get(i).throughput() / direct.get(i).throughput());
      }
    }
    long[] all = Stats.mergeSorted(rounds.stream().map(Sample::latenciesMicros).toList());
    Map<String, Long> failures = new TreeMap<>();
    rounds.forEach(s -> s.failures().forEach((k, v) -> failures.merge(k, v, Long::sum)));
    return new Figures(w.wireName(), n, target, throughputs, Stats.percentile(all, 50) / 1000.0,
      Stats.percentile(all, 99) / 1000.0, Stats.percentile(all, 100) / 1000.0, failures, ratios);
  }

  /** txgate's pool size and prepared-statement cache, so the ratio measures txgate, not a setting. */
  private static Pool directPool(Vertx vertx, String db, TxgateConfig config) {
    int cache = config.db().statementCacheSize();
    return MySQLBuilder.pool()
      .with(new PoolOptions().setMaxSize(config.db().poolSize()).setMaxWaitQueueSize(-1).setName("bench-direct"))
      .connectingTo(DatabaseUrls.parse(db).setCharset("utf8mb4").setCachePreparedStatements(cache > 0)
        .setPreparedStatementCacheMaxSize(Math.max(1, cache)))
      .using(vertx)
      .build();
  }

  private static NetClientOptions plainOptions() {
    return new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000);
  }

  /** With {@code --tls-ca}, TLS to txgate, trusting that CA and checking the host name. */
  private static NetClientOptions txgateOptions(Map<String, String> a) {
    NetClientOptions o = plainOptions();
    if (a.get("tls-ca") != null) {
      o.setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new PemTrustOptions().addCertPath(a.get("tls-ca")));
    }
    return o;
  }

  /**
   * A client credential (NAME:TOKEN) from BENCH_TOKEN, never the command line: each txgate
   * connection authenticates with it first, to measure what authentication costs.
   */
  private static JsonObject hello() {
    String token = System.getenv("BENCH_TOKEN");
    if (token == null || token.isEmpty()) {
      return null;
    }
    String[] nameToken = token.split(":", 2);
    return new JsonObject().put("id", 0).put("op", "hello").put("client", nameToken[0]).put("token", nameToken[1]);
  }

  static Map<String, String> parse(String[] args) {
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
