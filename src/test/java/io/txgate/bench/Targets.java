package io.txgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/** The project's performance targets, each judged from the figures: met, NOT met or not measured. */
final class Targets {

  /** One target: what it asks, the figure that decides it, and the verdict. */
  record Verdict(String target, String figure, String verdict) {
  }

  static final String MET = "met";
  static final String NOT_MET = "NOT met";
  static final String NOT_MEASURED = "not measured";

  private Targets() {
  }

  /**
   * Judges every target.
   *
   * @param figures every target's figures at every step
   * @param idleKbPerConnection txgate's RSS per idle connection from idle-memory.md, empty if not measured
   */
  static List<Verdict> judge(List<Figures> figures, OptionalDouble idleKbPerConnection) {
    List<Verdict> out = new ArrayList<>();
    for (int n : new int[] {32, 256}) {
      out.add(ratio(figures, "transfer", n, 1.0, 1.3));
    }
    for (int n : new int[] {32, 256}) {
      out.add(ratio(figures, "point", n, 0.6, 0.8));
    }
    TreeSet<Integer> hot = new TreeSet<>();
    figures.stream().filter(f -> f.workload().equals("transfer-hot") && f.target().equals(Figures.TXGATE))
      .forEach(f -> hot.add(f.connections()));
    if (hot.isEmpty()) {
      out.add(new Verdict("transfer-hot: ratio >= 1.00 (successes only)", "", NOT_MEASURED));
    }
    for (int n : hot) {
      out.add(ratio(figures, "transfer-hot", n, 1.0, 0));
    }
    out.addAll(manyConnections(figures));
    out.add(idle(idleKbPerConnection));
    out.addAll(p99(figures));
    return out;
  }

  private static Optional<Figures> find(List<Figures> figures, String workload, String target, int n) {
    return figures.stream()
      .filter(f -> f.workload().equals(workload) && f.target().equals(target) && f.connections() == n)
      .findFirst();
  }

  /** txgate's throughput over direct's: the median of the per-round ratios, with their spread. */
  static Verdict ratio(List<Figures> figures, String workload, int n, double floor, double moonshot) {
    String target = String.format(Locale.ROOT, "%s at %d connections: ratio >= %.2f%s%s", workload, n, floor,
      moonshot > 0 ? String.format(Locale.ROOT, " (moonshot %.2f)", moonshot) : "",
      workload.equals("transfer-hot") ? " (successes only)" : "");
    Optional<Figures> t = find(figures, workload, Figures.TXGATE, n);
    if (t.isEmpty() || t.get().ratios().isEmpty()) {
      return new Verdict(target, "", NOT_MEASURED);
    }
    Figures f = t.get();
    double r = f.ratio();
    String figure = String.format(Locale.ROOT, "%.2f (rounds %.2f..%.2f)", r, Stats.min(f.ratios()),
      Stats.max(f.ratios()));
    String verdict = r >= floor ? (moonshot > 0 && r >= moonshot ? MET + ", moonshot too" : MET) : NOT_MET;
    return new Verdict(target, figure, verdict);
  }

  /** At 10,000 connections txgate keeps at least 85% of its throughput at 256, workload by workload. */
  static List<Verdict> manyConnections(List<Figures> figures) {
    List<Verdict> out = new ArrayList<>();
    TreeSet<String> workloads = new TreeSet<>();
    figures.forEach(f -> workloads.add(f.workload()));
    for (String w : workloads) {
      String target = w + " at 10,000 connections: throughput >= 85% of 256's";
      Optional<Figures> many = find(figures, w, Figures.TXGATE, 10_000);
      Optional<Figures> at256 = find(figures, w, Figures.TXGATE, 256);
      if (many.isEmpty() || at256.isEmpty()) {
        out.add(new Verdict(target, "", NOT_MEASURED));
        continue;
      }
      double share = many.get().throughput() / at256.get().throughput();
      out.add(new Verdict(target, String.format(Locale.ROOT, "%.0f vs %.0f req/s (%.0f%%)", many.get().throughput(),
        at256.get().throughput(), 100 * share), share >= 0.85 ? MET : NOT_MET));
    }
    return out;
  }

  static Verdict idle(OptionalDouble kb) {
    String target = "idle connection: <= 8 KB of server RSS";
    if (kb.isEmpty()) {
      return new Verdict(target, "", NOT_MEASURED);
    }
    return new Verdict(target, String.format(Locale.ROOT, "%.1f KB", kb.getAsDouble()),
      kb.getAsDouble() <= 8 ? MET : NOT_MET);
  }

  /** At 256 connections txgate's p99 is at most 1.5 times direct's, workload by workload. */
  static List<Verdict> p99(List<Figures> figures) {
    List<Verdict> out = new ArrayList<>();
    TreeSet<String> workloads = new TreeSet<>();
    figures.forEach(f -> workloads.add(f.workload()));
    for (String w : workloads) {
      String target = w + " at 256 connections: p99 <= 1.5x direct's";
      Optional<Figures> t = find(figures, w, Figures.TXGATE, 256);
      Optional<Figures> d = find(figures, w, Figures.DIRECT, 256);
      if (t.isEmpty() || d.isEmpty()) {
        out.add(new Verdict(target, "", NOT_MEASURED));
        continue;
      }
      double x = t.get().p99Ms() / d.get().p99Ms();
      out.add(new Verdict(target, String.format(Locale.ROOT, "%.1f vs %.1f ms (%.2fx)", t.get().p99Ms(),
        d.get().p99Ms(), x), x <= 1.5 ? MET : NOT_MET));
    }
    return out;
  }
}
