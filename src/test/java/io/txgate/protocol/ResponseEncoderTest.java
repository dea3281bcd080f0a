package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseEncoderTest {

  private static String wire(Response r) {
    return ResponseEncoder.encode(r).toString(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsResponses() {
    Response ok = Response.success(3, new JsonObject().put("rows", List.of()));
    assertThat(ClientFrames.decodeResponse(ResponseEncoder.encode(ok))).isEqualTo(ok);
    Response err = Response.failure(ProtocolException.builder(ErrorCode.SQL_ERROR, "boom")
      .sql("42S02", 1146).id("x").step(1).build());
    Response back = ClientFrames.decodeResponse(ResponseEncoder.encode(err));
    assertThat(back.errorCode()).isEqualTo(ErrorCode.SQL_ERROR);
    assertThat(back.error().getString("sqlState")).isEqualTo("42S02");
    assertThat(back.error().getInteger("vendorCode")).isEqualTo(1146);
    assertThat(back.error().getInteger("step")).isEqualTo(1);
    assertThat(back.id()).isEqualTo("x");
  }

  @Test
  void writesASuccessAsOneLineWithItsResult() {
    assertThat(wire(Response.success(3, new JsonObject().put("rows", List.of()))))
      .isEqualTo("{\"id\":3,\"ok\":true,\"result\":{\"rows\":[]}}\n");
  }

  @Test
  void writesAFailureWithItsFieldsInTheirWireOrder() {
    Response err = Response.failure(ProtocolException.builder(ErrorCode.SQL_ERROR, "boom")
      .sql("42S02", 1146).id("x").step(1).build());
    assertThat(wire(err)).isEqualTo("{\"id\":\"x\",\"ok\":false,\"error\":{\"code\":\"SQL_ERROR\",\"message\":\"boom\","
      + "\"retryable\":false,\"sqlState\":\"42S02\",\"vendorCode\":1146,\"step\":1}}\n");
  }

  @Test
  void writesAnUnreadableIdAsNull() {
    Response err = Response.failure(new ProtocolException(ErrorCode.BAD_REQUEST, "empty frame"));
    assertThat(wire(err)).startsWith("{\"id\":null,\"ok\":false,");
  }

  @Test
  void echoesABigIntegerIdExactly() {
    Response ok = Response.success(new BigInteger("123456789012345678901234567890"), new JsonObject());
    assertThat(wire(ok)).isEqualTo("{\"id\":123456789012345678901234567890,\"ok\":true,\"result\":{}}\n");
  }

  @Test
  void keepsAMessageWithLineBreaksOnOneLine() {
    Buffer out = ResponseEncoder.encode(Response.failure(
      new ProtocolException(ErrorCode.SQL_ERROR, "line one\nline two\r\n\u2028")));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
    assertThat(text).doesNotContain("\r");
    assertThat(ClientFrames.decodeResponse(out).error().getString("message")).isEqualTo("line one\nline two\r\n\u2028");
  }
}
