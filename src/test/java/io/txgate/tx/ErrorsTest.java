package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.ErrorCode;
import io.txgate.protocol.ProtocolException;
import io.txgate.protocol.Response;
import io.txgate.testsupport.ServerLog;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.impl.ErrorMessageFactory;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  @Test
  void transientConflictsAreRecognised() {
    assertThat(Errors.isConflict(new MySQLException("Deadlock found", 1213, "40001"))).isTrue();
    assertThat(Errors.isConflict(new MySQLException("Lock wait timeout exceeded", 1205, "HY000"))).isTrue();
    assertThat(Errors.isConflict(new MySQLException("Record has changed since last read", 1020, "HY000"))).isTrue();
    assertThat(Errors.isConflict(new MySQLException("serialization failure", 9999, "40001"))).isTrue();
    assertThat(Errors.isConflict(new MySQLException("Duplicate entry", 1062, "23000"))).isFalse();
    assertThat(Errors.isConflict(new IllegalStateException())).isFalse();
  }

  /** The digests count failures by codeOf, clients get translate's code: the two always agree. */
  @Test
  void codeOfIsTheCodeTranslateAnswers() {
    String paramCount = ErrorMessageFactory.buildWhenArgumentsLengthNotMatched(1, 2);
    Throwable[] failures = {
      new MySQLException("Duplicate entry", 1062, "23000"), new MySQLException("Deadlock found", 1213, "40001"),
      new MySQLException("Server shutdown in progress", 1053, "08S01"),
      new MySQLException("max_statement_time exceeded", 1969, "70100"),
      new ProtocolException(ErrorCode.CONFLICT, "expectation"), new ConnectionPoolTooBusyException("busy"),
      new VertxException("Timeout", true), new VertxException(paramCount, true),
      ClosedConnectionException.INSTANCE, new ConnectException("refused")};
    for (Throwable t : failures) {
      assertThat(Errors.codeOf(t)).as(t.toString()).isEqualTo(Errors.translate(t).code());
    }
    assertThat(Errors.conflictName(new MySQLException("Deadlock found", 1213, "40001"))).isEqualTo("deadlock");
    assertThat(Errors.conflictName(new MySQLException("Lock wait timeout", 1205, "HY000"))).isEqualTo("lockWaitTimeout");
    assertThat(Errors.conflictName(new MySQLException("changed", 1020, "HY000"))).isEqualTo("snapshotConflict");
  }

  @Test
  void failuresBecomeTheirWireCodes() {
    assertThat(Errors.translate(new MySQLException("Duplicate entry 'x'", 1062, "23000")))
      .satisfies(e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SQL_ERROR);
        assertThat(e.getMessage()).isEqualTo("Duplicate entry 'x'");
        assertThat(e.sqlState()).isEqualTo("23000");
        assertThat(e.vendorCode()).isEqualTo(1062);
      });
    assertThat(Errors.translate(new MySQLException("killed", 1927, "70100")).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Errors.translate(new ConnectionPoolTooBusyException("full")).code()).isEqualTo(ErrorCode.BUSY);
    assertThat(Errors.translate(new VertxException("Timeout")).code()).isEqualTo(ErrorCode.BUSY);
    assertThat(Errors.translate(new ConnectException("Connection refused")).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Errors.translate(ClosedConnectionException.INSTANCE).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Errors.translate(new NullPointerException()).code()).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void theDriversParameterCountMismatchIsTheClientsMistake() throws Exception {
    // The exact exception the MySQL client fails a query with when the tuple does not fit the
    // prepared statement (MySQLPreparedStatement.prepare / bindParameters).
    ProtocolException[] translated = new ProtocolException[1];
    String log = ServerLog.during(() -> translated[0] = Errors.translate(new VertxException(
      ErrorMessageFactory.buildWhenArgumentsLengthNotMatched(2, 1), true)));
    assertThat(log).doesNotContain("ERROR Errors");
    ProtocolException e = translated[0];
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(e.getMessage()).isEqualTo("the statement has 2 placeholders (?) but 1 parameter was sent");
    assertThat(e.ref()).isNull();
    assertThat(Errors.translate(new VertxException(ErrorMessageFactory.buildWhenArgumentsLengthNotMatched(1, 0), true))
      .getMessage()).isEqualTo("the statement has 1 placeholder (?) but 0 parameters were sent");
  }

  @Test
  void anInternalErrorCarriesACorrelationIdInItsMessageAndItsOwnField() throws Exception {
    ProtocolException[] translated = new ProtocolException[1];
    String log = ServerLog.during(() -> translated[0] = Errors.translate(new NullPointerException("boom")));
    ProtocolException e = translated[0];
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.ref()).matches("[0-9a-f]{8}");
    // Logged once, at ERROR, under the same id, with the stack trace.
    assertThat(log.split("internal error \\(ref " + e.ref() + "\\)", -1)).hasSize(2);
    assertThat(log).contains("ERROR Errors - internal error (ref " + e.ref() + ")")
      .contains("java.lang.NullPointerException: boom");
    assertThat(e.getMessage()).startsWith("internal error (ref " + e.ref() + "): NullPointerException");
    assertThat(Errors.translate(new IllegalStateException()).ref()).isNotEqualTo(e.ref());
    // The id survives the copies the request path makes, and reaches the wire.
    ProtocolException copy = e.withId(7).atStep(1);
    assertThat(copy.ref()).isEqualTo(e.ref());
    assertThat(Response.failure(copy).error().getString("ref")).isEqualTo(e.ref());
  }

  @Test
  void onlyInternalErrorsHaveAReference() {
    assertThat(Response.failure(Errors.translate(new MySQLException("Duplicate entry 'x'", 1062, "23000")))
      .error().containsKey("ref")).isFalse();
  }
}
