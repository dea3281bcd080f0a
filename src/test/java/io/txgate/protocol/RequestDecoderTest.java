package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request decoder alone, and behind the frame decoder as a session uses them: round trip per
 * request type, input one byte at a time, two frames in one buffer, a request at the frame limit
 * and one byte over, and the precise refusals.
 */
class RequestDecoderTest {

  private static final int MAX_FRAME = 1024;

  private final RequestDecoder decoder = new RequestDecoder(new Limits(MAX_FRAME, 3, 8, 100));

  private Request roundTrip(Request r) {
    Buffer wire = ClientFrames.encodeRequest(r);
    assertThat(wire.getByte(wire.length() - 1)).isEqualTo((byte) '\n');
    return decoder.decode(wire.getBuffer(0, wire.length() - 1));
  }

  private ProtocolException rejected(String frame) {
    try {
      decoder.decode(Buffer.buffer(frame));
    } catch (ProtocolException e) {
      return e;
    }
    throw new AssertionError("accepted: " + frame);
  }

  @Test
  void roundTripsHello() {
    assertThat(roundTrip(new Request.Hello(1, "billing", 1))).isEqualTo(new Request.Hello(1, "billing", 1));
  }

  @Test
  void roundTripsPing() {
    assertThat(roundTrip(new Request.Ping("a-string-id"))).isEqualTo(new Request.Ping("a-string-id"));
  }

  @Test
  void roundTripsExecuteWithEveryParameterKind() {
    Request r = new Request.Execute(7L, new Statement("SELECT ?, ?, ?, ?, ?, ?",
      Arrays.asList("text", 42L, 1.5, true, null, Buffer.buffer(new byte[] {0, 1, (byte) 255}))));
    Request back = roundTrip(r);
    assertThat(back).isInstanceOf(Request.Execute.class);
    List<Object> params = ((Request.Execute) back).step().statement().params();
    assertThat(params.subList(0, 5)).containsExactly("text", 42L, 1.5, true, null);
    assertThat(((Buffer) params.get(5)).getBytes()).containsExactly(0, 1, 255);
  }

  @Test
  void roundTripsBatch() {
    Request r = new Request.Batch(9, List.of(
      new Step(new Statement("UPDATE t SET a = ? WHERE id = ? AND v = ?", List.of(1L, 2L, 3L)), new Expectation(1L, null)),
      new Step(new Statement("SELECT * FROM t WHERE id = ?", List.of(3L)), new Expectation(null, 1L))),
      new TxOptions(Isolation.SERIALIZABLE, false, null, 3, null, 2500));
    assertThat(roundTrip(r)).isEqualTo(r);
  }

  @Test
  void roundTripsCallAndOperations() {
    Request call = new Request.Call(10, "transfer", new JsonObject().put("from", 1).put("to", 2).put("amount", "5.00"),
      TxOptions.NONE);
    assertThat(roundTrip(call)).isEqualTo(call);
    assertThat(roundTrip(new Request.Operations(11))).isEqualTo(new Request.Operations(11));
  }

  /** Frames through the frame decoder, each decoded, as a session does; the input fed in chunks of {@code chunk} bytes. */
  private List<Request> decodeStream(byte[] wire, int chunk) {
    FrameDecoder frames = new FrameDecoder(decoder.limits().maxFrameBytes());
    List<Request> out = new ArrayList<>();
    for (int at = 0; at < wire.length; at += chunk) {
      frames.feed(Buffer.buffer(Arrays.copyOfRange(wire, at, Math.min(wire.length, at + chunk))));
      for (Buffer f = frames.next(); f != null; f = frames.next()) {
        out.add(decoder.decode(f));
      }
    }
    assertThat(frames.buffered()).as("left over").isZero();
    return out;
  }

  @Test
  void decodesRequestsFedOneByteAtATime() {
    Request hello = new Request.Hello(1, "b\u00e9rlin \uD83D\uDE00", ProtocolVersion.CURRENT);
    Request execute = new Request.Execute("two", new Statement("SELECT ?, ?",
      Arrays.asList("h\u00e9llo \uD83D\uDE00", Buffer.buffer(new byte[] {(byte) 0xDE, (byte) 0xAD}))));
    Buffer wire = Buffer.buffer().appendBuffer(ClientFrames.encodeRequest(hello))
      .appendBuffer(ClientFrames.encodeRequest(execute));
    List<Request> back = decodeStream(wire.getBytes(), 1);
    assertThat(back).hasSize(2);
    assertThat(back.get(0)).isEqualTo(hello);
    List<Object> params = ((Request.Execute) back.get(1)).step().statement().params();
    assertThat(back.get(1).id()).isEqualTo("two");
    assertThat(params.get(0)).isEqualTo("h\u00e9llo \uD83D\uDE00");
    assertThat(((Buffer) params.get(1)).getBytes()).containsExactly(0xDE, 0xAD);
  }

