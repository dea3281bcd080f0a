package io.txgate.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the benchmark report (docs/BENCHMARKS.md) from {@link Bench}'s figures and the idle-memory
 * section: the machine, the versions, the command, the table, the verdict on every target. Text
 * after {@link #KEEP} in the existing report is hand-written and kept as it is.
 *
 * <p>Arguments: {@code --results target/bench-results.json --report docs/BENCHMARKS.md
 * [--idle target/idle-memory.md] [--command "..."]}.
 */
public final class BenchReport {

  /** Everything from this line on in an existing report is kept. */
  static final String KEEP = "<!-- Hand-written from here on: scripts/bench.sh keeps it when it regenerates the report. -->";

  private static final Pattern PER_CONNECTION = Pattern.compile("per-connection-kb:\\s*([0-9]+(?:\\.[0-9]+)?)");

  private BenchReport() {
  }

  public static void main(String[] argv) throws IOException {
    Map<String, String> a = Bench.parse(argv);
    JsonObject results = new JsonObject(Files.readString(Path.of(a.getOrDefault("results", "target/bench-results.json"))));
    Path report = Path.of(a.getOrDefault("report", "docs/BENCHMARKS.md"));
    Path idleFile = Path.of(a.getOrDefault("idle", "target/idle-memory.md"));
    String idle = Files.exists(idleFile) ? Files.readString(idleFile) : null;
    String kept = Files.exists(report) ? kept(Files.readString(report)) : "";
    String md = render(results, a.getOrDefault("command", "scripts/bench.sh"), idle, machine(), kept);
    if (report.toAbsolutePath().getParent() != null) {
      Files.createDirectories(report.toAbsolutePath().getParent());
    }
    Files.writeString(report, md);
    System.out.println("wrote " + report);
  }

  /** The hand-written part of an existing report: the marker and what follows, or nothing. */
  static String kept(String existing) {
    int at = existing.indexOf(KEEP);
    return at < 0 ? "" : existing.substring(at);
  }

  /** The per-connection figure of the idle-memory section, if it has one. */
  static OptionalDouble perConnectionKb(String idle) {
    if (idle == null) {
      return OptionalDouble.empty();
    }
    Matcher m = PER_CONNECTION.matcher(idle);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  static String render(JsonObject r, String command, String idle, String machine, String kept) {
    List<Figures> figures = r.getJsonArray("figures").stream().map(o -> Figures.fromJson((JsonObject) o)).toList();
    StringBuilder md = new StringBuilder("# txgate benchmarks\n\n");
    md.append("Produced by `scripts/bench.sh` on ").append(LocalDate.now()).append(". Closed loop: every ")
      .append("connection keeps exactly one request in flight. `direct` runs the same requests straight against ")
      .append("the database as a good client would: a single statement as one autocommit prepared query, a ")
      .append("transaction as BEGIN, the statements, COMMIT, on a Vert.x pool of txgate's size (")
      .append(r.getInteger("pool")).append(") with txgate's prepared-statement cache (")
      .append(r.getInteger("statementCache")).append("), retrying deadlocks and lock wait timeouts with txgate's ")
      .append("attempts and backoff (").append(r.getInteger("maxAttempts")).append(" attempts, full jitter from ")
      .append(r.getInteger("retryBaseMs")).append(" ms up to ").append(r.getInteger("retryMaxMs")).append(" ms). ");
    if (r.getBoolean("baseline")) {
      md.append("`baseline` is a Python gateway (SQLAlchemy and PyMySQL, a thread per connection, ")
        .append("scripts/baseline/) that speaks txgate's protocol, on a pool of the same size. ");
    }
    md.append("Throughput counts successful requests only; failures are listed by code.\n\n");
    md.append("- Machine: ").append(machine).append("; txgate, the database, the load generator")
      .append(r.getBoolean("baseline") ? ", the baseline" : "").append(" and whatever else runs there share it. ")
      .append("The load generator's work for the gateways (a JSON request and answer per request) takes cores ")
      .append("that direct leaves to the database: on a small machine this counts against the gateways.\n");
    md.append("- Java ").append(r.getString("java")).append("; database ").append(r.getString("dbVersion"))
      .append(" (SELECT VERSION()).\n");
    md.append("- Command: `").append(command).append("`\n");
    md.append("- Protocol path: TLS ").append(r.getBoolean("tls") ? "on" : "off").append(", client authentication ")
      .append(r.getBoolean("auth") ? "on (a token, checked once per connection)" : "off")
      .append("; no per-address connection cap (every load connection comes from 127.0.0.1).\n");
    md.append("- Each step runs ").append(r.getInteger("rounds")).append(" rounds of ").append(r.getInteger("seconds"))
      .append(" s per target, the targets in turn within each round (txgate, direct")
      .append(r.getBoolean("baseline") ? ", baseline" : "").append("), after ").append(r.getInteger("warmup"))
      .append(" s of unmeasured warm-up of every target per workload.\n");
    md.append("- req/s: the median of the rounds (each round in brackets). p50 and p99: over all rounds' ")
      .append("successful requests merged. Ratio: the median of the per-round ratios to direct in the same ")
      .append("round, with their range.\n\n");
    md.append("| workload | connections | target | req/s | rounds req/s | p50 ms | p99 ms | ratio to direct | failures |\n");
    md.append("| --- | ---: | --- | ---: | --- | ---: | ---: | --- | --- |\n");
    for (Figures f : figures) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %s | %.2f | %.2f | %s | %s |%n", f.workload(),
        f.connections(), f.target(), f.throughput(), rounds(f.throughputs()), f.p50Ms(), f.p99Ms(),
        f.ratios().isEmpty() ? "" : String.format(Locale.ROOT, "%.2f (%.2f..%.2f)", f.ratio(), Stats.min(f.ratios()),
          Stats.max(f.ratios())),
        f.failures().isEmpty() ? "" : f.failures().toString()));
    }
    List<Object> notes = r.getJsonArray("notes").getList();
    if (!notes.isEmpty()) {
      md.append("\n");
      notes.forEach(n -> md.append("- ").append(n).append("\n"));
    }
    md.append("\n## Against the targets\n\n| target | figure | verdict |\n| --- | --- | --- |\n");
    for (Targets.Verdict v : Targets.judge(figures, perConnectionKb(idle))) {
      md.append("| ").append(v.target()).append(" | ").append(v.figure()).append(" | ")
        .append(v.verdict().equals(Targets.NOT_MET) ? "**NOT met**" : v.verdict()).append(" |\n");
    }
    md.append("\n");
    if (idle != null) {
      md.append(idle.strip()).append("\n\n");
    } else {
      md.append("Idle memory was not measured in this run (scripts/idle-memory.sh absent or IDLE_MEMORY=0).\n\n");
    }
    md.append(kept);
    return md.toString().stripTrailing() + "\n";
  }

  private static String rounds(List<Double> throughputs) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < throughputs.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", throughputs.get(i)));
    }
    return s.append(']').toString();
  }

  /** Cores, memory and CPU model of this machine, from the JVM and /proc. */
  static String machine() {
    String model = "unknown CPU";
    double gib = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          gib = Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0 / 1024.0;
        }
      }
    } catch (IOException e) {
      // Not Linux: the report says what it could find.
    }
    return String.format(Locale.ROOT, "%d cores, %.0f GiB, %s", Runtime.getRuntime().availableProcessors(), gib, model);
  }
}
