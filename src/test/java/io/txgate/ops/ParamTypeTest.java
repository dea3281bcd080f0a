package io.txgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParamTypeTest {

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-29T12:00:00", "2024-02-29 12:00:00", "2024-02-29 12:00:00.123456"})
  void aDatetimeIsAcceptedWithATOrASpace(String value) {
    // Python's str(datetime) and MySQL's own output use the space.
    assertThat(ParamType.DATETIME.bind(value)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-02-30 12:00:00", "2024-02-29", "2024-02-29  12:00:00", "yesterday"})
  void anythingElseIsRefusedWithWhatWasExpected(String value) {
    assertThatThrownBy(() -> ParamType.DATETIME.bind(value)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("2024-02-29 12:00:00");
  }
}
