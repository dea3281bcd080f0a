package io.txgate.bench;

import io.txgate.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop load over txgate's line protocol: N connections, each with exactly one request in
 * flight. Speaks to txgate and to the baseline gateway alike, which answer the same requests.
 */
final class LineLoad implements Bench.Target {

  private static final Duration LIMIT = Duration.ofSeconds(120);

  private final String name;
  private final Vertx vertx;
  private final NetClientOptions options;
  private final String host;
  private final int port;
  /** A hello that every connection sends first, once, or null for none. */
  private final JsonObject hello;
  private final int maxConnections;

  LineLoad(String name, Vertx vertx, NetClientOptions options, String hostPort, JsonObject hello, int maxConnections) {
    this.name = name;
    this.vertx = vertx;
    this.options = options;
    this.host = hostPort.substring(0, hostPort.lastIndexOf(':'));
    this.port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    this.hello = hello;
    this.maxConnections = maxConnections;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int maxConnections() {
    return maxConnections;
  }

  /** The request line for one pick: execute, batch with expectations, or call. */
  static JsonObject request(long id, Workload.Pick p) {
    JsonObject one = new JsonObject().put("affectedRows", 1);
    return switch (p.kind()) {
      case POINT -> new JsonObject().put("id", id).put("op", "execute").put("sql", Sql.POINT)
        .put("params", new JsonArray().add(p.from()));
      case OPERATION -> new JsonObject().put("id", id).put("op", "call").put("name", "transfer")
        .put("args", new JsonObject().put("from", p.from()).put("to", p.to()).put("amount", Sql.AMOUNT));
      case TRANSFER -> new JsonObject().put("id", id).put("op", "batch").put("steps", new JsonArray()
        .add(new JsonObject().put("sql", Sql.DEBIT)
          .put("params", new JsonArray().add(Sql.AMOUNT).add(p.from()).add(Sql.AMOUNT)).put("expect", one))
        .add(new JsonObject().put("sql", Sql.CREDIT)
          .put("params", new JsonArray().add(Sql.AMOUNT).add(p.to())).put("expect", one)));
    };
  }

  @Override
  public Sample run(int n, int seconds, Workload w) throws Exception {
    NetClient client = vertx.createNetClient(options);
    try {
      return load(client, n, seconds, w);
    } finally {
      Await.result(client.close(), LIMIT);
    }
  }

  private Sample load(NetClient client, int n, int seconds, Workload w) throws Exception {
    List<NetSocket> sockets = new ArrayList<>();
    // Opened in steps, so that the server's accept queue is never what limits the run.
    for (int i = 0; i < n; i += 500) {
      List<Future<NetSocket>> step = new ArrayList<>();
      for (int j = i; j < Math.min(n, i + 500); j++) {
        step.add(client.connect(port, host));
      }
      for (Future<NetSocket> f : step) {
        sockets.add(Await.result(f, LIMIT));
      }
    }
    AtomicBoolean running = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch greeted = new CountDownLatch(hello == null ? 0 : n);
    List<Sample.Recorder> recorders = new ArrayList<>();
    long opened = System.nanoTime();
    for (NetSocket socket : sockets) {
      Sample.Recorder rec = new Sample.Recorder();
      recorders.add(rec);
      drive(socket, rec, w, running, stop, greeted);
    }
    if (!greeted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("connections did not authenticate within " + LIMIT);
    }
    if (hello != null) {
      // Authentication costs once per connection (a PBKDF2 check), never per request: said apart.
      System.out.printf("authenticated %d connections in %d ms%n", n, (System.nanoTime() - opened) / 1_000_000);
    }
    double elapsed = Sample.window(n, seconds, running, stop);
    Thread.sleep(500);
    for (NetSocket s : sockets) {
      s.close();
    }
    return Sample.merge(recorders, elapsed);
  }

  /** One connection's loop: send, wait for the answer, record it while measuring, send the next. */
  private void drive(NetSocket socket, Sample.Recorder rec, Workload w, AtomicBoolean running, AtomicBoolean stop,
                     CountDownLatch greeted) {
    long[] sentAt = new long[1];
    long[] seq = new long[1];
    boolean[] greeting = {hello != null};
    RecordParser parser = RecordParser.newDelimited("\n", line -> {
      long micros = (System.nanoTime() - sentAt[0]) / 1000;
      JsonObject r = new JsonObject(line);
      boolean ok = Boolean.TRUE.equals(r.getBoolean("ok"));
      if (greeting[0]) {
        greeting[0] = false;
        if (!ok) {
          System.err.println("hello refused: " + r.encode());
          System.exit(1);
        }
        greeted.countDown();
      } else if (running.get()) {
        if (ok) {
          rec.success(micros);
        } else {
          JsonObject error = r.getJsonObject("error");
          rec.failure(error == null ? "NO_ERROR_CODE" : error.getString("code", "NO_ERROR_CODE"));
        }
      }
      if (!stop.get()) {
        sentAt[0] = System.nanoTime();
        socket.write(Buffer.buffer(request(++seq[0], w.pick(ThreadLocalRandom.current())).encode() + "\n"));
      }
    });
    socket.handler(parser);
    // A connection the server closed before the end (a connection cap, a crash) no longer loads it:
    // counted whenever it happens, so that a step run on fewer connections than it says shows.
    socket.closeHandler(v -> {
      if (!stop.get()) {
        rec.failure("CONNECTION_CLOSED");
      }
    });
    sentAt[0] = System.nanoTime();
    JsonObject first = hello != null ? hello : request(++seq[0], w.pick(ThreadLocalRandom.current()));
    socket.write(Buffer.buffer(first.encode() + "\n"));
  }
}
