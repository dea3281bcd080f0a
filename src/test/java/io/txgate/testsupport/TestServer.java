package io.txgate.testsupport;

import io.txgate.Await;
import io.txgate.Txgate;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.db.SchemaLoader;
import io.txgate.metrics.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A real txgate on a free loopback port, against the run's {@link TestDatabase}, with two protocol
 * instances so that every test also exercises the multi-instance path.
 */
public final class TestServer implements AutoCloseable {

  /** How long a test waits for any one future. */
  private static final Duration AWAIT_LIMIT = Duration.ofSeconds(120);

  private static boolean fixturesLoaded;

  private final Vertx vertx;
  private final Txgate txgate;
  private final TxgateConfig config;
  private final int port;
  private final int adminPort;
  private final boolean adminTls;

  private TestServer(Vertx vertx, Txgate txgate, TxgateConfig config, int port, int adminPort, boolean adminTls) {
    this.vertx = vertx;
    this.txgate = txgate;
    this.config = config;
    this.port = port;
    this.adminPort = adminPort;
    this.adminTls = adminTls;
  }

  /** The configuration the server runs with. */
  public TxgateConfig config() {
    return config;
  }

  /** The admin console's base URL, e.g. {@code http://127.0.0.1:41234} ({@code https} with admin.tls). */
  public String adminUrl() {
    return (adminTls ? "https" : "http") + "://127.0.0.1:" + adminPort;
  }

  /** Starts a server; {@code overrides} maps TXGATE_* names to values. */
  public static TestServer start(JsonObject overrides) {
    return start(overrides, new Telemetry());
  }

  /**
   * Starts a server whose metrics and spans go to {@code telemetry} (e.g. one whose tracing exports
   * to an in-memory exporter).
   */
  public static TestServer start(JsonObject overrides, Telemetry telemetry) {
    loadFixtures();
    int port = freePort();
    JsonObject conf = new JsonObject()
      .put(Keys.DB_URL.env(), TestDatabase.url())
      .put(Keys.PROTOCOL_PORT.env(), port)
      .put(Keys.INSTANCES.env(), 2)
      .put(Keys.SHUTDOWN_GRACE_SECONDS.env(), 10)
      .put(Keys.ADMIN_PORT.env(), freePort())
      .mergeIn(overrides);
    TxgateConfig config = TxgateConfig.from(conf);
    Vertx vertx = telemetry.newVertx();
    Txgate txgate;
    try {
      txgate = await(Txgate.start(vertx, config, telemetry));
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    return new TestServer(vertx, txgate, config, config.protocol().port(), config.admin().port(),
      config.admin().tls().enabled());
  }

  /**
   * Starts a server from a YAML config file, as {@code --config} does, that re-reads the file on
   * every reload; {@code overrides} (TXGATE_* names) win over the file at start and at every reload,
   * as environment variables would.
   */
  public static TestServer startFromFile(java.nio.file.Path file, JsonObject overrides) {
    loadFixtures();
    JsonObject fixed = new JsonObject()
      .put(Keys.DB_URL.env(), TestDatabase.url())
      .put(Keys.INSTANCES.env(), 2)
      .put(Keys.SHUTDOWN_GRACE_SECONDS.env(), 10)
      .mergeIn(overrides);
    Telemetry telemetry = new Telemetry();
    Vertx vertx = telemetry.newVertx();
    java.util.function.Supplier<Future<JsonObject>> source =
      () -> io.txgate.config.ConfigLoader.loadMerged(vertx, file.toString()).map(m -> m.mergeIn(fixed.copy()));
    try {
      JsonObject merged = await(source.get());
      TxgateConfig config = TxgateConfig.from(merged);
      Txgate txgate = await(Txgate.start(vertx, config, telemetry,
        io.txgate.cluster.Membership.alone("test", new JsonObject()), merged, source));
      return new TestServer(vertx, txgate, config, config.protocol().port(), config.admin().port(),
        config.admin().tls().enabled());
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
  }

  public static TestServer start() {
    return start(new JsonObject());
  }

  public int port() {
    return port;
  }

  public Txgate txgate() {
    return txgate;
  }

  public Vertx vertx() {
    return vertx;
  }

  public WireClient connect() throws IOException {
    return new WireClient(port);
  }

  /** Graceful stop of the protocol server only. */
  public void stop() {
    await(txgate.stop());
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  /**
   * Runs {@code fixtures.sql} once per test run (every t_* table the tests use, freshly created),
   * then the shipped demo schema, which the shipped operations use.
   */
  public static synchronized void loadFixtures() {
    if (fixturesLoaded) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try (InputStream in = TestServer.class.getResourceAsStream("/fixtures.sql")) {
      String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      await(SchemaLoader.run(vertx, TestDatabase.url(), script));
      await(SchemaLoader.load(vertx, TestDatabase.url(), java.nio.file.Path.of("conf/demo-schema.sql")));
      fixturesLoaded = true;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      await(vertx.close());
    }
  }

  /**
   * A free port below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768 and up by
   * default), for a server that goes away and must listen on the same port again. A port from the
   * ephemeral range can be taken meanwhile as the source port of an outgoing connection, and a
   * client retrying a connect to 127.0.0.1 on it can even connect to itself (TCP simultaneous
   * open) and keep it, so the server's restart fails with "Address already in use".
   */
  public static int stablePort() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 1000; i++) {
      int candidate = random.nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", candidate));
        return candidate;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link Await#orFail} with the tests' limit, so that a hung future fails its test. */
  public static <T> T await(Future<T> f) {
    return Await.orFail(f, AWAIT_LIMIT);
  }
}
