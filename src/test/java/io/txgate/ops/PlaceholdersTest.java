package io.txgate.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.tx.SqlGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Placeholders are read where the server reads code, the same code the statement guard reads:
 * executable comments ({@code /*! *}{@code /}, {@code /*!50000 *}{@code /}, {@code /*M! *}{@code /})
 * included, since the server runs their content.
 */
class PlaceholdersTest {

  @Test
  void placeholdersInsideExecutableCommentsAreCompiled() {
    Placeholders.Compiled c = Placeholders.compile(
      "UPDATE t SET a = /*!50000 :amount */ 0, b = /*M! :other */ 1 WHERE id = :id /* :no */");
    assertThat(c.names()).containsExactly("amount", "other", "id");
    assertThat(c.sql()).isEqualTo("UPDATE t SET a = /*!50000 ? */ 0, b = /*M! ? */ 1 WHERE id = ? /* :no */");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT /*! ? */ 1", "SELECT 1 /*!50000 + ? */", "SELECT /*M!100000 ? */ 1"})
  void aQuestionMarkInsideAnExecutableCommentIsRefusedLikeAnyOther(String sql) {
    assertThatThrownBy(() -> Placeholders.compile(sql)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("use :name placeholders");
  }

  @Test
  void aQuestionMarkInAnOrdinaryCommentOrLiteralIsText() {
    assertThat(Placeholders.compile("SELECT '?' /* ? */ -- ?\n").names()).isEmpty();
  }

  @Test
  void theGuardAndThePlaceholdersAgreeOnWhatIsCode() {
    // "@x := :v" inside the comment is code to both: the guard sees a user variable (the connection
    // is reset after use), and :v is a parameter.
    Placeholders.Compiled c = Placeholders.compile("SELECT /*!50000 @x := :v */ 1");
    assertThat(c.names()).containsExactly("v");
    assertThat(SqlGuard.check(c.sql(), false)).isEqualTo(SqlGuard.Verdict.RESET);
  }
}
