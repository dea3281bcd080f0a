package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FileLimitsTest {

  private static final String PROC_LIMITS = """
    Limit                     Soft Limit           Hard Limit           Units
    Max cpu time              unlimited            unlimited            seconds
    Max processes             96365                96365                processes
    Max open files            1024                 524288               files
    Max locked memory         8388608              8388608              bytes
    """;

  @Test
  void readsTheSoftLimitNotTheHardOne() {
    assertThat(FileLimits.parseSoftLimit(PROC_LIMITS)).isEqualTo(OptionalLong.of(1024));
  }

  @Test
  void unlimitedIsHighEnoughForAnything() {
    String unlimited = PROC_LIMITS.replace("1024                 524288", "unlimited            unlimited");
    assertThat(FileLimits.parseSoftLimit(unlimited)).isEqualTo(OptionalLong.of(Long.MAX_VALUE));
    assertThat(FileLimits.warning(Long.MAX_VALUE, 1_000_000, 1024)).isEmpty();
  }

  @Test
  void missingLineIsUnknown() {
    assertThat(FileLimits.parseSoftLimit("Limit Soft Limit\n")).isEmpty();
  }

  @Test
  void warnsWithBothNumbersAndTheFixWhenTheLimitIsTooLow() {
    String warning = FileLimits.warning(1024, 15_000, 16).orElseThrow();
    assertThat(warning).contains("1024").contains("15272").contains("protocol.maxConnections 15000")
      .contains("ulimit -n").contains("LimitNOFILE");
  }

  @Test
  void staysQuietWhenTheLimitIsEnough() {
    assertThat(FileLimits.warning(15_272, 15_000, 16)).isEmpty();
    assertThat(FileLimits.warning(15_271, 15_000, 16)).isPresent();
  }

  @Test
  void thisMachinesLimitIsReadable() {
    assertThat(FileLimits.openFileLimit()).isPresent();
  }
}
