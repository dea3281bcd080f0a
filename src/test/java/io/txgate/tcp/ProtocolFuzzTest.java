package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.ErrorCode;
import io.txgate.testsupport.SharedServer;
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
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutated requests ({@link FuzzFrames}) over a real socket to a real txgate: every frame gets
 * exactly one answer, in order, carrying the frame's id whenever the frame has a readable one; no
 * answer is ever INTERNAL; and after each burst the same connection still runs a statement.
 *
 * <p>Each burst pipelines up to 24 frames, fewer bytes than the session's read high-water mark, so
 * the test never depends on flow control; a frame over the size limit (which closes the connection
 * by design) ends a burst now and then, and the next burst connects again. The generator's seed is
 * fixed, so a CI run is repeatable; {@code -Dtxgate.fuzz.seed=N} (and {@code -Dtxgate.fuzz.bursts=N},
 * default 250) explores other frames, and a failure names the seed, the burst and the frame.
 */
class ProtocolFuzzTest {

  private static final int MAX_FRAME = 16 * 1024;
  private static final int MAX_BURST_BYTES = 48 * 1024;
  private static final int BURSTS = Integer.getInteger("txgate.fuzz.bursts", 250);
  private static final int MAX_FRAMES_PER_BURST = 24;
  /** The test must really have sent this many frames, or it proved little. */
  private static final int MIN_FRAMES = 2000;
  private static final long SEED = Long.getLong("txgate.fuzz.seed", 20261125L);

  @RegisterExtension
  static final SharedServer server = new SharedServer(new JsonObject()
    .put("TXGATE_PROTOCOL_MAX_FRAME_BYTES", MAX_FRAME)
    .put("TXGATE_PROTOCOL_MAX_RESULT_ROWS", 100)
    .put("TXGATE_TX_OPERATIONS_FILE", resource("/fuzz-operations.yaml")));

  private WireClient client;
  private int frames;
  private int served;
  private int oversized;

  @AfterEach
  void disconnectAtTheEnd() throws IOException {
    disconnect();
  }

  @Test
  void everyMutatedFrameGetsOneAnswerNoneIsInternalAndTheServerKeepsServing() throws Exception {
    Random random = new Random(SEED);
    for (int burst = 0; burst < BURSTS; burst++) {
      List<FuzzFrames.Frame> generated = new ArrayList<>();
      int count = 1 + random.nextInt(MAX_FRAMES_PER_BURST);
      for (int i = 0; i < count; i++) {
        generated.add(FuzzFrames.frame(random));
      }
      boolean endWithOversizedFrame = random.nextInt(25) == 0;
      try {
        burst(generated, endWithOversizedFrame, burst);
      } catch (AssertionError | IOException e) {
        throw new AssertionError("seed " + SEED + ", burst " + burst + ": " + e.getMessage(), e);
      }
    }
    System.out.printf("ProtocolFuzzTest: seed %d, %d mutated frames in %d bursts (%d served ok), %d oversized%n",
      SEED, frames, BURSTS, served, oversized);
    assertThat(frames).as("mutated frames sent").isGreaterThanOrEqualTo(MIN_FRAMES);
  }

  private void burst(List<FuzzFrames.Frame> burst, boolean endWithOversizedFrame, int n) throws IOException {
    WireClient c = connection();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<byte[]> lines = new ArrayList<>();
    List<FuzzFrames.Frame> sources = new ArrayList<>();
    for (FuzzFrames.Frame f : burst) {
      byte[] wire = f.wire(MAX_FRAME);
      if (out.size() > 0 && out.size() + wire.length > MAX_BURST_BYTES) {
        break;
      }
      out.writeBytes(wire);
      for (byte[] line : lines(wire)) {
        lines.add(line);
        sources.add(f);
      }
    }
    out.writeBytes((WireClient.execute("alive", "SELECT ? AS alive", n).encode() + "\n")
      .getBytes(StandardCharsets.UTF_8));
    c.sendRaw(out.toByteArray());

    for (int i = 0; i < lines.size(); i++) {
      String answer = c.readLine();
      assertThat(answer).as("an answer to %s", sources.get(i)).isNotNull();
      check(lines.get(i), answer, sources.get(i));
    }
    frames += lines.size();
    String line = c.readLine();
    assertThat(line).as("the answer after the burst").isNotNull();
    JsonObject last = new JsonObject(line);
    assertThat(last.getString("id")).as("the answer after the burst: %s", last).isEqualTo("alive");
    assertThat(last.getJsonObject("result").getJsonArray("rows")).containsExactly(new JsonArray().add(n));

    if (endWithOversizedFrame) {
      oversized++;
      c.send("{\"id\":\"big\",\"op\":\"ping\",\"pad\":\"" + "x".repeat(MAX_FRAME) + "\"}");
      JsonObject r = c.read();
      assertThat(r.getValue("id")).isNull();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("FRAME_TOO_LARGE");
      assertThat(c.closedByServer()).isTrue();
      disconnect();
    }
  }

  /** One answer: valid JSON, a known error code that is never INTERNAL, the frame's id echoed. */
  private void check(byte[] line, String answer, FuzzFrames.Frame source) {
    JsonObject r;
    try {
      r = new JsonObject(answer);
    } catch (DecodeException e) {
      throw new AssertionError("answer to " + source + " is not JSON: " + answer, e);
    }
    assertThat(r.getValue("ok")).as("ok of %s", answer).isInstanceOf(Boolean.class);
    if (r.getBoolean("ok")) {
      served++;
    } else {
      JsonObject error = r.getJsonObject("error");
      ErrorCode code = ErrorCode.of(error.getString("code"));
      assertThat(code).as("answer %s to %s", answer, source).isNotEqualTo(ErrorCode.INTERNAL);
      assertThat(error.getString("message")).as(answer).isNotBlank();
    }
    assertThat(r.getValue("id")).as("id of %s, answering line %s of %s", answer, show(line), source)
      .isEqualTo(readableId(line));
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

  private WireClient connection() throws IOException {
    if (client == null) {
      client = server.connect();
      client.setTimeout(30_000);
    }
    return client;
  }

  private void disconnect() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  private static String resource(String name) {
    try {
      return Path.of(ProtocolFuzzTest.class.getResource(name).toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
