package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

/** Remembered answers are the answers a fresh scan gives, and the memory they take is bounded. */
class StatementFactsTest {

  @Test
  void aStatementAllowedAloneIsStillRefusedAsOneStepOfSeveral() {
    String ddl = "CREATE TABLE facts_t1 (a INT)";
    assertThat(StatementFacts.of(ddl, false).verdict()).isEqualTo(SqlGuard.Verdict.CLEAN);
    assertThatThrownBy(() -> StatementFacts.of(ddl, true)).isInstanceOf(ProtocolException.class)
      .hasMessageContaining("commits implicitly");
    assertThat(StatementFacts.of(ddl, false).verdict()).isEqualTo(SqlGuard.Verdict.CLEAN);
  }

  @Test
  void aRefusedStatementIsRefusedEveryTime() {
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> StatementFacts.of("COMMIT", false)).isInstanceOf(ProtocolException.class);
    }
  }

  @Test
  void rememberedFactsMatchAFreshScan() {
    for (String sql : new String[] {"SELECT a FROM t WHERE id = ?", "UPDATE t SET a = ? WHERE id = ?",
        "SET @x = 1", "SELECT GET_LOCK('x', 1)", "WITH c AS (SELECT 1) UPDATE t SET a = 1"}) {
      for (int repeat = 0; repeat < 2; repeat++) {
        StatementFacts.Facts f = StatementFacts.of(sql, false);
        assertThat(f.verdict()).as(sql).isEqualTo(SqlGuard.check(sql, false));
        assertThat(f.read()).as(sql).isEqualTo(SqlGuard.isRead(sql));
      }
    }
  }

  @Test
  void endlesslyDistinctStatementsNeverGrowTheTablePastItsBound() {
    for (int i = 0; i < 3 * StatementFacts.MAX_ENTRIES; i++) {
      StatementFacts.of("SELECT " + i + " FROM facts_bound", false);
      StatementFacts.of("SELECT " + i + " FROM facts_bound", true);
    }
    assertThat(StatementFacts.size()).isLessThanOrEqualTo(2 * StatementFacts.MAX_ENTRIES);
    StatementFacts.of("SELECT '" + "x".repeat(StatementFacts.MAX_SQL_CHARS) + "'", false);
    assertThat(StatementFacts.size()).isLessThanOrEqualTo(2 * StatementFacts.MAX_ENTRIES);
  }
}
