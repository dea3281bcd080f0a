package io.txgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Conflict-aware admission under a real hot-account load: transfers over 4 accounts that lock rows
 * in the order they name them (so they deadlock), beside point reads of other rows. The transfers'
 * kind gets a limit below the pool size while the point reads are never limited; once the load
 * stops, conflict-free transfers raise the limit back and the kind is let go.
 */
class AdmissionLoadTest {

  private static final int POOL = 8;
  private static final int HOT = 4;
  private static final int TRANSFER_CLIENTS = 24;

  @Test
  void theConflictingKindIsLimitedAndRecoversWhileReadsAreNotLimited() throws Exception {
    String accounts = "t_admission_" + Long.toString(System.nanoTime() & 0xffffffL, 36);
    TestSql.update("CREATE TABLE " + accounts + " (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB");
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_DB_POOL_SIZE", POOL))) {
      for (int id = 1; id <= HOT + 100; id++) {
        TestSql.update("INSERT INTO " + accounts + " VALUES (?, 1000000)", id);
      }
      String transfer = "UPDATE " + accounts + " SET balance = balance - ? WHERE id = ?";
      String credit = "UPDATE " + accounts + " SET balance = balance + ? WHERE id = ?";
      AtomicBoolean running = new AtomicBoolean(true);
      Map<String, AtomicLong> readErrors = new ConcurrentHashMap<>();
      AtomicLong reads = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(TRANSFER_CLIENTS + 2);
      List<Future<?>> work = new ArrayList<>();
      for (int k = 0; k < TRANSFER_CLIENTS; k++) {
        work.add(pool.submit(() -> {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          try (WireClient c = server.connect()) {
            for (int i = 0; running.get() && i < 5_000; i++) {
              int from = r.nextInt(1, HOT + 1);
              int to = from % HOT + 1;
              c.call(new JsonObject().put("id", i).put("op", "batch").put("steps", new JsonArray()
                .add(new JsonObject().put("sql", transfer).put("params", new JsonArray().add(1).add(from)))
                .add(new JsonObject().put("sql", "DO SLEEP(0.002)"))
                .add(new JsonObject().put("sql", credit).put("params", new JsonArray().add(1).add(to)))));
            }
          }
          return null;
        }));
      }
      for (int k = 0; k < 2; k++) {
        work.add(pool.submit(() -> {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          try (WireClient c = server.connect()) {
            for (int i = 0; running.get(); i++) {
              JsonObject answer = c.call(new JsonObject().put("id", i).put("op", "execute")
                .put("sql", "SELECT balance FROM " + accounts + " WHERE id = ?")
                .put("params", new JsonArray().add(r.nextInt(HOT + 1, HOT + 101))));
              if (answer.getBoolean("ok")) {
                reads.incrementAndGet();
              } else {
                readErrors.computeIfAbsent(answer.getJsonObject("error").getString("code"), x -> new AtomicLong())
                  .incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      JsonObject limited = null;
      String metrics = "";
      try {
        long giveUp = System.currentTimeMillis() + 30_000;
        while (limited == null && System.currentTimeMillis() < giveUp) {
          Thread.sleep(100);
          for (Object o : admission(server)) {
            JsonObject kind = (JsonObject) o;
            if (kind.getInteger("limit") < POOL && limited == null) {
              limited = kind;
              metrics = Http.get(server.adminUrl() + "/metrics").body();
            }
          }
        }
      } finally {
        running.set(false);
        for (Future<?> f : work) {
          f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
      }
      assertThat(limited).as("a kind limited below the pool size (" + POOL + ") under the hot load").isNotNull();
      assertThat(limited.getString("fingerprint")).as("the limited kind is the transfer's")
        .isEqualTo("UPDATE " + accounts + " SET balance = balance - ? WHERE id = ?; DO SLEEP(?); UPDATE " + accounts
          + " SET balance = balance + ? WHERE id = ?");
      assertThat(limited.getInteger("maxLimit")).isEqualTo(POOL);
      assertThat(metrics).as("the limit on /metrics, labelled by the kind's id")
        .contains("txgate_admission_limit{kind=\"" + limited.getString("id") + "\"}")
        .contains("# HELP txgate_admission_limit ");
      assertThat(admission(server).stream().map(o -> ((JsonObject) o).getString("fingerprint")))
        .as("kinds limited: never the point reads").noneMatch(f -> f.startsWith("SELECT"));
      assertThat(readErrors).as("errors of the point reads").isEmpty();
      assertThat(reads.get()).as("point reads answered meanwhile").isPositive();

      // The load is over: transfers one at a time no longer conflict, and each success raises the
      // limit until the kind is back at the pool size and let go.
      try (WireClient c = server.connect()) {
        for (int i = 0; i < 2_000 && !admission(server).isEmpty(); i++) {
          JsonObject answer = c.call(new JsonObject().put("id", i).put("op", "batch").put("steps", new JsonArray()
            .add(new JsonObject().put("sql", transfer).put("params", new JsonArray().add(1).add(1)))
            .add(new JsonObject().put("sql", "DO SLEEP(0)"))
            .add(new JsonObject().put("sql", credit).put("params", new JsonArray().add(1).add(2)))));
          assertThat(answer.getBoolean("ok")).as(answer.encode()).isTrue();
        }
      }
      assertThat(admission(server)).as("kinds still limited once the conflicts stopped").isEmpty();
    } finally {
      TestSql.update("DROP TABLE IF EXISTS " + accounts);
    }
  }

  private static JsonArray admission(TestServer server) throws Exception {
    return new JsonObject(Http.get(server.adminUrl() + "/api/pool").body()).getJsonArray("admission");
  }
}
