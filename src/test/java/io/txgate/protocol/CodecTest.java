package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

  private final Codec codec = new Codec(new Limits(1024, 3, 8, 100));

  private Request roundTrip(Request r) {
    Buffer wire = Codec.encodeRequest(r);
    assertThat(wire.getByte(wire.length() - 1)).isEqualTo((byte) '\n');
    return codec.decodeRequest(wire.getBuffer(0, wire.length() - 1));
  }

  private ProtocolException rejected(String frame) {
    try {
      codec.decodeRequest(Buffer.buffer(frame));
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

  @Test
  void requestKeyCarriesADigestOfTheRequestIgnoringIdAndFieldOrder() {
    Request a = codec.decodeRequest(Buffer.buffer(
      "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[1],\"requestKey\":\"k-1\"}"));
    Request b = codec.decodeRequest(Buffer.buffer(
      "{\"requestKey\":\"k-1\",\"params\":[1],\"sql\":\"SELECT ?\",\"op\":\"execute\",\"id\":99}"));
    Request c = codec.decodeRequest(Buffer.buffer(
      "{\"id\":1,\"op\":\"execute\",\"sql\":\"SELECT ?\",\"params\":[2],\"requestKey\":\"k-1\"}"));
    String digest = ((Request.Execute) a).options().requestHash();
    assertThat(digest).hasSize(64);
    assertThat(((Request.Execute) b).options().requestHash()).isEqualTo(digest);
    assertThat(((Request.Execute) c).options().requestHash()).isNotEqualTo(digest);
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
  void roundTripsResponses() {
    Response ok = Response.success(3, new JsonObject().put("rows", List.of()));
    assertThat(Codec.decodeResponse(Codec.encodeResponse(ok))).isEqualTo(ok);
    Response err = Response.failure(ProtocolException.builder(ErrorCode.SQL_ERROR, "boom")
      .sql("42S02", 1146).id("x").step(1).build());
    Response back = Codec.decodeResponse(Codec.encodeResponse(err));
    assertThat(back.errorCode()).isEqualTo(ErrorCode.SQL_ERROR);
    assertThat(back.error().getString("sqlState")).isEqualTo("42S02");
    assertThat(back.error().getInteger("vendorCode")).isEqualTo(1146);
    assertThat(back.error().getInteger("step")).isEqualTo(1);
    assertThat(back.id()).isEqualTo("x");
  }

  @Test
  void keepsBigIntegerIdsExactly() {
    Request r = codec.decodeRequest(Buffer.buffer("{\"id\":123456789012345678901234567890,\"op\":\"ping\"}"));
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
  void rejectsInvalidUtf8() {
    byte[] bytes = "{\"id\":1,\"op\":\"ping\",\"x\":\"??\"}".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 3] = (byte) 0xC3;
    bytes[bytes.length - 2] = (byte) 0x28;
    ProtocolException e;
    try {
      codec.decodeRequest(Buffer.buffer(bytes));
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

  @Test
  void errorCodeLookupThrowsOnUnknownNames() {
    assertThat(ErrorCode.of("sql_error")).isEqualTo(ErrorCode.SQL_ERROR);
    assertThatThrownBy(() -> ErrorCode.of("NOPE")).isInstanceOf(IllegalArgumentException.class);
  }
}
