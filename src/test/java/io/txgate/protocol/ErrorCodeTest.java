package io.txgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void errorCodeLookupThrowsOnUnknownNames() {
    assertThat(ErrorCode.of("sql_error")).isEqualTo(ErrorCode.SQL_ERROR);
    assertThatThrownBy(() -> ErrorCode.of("NOPE")).isInstanceOf(IllegalArgumentException.class);
  }
}
