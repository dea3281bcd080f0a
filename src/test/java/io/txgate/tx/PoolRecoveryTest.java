package io.txgate.tx;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A flood that makes many requests give up waiting for a connection (BUSY) must not leave the pool
 * unable to serve the next request.
 */
class PoolRecoveryTest {

  @Test
  void poolServesAgainAfterManyAcquireTimeouts() throws Exception {
    int clients = 60;
    try (TestServer server = TestServer.start(new JsonObject()
        .put("TXGATE_DB_POOL_SIZE", 2).put("TXGATE_DB_ACQUIRE_TIMEOUT_MS", 100))) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        // Both pooled connections exist before the flood: on a busy machine, opening one can take
        // longer than the 100 ms the flood's requests may wait, and the flood would then see only
        // BUSY, which says nothing about recovery.
        List<Future<String>> warm = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          warm.add(pool.submit(() -> {
            try (WireClient c = server.connect()) {
              for (int attempt = 0; attempt < 200; attempt++) {
                if (c.call(execute(attempt, "SELECT SLEEP(0.05)")).getBoolean("ok")) {
                  return "ok";
                }
              }
              return "never";
            }
          }));
        }
        for (Future<String> f : warm) {
          assertThat(f.get()).isEqualTo("ok");
        }
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          answers.add(pool.submit(() -> {
            try (WireClient c = server.connect()) {
              JsonObject r = c.call(execute(1, "SELECT SLEEP(0.2)"));
              return r.getBoolean("ok") ? "ok" : r.getJsonObject("error").getString("code");
            }
          }));
        }
        List<String> codes = new ArrayList<>();
        for (Future<String> f : answers) {
          codes.add(f.get());
        }
        assertThat(codes).contains("BUSY").containsOnly("ok", "BUSY");
      } finally {
        pool.shutdownNow();
      }
      try (WireClient c = server.connect()) {
        c.setTimeout(20_000);
        for (int i = 0; i < 10; i++) {
          JsonObject r = c.call(execute(i, "SELECT ?", i));
          assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
        }
      }
    }
  }
}
