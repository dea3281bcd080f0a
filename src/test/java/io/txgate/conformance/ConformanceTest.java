package io.txgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.Limits;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Request;
import io.txgate.protocol.RequestDecoder;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance vectors of clients/conformance, on the server's side: every vector's request
 * through the request decoder ({@link RequestDecoder}), and every vector over a socket to a real txgate,
 * its answer checked with the vectors' matchers. One dynamic test per vector, named after it.
 *
 * <p>{@code -Dconformance.all} adds the vectors marked knownDefect to the default set, to see their
 * answers.
 *
 * <p>The server runs with {@code protocol.maxResultRows = 50}, which the RESULT_TOO_LARGE vector
 * requires; a second one with {@code tx.allowRawSql = false} answers the vectors that require it.
 */
class ConformanceTest {

  static final int MAX_RESULT_ROWS = 50;

  private static TestServer server;
  private static TestServer noRawSql;

  @BeforeAll
  static void start() {
    server = TestServer.start(new JsonObject().put("TXGATE_PROTOCOL_MAX_RESULT_ROWS", MAX_RESULT_ROWS));
    noRawSql = TestServer.start(new JsonObject().put("TXGATE_TX_ALLOW_RAW_SQL", false));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (noRawSql != null) {
      noRawSql.close();
    }
  }

  private static Stream<Vectors.Vector> defaultSet() {
    return Vectors.all().stream().filter(v -> v.knownDefect() == null || System.getProperty("conformance.all") != null);
  }

  @Test
  void vectorsAreWellFormed() {
    List<Vectors.Vector> all = Vectors.all();
    assertThat(all).hasSizeGreaterThan(100);
    assertThat(all.stream().map(Vectors.Vector::toString).distinct().count()).as("unique names").isEqualTo(all.size());
    for (Vectors.Vector v : all) {
      assertThat(v.json().containsKey("request") || v.json().containsKey("frame") || v.json().containsKey("exchange"))
        .as(v.toString()).isTrue();
      for (Map.Entry<String, Object> x : v.exchanges()) {
        assertThat(x.getValue()).as(v + ": response").isInstanceOf(JsonObject.class);
      }
    }
  }

  /**
   * The decoder accepts exactly the requests whose expected answer is not an error it can see: when
   * it refuses one, the vector expects that code, id and message; when it accepts one, the vector
   * expects success or an error only the database or a later stage can find.
   */
  @TestFactory
  Stream<DynamicTest> decoderAgreesWithEveryVector() {
    RequestDecoder decoder = new RequestDecoder(new Limits(1024 * 1024, 1000, 65535, MAX_RESULT_ROWS));
    return defaultSet().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
      for (Map.Entry<String, Object> x : v.exchanges()) {
        JsonObject expected = (JsonObject) x.getValue();
        String frame = x.getKey().endsWith("\r") ? x.getKey().substring(0, x.getKey().length() - 1) : x.getKey();
        JsonObject decoded;
        try {
          Request r = decoder.decode(Buffer.buffer(frame));
          decoded = new JsonObject().put("id", r.id()).put("ok", true).put("op", r.op());
        } catch (ProtocolException e) {
          decoded = new JsonObject().put("id", e.id()).put("ok", false).put("error", new JsonObject()
            .put("code", e.code().name()).put("message", e.getMessage()).put("retryable", e.retryable()));
        }
        if (decoded.getBoolean("ok")) {
          assertThat(Vectors.mismatches(expected.getValue("id"), decoded.getValue("id"))).as(v + ": id").isEmpty();
        } else {
          assertThat(expected.getBoolean("ok")).as(v + ": the decoder refused it: " + decoded.encode()).isFalse();
          JsonObject error = expected.getJsonObject("error").copy();
          error.remove("sqlState");
          error.remove("vendorCode");
          error.remove("step");
          assertThat(Vectors.mismatches(expected.copy().put("error", error), decoded)).as(v + ": " + decoded.encode()).isEmpty();
        }
      }
    }));
  }

  /**
   * A vector marked knownDefect still shows its defect: once the server is fixed this fails, and the
   * mark is to be removed so that the vector joins the default set.
   */
  @TestFactory
  Stream<DynamicTest> knownDefectsStillFail() {
    return Vectors.all().stream().filter(v -> v.knownDefect() != null).map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
      List<String> failures = new ArrayList<>();
      try (WireClient wire = server.connect()) {
        for (Map.Entry<String, Object> x : v.exchanges()) {
          wire.send(x.getKey());
          failures.addAll(Vectors.mismatches(x.getValue(), wire.read()));
        }
      }
      assertThat(failures).as(v + " passes now: remove its knownDefect mark (" + v.knownDefect() + ")").isNotEmpty();
    }));
  }

  /** Every vector against a real txgate, on a connection of its own. */
  @TestFactory
  Stream<DynamicTest> serverAnswersEveryVector() {
    return defaultSet().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
      TestServer target = Boolean.FALSE.equals(v.requires().getBoolean("allowRawSql")) ? noRawSql : server;
      List<String> failures = new ArrayList<>();
      try (WireClient wire = target.connect()) {
        for (Map.Entry<String, Object> x : v.exchanges()) {
          wire.send(x.getKey());
          JsonObject actual = wire.read();
          for (String m : Vectors.mismatches(x.getValue(), actual)) {
            failures.add(m + "\n  answer: " + actual.encode());
          }
        }
        // The connection stays usable after every vector.
        assertThat(wire.call(new JsonObject().put("id", "after").put("op", "ping")).getBoolean("ok")).as(v.toString()).isTrue();
      }
      assertThat(failures).as("vector " + v).isEmpty();
    }));
  }
}
