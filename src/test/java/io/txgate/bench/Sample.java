package io.txgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One target's measured window in one round: successes per second, their latencies (microseconds,
 * sorted) and failures by code. Failures never count as throughput.
 */
record Sample(long successes, double seconds, long[] latenciesMicros, Map<String, Long> failures) {

  double throughput() {
    return successes / seconds;
  }

  /** What one closed-loop client records; each lives on one event loop, merged at the end. */
  static final class Recorder {
    private final List<long[]> full = new ArrayList<>();
    private long[] current = new long[4096];
    private int used;
    private long successes;
    private final Map<String, Long> failures = new TreeMap<>();

    void success(long micros) {
      successes++;
      if (used == current.length) {
        full.add(current);
        current = new long[current.length];
        used = 0;
      }
      current[used++] = micros;
    }

    void failure(String code) {
      failures.merge(code, 1L, Long::sum);
    }
  }

  /**
   * The measured window, the same for every target: a settling pause for the clients that were
   * just set going, then {@code seconds} with {@code running} up; ends by raising {@code stop}.
   *
   * @return the window's length in seconds
   */
  static double window(int clients, int seconds, java.util.concurrent.atomic.AtomicBoolean running,
                       java.util.concurrent.atomic.AtomicBoolean stop) throws InterruptedException {
    Thread.sleep(Math.min(2000, 200L + clients / 5));
    running.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    return elapsed;
  }

  static Sample merge(List<Recorder> recorders, double seconds) {
    long successes = 0;
    Map<String, Long> failures = new TreeMap<>();
    List<long[]> parts = new ArrayList<>();
    for (Recorder r : recorders) {
      successes += r.successes;
      r.failures.forEach((k, v) -> failures.merge(k, v, Long::sum));
      parts.addAll(r.full);
      parts.add(java.util.Arrays.copyOf(r.current, r.used));
    }
    return new Sample(successes, seconds, Stats.mergeSorted(parts), failures);
  }
}
