package io.txgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.cli.CommandLine.Action;
import org.junit.jupiter.api.Test;

class CommandLineTest {

  @Test
  void noArgumentsRuns() {
    assertThat(CommandLine.parse()).isEqualTo(new CommandLine(Action.RUN, null));
  }

  @Test
  void configTakesTheNextArgumentOrAnEqualsSign() {
    assertThat(CommandLine.parse("--config", "/etc/txgate/config.yaml", "--check-config"))
      .isEqualTo(new CommandLine(Action.CHECK_CONFIG, "/etc/txgate/config.yaml"));
    assertThat(CommandLine.parse("--config=c.yaml")).isEqualTo(new CommandLine(Action.RUN, "c.yaml"));
    assertThat(CommandLine.parse("-c", "c.yaml", "--version")).isEqualTo(new CommandLine(Action.VERSION, "c.yaml"));
  }

  @Test
  void everyActionHasItsFlag() {
    assertThat(CommandLine.parse("--version").action()).isEqualTo(Action.VERSION);
    assertThat(CommandLine.parse("-V").action()).isEqualTo(Action.VERSION);
    assertThat(CommandLine.parse("--help").action()).isEqualTo(Action.HELP);
    assertThat(CommandLine.parse("-h").action()).isEqualTo(Action.HELP);
    assertThat(CommandLine.parse("--check-config").action()).isEqualTo(Action.CHECK_CONFIG);
  }

  @Test
  void anythingElseIsAUsageError() {
    assertThatThrownBy(() -> CommandLine.parse("--port", "7400")).isInstanceOf(UsageException.class)
      .hasMessage("unknown argument '--port'");
    assertThatThrownBy(() -> CommandLine.parse("--config")).isInstanceOf(UsageException.class)
      .hasMessage("--config needs a file");
    assertThatThrownBy(() -> CommandLine.parse("--config=")).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> CommandLine.parse("--version", "--check-config")).isInstanceOf(UsageException.class)
      .hasMessageContaining("cannot be combined");
  }

  @Test
  void usageNamesEveryOptionAndTheVariablesThatMatter() {
    assertThat(Usage.TEXT).contains("--config", "--check-config", "--version", "--help", "TXGATE_CONFIG",
      "TXGATE_DB_URL", "JAVA_HOME", "JAVA_OPTS");
  }
}
