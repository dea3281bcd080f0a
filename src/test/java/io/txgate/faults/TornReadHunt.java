package io.txgate.faults;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestDatabase;
import io.txgate.testsupport.TxgateProcess;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TornReadHunt {
  @Test
  void hunt() throws Exception {
    int clients = Integer.getInteger("hunt.clients", 16);
    int timeout = Integer.getInteger("hunt.timeout", 300);
    int seconds = Integer.getInteger("hunt.seconds", 60);
    int killEvery = Integer.getInteger("hunt.killMs", 0);
    String run = Long.toString(System.nanoTime() & 0xffffffL, 36);
    Map<String, String> env = Map.of("TXGATE_TX_REQUEST_TIMEOUT_MS", Integer.toString(timeout),
      "TXGATE_TX_CANCEL_GRACE_MS", System.getProperty("hunt.grace", "1000"));
    try (TxgateProcess node = TxgateProcess.start(TestDatabase.url(), env, "hunt")) {
      ResendingBank bank = new ResendingBank("t_hunt_a_" + run, "t_hunt_l_" + run, node.port(), timeout);
      bank.createSchema();
      ExecutorService pool = Executors.newFixedThreadPool(clients + 3);
      List<Future<?>> work = new ArrayList<>();
      for (int k = 0; k < clients; k++) {
        int n = k;
        work.add(pool.submit(() -> bank.transfers(n)));
      }
      work.add(pool.submit(bank::reads));
      work.add(pool.submit(bank::reads));
      int ddlMs = Integer.getInteger("hunt.ddlMs", 0);
      if (ddlMs > 0) {
        work.add(pool.submit(() -> {
          long stopAt = System.currentTimeMillis() + seconds * 1000L;
          while (System.currentTimeMillis() < stopAt) {
            io.txgate.testsupport.TestSql.update(io.txgate.tx.RequestKeys.DDL);
            try { Thread.sleep(ddlMs); } catch (InterruptedException e) { return; }
          }
        }));
      }
      int restartMs = Integer.getInteger("hunt.restartMs", 0);
      if (restartMs > 0) {
        work.add(pool.submit(() -> {
          long stopAt = System.currentTimeMillis() + seconds * 1000L;
          try (TxgateProcess other = TxgateProcess.start(TestDatabase.url(), env, "hunt-other")) {
            while (System.currentTimeMillis() < stopAt) {
              Thread.sleep(restartMs);
              other.sigterm();
              other.waitForExit(30);
              other.restart();
            }
          } catch (InterruptedException e) {
            return;
          }
        }));
      }
      long end = System.currentTimeMillis() + seconds * 1000L;
      while (System.currentTimeMillis() < end) {
        if (killEvery > 0) {
          Thread.sleep(killEvery);
          try {
            JsonArray s = new JsonArray(Http.get(node.adminUrl() + "/api/sessions").body());
            if (!s.isEmpty()) {
              Object id = s.getJsonObject(ThreadLocalRandom.current().nextInt(s.size())).getValue("id");
              Http.post(node.adminUrl() + "/api/sessions/" + id + "/kill", "X-Txgate-Console", "1");
            }
          } catch (Exception e) {
            System.out.println("kill: " + e);
          }
        } else {
          Thread.sleep(500);
        }
      }
      bank.stop();
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
      System.out.println("HUNT " + bank.summary());
      System.out.println("HUNT log " + node.logPath());
      try {
        bank.assertBooks();
      } finally {
        bank.dropSchema();
      }
    }
  }
}