  @Test
  void decodesTwoRequestsInOneBuffer() {
    byte[] wire = "{\"id\":1,\"op\":\"ping\"}\n{\"id\":2,\"op\":\"operations\"}\r\n".getBytes(StandardCharsets.UTF_8);
    assertThat(decodeStream(wire, wire.length)).containsExactly(new Request.Ping(1), new Request.Operations(2));
  }

  /** A ping padded with an unknown field (ignored, PROTOCOL.md section 2) to exactly {@code bytes}. */
  private static String pingOfLength(int bytes) {
    String head = "{\"id\":1,\"op\":\"ping\",\"pad\":\"";
    String frame = head + "x".repeat(bytes - head.length() - 2) + "\"}";
    assertThat(frame.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    return frame;
  }

  @Test
  void acceptsARequestExactlyAtTheFrameLimit() {
    byte[] wire = (pingOfLength(MAX_FRAME) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThat(decodeStream(wire, 1)).containsExactly(new Request.Ping(1));
    assertThat(decodeStream(wire, wire.length)).containsExactly(new Request.Ping(1));
  }

  @Test
  void rejectsARequestOneByteOverTheFrameLimit() {
    byte[] wire = (pingOfLength(MAX_FRAME + 1) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> decodeStream(wire, wire.length)).isInstanceOfSatisfying(ProtocolException.class,
      e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void requestKeyCarriesADigestOfTheRequestIgnoringIdAndFieldOrder() {
    Request a = decoder.decode(Buffer.buffer(
      "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[1],\"requestKey\":\"k-1\"}"));
    Request b = decoder.decode(Buffer.buffer(
      "{\"requestKey\":\"k-1\",\"params\":[1],\"sql\":\"SELECT ?\",\"op\":\"execute\",\"id\":99}"));
    Request c = decoder.decode(Buffer.buffer(
      "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[2],\"requestKey\":\"k-1\"}"));
    String digest = ((Request.Execute) a).options().requestHash();
    assertThat(digest).hasSize(64);
    assertThat(((Request.Execute) b).options().requestHash()).isEqualTo(digest);
    assertThat(((Request.Execute) c).options().requestHash()).isNotEqualTo(digest);
  }

  @Test
  void carriesTheW3cTraceContextVerbatim() {
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    Request r = new Request.Execute(3, new Step(new Statement("SELECT 1", List.of()), null),
      new TxOptions(null, null, null, null, null, null, null, new TraceContext(parent, "vendor=abc")));
    assertThat(roundTrip(r)).isEqualTo(r);
    // Not judged here: an invalid value is ignored where a span is made (W3C: never refuse the request).
    Request.Execute upper = (Request.Execute) decoder.decode(Buffer.buffer(
      "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT 1\",\"traceparent\":\"" + parent.toUpperCase() + "\"}"));
    assertThat(upper.options().trace()).isEqualTo(new TraceContext(parent.toUpperCase(), null));
  }

  @Test
  void dropsATraceContextThatCannotBeValidAndRefusesOneOfTheWrongType() {
    String base = "{\"id\":5,\"op\":\"batch\",\"steps\":[{\"sql\":\"SELECT 1\"}],";
    Request.Batch tooLong = (Request.Batch) decoder.decode(Buffer.buffer(
      base + "\"traceparent\":\"" + "0".repeat(TraceContext.MAX_TRACEPARENT + 1) + "\"}"));
    assertThat(tooLong.options()).isEqualTo(TxOptions.NONE);
    // A tracestate means nothing without a traceparent (W3C Trace Context, 3.3).
    Request.Batch stateOnly = (Request.Batch) decoder.decode(Buffer.buffer(base + "\"tracestate\":\"a=b\"}"));
    assertThat(stateOnly.options()).isEqualTo(TxOptions.NONE);
    assertThat(rejected(base + "\"traceparent\":42}").getMessage()).contains("'traceparent' must be a string");
    assertThat(rejected(base + "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\","
      + "\"tracestate\":[\"a=b\"]}").getMessage()).contains("'tracestate' must be a string");
  }

  @Test
  void aRequestKeysDigestIgnoresTheTraceContext() {
    String a = "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[1],\"requestKey\":\"k-1\"}";
    String b = "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[1],\"requestKey\":\"k-1\","
      + "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"tracestate\":\"x=y\"}";
    assertThat(((Request.Execute) decoder.decode(Buffer.buffer(b))).options().requestHash())
      .isEqualTo(((Request.Execute) decoder.decode(Buffer.buffer(a))).options().requestHash());
  }

  @Test
  void rejectsIllTypedTransactionOptions() {
    String base = "{\"id\":5,\"op\":\"execute\",\"sql\":\"SELECT 1\",";
    assertThat(rejected(base + "\"isolation\":\"SNAPSHOT\"}").getMessage()).contains("REPEATABLE_READ");
    assertThat(rejected(base + "\"readOnly\":\"yes\"}").getMessage()).contains("readOnly");
    assertThat(rejected(base + "\"requestKey\":\"" + "k".repeat(65) + "\"}").getMessage()).contains("64");
    assertThat(rejected(base + "\"requestKey\":\"\"}").getMessage()).contains("requestKey");
    assertThat(rejected(base + "\"requestKey\":\"k\",\"readOnly\":true}").getMessage()).contains("readOnly");
    assertThat(rejected(base + "\"maxAttempts\":0}").getMessage()).contains("maxAttempts");
    assertThat(rejected(base + "\"expect\":{\"rows\":1}}").getMessage()).contains("unknown key");
    assertThat(rejected(base + "\"expect\":{\"affectedRows\":-1}}").getMessage()).contains("non-negative");
    assertThat(rejected("{\"id\":5,\"op\":\"call\"}").getMessage()).contains("'name'");
    assertThat(rejected("{\"id\":5,\"op\":\"call\",\"name\":\"x\",\"args\":[1]}").getMessage()).contains("'args'");
  }

  @Test
  void keepsBigIntegerIdsExactly() {
    Request r = decoder.decode(Buffer.buffer("{\"id\":123456789012345678901234567890,\"op\":\"ping\"}"));
    assertThat(r.id().toString()).isEqualTo("123456789012345678901234567890");
  }

  @Test
  void rejectsMalformedJsonWithoutId() {
    ProtocolException e = rejected("{\"id\":1,\"op\":");
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.id()).isNull();
  }

  @Test
  void rejectsJsonThatIsNotAnObject() {
    assertThat(rejected("[1,2]").code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(rejected("42").code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(rejected("").code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void namesWhyAFrameIsNotOneJsonObject() {
    assertThat(rejected("{\"id\":1,\"op\":\"ping\"} {\"id\":2,\"op\":\"ping\"}").getMessage())
      .isEqualTo("frame is not valid JSON: more than one value on the line");
    assertThat(rejected("[1,2]").getMessage()).isEqualTo("frame is a JSON array, not an object");
    assertThat(rejected(" ").getMessage()).isEqualTo("empty frame");
    assertThat(rejected("nope").getMessage()).matches("frame is not valid JSON: Unrecognized token 'nope'.* \\(column \\d+\\)");
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] bytes = "{\"id\":1,\"op\":\"ping\",\"x\":\"??\"}".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 3] = (byte) 0xC3;
    bytes[bytes.length - 2] = (byte) 0x28;
    ProtocolException e;
    try {
      decoder.decode(Buffer.buffer(bytes));
      throw new AssertionError("accepted");
    } catch (ProtocolException x) {
      e = x;
    }
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).contains("UTF-8");
  }

  @Test
  void rejectsMissingOrIllTypedFieldsKeepingTheId() {
    assertThat(rejected("{\"op\":\"ping\"}").getMessage()).contains("'id'");
    assertThat(rejected("{\"id\":true,\"op\":\"ping\"}").id()).isNull();
    ProtocolException noOp = rejected("{\"id\":5}");
    assertThat(noOp.id()).isEqualTo(5);
    assertThat(noOp.getMessage()).contains("'op'");
    assertThat(rejected("{\"id\":5,\"op\":\"execute\"}").getMessage()).contains("'sql'");
    assertThat(rejected("{\"id\":5,\"op\":\"execute\",\"sql\":7}").getMessage()).contains("'sql'");
    assertThat(rejected("{\"id\":5,\"op\":\"execute\",\"sql\":\"SELECT 1\",\"params\":{}}").getMessage())
      .contains("'params'");
    assertThat(rejected("{\"id\":5,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[[1]]}").getMessage())
      .contains("params[0]");
    assertThat(rejected("{\"id\":5,\"op\":\"batch\"}").getMessage()).contains("'steps'");
    assertThat(rejected("{\"id\":5,\"op\":\"batch\",\"steps\":[]}").getMessage()).contains("empty");
    assertThat(rejected("{\"id\":5,\"op\":\"batch\",\"steps\":[1]}").getMessage()).contains("steps[0]");
    assertThat(rejected("{\"id\":5,\"op\":\"hello\",\"protocol\":2}").getMessage()).contains("protocol 2");
    assertThat(rejected("{\"id\":5,\"op\":\"batch\",\"steps\":[{\"sql\":\"a\"},{\"sql\":\"a\"},{\"sql\":\"a\"},{\"sql\":\"a\"}]}")
      .getMessage()).contains("limit is 3");
    assertThat(rejected("{\"id\":5,\"op\":\"execute\",\"sql\":\"a\",\"params\":[1,2,3,4,5,6,7,8,9]}").getMessage())
      .contains("limit is 8");
    assertThat(rejected("{\"id\":5,\"op\":\"execute\",\"sql\":\"a\",\"params\":[{\"$base64\":\"***\"}]}")
      .getMessage()).contains("base64");
  }

  @Test
  void answersUnknownOperationWithItsOwnCode() {
    ProtocolException e = rejected("{\"id\":\"q\",\"op\":\"drop_everything\"}");
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OPERATION);
    assertThat(e.id()).isEqualTo("q");
  }
}
