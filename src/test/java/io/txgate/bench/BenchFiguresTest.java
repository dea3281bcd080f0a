package io.txgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic and verdicts, on figures made up for the purpose. */
class BenchFiguresTest {

  private static Figures txgate(String w, int n, List<Double> throughputs, List<Double> ratios, double p99) {
    return new Figures(w, n, Figures.TXGATE, throughputs, 1, p99, p99, Map.of(), ratios);
  }

  private static Figures direct(String w, int n, double p99) {
    return new Figures(w, n, Figures.DIRECT, List.of(1000.0), 1, p99, p99, Map.of(), List.of());
  }

  private static Targets.Verdict named(List<Targets.Verdict> verdicts, String prefix) {
    return verdicts.stream().filter(v -> v.target().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("the median of an odd count is the middle value, of an even count the mean of the middle two")
  void median() {
    assertEquals(3.0, Stats.median(List.of(9.0, 1.0, 3.0)));
    assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertEquals(1.0, Stats.min(List.of(9.0, 1.0, 3.0)));
    assertEquals(9.0, Stats.max(List.of(9.0, 1.0, 3.0)));
  }

  @Test
  @DisplayName("percentiles are nearest-rank over every round's requests merged")
  void percentiles() {
    long[] all = Stats.mergeSorted(List.of(new long[] {5, 1, 3}, new long[] {2, 4}));
    assertEquals(3, Stats.percentile(all, 50));
    assertEquals(5, Stats.percentile(all, 99));
    assertEquals(1, Stats.percentile(all, 1));
    assertEquals(0, Stats.percentile(new long[0], 99));
  }

  @Test
  @DisplayName("a ratio target is judged on the median of the per-round ratios, not on a lucky round")
  void ratioUsesTheMedianRound() {
    List<Figures> f = List.of(txgate("transfer", 32, List.of(1.0, 1.0, 1.0), List.of(0.95, 1.40, 0.99), 1));
    Targets.Verdict v = named(Targets.judge(f, OptionalDouble.empty()), "transfer at 32");
    assertEquals(Targets.NOT_MET, v.verdict());
    assertEquals("0.99 (rounds 0.95..1.40)", v.figure());
  }

  @Test
  @DisplayName("a ratio at the floor meets it; at the moonshot it says so; an unmeasured one says that")
  void ratioBounds() {
    List<Figures> f = List.of(txgate("point", 32, List.of(1.0), List.of(0.6), 1),
      txgate("point", 256, List.of(1.0), List.of(0.8), 1));
    List<Targets.Verdict> v = Targets.judge(f, OptionalDouble.empty());
    assertEquals(Targets.MET, named(v, "point at 32").verdict());
    assertEquals("met, moonshot too", named(v, "point at 256").verdict());
    assertEquals(Targets.NOT_MEASURED, named(v, "transfer at 256").verdict());
    assertEquals(Targets.NOT_MEASURED, named(v, "transfer-hot").verdict());
  }

  @Test
  @DisplayName("10,000 connections must keep 85% of the throughput at 256, per workload")
  void manyConnections() {
    List<Figures> f = List.of(txgate("point", 256, List.of(1000.0), List.of(), 1),
      txgate("point", 10_000, List.of(850.0), List.of(), 1),
      txgate("mixed", 256, List.of(1000.0), List.of(), 1),
      txgate("mixed", 10_000, List.of(849.0), List.of(), 1));
    List<Targets.Verdict> v = Targets.manyConnections(f);
    assertEquals(Targets.MET, named(v, "point").verdict());
    assertEquals(Targets.NOT_MET, named(v, "mixed").verdict());
  }

  @Test
  @DisplayName("idle memory is met at 8 KB per connection and not above")
  void idle() {
    assertEquals(Targets.MET, Targets.idle(OptionalDouble.of(8.0)).verdict());
    assertEquals(Targets.NOT_MET, Targets.idle(OptionalDouble.of(8.1)).verdict());
    assertEquals(Targets.NOT_MEASURED, Targets.idle(OptionalDouble.empty()).verdict());
  }

  @Test
  @DisplayName("p99 at 256 connections may be at most 1.5 times direct's")
  void p99() {
    List<Figures> f = List.of(txgate("point", 256, List.of(1.0), List.of(1.0), 15),
      direct("point", 256, 10), txgate("transfer", 256, List.of(1.0), List.of(1.0), 15.1),
      direct("transfer", 256, 10));
    List<Targets.Verdict> v = Targets.p99(f);
    assertEquals(Targets.MET, named(v, "point").verdict());
    assertEquals(Targets.NOT_MET, named(v, "transfer").verdict());
  }

  @Test
  @DisplayName("the report reads the idle figure from its line and keeps the hand-written part after the marker")
  void reportInputs() {
    assertEquals(6.5, BenchReport.perConnectionKb("## Idle memory\n\nper-connection-kb: 6.5\n").getAsDouble());
    assertEquals(OptionalDouble.empty(), BenchReport.perConnectionKb("## Idle memory\n\nno figure\n"));
    assertEquals(BenchReport.KEEP + "\n## TLS\n", BenchReport.kept("# old table\n" + BenchReport.KEEP + "\n## TLS\n"));
    assertEquals("", BenchReport.kept("# old table only\n"));
  }
}
