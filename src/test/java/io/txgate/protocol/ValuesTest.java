package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void integersBeyondTwoToTheFiftyThreeBecomeStrings() {
    assertThat(Values.toJson(Values.MAX_SAFE)).isEqualTo(Values.MAX_SAFE);
    assertThat(Values.toJson(-Values.MAX_SAFE)).isEqualTo(-Values.MAX_SAFE);
    assertThat(Values.toJson(Values.MAX_SAFE + 1)).isEqualTo("9007199254740992");
    assertThat(Values.toJson(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
    assertThat(Values.toJson(new BigInteger("18446744073709551615"))).isEqualTo("18446744073709551615");
  }

  @Test
  void decimalsAreExactStrings() {
    assertThat(Values.toJson(new BigDecimal("0.1000000000"))).isEqualTo("0.1000000000");
    assertThat(Values.toJson(new BigDecimal("1E+3"))).isEqualTo("1000");
  }

  @Test
  void binaryUsesTheBase64Marker() {
    Object json = Values.toJson(Buffer.buffer(new byte[] {(byte) 0xDE, (byte) 0xAD}));
    assertThat(json).isEqualTo(new JsonObject().put("$base64", "3q0="));
    assertThat(((Buffer) Values.toSql(json, 0)).getBytes()).containsExactly(0xDE, 0xAD);
  }

  @Test
  void datesAndTimesAreIso8601() {
    assertThat(Values.toJson(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
    assertThat(Values.toJson(LocalDateTime.of(2024, 1, 31, 23, 5))).isEqualTo("2024-01-31T23:05:00");
    assertThat(Values.toJson(LocalDateTime.of(2024, 1, 31, 23, 5, 1, 123_456_000)))
      .isEqualTo("2024-01-31T23:05:01.123456");
    assertThat(Values.toJson(Duration.ofHours(838).plusMinutes(59).plusSeconds(59))).isEqualTo("838:59:59");
    assertThat(Values.toJson(Duration.ofSeconds(-3661, -500_000_000))).isEqualTo("-01:01:01.500000");
  }

  @Test
  void parametersKeepTheirJsonTypes() {
    assertThat(Values.toSql(7, 0)).isEqualTo(7L);
    assertThat(Values.toSql(2.5, 0)).isEqualTo(2.5);
    assertThat(Values.toSql("x", 0)).isEqualTo("x");
    assertThat(Values.toSql(null, 0)).isNull();
    assertThat(Values.toSql(new BigInteger("18446744073709551615"), 0)).isEqualTo("18446744073709551615");
  }

  @Test
  void wireTypesNameEveryClientType() {
    assertThat(Values.wireType("U_INT64")).isEqualTo("integer");
    assertThat(Values.wireType("NUMERIC")).isEqualTo("decimal");
    assertThat(Values.wireType("LONG_BLOB")).isEqualTo("binary");
    assertThat(Values.wireType("TIMESTAMP")).isEqualTo("datetime");
    assertThat(Values.wireType("VARSTRING")).isEqualTo("string");
  }
}
