package io.txgate.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bank: 8 accounts, over 100 connections moving money between them at once, half with raw
 * batches (which lock rows in whatever order the transfer names them, so deadlocks happen and must
 * be absorbed), half with the {@code transfer} operation (which locks in id order), while readers
 * read every balance in one transaction. Afterwards the books must balance to the cent.
 *
 * <p>For a longer soak, {@code -DargLine="-Dbank.readers=16 -Dbank.millis=60000"}.
 */
class BankTest {

  private static final int ACCOUNTS = 8;
  private static final BigDecimal INITIAL = new BigDecimal("1000.00");
  private static final int TRANSFER_CLIENTS = 104;
  private static final int READERS = Integer.getInteger("bank.readers", 4);
  private static final long RUN_MILLIS = Long.getLong("bank.millis", 6_000);
  private static final int MAX_TRANSFERS_PER_CLIENT = 400;

  private record Counts(Map<String, AtomicLong> errors, Set<Long> acknowledgedLedgerIds, AtomicLong reads,
                        List<String> violations, AtomicLong violationCount) {
  }

  @ParameterizedTest
  @ValueSource(strings = {"REPEATABLE_READ", "SERIALIZABLE"})
  void booksBalanceUnderConcurrentTransfers(String isolation) throws Exception {
    TestSql.update("UPDATE accounts SET balance = ?, version = 0", INITIAL.toPlainString());
    long ledgerStart = TestSql.count("SELECT COALESCE(MAX(id), 0) FROM ledger");
    Counts counts = new Counts(new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet(), new AtomicLong(),
      java.util.Collections.synchronizedList(new ArrayList<>()), new AtomicLong());

    // Default retry settings (tx.maxAttempts 5): the test measures what a user gets out of the box.
    TestServer server = TestServer.start(new JsonObject().put("TXGATE_TX_ISOLATION", isolation));
    ExecutorService pool = Executors.newFixedThreadPool(TRANSFER_CLIENTS + READERS);
    long started = System.nanoTime();
    long deadline = System.currentTimeMillis() + RUN_MILLIS;
    TxStats stats = server.txgate().stats();
    long retriesBefore = stats.retries();
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int k = 0; k < TRANSFER_CLIENTS; k++) {
        boolean raw = k % 2 == 0;
        work.add(pool.submit(() -> transfers(server, raw, deadline, counts)));
      }
      for (int k = 0; k < READERS; k++) {
        work.add(pool.submit(() -> reads(server, deadline, counts)));
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      server.close();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long acknowledged = counts.acknowledgedLedgerIds().size();
    JsonObject snapshot = stats.snapshot();
    System.out.printf("bank %s: %d connections, %d transfers acknowledged in %.1f s (%.0f/s), %d reads,"
        + " retries %d %s, errors %s, violations %d%n", isolation, TRANSFER_CLIENTS + READERS, acknowledged, seconds,
      acknowledged / seconds, counts.reads().get(), stats.retries() - retriesBefore,
      snapshot.getJsonObject("retriesByCause").encode(), counts.errors(), counts.violationCount().get());

    assertThat(acknowledged).as("transfers happened").isGreaterThan(100);
    assertThat(counts.reads().get()).as("reads happened").isPositive();
    // Deadlocks and lock waits are absorbed by retries: no client sees one as an SQL_ERROR. Raw
    // batches that lock rows in the order the transfer names them keep deadlocking under this
    // contention, so a few run out of attempts: RETRIES_EXHAUSTED (retryable, nothing applied, as
    // the ledger check below proves) stays well under 1% of transfers.
    assertThat(counts.errors().keySet()).as("error codes clients saw")
      .isSubsetOf(Set.of("CONFLICT", "RETRIES_EXHAUSTED"));
    long exhausted = counts.errors().getOrDefault("RETRIES_EXHAUSTED", new AtomicLong()).get();
    assertThat(exhausted).as("requests that ran out of attempts").isLessThan(acknowledged / 100);

    // Every acknowledged transfer is in the ledger exactly once, and nothing else is.
    List<Row> ledger = TestSql.query("SELECT id, from_id, to_id, amount FROM ledger WHERE id > ?", ledgerStart);
    Set<Long> ledgerIds = new HashSet<>();
    ledger.forEach(r -> ledgerIds.add(r.getLong(0)));
    assertThat(ledger).hasSameSizeAs(ledgerIds);
    assertThat(ledgerIds).isEqualTo(counts.acknowledgedLedgerIds());

    // Final balances are the initial balances plus the ledger.
    Map<Integer, BigDecimal> expected = new HashMap<>();
    for (int id = 1; id <= ACCOUNTS; id++) {
      expected.put(id, INITIAL);
    }
    for (Row r : ledger) {
      BigDecimal amount = r.getBigDecimal(3);
      expected.merge(r.getInteger(1), amount.negate(), BigDecimal::add);
      expected.merge(r.getInteger(2), amount, BigDecimal::add);
    }
    for (Row r : TestSql.query("SELECT id, balance FROM accounts ORDER BY id")) {
      assertThat(r.getBigDecimal(1)).as("account " + r.getInteger(0)).isEqualByComparingTo(expected.get(r.getInteger(0)));
      assertThat(r.getBigDecimal(1).signum()).isGreaterThanOrEqualTo(0);
    }
    // Last, because a failure of the books above says more than a torn read.
    assertThat(counts.violations()).as(counts.violationCount() + " violation(s): every transfer ran in one transaction,"
      + " every read sums to the total, no balance is negative").isEmpty();
  }

