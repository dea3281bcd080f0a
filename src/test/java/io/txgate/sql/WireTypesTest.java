package io.txgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireTypesTest {

  @Test
  void wireTypesNameEveryClientType() {
    assertThat(WireTypes.of("U_INT64")).isEqualTo("integer");
    assertThat(WireTypes.of("NUMERIC")).isEqualTo("decimal");
    assertThat(WireTypes.of("LONG_BLOB")).isEqualTo("binary");
    assertThat(WireTypes.of("TIMESTAMP")).isEqualTo("datetime");
    assertThat(WireTypes.of("VARSTRING")).isEqualTo("string");
  }
}
