package io.txgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads another JVM's memory from outside it: resident set size from {@code /proc/<pid>/status},
 * heap in use and the class histogram through {@code jcmd}. Every reading follows a full GC, so
 * garbage that happens to be lying around does not count as cost.
 */
final class ServerProbe {

  /** G1's line in GC.heap_info: "garbage-first heap   total 260096K, used 18234K [...". */
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
  /** One row of GC.class_histogram: "   1:   12345   1234567  [B (java.base@17.0.15)". */
  private static final Pattern HISTO_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

  /** What one reading found. */
  /**
   * What one reading found. {@code heapUsedKb} is what G1 reports right after the GC, which may
   * include what the process allocated since; {@code heapCommittedKb} is the heap G1 kept, which
   * is what most of the RSS beyond the live objects is.
   */
  record Reading(long rssKb, long heapCommittedKb, long heapUsedKb, Map<String, long[]> histogram) {
    /** Bytes of live objects, from the histogram (0 without one). */
    long liveBytes() {
      return histogram.values().stream().mapToLong(v -> v[1]).sum();
    }
  }

  private final String pid;

  ServerProbe(String pid) {
    this.pid = pid;
  }

  /** A full GC, then the RSS and heap in use; with {@code histogram}, the live objects by class too. */
  Reading read(boolean histogram) throws IOException, InterruptedException {
    jcmd("GC.run");
    // The GC returns before the freed pages are handed back; give it a moment to settle.
    Thread.sleep(1000);
    long rss = rssKb();
    long[] heap = heapKb();
    return new Reading(rss, heap[0], heap[1], histogram ? histogram() : Map.of());
  }

  long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", ""));
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }

  /** Sockets the process holds open: what a server without an API shows of its connections. */
  int openSockets() throws IOException {
    int n = 0;
    try (var fds = Files.newDirectoryStream(Path.of("/proc", pid, "fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            n++;
          }
        } catch (IOException gone) {
          // closed while we looked
        }
      }
    }
    return n;
  }

  /** The heap G1 has committed and the part of it in use, in KB. */
  private long[] heapKb() throws IOException, InterruptedException {
    Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
    if (!m.find()) {
      throw new IOException("GC.heap_info: no heap usage line (not G1?)");
    }
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  /** Live objects by class name: {instances, bytes}. The histogram runs its own full GC first. */
  private Map<String, long[]> histogram() throws IOException, InterruptedException {
    Map<String, long[]> out = new HashMap<>();
    for (String line : jcmd("GC.class_histogram").split("\n")) {
      Matcher m = HISTO_ROW.matcher(line);
      if (m.matches()) {
        out.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return out;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", pid, command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }
}
