package io.txgate.bench;

import io.txgate.Await;
import io.txgate.config.DatabaseUrls;
import io.txgate.db.SchemaLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of the HAProxy hop (scripts/bench-haproxy.sh): the benchmark's closed-loop load
 * ({@link LineLoad}, the same requests as scripts/bench.sh) against one txgate node directly,
 * against the same node alone behind HAProxy (the hop and nothing else) and against two nodes
 * behind HAProxy, in alternating rounds ({@link Bench#step}), on one machine.
 *
 * <p>Arguments: {@code --one host:port [--haproxy-one host:port] --haproxy host:port --db mysql://...
 * --connections 32,256
 * --workloads transfer --seconds 10 --rounds 3 --warmup 10 --report target/bench-haproxy.md}.
 *
 * <p>With {@code --targets "name=host:port,name=host:port"} instead of the three addresses, it
 * compares any servers the same way, each against the first (scripts/bench-compare.sh: by default one
 * node with conflict-aware admission, one without).
 */
public final class HopBench {

  static final String ONE = "one node";
  static final String HAPROXY_ONE = "haproxy + 1 node";
  static final String HAPROXY = "haproxy + 2 nodes";
  private static final Duration LIMIT = Duration.ofSeconds(120);

  private HopBench() {
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Bench.parse(argv);
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "10"));
    List<Workload> workloads = Arrays.stream(a.getOrDefault("workloads", "transfer").split(","))
      .map(Workload::of).toList();
    List<Integer> counts = Arrays.stream(a.getOrDefault("connections", "32,256").split(","))
      .map(String::trim).map(Integer::parseInt).toList();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      String db = a.get("db");
      Await.result(SchemaLoader.load(vertx, db, Path.of("conf/demo-schema.sql")), LIMIT);
      Pool pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(2).setName("bench-hop-setup"))
        .connectingTo(DatabaseUrls.parse(db)).using(vertx).build();
      Await.result(Accounts.prepare(pool), LIMIT);
      String version = Await.result(pool.query("SELECT VERSION()").execute(), LIMIT).iterator().next().getString(0);
      Await.result(pool.close(), LIMIT);

      NetClientOptions plain = new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000);
      List<Bench.Target> targets = new ArrayList<>();
      if (a.get("targets") != null) {
        for (String t : a.get("targets").split(",")) {
          String[] nameAddress = t.split("=", 2);
          targets.add(new LineLoad(nameAddress[0].trim(), vertx, plain, nameAddress[1].trim(), null, Integer.MAX_VALUE));
        }
      } else {
        targets.add(new LineLoad(ONE, vertx, plain, a.get("one"), null, Integer.MAX_VALUE));
        if (a.get("haproxy-one") != null) {
          targets.add(new LineLoad(HAPROXY_ONE, vertx, plain, a.get("haproxy-one"), null, Integer.MAX_VALUE));
        }
        targets.add(new LineLoad(HAPROXY, vertx, plain, a.get("haproxy"), null, Integer.MAX_VALUE));
      }
      if (warmup > 0) {
        for (Workload w : workloads) {
          for (Bench.Target t : targets) {
            Sample s = t.run(32, warmup, w);
            System.out.printf(Locale.ROOT, "warm-up %-12s %-18s %8.0f req/s %s%n", w.wireName(), t.name(),
              s.throughput(), s.failures());
          }
        }
      }
      List<Figures> figures = new ArrayList<>();
      for (Workload w : workloads) {
        for (int n : counts) {
          figures.addAll(Bench.step(targets, w, n, seconds, rounds, new ArrayList<>()));
        }
      }
      String report = report(figures, targets.size(), version, seconds, rounds, warmup);
      System.out.println(report);
      if (a.get("report") != null) {
        Files.writeString(Path.of(a.get("report")), report);
      }
    } finally {
      Await.result(vertx.close(), LIMIT);
    }
  }

  /**
   * A Markdown table: per step, each target's median throughput and latency, and its ratio to one
   * node directly in the same round (median, with the range over the rounds).
   */
  static String report(List<Figures> figures, int perStep, String version, int seconds, int rounds, int warmup) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Database %s; %d rounds of %d s per target, %d s warm-up.%n%n", version,
      rounds, seconds, warmup));
    out.append("| workload | connections | target | req/s (median) | p50 ms | p99 ms | failures | vs "
      + (figures.isEmpty() ? "the first" : figures.get(0).target()) + " |\n");
    out.append("| --- | ---: | --- | ---: | ---: | ---: | --- | --- |\n");
    for (int i = 0; i + perStep <= figures.size(); i += perStep) {
      Figures one = figures.get(i);
      out.append(row(one, ""));
      for (Figures hop : figures.subList(i + 1, i + perStep)) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < Math.min(one.throughputs().size(), hop.throughputs().size()); r++) {
          ratios.add(hop.throughputs().get(r) / one.throughputs().get(r));
        }
        out.append(row(hop, String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", Stats.median(ratios), Stats.min(ratios),
          Stats.max(ratios))));
      }
    }
    return out.toString();
  }

  private static String row(Figures f, String ratio) {
    return String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.2f | %.2f | %s | %s |%n", f.workload(),
      f.connections(), f.target(), f.throughput(), f.p50Ms(), f.p99Ms(), f.failures().isEmpty() ? "0" : f.failures(),
      ratio);
  }
}
