package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.client.ClientTimeoutException;
import io.txgate.client.Committed;
import io.txgate.client.Operation;
import io.txgate.client.TxgateClient;
import io.txgate.testsupport.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client's own timeout against a real txgate: it closes the connection, so the late answer
 * cannot be read as a later call's. A server of its own, because the abandoned statement is stopped
 * on the database as its client goes away.
 */
class JavaClientTimeoutTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @Test
  void aClientTimeoutClosesTheConnectionAndTheNextCallGetsItsOwnAnswer() {
    try (TxgateClient db = TxgateClient.connect(new TxgateClient.Options().setPort(server.port())
      .setRequestTimeoutMs(2_000))) {
      String first = db.session();
      assertThatThrownBy(() -> db.execute("SELECT SLEEP(?)", 120))
        .isInstanceOfSatisfying(ClientTimeoutException.class, e -> {
          assertThat(e.code()).isEqualTo("CONNECTION");
          assertThat(e.committed()).isEqualTo(Committed.UNKNOWN);
          assertThat(e.retryable()).isTrue();
        });
      // The next call runs on a new connection and gets its own answer (operations does not touch the
      // database; a stale answer would be the SELECT's result, with no operations in it).
      assertThat(db.operations()).extracting(Operation::name).contains("transfer");
      assertThat(db.session()).isNotEqualTo(first);
    }
  }
}
