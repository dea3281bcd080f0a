package io.txgate.tx;

import static io.txgate.tx.SqlGuard.Verdict.CLEAN;
import static io.txgate.tx.SqlGuard.Verdict.RESET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "SELECT * FROM t WHERE id = ?",
    "UPDATE t SET a = 1 WHERE id = ?",
    "INSERT INTO t (a) VALUES ('SET @x = 1; TEMPORARY')",
    "SELECT `@weird`, \"@x\" FROM t -- SET @x\n",
    "SELECT 1 /* GET_LOCK('x', 1) */",
    "select 'it''s @ fine', 'back\\'slash @'"
  })
  void plainStatementsLeaveNoState(String sql) {
    assertThat(SqlGuard.check(sql, true)).isEqualTo(CLEAN);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "SET @x = 1",
    "SELECT @x := 5",
    "SELECT a INTO @v FROM t",
    "SET SESSION sql_mode = ''",
    "set names latin1",
    "CREATE TEMPORARY TABLE tmp (a INT)",
    "SELECT GET_LOCK('job', 0)",
    "CALL do_things()",
    "SELECT 1 /*!50000 , @x := 1 */",
    "SELECT @@session.autocommit"
  })
  void statementsThatMayLeaveSessionStateNeedAReset(String sql) {
    assertThat(SqlGuard.check(sql, false)).isEqualTo(RESET);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "COMMIT", "rollback", "BEGIN", "START TRANSACTION", "SAVEPOINT a", "LOCK TABLES t WRITE",
    "UNLOCK TABLES", "XA START 'x'", "SET autocommit = 1", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
    "/* hi */ COMMIT", "USE mysql",
    // A server older than the comment's version skips it and runs what follows.
    "/*!99999 x */ START TRANSACTION", "/*M!999999 SELECT */ BEGIN", "/*!99999 SELECT 1 */ USE mysql",
    // A server of that version or newer runs the comment's content.
    "/*!50000 BEGIN */"
  })
  void transactionControlIsRefused(String sql) {
    assertThatThrownBy(() -> SqlGuard.check(sql, false)).isInstanceOfSatisfying(ProtocolException.class,
      e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void implicitCommitIsRefusedOnlyInsideMultiStepBatches() {
    assertThat(SqlGuard.check("CREATE TABLE x (a INT)", false)).isEqualTo(CLEAN);
    assertThatThrownBy(() -> SqlGuard.check("CREATE TABLE x (a INT)", true))
      .isInstanceOf(ProtocolException.class).hasMessageContaining("implicitly");
    assertThat(SqlGuard.check("CREATE TEMPORARY TABLE x (a INT)", true)).isEqualTo(RESET);
  }
}
