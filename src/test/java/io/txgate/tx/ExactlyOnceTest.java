package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A request with a requestKey does its work exactly once, however often and however it is sent. */
class ExactlyOnceTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  @BeforeEach
  void accounts() {
    TestSql.resetAccounts();
  }

  private static JsonObject transfer(Object id, String key) {
    return new JsonObject().put("id", id).put("op", "call").put("name", "transfer")
      .put("args", new JsonObject().put("from", 1).put("to", 2).put("amount", "7.00"))
      .put("requestKey", key);
  }

  private static long ledgerRows(String since) {
    return TestSql.count("SELECT COUNT(*) FROM ledger WHERE id > ?", Long.parseLong(since));
  }

  private static String ledgerHigh() {
    return Long.toString(TestSql.count("SELECT COALESCE(MAX(id), 0) FROM ledger"));
  }

  @Test
  void repeatedSequentiallyTheStoredResponseComesBack() throws Exception {
    String since = ledgerHigh();
    String key = "seq-" + UUID.randomUUID();
    try (WireClient c = server.connect()) {
      JsonObject first = c.call(transfer(1, key));
      assertThat(first.getBoolean("ok")).as(first.encode()).isTrue();
      JsonObject second = c.call(transfer(2, key));
      assertThat(second.getBoolean("ok")).isTrue();
      assertThat(second.getInteger("id")).isEqualTo(2);
      assertThat(second.getJsonObject("result").getBoolean("replayed")).isTrue();
      JsonObject replayed = second.getJsonObject("result").copy();
      replayed.remove("replayed");
      assertThat(replayed).isEqualTo(first.getJsonObject("result"));
    }
    assertThat(ledgerRows(since)).isEqualTo(1);
    assertThat(TestSql.query("SELECT balance FROM accounts WHERE id = 1").get(0).getBigDecimal(0))
      .isEqualByComparingTo("993.00");
  }

  @Test
  void sentConcurrentlyTheWorkHappensOnce() throws Exception {
    String since = ledgerHigh();
    String key = "conc-" + UUID.randomUUID();
    int senders = 8;
    CyclicBarrier together = new CyclicBarrier(senders);
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Future<JsonObject>> answers = new ArrayList<>();
      for (int i = 0; i < senders; i++) {
        int id = i;
        answers.add(pool.submit(() -> {
          try (WireClient c = server.connect()) {
            together.await();
            return c.call(transfer(id, key));
          }
        }));
      }
      JsonObject original = null;
      int replays = 0;
      for (Future<JsonObject> f : answers) {
        JsonObject r = f.get();
        assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
        JsonObject result = r.getJsonObject("result").copy();
        if (Boolean.TRUE.equals(result.remove("replayed"))) {
          replays++;
        }
        if (original == null) {
          original = result;
        }
        assertThat(result).isEqualTo(original);
      }
      assertThat(replays).isEqualTo(senders - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(ledgerRows(since)).isEqualTo(1);
  }

  @Test
  void connectionCutBetweenRequestAndResponseThenRetried() throws Exception {
    String since = ledgerHigh();
    String key = "cut-" + UUID.randomUUID();
    try (WireClient c = server.connect()) {
      c.send(transfer(1, key));
    } // closed without reading the response: the client cannot know whether the work was done
    try (WireClient again = server.connect()) {
      JsonObject r = again.call(transfer(2, key));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    }
    assertThat(ledgerRows(since)).isEqualTo(1);
    // And once more, later: still the stored answer, still one row.
    try (WireClient later = server.connect()) {
      assertThat(later.call(transfer(3, key)).getJsonObject("result").getBoolean("replayed")).isTrue();
    }
    assertThat(ledgerRows(since)).isEqualTo(1);
  }

  @Test
  void failedRequestsStoreNothingSoTheKeyCanBeRetried() throws Exception {
    String key = "fail-" + UUID.randomUUID();
    try (WireClient c = server.connect()) {
      JsonObject tooMuch = transfer(1, key);
      tooMuch.getJsonObject("args").put("amount", "5000.00");
      assertThat(c.call(tooMuch).getJsonObject("error").getString("code")).isEqualTo("CONFLICT");
      assertThat(TestSql.count("SELECT COUNT(*) FROM txgate_request_keys WHERE request_key = ?", key)).isZero();
      // The same key with a different request now: allowed, since nothing was committed under it.
      JsonObject ok = c.call(transfer(2, key));
      assertThat(ok.getBoolean("ok")).isTrue();
    }
  }

  @Test
  void aKeyOnAReadOnlyOperationIsRefusedAsTheDecoderRefusesItOnRawSql() throws Exception {
    // A read-only transaction cannot write the key's claim: before this was refused up front, the
    // database answered it with error 1792 on every call.
    try (WireClient c = server.connect()) {
      JsonObject r = c.call(new JsonObject().put("id", 1).put("op", "call").put("name", "balance")
        .put("args", new JsonObject().put("id", 1)).put("requestKey", "ro-" + UUID.randomUUID()));
      assertThat(r.getBoolean("ok")).as(r.encode()).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).as(r.encode()).isEqualTo("BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message")).contains("read-only");
    }
  }

  @Test
  void aKeyReusedForADifferentRequestIsRefused() throws Exception {
    String key = "reuse-" + UUID.randomUUID();
    try (WireClient c = server.connect()) {
      assertThat(c.call(transfer(1, key)).getBoolean("ok")).isTrue();
      JsonObject other = transfer(2, key);
      other.getJsonObject("args").put("amount", "8.00");
      JsonObject r = c.call(other);
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(r.getJsonObject("error").getString("message")).contains("different request");
      // Raw SQL is keyed the same way.
      JsonObject raw = new JsonObject().put("id", 3).put("op", "execute")
        .put("sql", "UPDATE accounts SET version = version + 1 WHERE id = 3").put("requestKey", "raw-" + key);
      assertThat(c.call(raw).getJsonObject("result").getInteger("affectedRows")).isEqualTo(1);
      assertThat(c.call(raw.put("id", 4)).getJsonObject("result").getBoolean("replayed")).isTrue();
    }
    assertThat(TestSql.count("SELECT version FROM accounts WHERE id = 3")).isEqualTo(1);
  }

  @Test
  void expiredKeysAreDeleted() throws Exception {
    TestSql.update("INSERT INTO txgate_request_keys (request_key, request_hash, response, created_at)"
      + " VALUES ('expired-key', REPEAT('0', 64), '{}', NOW(6) - INTERVAL 2 DAY)");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.sqlclient.Pool pool = io.vertx.mysqlclient.MySQLBuilder.pool()
        .connectingTo(io.txgate.config.DatabaseUrls.parse(io.txgate.testsupport.TestDatabase.url())).using(vertx).build();
      long deleted = TestServer.await(RequestKeys.expire(pool, 86_400));
      assertThat(deleted).isGreaterThanOrEqualTo(1);
    } finally {
      TestServer.await(vertx.close());
    }
    assertThat(TestSql.count("SELECT COUNT(*) FROM txgate_request_keys WHERE request_key = 'expired-key'")).isZero();
  }
}
