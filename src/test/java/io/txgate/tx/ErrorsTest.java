package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.protocol.ErrorCode;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
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
}