  /** Keeps the first few violations whole, so that a broken run reports readably. */
  private static void violation(Counts counts, String what) {
    if (counts.violations().size() < 10) {
      counts.violations().add(what);
    }
    counts.violationCount().incrementAndGet();
  }

  private static void transfers(TestServer server, boolean raw, long deadline, Counts counts) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try (WireClient c = server.connect()) {
      for (int i = 0; i < MAX_TRANSFERS_PER_CLIENT && System.currentTimeMillis() < deadline; i++) {
        int from = random.nextInt(1, ACCOUNTS + 1);
        int to = random.nextInt(1, ACCOUNTS);
        to = to >= from ? to + 1 : to;
        String amount = random.nextInt(1, 60) + "." + (random.nextInt(10)) + "0";
        JsonObject request = raw ? rawTransfer(i, from, to, amount) : new JsonObject().put("id", i).put("op", "call")
          .put("name", "transfer").put("args", new JsonObject().put("from", from).put("to", to).put("amount", amount));
        JsonObject r = c.call(request);
        if (r.getBoolean("ok")) {
          JsonArray results = r.getJsonObject("result").getJsonArray("results");
          long ledgerId = results.getJsonObject(results.size() - 1).getLong("lastInsertId");
          if (raw && results.getJsonObject(2).getJsonArray("rows").getJsonArray(0).getInteger(0) != 1) {
            violation(counts, "transfer " + request.encode() + " ran a step outside its transaction");
          }
          assertThat(counts.acknowledgedLedgerIds().add(ledgerId)).as("ledger id reported twice").isTrue();
        } else {
          counts.errors().computeIfAbsent(r.getJsonObject("error").getString("code"), k -> new AtomicLong())
            .incrementAndGet();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The transfer as a raw batch: rows are locked in the order the transfer names them. */
  private static JsonObject rawTransfer(int id, int from, int to, String amount) {
    JsonObject one = new JsonObject().put("affectedRows", 1);
    return new JsonObject().put("id", id).put("op", "batch").put("steps", new JsonArray()
      .add(new JsonObject().put("sql", "UPDATE accounts SET balance = balance - ?, version = version + 1"
          + " WHERE id = ? AND balance >= ?")
        .put("params", new JsonArray().add(amount).add(from).add(amount)).put("expect", one))
      .add(new JsonObject().put("sql", "UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE id = ?")
        .put("params", new JsonArray().add(amount).add(to)).put("expect", one))
      // Proves the steps share one open transaction: a lost START TRANSACTION, or a ROLLBACK that
      // ended it early, would let the later steps autocommit one by one.
      .add(new JsonObject().put("sql", "SELECT @@in_transaction"))
      .add(new JsonObject().put("sql", "INSERT INTO ledger (from_id, to_id, amount) VALUES (?, ?, ?)")
        .put("params", new JsonArray().add(from).add(to).add(amount))));
  }

  private static void reads(TestServer server, long deadline, Counts counts) {
    BigDecimal total = INITIAL.multiply(BigDecimal.valueOf(ACCOUNTS));
    try (WireClient c = server.connect()) {
      for (int i = 0; System.currentTimeMillis() < deadline; i++) {
        // A locking read: MariaDB 10.11 was seen to return a torn sum from a plain consistent read
        // under this load with no txgate in the path (scripts/snapshot-probe.sh); a read that holds
        // what it reads still sees a transfer split across two commits, which is what this checks.
        JsonObject r = c.call(new JsonObject().put("id", i).put("op", "batch")
          .put("steps", new JsonArray().add(new JsonObject()
            .put("sql", "SELECT id, balance, CONNECTION_ID() FROM accounts ORDER BY id LOCK IN SHARE MODE"))));
        if (!r.getBoolean("ok") && "RETRIES_EXHAUSTED".equals(r.getJsonObject("error").getString("code"))) {
          // The raw transfers lock rows in any order, so the reader is a deadlock victim at times;
          // a read that ran out of attempts read nothing.
          continue;
        }
        if (!r.getBoolean("ok")) {
          counts.errors().computeIfAbsent("read " + r.getJsonObject("error").getString("code"), k -> new AtomicLong())
            .incrementAndGet();
          continue;
        }
        JsonArray rows = r.getJsonObject("result").getJsonArray("results").getJsonObject(0).getJsonArray("rows");
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < rows.size(); k++) {
          BigDecimal balance = new BigDecimal(rows.getJsonArray(k).getString(1));
          if (balance.signum() < 0) {
            violation(counts, "negative balance " + rows.getJsonArray(k).encode());
          }
          sum = sum.add(balance);
        }
        if (rows.size() != ACCOUNTS || sum.compareTo(total) != 0) {
          // The connection id says which database session served the read.
          violation(counts, "read " + rows.encode() + " sums to " + sum
            + " (id, balance, connection); open transactions right after: "
            + TestSql.query("SELECT trx_mysql_thread_id, trx_state, trx_started, trx_rows_modified, trx_query"
              + " FROM information_schema.INNODB_TRX").stream().map(row -> row.toJson().encode()).toList());
        }
        counts.reads().incrementAndGet();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
