package io.txgate.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an idle client connection costs a server process, measured from outside it (run by
 * {@code scripts/idle-memory.sh}): RSS and heap in use after a full GC, before and after opening
 * {@code --connections} connections that send nothing, and the classes whose live bytes grew. With
 * {@code --soak-seconds}, connections churn for that long instead and RSS and heap are sampled every
 * minute.
 *
 * <p>Arguments: {@code --pid}, {@code --port}, {@code --label}, {@code --out} (a markdown file),
 * {@code --connections}; {@code --admin host:port} reads the connection count from txgate's console,
 * without it the server's open sockets are counted; {@code --soak-seconds}, {@code --churn-rate}.
 */
public final class IdleMemory {

  private static final int TOP_CLASSES = 10;

  private IdleMemory() {
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    ServerProbe probe = new ServerProbe(a.get("pid"));
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(a.get("port")));
    ConnectionCount count = new ConnectionCount(a.get("admin"), probe);
    int n = Integer.parseInt(a.getOrDefault("connections", "10000"));
    String label = a.getOrDefault("label", "server");
    Path out = Path.of(a.get("out"));
    long soak = Long.parseLong(a.getOrDefault("soak-seconds", "0"));
    String md = soak > 0
      ? soak(probe, server, count, n, soak, Integer.parseInt(a.getOrDefault("churn-rate", "300")), label)
      : idle(probe, server, count, n, label, out.resolveSibling("idle-memory-" + label + "-classes.txt"));
    Files.writeString(out, md);
    System.out.print(md);
  }

  private static String idle(ServerProbe probe, InetSocketAddress server, ConnectionCount count, int n,
                             String label, Path classes) throws Exception {
    int baseline = count.get();
    ServerProbe.Reading before = probe.read(true);
    try (IdleClients clients = new IdleClients(server)) {
      for (int i = 0; i < n; i++) {
        clients.openOne();
      }
      count.awaitAtLeast(baseline + n);
      Thread.sleep(2000); // let the accept path finish whatever it does after the count
      ServerProbe.Reading after = probe.read(true);
      Files.writeString(classes, classesGrown(n, before, after, Integer.MAX_VALUE, "%d %.2f %.1f %s%n"));
      return report(label, n, before, after);
    }
  }

  private static String report(String label, int n, ServerProbe.Reading before, ServerProbe.Reading after) {
    StringBuilder md = new StringBuilder();
    double rssPer = (after.rssKb() - before.rssKb()) / (double) n;
    // Live bytes from the histogram, not G1's "used": that one counts what was allocated between the
    // GC and the reading too, and an idle server with 10,000 connections still allocates some.
    double heapPer = (after.liveBytes() - before.liveBytes()) / 1024.0 / n;
    md.append(String.format(Locale.ROOT, "### %s, %d idle connections%n%n", label, n));
    md.append("| after a full GC | before | with the connections open | per connection |\n| --- | ---: | ---: | ---: |\n");
    md.append(String.format(Locale.ROOT, "| RSS KB | %d | %d | %.2f KB |%n", before.rssKb(), after.rssKb(), rssPer));
    md.append(String.format(Locale.ROOT, "| live objects KB (class histogram) | %d | %d | %.2f KB |%n",
      before.liveBytes() / 1024, after.liveBytes() / 1024, heapPer));
    md.append(String.format(Locale.ROOT, "| heap committed KB | %d | %d | %.2f KB |%n%n", before.heapCommittedKb(),
      after.heapCommittedKb(), (after.heapCommittedKb() - before.heapCommittedKb()) / (double) n));
    md.append("Live objects that grew, by bytes per connection (GC.class_histogram after minus before):\n\n");
    md.append("| class | instances per connection | bytes per connection |\n| --- | ---: | ---: |\n");
    md.append(classesGrown(n, before, after, TOP_CLASSES, "| `%4$s` | %2$.2f | %3$.0f |%n"));
    md.append(String.format(Locale.ROOT, "| all classes | | %.0f |%n%n",
      (after.liveBytes() - before.liveBytes()) / (double) n));
    md.append(String.format(Locale.ROOT, "%s-rss-kb: %.2f%n%s-live-kb: %.2f%n%n", label, rssPer, label, heapPer));
    return md.toString();
  }

  /** The classes whose live bytes grew most, one line each: bytes, instances and bytes per connection, name. */
  private static String classesGrown(int n, ServerProbe.Reading before, ServerProbe.Reading after, int top,
                                     String format) {
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    for (Map.Entry<String, long[]> e : after.histogram().entrySet()) {
      long[] was = before.histogram().getOrDefault(e.getKey(), new long[2]);
      grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]}));
    }
    grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
      out.append(String.format(Locale.ROOT, format, e.getValue()[1], e.getValue()[0] / (double) n,
        e.getValue()[1] / (double) n, e.getKey()));
    }
    return out.toString();
  }

  private static String soak(ServerProbe probe, InetSocketAddress server, ConnectionCount count, int idleCount,
                             long seconds, int rate, String label) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "### %s, %d s of churn%n%n%d idle connections kept (one in %d churned"
        + " connections replaces the oldest), new connections at %d/s, each sends one request (ping or SELECT 1)"
        + " and closes. Every reading follows a full GC.%n%n", label, seconds, idleCount, Churn.KEEP_ONE_IN, rate));
    md.append("| s | RSS KB | live objects KB | heap committed KB | open connections | churned | failed |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    try (IdleClients idle = new IdleClients(server)) {
      for (int i = 0; i < idleCount; i++) {
        idle.openOne();
      }
      count.awaitAtLeast(idleCount);
      Churn churn = new Churn(server, idle, rate);
      List<long[]> samples = new ArrayList<>();
      samples.add(sample(probe, count, churn, 0, md));
      churn.start(4);
      long start = System.nanoTime();
      for (long t = 60; t <= seconds; t += 60) {
        long wait = start + t * 1_000_000_000L - System.nanoTime();
        Thread.sleep(Math.max(0, wait / 1_000_000));
        samples.add(sample(probe, count, churn, t, md));
      }
      churn.stop();
      // Growth from the first minute of churn on: the first minute warms up what any load warms up.
      long[] first = samples.get(Math.min(1, samples.size() - 1));
      long[] last = samples.get(samples.size() - 1);
      md.append(String.format(Locale.ROOT, "%nGrowth from %d s to %d s: RSS %+d KB, live objects %+d KB, over %d"
          + " churned connections (%d failed).%n%n%s-soak-rss-growth-kb: %d%n%s-soak-live-growth-kb: %d%n%n",
        first[0], last[0], last[1] - first[1], last[2] - first[2], churn.opened(), churn.failed(),
        label, last[1] - first[1], label, last[2] - first[2]));
    }
    return md.toString();
  }

  private static long[] sample(ServerProbe probe, ConnectionCount count, Churn churn, long t, StringBuilder md)
    throws Exception {
    ServerProbe.Reading r = probe.read(true);
    int open = count.get();
    long live = r.liveBytes() / 1024;
    md.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d |%n", t, r.rssKb(), live,
      r.heapCommittedKb(), open, churn.opened(), churn.failed()));
    System.out.printf(Locale.ROOT, "t=%ds rss=%dKB live=%dKB committed=%dKB open=%d churned=%d failed=%d%n", t,
      r.rssKb(), live, r.heapCommittedKb(), open, churn.opened(), churn.failed());
    return new long[] {t, r.rssKb(), live};
  }

  /** The server's count of open client connections: txgate's console, or its open sockets. */
  private static final class ConnectionCount {
    private final String admin;
    private final ServerProbe probe;
    private final HttpClient http = HttpClient.newHttpClient();

    ConnectionCount(String admin, ServerProbe probe) {
      this.admin = admin;
      this.probe = probe;
    }

    int get() throws IOException, InterruptedException {
      if (admin == null) {
        return probe.openSockets();
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/api/overview")).build(),
        HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body()).getInteger("connections");
    }

    void awaitAtLeast(int n) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + 120_000_000_000L;
      int seen;
      while ((seen = get()) < n) {
        if (System.nanoTime() > deadline) {
          throw new IOException("the server shows " + seen + " connections, expected " + n);
        }
        Thread.sleep(200);
      }
    }
  }
}
