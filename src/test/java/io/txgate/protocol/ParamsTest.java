package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ParamsTest {

  @Test
  void parametersKeepTheirJsonTypes() {
    assertThat(Params.fromJson(7, 0)).isEqualTo(7L);
    assertThat(Params.fromJson(2.5, 0)).isEqualTo(2.5);
    assertThat(Params.fromJson("x", 0)).isEqualTo("x");
    assertThat(Params.fromJson(null, 0)).isNull();
    assertThat(Params.fromJson(new BigInteger("18446744073709551615"), 0)).isEqualTo("18446744073709551615");
  }

  @Test
  void binaryRoundTripsThroughTheBase64Marker() {
    JsonObject json = Params.binary(Buffer.buffer(new byte[] {(byte) 0xDE, (byte) 0xAD}));
    assertThat(json).isEqualTo(new JsonObject().put("$base64", "3q0="));
    assertThat(((Buffer) Params.fromJson(json, 0)).getBytes()).containsExactly(0xDE, 0xAD);
  }

  @Test
  void refusesWhatIsNotAParameterNamingItsPosition() {
    assertThatThrownBy(() -> Params.fromJson(new JsonObject().put("$base64", "***"), 3))
      .isInstanceOfSatisfying(ProtocolException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("params[3]: invalid base64 in $base64");
      });
    assertThatThrownBy(() -> Params.fromJson(new JsonArray().add(1), 0))
      .hasMessage("params[0]: must be a string, number, boolean, null or {\"$base64\": \"...\"}");
    assertThatThrownBy(() -> Params.fromJson(new JsonObject().put("$base64", "3q0=").put("x", 1), 0))
      .isInstanceOf(ProtocolException.class);
  }
}
