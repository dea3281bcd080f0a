package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.ErrorCode;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated requests ({@link FuzzFrames}) over a real socket to a real txgate: every frame gets
 * exactly one answer, in order, carrying the frame's id whenever the frame has a readable one; no
 * answer is ever INTERNAL; and after each burst the same connection still runs a statement.
 *
 * <p>Each try pipelines up to 24 frames, fewer than the session's read high-water mark in bytes, so
 * the test never depends on flow control; a frame over the size limit (which closes the connection
 * by design) ends a try now and then, and the next try connects again. The seed is fixed, so a run
 * in CI is repeatable; a failure shrinks to a small frame and reports it.
 */
class ProtocolFuzzTest {

  private static final int MAX_FRAME = 16 * 1024;
  private static final int MAX_TRY_BYTES = 48 * 1024;
  /** The property must really have sent this many frames, or it proved nothing. */
  private static final int MIN_FRAMES = 2000;

  private static final AtomicInteger FRAMES = new AtomicInteger();
  private static final AtomicInteger OVERSIZED = new AtomicInteger();
  private static final AtomicInteger SERVED = new AtomicInteger();
  private static TestServer server;
  private static WireClient client;

  @BeforeContainer
  static void start() throws Exception {
    Path operations = Path.of(ProtocolFuzzTest.class.getResource("/fuzz-operations.yaml").toURI());
    server = TestServer.start(new JsonObject()
      .put("TXGATE_PROTOCOL_MAX_FRAME_BYTES", MAX_FRAME)
      .put("TXGATE_PROTOCOL_MAX_RESULT_ROWS", 100)
      .put("TXGATE_TX_OPERATIONS_FILE", operations.toString()));
  }

  @AfterContainer
  static void stop() throws IOException {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    System.out.printf("ProtocolFuzzTest: %d mutated frames (%d served ok), %d oversized frames%n",
      FRAMES.get(), SERVED.get(), OVERSIZED.get());
    assertThat(FRAMES.get()).as("mutated frames sent").isGreaterThanOrEqualTo(MIN_FRAMES);
  }

  @Provide
  Arbitrary<List<FuzzFrames.Frame>> frames() {
    return FuzzFrames.frame().list().ofMinSize(1).ofMaxSize(24);
  }

  @Provide
  Arbitrary<Boolean> rarely() {
    return Arbitraries.integers().between(0, 24).map(i -> i == 0);
  }

  @Property(tries = 250, seed = "20261125", shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void everyFrameGetsOneAnswerNoneIsInternalAndTheServerKeepsServing(
      @ForAll("frames") List<FuzzFrames.Frame> burst, @ForAll("rarely") boolean endWithOversizedFrame)
      throws Exception {
    WireClient c = connection();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (FuzzFrames.Frame f : burst) {
        byte[] wire = f.wire(MAX_FRAME);
        if (out.size() > 0 && out.size() + wire.length > MAX_TRY_BYTES) {
          break;
        }
        out.writeBytes(wire);
      }
      List<byte[]> lines = lines(out.toByteArray());
      int alive = FRAMES.get();
      out.writeBytes((WireClient.execute("alive", "SELECT ? AS alive", alive).encode() + "\n")
        .getBytes(StandardCharsets.UTF_8));
      c.sendRaw(out.toByteArray());

      for (byte[] line : lines) {
        String answer = c.readLine();
        assertThat(answer).as("an answer to %s", show(line)).isNotNull();
        check(line, answer);
      }
      FRAMES.addAndGet(lines.size());
      JsonObject last = new JsonObject(c.readLine());
      assertThat(last.getString("id")).as("the answer after the burst: %s", last).isEqualTo("alive");
      assertThat(last.getJsonObject("result").getJsonArray("rows"))
        .containsExactly(new JsonArray().add(alive));

      if (endWithOversizedFrame) {
        OVERSIZED.incrementAndGet();
        c.send("{\"id\":\"big\",\"op\":\"ping\",\"pad\":\"" + "x".repeat(MAX_FRAME) + "\"}");
        JsonObject r = c.read();
        assertThat(r.getValue("id")).isNull();
        assertThat(r.getJsonObject("error").getString("code")).isEqualTo("FRAME_TOO_LARGE");
        assertThat(c.closedByServer()).isTrue();
        disconnect();
      }
    } catch (Throwable t) {
      // The stream is out of step now: the next try (or shrinking step) starts afresh.
      disconnect();
      throw t;
    }
  }

  /** One answer: valid JSON, a known error code that is never INTERNAL, the frame's id echoed. */
  private static void check(byte[] line, String answer) {
    JsonObject r;
    try {
      r = new JsonObject(answer);
    } catch (DecodeException e) {
      throw new AssertionError("answer to " + show(line) + " is not JSON: " + answer, e);
    }
    assertThat(r.getValue("ok")).as("ok of %s", answer).isInstanceOf(Boolean.class);
    if (r.getBoolean("ok")) {
      SERVED.incrementAndGet();
    } else {
      JsonObject error = r.getJsonObject("error");
      ErrorCode code = ErrorCode.of(error.getString("code"));
      assertThat(code).as("answer %s to %s", answer, show(line)).isNotEqualTo(ErrorCode.INTERNAL);
      assertThat(error.getString("message")).as(answer).isNotBlank();
    }
    assertThat(r.getValue("id")).as("id of %s, answering %s", answer, show(line)).isEqualTo(readableId(line));
  }

  /** The id the server must echo: the frame's, when the frame is a JSON object with a usable id. */
  private static Object readableId(byte[] line) {
    Object value;
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(line)).toString();
      value = text.isBlank() ? null : Json.decodeValue(text);
    } catch (CharacterCodingException | DecodeException e) {
      return null;
    }
    if (!(value instanceof JsonObject json)) {
      return null;
    }
    Object id = json.getValue("id");
    if (id instanceof Double d && !Double.isFinite(d)) {
      return null;
    }
    return id instanceof String || id instanceof Number ? id : null;
  }

  /** The frames the server sees in these bytes: split at '\n', a '\r' before it dropped. */
  private static List<byte[]> lines(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
        lines.add(Arrays.copyOfRange(bytes, start, end));
        start = i + 1;
      }
    }
    return lines;
  }

  private static String show(byte[] line) {
    String s = new String(line, StandardCharsets.ISO_8859_1);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static WireClient connection() throws IOException {
    if (client == null) {
      client = server.connect();
      client.setTimeout(30_000);
    }
    return client;
  }

  private static void disconnect() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
