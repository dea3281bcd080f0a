package io.txgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.Params;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.data.spatial.Point;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ResultValuesTest {

  @Test
  void integersBeyondTwoToTheFiftyThreeBecomeStrings() {
    assertThat(ResultValues.toJson(ResultValues.MAX_SAFE)).isEqualTo(ResultValues.MAX_SAFE);
    assertThat(ResultValues.toJson(-ResultValues.MAX_SAFE)).isEqualTo(-ResultValues.MAX_SAFE);
    assertThat(ResultValues.toJson(ResultValues.MAX_SAFE + 1)).isEqualTo("9007199254740992");
    assertThat(ResultValues.toJson(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
    assertThat(ResultValues.toJson(new BigInteger("18446744073709551615"))).isEqualTo("18446744073709551615");
  }

  @Test
  void decimalsAreExactStrings() {
    assertThat(ResultValues.toJson(new BigDecimal("0.1000000000"))).isEqualTo("0.1000000000");
    assertThat(ResultValues.toJson(new BigDecimal("1E+3"))).isEqualTo("1000");
  }

  @Test
  void binaryUsesTheBase64Marker() {
    Object json = ResultValues.toJson(Buffer.buffer(new byte[] {(byte) 0xDE, (byte) 0xAD}));
    assertThat(json).isEqualTo(new JsonObject().put("$base64", "3q0="));
    assertThat(((Buffer) Params.fromJson(json, 0)).getBytes()).containsExactly(0xDE, 0xAD);
  }

  @Test
  void datesAndTimesAreIso8601() {
    assertThat(ResultValues.toJson(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
    assertThat(ResultValues.toJson(LocalDateTime.of(2024, 1, 31, 23, 5))).isEqualTo("2024-01-31T23:05:00");
    assertThat(ResultValues.toJson(LocalDateTime.of(2024, 1, 31, 23, 5, 1, 123_456_000)))
      .isEqualTo("2024-01-31T23:05:01.123456");
    assertThat(ResultValues.toJson(Duration.ofHours(838).plusMinutes(59).plusSeconds(59))).isEqualTo("838:59:59");
    assertThat(ResultValues.toJson(Duration.ofSeconds(-3661, -500_000_000))).isEqualTo("-01:01:01.500000");
  }

  @Test
  void cellsAreReadByTheirColumnType() {
    assertThat(ResultValues.cell("BIT", "integer", -1L)).isEqualTo("18446744073709551615");
    assertThat(ResultValues.cell("INT64", "integer", -1L)).isEqualTo(-1L);
    assertThat(ResultValues.cell("U_INT64", "integer", Numeric.create(new BigInteger("18446744073709551615"))))
      .isEqualTo("18446744073709551615");
    assertThat(ResultValues.cell("U_INT64", "integer", Numeric.create(new BigInteger("42")))).isEqualTo(42L);
    assertThat(ResultValues.cell("NUMERIC", "decimal", Numeric.create(new BigDecimal("10.50")))).isEqualTo("10.50");
    assertThat(ResultValues.cell("VARSTRING", "string", "x")).isEqualTo("x");
  }

  @Test
  void spatialValuesAreWellKnownText() {
    assertThat(ResultValues.toJson(new Point(0, 1, 2))).isEqualTo("POINT(1 2)");
    assertThat(ResultValues.toJson(new Point(0, 1.5, -2))).isEqualTo("POINT(1.5 -2)");
  }
}
