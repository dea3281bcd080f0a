package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop while clients pipeline inserts: every acknowledged insert is in the database,
 * every request answered UNAVAILABLE left nothing behind, and no success follows an UNAVAILABLE on
 * the same connection (requests run in order, and none starts once the stop began).
 */
class ShutdownUnderLoadTest {

  private record Outcome(List<Integer> acknowledged, List<Integer> refused) {
  }

  @Test
  void nothingAcknowledgedIsLostAndNothingRefusedWasApplied() throws Exception {
    TestSql.update("DELETE FROM t_items WHERE tag = 'shutdown'");
    int clients = 20;
    int perClient = 500;
    TestServer server = TestServer.start();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (int k = 0; k < clients; k++) {
        int client = k;
        futures.add(pool.submit(() -> {
          List<Integer> acked = new ArrayList<>();
          List<Integer> refused = new ArrayList<>();
          try (WireClient c = server.connect()) {
            StringBuilder wire = new StringBuilder();
            for (int i = 0; i < perClient; i++) {
              wire.append(execute(i, "INSERT INTO t_items (tag, n) VALUES ('shutdown', ?)", client * perClient + i)
                .encode()).append('\n');
            }
            c.sendRaw(wire.toString().getBytes(StandardCharsets.UTF_8));
            for (String line = c.readLine(); line != null; line = c.readLine()) {
              JsonObject r = new JsonObject(line);
              int n = client * perClient + r.getInteger("id");
              if (r.getBoolean("ok")) {
                assertThat(refused).as("a success after a refusal").isEmpty();
                acked.add(n);
              } else {
                assertThat(r.getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");
                assertThat(r.getJsonObject("error").getBoolean("retryable")).isTrue();
                refused.add(n);
              }
            }
          } catch (java.net.SocketException closed) {
            // The server closed the connection after its last answer; what was answered counts.
          }
          return new Outcome(acked, refused);
        }));
      }
      // Stop while inserts are still flowing: once some have committed, well before all could.
      while (TestSql.count("SELECT COUNT(*) FROM t_items WHERE tag = 'shutdown'") < 200) {
        Thread.sleep(5);
      }
      server.stop();

      List<Integer> acked = new ArrayList<>();
      List<Integer> refused = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        Outcome o = f.get();
        acked.addAll(o.acknowledged());
        refused.addAll(o.refused());
      }
      assertThat(acked.size()).isGreaterThanOrEqualTo(1).isLessThan(clients * perClient);
      List<Integer> stored = TestSql.query("SELECT n FROM t_items WHERE tag = 'shutdown'").stream()
        .map(row -> row.getInteger(0)).toList();
      assertThat(stored).containsAll(acked);
      assertThat(stored).doesNotContainAnyElementsOf(refused);
    } finally {
      pool.shutdownNow();
      server.close();
    }
  }
}
