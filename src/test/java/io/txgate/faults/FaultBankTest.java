package io.txgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.Txgate;
import io.txgate.config.Keys;
import io.txgate.config.TxgateConfig;
import io.txgate.metrics.Telemetry;
import io.txgate.testsupport.FaultDatabase;
import io.txgate.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bank against its own MariaDB while a fault driver kills it with SIGKILL, stops it with SIGTERM
 * and freezes it with SIGSTOP, restarting or thawing it each time, over several cycles.
 *
 * <p>Asserts what users would see: every request answered (no response missing after the request's
 * deadline, the cancel grace and 5 s more), no torn read, every acknowledged transfer in the ledger,
 * no request key applied twice, balances equal to the initial balances plus the ledger, only
 * error codes that say "retry" or "unknown", and no database connection left in use at rest.
 *
 * <p>{@code -Dfaults.cycles=10} for a long run; {@code -Dfaults.generalLog=true} records the general
 * query log so that a torn read can be explained from the exact command sequence.
 */
class FaultBankTest {

  private static final int CYCLES = Integer.getInteger("faults.cycles", 3);
  private static final int TRANSFER_CLIENTS = Integer.getInteger("faults.transferClients", 16);
  private static final int READERS = Integer.getInteger("faults.readers", 8);
  private static final long HEALTHY_MILLIS = Long.getLong("faults.healthyMillis", 2_000);
  private static final long DOWN_MILLIS = Long.getLong("faults.downMillis", 2_000);
  /** Longer than the deadline plus the grace, so that only an enforced deadline answers in time. */
  private static final long FREEZE_MILLIS = Long.getLong("faults.freezeMillis", 10_000);
  private static final int TIMEOUT_MS = 3_000;
  private static final int CANCEL_GRACE_MS = 1_000;

  @Test
  void booksBalanceWhileTheDatabaseIsKilledStoppedAndFrozen() throws Exception {
    try (FaultDatabase db = FaultDatabase.create("bank")) {
      db.start();
      int port = TestServer.freePort();
      Bank running = new Bank(db, () -> port, TIMEOUT_MS, CANCEL_GRACE_MS);
      running.createSchema();
      TxgateConfig config = TxgateConfig.from(new JsonObject()
        .put(Keys.DB_URL.env(), db.url(Bank.DATABASE))
        .put(Keys.PROTOCOL_PORT.env(), port)
        .put(Keys.ADMIN_PORT.env(), TestServer.freePort())
        .put(Keys.INSTANCES.env(), 2)
        .put(Keys.SHUTDOWN_GRACE_SECONDS.env(), 10)
        .put(Keys.TX_REQUEST_TIMEOUT_MS.env(), TIMEOUT_MS)
        .put(Keys.TX_CANCEL_GRACE_MS.env(), CANCEL_GRACE_MS));
      Telemetry telemetry = new Telemetry();
      Vertx vertx = telemetry.newVertx();
      ExecutorService clients = Executors.newFixedThreadPool(TRANSFER_CLIENTS + READERS);
      try {
        Txgate txgate = TestServer.await(Txgate.start(vertx, config, telemetry));
        List<Future<?>> work = new ArrayList<>();
        for (int k = 0; k < TRANSFER_CLIENTS; k++) {
          int n = k;
          work.add(clients.submit(() -> running.transfers(n)));
        }
        for (int k = 0; k < READERS; k++) {
          int n = k;
          work.add(clients.submit(() -> running.reads(n)));
        }
        try {
          drive(db, running.outages);
        } finally {
          if (db.frozen()) {
            db.thaw();
          }
          if (!db.running()) {
            db.restart();
          }
          // Transfers of unknown outcome get up to 60 s of a healthy database to be settled.
          running.stop(60_000);
        }
        for (Future<?> f : work) {
          f.get(120, TimeUnit.SECONDS);
        }
        int inUse = awaitPoolAtRest(txgate);
        System.out.printf("fault bank, %d cycles: %s; pool in use at rest %d%n", CYCLES, running.summary(), inUse);
        running.allViolations().stream().limit(40).forEach(v -> System.out.println("  " + v));
        String evidence = running.tornReadEvidence();
        if (!evidence.isEmpty()) {
          System.out.println(evidence);
        }
        assertThat(running.acknowledged).as("transfers acknowledged").isNotEmpty();
        assertThat(running.reads.sum()).as("reads answered").isPositive();
        running.assertBooks();
        assertThat(running.unsettled).as("transfers of unknown outcome never settled").isEmpty();
        assertThat(running.errorCodes()).as("error codes clients saw").isSubsetOf(Bank.ALLOWED_CODES);
        assertThat(inUse).as("pool connections in use at rest").isZero();
        // Last: the books above say more than the list of what went wrong on the wire.
        assertThat(running.allViolations()).as(running.unanswered + " unanswered, " + running.tornReads
          + " torn read(s) and other violations").isEmpty();
      } finally {
        clients.shutdownNow();
        TestServer.await(vertx.close());
      }
    }
  }

  /** Kill -9 and restart, clean stop and restart, freeze and thaw, with healthy time between. */
  private static void drive(FaultDatabase db, Outages outages) throws InterruptedException {
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      Thread.sleep(HEALTHY_MILLIS);
      outages.begin("kill -9 #" + cycle);
      db.kill9();
      Thread.sleep(DOWN_MILLIS);
      db.restart();
      outages.end();

      Thread.sleep(HEALTHY_MILLIS);
      outages.begin("clean stop #" + cycle);
      db.stopCleanly();
      Thread.sleep(DOWN_MILLIS);
      db.restart();
      outages.end();

      Thread.sleep(HEALTHY_MILLIS);
      outages.begin("SIGSTOP #" + cycle);
      db.freeze();
      Thread.sleep(FREEZE_MILLIS);
      db.thaw();
      outages.end();
    }
    Thread.sleep(HEALTHY_MILLIS);
  }

  /** Polls the in-use gauge until it reads 0, for at most 30 s; returns the last reading. */
  private static int awaitPoolAtRest(Txgate txgate) throws InterruptedException {
    int inUse = txgate.stats().inUse();
    for (int i = 0; i < 300 && inUse != 0; i++) {
      Thread.sleep(100);
      inUse = txgate.stats().inUse();
    }
    return inUse;
  }
}
