package io.txgate.tracing;

import static io.txgate.testsupport.WireClient.batch;
import static io.txgate.testsupport.WireClient.execute;
import static io.txgate.testsupport.WireClient.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.txgate.config.ConfigException;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.db.Pools;
import io.txgate.digest.Fingerprint;
import io.txgate.metrics.Telemetry;
import io.txgate.testsupport.HeldConnection;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a request is a span, each attempt of its transaction a child span and each
 * statement a child of its attempt, continuing the trace the client names in {@code traceparent};
 * no parameter value or literal reaches any span. Spans go to an in-memory exporter, the same SDK
 * the OTLP export uses, with a processor that hands each span over as it ends.
 */
class TracingTest {

  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  private static OpenTelemetrySdk sdk;
  private static TestServer server;

  @BeforeAll
  static void start() {
    // As the OTLP export is set up, W3C propagation included, with the in-memory exporter.
    sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
    server = TestServer.start(new JsonObject(), new Telemetry(Tracing.of(sdk)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    sdk.close();
  }

  @BeforeEach
  void rows() {
    TestSql.update("DELETE FROM t_accounts_otel");
    TestSql.update("INSERT INTO t_accounts_otel (id, owner, balance) VALUES (1, 'a', 100), (2, 'b', 100)");
    TestSql.update("DELETE FROM t_items_otel");
    SPANS.reset();
  }

  @Test
  void aRequestContinuesTheClientsTraceWithASpanPerAttemptAndStatement() throws Exception {
    String session;
    JsonObject r;
    try (WireClient c = server.connect()) {
      session = c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "otel-billing"))
        .getJsonObject("result").getString("session");
      r = c.call(batch(1,
          step("UPDATE t_accounts_otel SET balance = balance - ? WHERE id = ?", 5, 1),
          step("SELECT balance FROM t_accounts_otel WHERE id IN (1, 2)"))
        .put("traceparent", TRACEPARENT).put("tracestate", "vendor=abc"));
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();

    SpanData request = only("txgate.request");
    assertThat(request.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(request.getParentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(request.getParentSpanContext().isRemote()).isTrue();
    assertThat(request.getSpanContext().getTraceState().get("vendor")).isEqualTo("abc");
    assertThat(attr(request, "txgate.session")).isEqualTo(session);
    assertThat(attr(request, "txgate.client")).isEqualTo("otel-billing");
    assertThat(attr(request, "txgate.op")).isEqualTo("batch");
    assertThat(attr(request, "db.system")).isEqualTo("mysql");
    assertThat(attr(request, "txgate.outcome")).isEqualTo("ok");
    assertThat(request.getAttributes().get(AttributeKey.longKey("txgate.attempts"))).isEqualTo(1L);

    SpanData attempt = only("txgate.attempt");
    assertThat(attempt.getTraceId()).isEqualTo(CLIENT_TRACE);
    assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());

    List<SpanData> statements = named("txgate.statement");
    assertThat(statements).hasSize(2)
      .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(attempt.getSpanId()));
    assertThat(statements).extracting(s -> attr(s, "db.statement")).containsExactlyInAnyOrder(
      Fingerprint.of("UPDATE t_accounts_otel SET balance = balance - ? WHERE id = ?"),
      Fingerprint.of("SELECT balance FROM t_accounts_otel WHERE id IN (1, 2)"));
    assertThat(statements).extracting(s -> attr(s, "db.statement"))
      .noneMatch(sql -> sql.contains("(1, 2)"));
  }

  @Test
  void noParameterValueLiteralOrDatabaseMessageAppearsInAnySpan() throws Exception {
    JsonObject r;
    try (WireClient c = server.connect()) {
      TestSql.update("INSERT INTO t_items_otel (tag) VALUES ('otel-taken-value')");
      r = c.call(batch(1,
          step("UPDATE t_accounts_otel SET owner = ? WHERE id = 1", "otel-param-secret"),
          step("SELECT * FROM t_accounts_otel WHERE owner = 'otel-literal-secret'"),
          // Fails with "Duplicate entry 'otel-taken-value' for key 'tag'": the message quotes the value.
          step("INSERT INTO t_items_otel (tag) VALUES (?)", "otel-taken-value"))
        .put("traceparent", TRACEPARENT));
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
    List<SpanData> spans = SPANS.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName)
      .contains("txgate.request", "txgate.attempt", "txgate.statement");
    for (SpanData s : spans) {
      String everything = s.getAttributes() + " " + s.getStatus() + " " + s.getEvents() + " " + s.getName();
      assertThat(everything).as(s.getName()).doesNotContain("otel-param-secret", "otel-literal-secret",
        "otel-taken-value");
    }
    SpanData failed = named("txgate.statement").stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
      .findFirst().orElseThrow();
    assertThat(attr(failed, "db.response.status_code")).isEqualTo("1062");
    SpanData request = only("txgate.request");
    assertThat(attr(request, "txgate.outcome")).isEqualTo("error");
    assertThat(attr(request, "txgate.error.code")).isEqualTo(r.getJsonObject("error").getString("code"));
  }

  @Test
  void anInvalidTraceparentIsIgnoredAndTheRequestStartsATrace() throws Exception {
    JsonObject r;
    try (WireClient c = server.connect()) {
      // Upper-case hex is invalid in W3C Trace Context.
      r = c.call(execute(1, "SELECT 1").put("traceparent", "00-" + CLIENT_TRACE.toUpperCase() + "-" + CLIENT_SPAN
        + "-01"));
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    SpanData request = only("txgate.request");
    assertThat(request.getTraceId()).isNotEqualTo(CLIENT_TRACE);
    assertThat(request.getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(attr(request, "txgate.traceparent")).isEqualTo("invalid, ignored");
  }

  @Test
  void aTraceparentThatIsNotAStringIsABadRequest() throws Exception {
    JsonObject r;
    try (WireClient c = server.connect()) {
      r = c.call(execute(1, "SELECT 1").put("traceparent", 42));
    }
    assertThat(r.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(r.getJsonObject("error").getString("message")).contains("'traceparent' must be a string");
  }

  @Test
  void aResendWithAnotherTraceparentIsTheSameRequest() throws Exception {
    JsonObject first;
    JsonObject again;
    try (WireClient c = server.connect()) {
      JsonObject request = execute(1, "UPDATE t_accounts_otel SET balance = balance + 1 WHERE id = 1")
        .put("requestKey", "otel-resend-" + System.nanoTime());
      first = c.call(request.copy().put("traceparent", TRACEPARENT));
      again = c.call(request.copy().put("id", 2)
        .put("traceparent", "00-" + CLIENT_TRACE + "-" + "1111111111111111" + "-01").put("tracestate", "a=b"));
    }
    assertThat(first.getBoolean("ok")).as(first.encode()).isTrue();
    // Replayed, not refused as a key reused for another request, and applied once.
    assertThat(again.getBoolean("ok")).as(again.encode()).isTrue();
    assertThat(TestSql.query("SELECT balance FROM t_accounts_otel WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("101");
  }

  @Test
  void aDeadlockedRequestHasOneSpanPerAttempt() throws Exception {
    JsonObject r;
    try (HeldConnection other = new HeldConnection(); WireClient c = server.connect()) {
      // The other transaction is made heavier, so that InnoDB picks txgate's as the deadlock victim.
      other.run("BEGIN");
      for (int i = 0; i < 50; i++) {
        other.run("INSERT INTO t_items_otel (tag) VALUES (?)", "otel-heavy-" + i);
      }
      other.run("UPDATE t_accounts_otel SET balance = balance + 1 WHERE id = 2");
      c.send(batch(1,
          step("UPDATE t_accounts_otel SET balance = balance - 5 WHERE id = 1"),
          step("UPDATE t_accounts_otel SET balance = balance + 5 WHERE id = 2"))
        .put("traceparent", TRACEPARENT));
      TestSql.awaitCount(1, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
        + " WHERE INFO = 'UPDATE t_accounts_otel SET balance = balance + 5 WHERE id = 2' AND ID <> ?", other.id());
      // Closes the cycle: txgate's transaction holds row 1 and waits for row 2; this waits for row 1.
      TestServer.await(other.start("UPDATE t_accounts_otel SET balance = balance + 1 WHERE id = 1"));
      other.run("COMMIT");
      r = c.read();
    }
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getJsonObject("result").getInteger("attempts")).isEqualTo(2);
    SpanData request = only("txgate.request");
    assertThat(request.getAttributes().get(AttributeKey.longKey("txgate.attempts"))).isEqualTo(2L);
    List<SpanData> attempts = named("txgate.attempt");
    assertThat(attempts).hasSize(2).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(request.getSpanId()));
    SpanData first = attempts.stream()
      .filter(a -> a.getAttributes().get(AttributeKey.longKey("txgate.attempt")) == 1L).findFirst().orElseThrow();
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(first, "db.response.status_code")).isEqualTo("1213");
    // Two statements in each attempt, each under its own attempt.
    for (SpanData a : attempts) {
      assertThat(named("txgate.statement")).filteredOn(s -> s.getParentSpanId().equals(a.getSpanId())).hasSize(2);
    }
  }

  /**
   * The SQL client's own spans would carry the statement's raw text (db.query.text), literals and
   * all: txgate's connect options switch them off. Shown where Vert.x does trace: a query run while
   * Vert.x serves an HTTP request that carries a traceparent.
   */
  @Test
  void theSqlClientMakesNoSpanOfItsOwn() throws Exception {
    var vertx = server.vertx();
    HttpServer http = TestServer.await(vertx.createHttpServer().requestHandler(req ->
      MySQLConnection.connect(vertx, Pools.connectOptions(server.config().db()))
        .compose(conn -> conn.query("SELECT 'otel-raw-literal'").execute().eventually(conn::close))
        .onComplete(ar -> req.response().setStatusCode(ar.succeeded() ? 200 : 500).end()))
      .listen(0, "127.0.0.1"));
    HttpClient client = vertx.createHttpClient();
    try {
      int status = TestServer.await(client.request(new RequestOptions().setMethod(HttpMethod.GET)
          .setHost("127.0.0.1").setPort(http.actualPort()).setURI("/").addHeader("traceparent", TRACEPARENT))
        .compose(req -> req.send()).map(resp -> resp.statusCode()));
      assertThat(status).isEqualTo(200);
    } finally {
      TestServer.await(client.close());
      TestServer.await(http.close());
    }
    List<SpanData> spans = SPANS.getFinishedSpanItems();
    // Vert.x's tracer is installed and saw the HTTP request, so it would have seen the query too.
    assertThat(spans).anySatisfy(s -> assertThat(s.getTraceId()).isEqualTo(CLIENT_TRACE));
    assertThat(spans).allSatisfy(s -> {
      assertThat(s.getAttributes().get(AttributeKey.stringKey("db.query.text"))).as(s.toString()).isNull();
      assertThat(s.getAttributes().toString()).doesNotContain("otel-raw-literal");
    });
  }

  @Test
  void theConsoleTracesOnlyRequestsThatCarryATraceparent() throws Exception {
    var vertx = server.vertx();
    HttpClient client = vertx.createHttpClient();
    try {
      for (String traceparent : new String[] {null, TRACEPARENT}) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(
          "http://127.0.0.1:" + server.config().admin().port() + "/metrics");
        if (traceparent != null) {
          o.addHeader("traceparent", traceparent);
        }
        TestServer.await(client.request(o).compose(req -> req.send()).compose(resp -> resp.body()));
        if (traceparent == null) {
          // A scrape without one: no span, however often Prometheus comes.
          assertThat(SPANS.getFinishedSpanItems()).isEmpty();
        }
      }
    } finally {
      TestServer.await(client.close());
    }
    assertThat(SPANS.getFinishedSpanItems()).singleElement()
      .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(CLIENT_SPAN));
  }

  @Test
  void tracingIsOffUnlessConfiguredAndAnUnknownValueIsAConfigError() {
    TxgateConfig plain = TxgateConfig.from(new JsonObject());
    assertThat(plain.observability().tracing()).isEqualTo(TxgateConfig.TracingMode.NONE);
    assertThat(Tracing.from(plain.observability()).on()).isFalse();
    // Off, nothing is made per request: no span, no object.
    assertThat(Tracing.off().request("execute", null, "s1", null, null)).isNull();
    assertThat(Tracing.off().vertxTracer()).isNull();
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject().put(Keys.OBSERVABILITY_TRACING.env(), "jaeger")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("'jaeger' is not one of none, otlp");
    assertThatThrownBy(() -> TxgateConfig.from(new JsonObject()
      .put(Keys.OBSERVABILITY_TRACING.env(), "otlp").put(Keys.OBSERVABILITY_OTLP_ENDPOINT.env(), "127.0.0.1:4317")))
      .isInstanceOf(ConfigException.class).hasMessageContaining("'127.0.0.1:4317' is not an http:// or https:// URL");
    TxgateConfig otlp = TxgateConfig.from(new JsonObject().put(Keys.OBSERVABILITY_TRACING.env(), "OTLP"));
    assertThat(otlp.observability().tracing()).isEqualTo(TxgateConfig.TracingMode.OTLP);
    assertThat(otlp.observability().otlpEndpoint()).isEqualTo("http://127.0.0.1:4317");
    Tracing exporting = Tracing.from(otlp.observability());
    try {
      assertThat(exporting.on()).isTrue();
      assertThat(exporting.vertxTracer()).isNotNull();
    } finally {
      exporting.close();
    }
  }

  private static List<SpanData> named(String name) {
    return SPANS.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static SpanData only(String name) {
    List<SpanData> all = named(name);
    assertThat(all).as(name + " spans among " + SPANS.getFinishedSpanItems().stream()
      .map(s -> Map.entry(s.getName(), s.getAttributes().toString())).toList()).hasSize(1);
    return all.get(0);
  }

  private static String attr(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.stringKey(key));
  }
}
