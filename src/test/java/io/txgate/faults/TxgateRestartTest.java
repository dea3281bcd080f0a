package io.txgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.FaultDatabase;
import io.txgate.testsupport.TxgateProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The bank across txgate itself going away: killed with SIGKILL (no shutdown at all) and restarted,
 * then stopped with SIGTERM (graceful) and restarted, each time as a separate JVM on the same port.
 * Clients reconnect and resend their keyed transfers; afterwards nothing acknowledged is missing,
 * nothing is applied twice and the books balance.
 */
class TxgateRestartTest {

  private static final int TRANSFER_CLIENTS = 8;
  private static final int READERS = 2;
  private static final long HEALTHY_MILLIS = 3_000;
  private static final int KILLS = 3;
  private static final int TIMEOUT_MS = 3_000;
  private static final int CANCEL_GRACE_MS = 1_000;

  @Test
  void booksBalanceAcrossTxgateKillAndSigterm() throws Exception {
    AtomicInteger port = new AtomicInteger(-1);
    try (FaultDatabase db = FaultDatabase.create("restart")) {
      db.start();
      Bank bank = new Bank(db, port::get, TIMEOUT_MS, CANCEL_GRACE_MS);
      bank.createSchema();
      try (TxgateProcess txgate = TxgateProcess.start(db.url(Bank.DATABASE), Map.of(
        "TXGATE_TX_REQUEST_TIMEOUT_MS", Integer.toString(TIMEOUT_MS),
        "TXGATE_TX_CANCEL_GRACE_MS", Integer.toString(CANCEL_GRACE_MS),
        "TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", "10"))) {
        port.set(txgate.port());
        ExecutorService clients = Executors.newFixedThreadPool(TRANSFER_CLIENTS + READERS);
        try {
          List<Future<?>> work = new ArrayList<>();
          for (int k = 0; k < TRANSFER_CLIENTS; k++) {
            int n = k;
            work.add(clients.submit(() -> bank.transfers(n)));
          }
          for (int k = 0; k < READERS; k++) {
            int n = k;
            work.add(clients.submit(() -> bank.reads(n)));
          }
          try {
            // Several kills: each lands on a few transfers between their COMMIT and their answer,
            // the case that only a resend with the same requestKey gets right.
            for (int k = 1; k <= KILLS; k++) {
              Thread.sleep(HEALTHY_MILLIS);
              bank.outages.begin("txgate kill -9");
              txgate.kill9();
              txgate.restart();
              bank.outages.end();
            }

            Thread.sleep(HEALTHY_MILLIS);
            bank.outages.begin("txgate SIGTERM");
            txgate.sigterm();
            assertThat(txgate.waitForExit(60)).as("txgate exits on SIGTERM; its log:\n" + txgate.log()).isTrue();
            txgate.restart();
            bank.outages.end();
            Thread.sleep(HEALTHY_MILLIS);
          } finally {
            if (!txgate.running()) {
              txgate.restart();
            }
            bank.stop(60_000);
          }
          for (Future<?> f : work) {
            f.get(120, TimeUnit.SECONDS);
          }
        } finally {
          clients.shutdownNow();
        }
        System.out.printf("txgate restarts: %s%n", bank.summary());
        bank.allViolations().stream().limit(40).forEach(v -> System.out.println("  " + v));
        assertThat(bank.acknowledged).as("transfers acknowledged").isNotEmpty();
        bank.assertBooks();
        assertThat(bank.unsettled).as("transfers of unknown outcome never settled").isEmpty();
        assertThat(bank.errorCodes()).as("error codes clients saw").isSubsetOf(Bank.ALLOWED_CODES);
        assertThat(bank.allViolations()).as(bank.unanswered + " unanswered, " + bank.tornReads
          + " torn read(s) and other violations").isEmpty();
      }
    }
  }
}
