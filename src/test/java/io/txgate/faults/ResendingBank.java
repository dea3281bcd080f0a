package io.txgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.client.BatchResult;
import io.txgate.client.Committed;
import io.txgate.client.ConnectionException;
import io.txgate.client.ResultSet;
import io.txgate.client.Statement;
import io.txgate.client.TxOptions;
import io.txgate.client.TxgateClient;
import io.txgate.client.TxgateException;
import io.txgate.testsupport.TestSql;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bank on the shared test database, driven through one address (HAProxy) by the shipped Java
 * client, the way the README tells users to: every transfer carries a requestKey, and whenever the
 * client cannot tell whether it was applied (connection lost or refused, no answer in time,
 * COMMIT_UNKNOWN, a retryable error) it sends the same request with the same key again, through a
 * new connection, until it gets a definite answer or its own deadline ({@link #RESEND_BUDGET_MS})
 * passes. A transfer given up at that deadline is a client-visible failure.
 *
 * <p>Everything is counted per phase of the test: an acknowledgement under the phase in which the
 * transfer was first sent, a resend under the phase it happened in, a failure under the phase of
 * the first error that made the transfer's outcome open.
 */
final class ResendingBank {

  static final int ACCOUNTS = 8;
  static final BigDecimal INITIAL = new BigDecimal("1000.00");
  static final BigDecimal TOTAL = INITIAL.multiply(BigDecimal.valueOf(ACCOUNTS));
  /** How long a client keeps resending one transfer before it gives up: the application's own deadline. */
  static final long RESEND_BUDGET_MS = 30_000;

  private final String accounts;
  private final String ledger;
  private final int port;
  private final int timeoutMs;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile String phase = "start";

  /** Per phase, in the order the phases began. */
  private final Map<String, Phase> phases = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
  final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  final Map<String, String> refused = new ConcurrentHashMap<>();
  final Map<String, String> gaveUp = new ConcurrentHashMap<>();
  final AtomicLong replayed = new AtomicLong();
  final AtomicLong reads = new AtomicLong();
  final AtomicLong tornReads = new AtomicLong();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

  /** What happened in one phase. */
  static final class Phase {
    final LongAdder acknowledged = new LongAdder();
    final LongAdder gaveUp = new LongAdder();
    /** Requests whose connection broke after they were sent: the outcome was unknown to the client. */
    final LongAdder lostInFlight = new LongAdder();
    /** Why requests were sent again: error code and what the client knew about the commit. */
    final Map<String, LongAdder> resends = new ConcurrentHashMap<>();

    long resendCount() {
      return resends.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public String toString() {
      Map<String, Long> r = new TreeMap<>();
      resends.forEach((k, v) -> r.put(k, v.sum()));
      return "acknowledged " + acknowledged.sum() + ", gave up " + gaveUp.sum() + ", lost in flight "
        + lostInFlight.sum() + ", resends " + r;
    }
  }

  ResendingBank(String accounts, String ledger, int port, int timeoutMs) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.port = port;
    this.timeoutMs = timeoutMs;
    phase("start");
  }

  /** Creates the bank's two tables on the test database, each account at {@link #INITIAL}. */
  void createSchema() {
    TestSql.update("CREATE TABLE " + accounts + " (id INT PRIMARY KEY, balance DECIMAL(15,2) NOT NULL)"
      + " ENGINE=InnoDB");
    // request_key deliberately not unique: a transfer applied twice must be countable, not refused.
    TestSql.update("CREATE TABLE " + ledger + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, from_id INT NOT NULL,"
      + " to_id INT NOT NULL, amount DECIMAL(15,2) NOT NULL, request_key VARCHAR(64) NOT NULL,"
      + " KEY request_key (request_key)) ENGINE=InnoDB");
    for (int id = 1; id <= ACCOUNTS; id++) {
      TestSql.update("INSERT INTO " + accounts + " (id, balance) VALUES (?, ?)", id, INITIAL);
    }
  }

  void dropSchema() {
    TestSql.update("DROP TABLE IF EXISTS " + accounts + ", " + ledger);
  }

  /** Starts a phase: what happens from now on is counted under {@code name}. */
  void phase(String name) {
    phases.computeIfAbsent(name, n -> new Phase());
    phase = name;
  }

  Phase counts(String name) {
    return phases.getOrDefault(name, new Phase());
  }

  /** Each phase's counts, in order, one per line. */
  String summary() {
    StringBuilder out = new StringBuilder(String.format("acknowledged %d (replayed %d), refused %d, gave up %d,"
      + " reads %d, torn reads %d", acknowledged.size(), replayed.get(), refused.size(), gaveUp.size(), reads.get(),
      tornReads.get()));
    synchronized (phases) {
      phases.forEach((name, p) -> out.append("\n  ").append(name).append(": ").append(p));
    }
    return out.toString();
  }

  /** The sum of one counter over the phases whose names start with {@code prefix}. */
  long sum(String prefix, java.util.function.ToLongFunction<Phase> counter) {
    synchronized (phases) {
      return phases.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(e -> counter.applyAsLong(e.getValue())).sum();
    }
  }

  /** Stops the clients after their current transfer (which still gets its resends). */
  void stop() {
    running.set(false);
  }

  private TxgateClient.Options options(String name) {
    // No answer within the server's deadline plus its cancel grace plus 5 s: the connection is
    // dropped and the request's outcome is unknown, so it is resent like a lost connection.
    return new TxgateClient.Options().setHost("127.0.0.1").setPort(port).setClientName(name)
      .setConnectTimeoutMs(3_000).setRequestTimeoutMs(timeoutMs + 6_000);
  }

  /** One transfer client: one connection through HAProxy, reopened by the client when it breaks. */
  void transfers(int client) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    TxgateClient db = connect("ha-transfers-" + client);
    try {
      for (int seq = 0; running.get(); seq++) {
        int from = random.nextInt(1, ACCOUNTS + 1);
        int to = random.nextInt(1, ACCOUNTS);
        to = to >= from ? to + 1 : to;
        BigDecimal amount = new BigDecimal(random.nextInt(1, 60) + "." + random.nextInt(10) + "0");
        String key = "ha-" + ProcessHandle.current().pid() + "-" + Long.toString(System.nanoTime(), 36) + "-c"
          + client + "-" + seq;
        transfer(db, key, List.of(
          // Both rows locked first, in id order, as the reader locks them: no reader and no
          // transfer can deadlock, so the reader's locking read gets through.
          Statement.of("SELECT id FROM " + accounts + " WHERE id IN (?, ?) ORDER BY id FOR UPDATE", from, to),
          Statement.of("UPDATE " + accounts + " SET balance = balance - ? WHERE id = ? AND balance >= ?",
            amount, from, amount).expectAffectedRows(1),
          Statement.of("UPDATE " + accounts + " SET balance = balance + ? WHERE id = ?", amount, to)
            .expectAffectedRows(1),
          Statement.of("INSERT INTO " + ledger + " (from_id, to_id, amount, request_key) VALUES (?, ?, ?, ?)",
            from, to, amount, key)));
      }
    } finally {
      db.close();
    }
  }

  /**
   * What a user of txgate behind a load balancer does: send with a requestKey; on an answer that
   * leaves the outcome open, send the very same request again (the client reconnects by itself);
   * stop at a definite answer or at the application's deadline.
   */
  private void transfer(TxgateClient db, String key, List<Statement> steps) {
    String firstPhase = phase;
    String troublePhase = null;
    long giveUpAt = System.currentTimeMillis() + RESEND_BUDGET_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        BatchResult r = db.batch(steps, TxOptions.create().requestKey(key).timeoutMs(timeoutMs));
        long ledgerId = r.get(3).lastInsertId().longValueExact();
        Long earlier = acknowledged.putIfAbsent(key, ledgerId);
        if (earlier != null && earlier != ledgerId) {
          violations.add("transfer " + key + " acknowledged with ledger ids " + earlier + " and " + ledgerId);
        }
        if (r.replayed()) {
          replayed.incrementAndGet();
        }
        counts(firstPhase).acknowledged.increment();
        return;
      } catch (TxgateException e) {
        if (!e.retryable() && e.committed() != Committed.UNKNOWN) {
          // A definite answer (CONFLICT: not enough money): this send ran and rolled back, and no
          // earlier send of the key committed, or the key store would have replayed its answer.
          refused.put(key, e.code());
          return;
        }
        troublePhase = troublePhase == null ? phase : troublePhase;
        Phase now = counts(phase);
        now.resends.computeIfAbsent(e.code() + "/" + e.committed(), k -> new LongAdder()).increment();
        if (e instanceof ConnectionException && e.committed() == Committed.UNKNOWN) {
          now.lostInFlight.increment();
        }
        if (System.currentTimeMillis() > giveUpAt) {
          gaveUp.put(key, troublePhase + ": " + e.code() + " " + e.getMessage());
          counts(troublePhase).gaveUp.increment();
          return;
        }
        pause(Math.min(50L * attempt, 500));
      }
    }
  }

  /**
   * A reader: the sum of all balances, through HAProxy, must always be the total. The read locks
   * what it reads (LOCK IN SHARE MODE), so its consistency is the locks', not the snapshot's: MariaDB
   * 10.11 was seen to return a torn sum from a plain consistent read under this load, with no
   * txgate in the path (scripts/snapshot-probe.sh), while the general log showed every transfer
   * inside one transaction. A locking read still sees a transfer split across two commits, which is
   * what this reader is here to catch.
   */
  void reads() {
    TxgateClient db = connect("ha-reader");
    try {
      while (running.get()) {
        try {
          ResultSet rs = db.execute(Statement.of("SELECT COUNT(*), SUM(balance), CONNECTION_ID() FROM " + accounts
              + " LOCK IN SHARE MODE"), TxOptions.create().timeoutMs(timeoutMs));
          reads.incrementAndGet();
          long n = rs.row(0).getLong(0);
          BigDecimal sum = rs.row(0).getBigDecimal(1);
          if (n != ACCOUNTS || sum.compareTo(TOTAL) != 0) {
            tornReads.incrementAndGet();
            violations.add("read " + n + " accounts summing to " + sum + " in phase " + phase + " at "
              + java.time.Instant.now() + " on database session " + rs.row(0).getLong(2));
          }
        } catch (TxgateException e) {
          // A node going away, or a deadline: no sum was read.
          pause(100);
        }
        pause(20);
      }
    } finally {
      db.close();
    }
  }

  /** Opens the client; the first connection is retried too, as the nodes may be coming up. */
  private TxgateClient connect(String name) {
    long deadline = System.currentTimeMillis() + RESEND_BUDGET_MS;
    for (;;) {
      try {
        return TxgateClient.connect(options(name));
      } catch (TxgateException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        pause(200);
      }
    }
  }

  /** Asserts the books as a user would check them, directly on the database. */
  void assertBooks() {
    Map<String, List<Long>> byKey = new HashMap<>();
    Map<Long, String> keyOfId = new HashMap<>();
    Map<Integer, BigDecimal> expected = new TreeMap<>();
    for (int id = 1; id <= ACCOUNTS; id++) {
      expected.put(id, INITIAL);
    }
    for (Row r : TestSql.query("SELECT id, from_id, to_id, amount, request_key FROM " + ledger)) {
      String key = r.getString(4);
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getLong(0));
      keyOfId.put(r.getLong(0), key);
      expected.merge(r.getInteger(1), r.getBigDecimal(3).negate(), BigDecimal::add);
      expected.merge(r.getInteger(2), r.getBigDecimal(3), BigDecimal::add);
    }
    Map<String, List<Long>> twice = new TreeMap<>();
    byKey.forEach((k, ids) -> {
      if (ids.size() > 1) {
        twice.put(k, ids);
      }
    });
    assertThat(twice).as("request keys applied more than once (ledger ids)").isEmpty();
    List<String> lost = new ArrayList<>();
    acknowledged.forEach((key, id) -> {
      if (!key.equals(keyOfId.get(id))) {
        lost.add(key + " acknowledged with ledger id " + id + ", the ledger has " + keyOfId.get(id));
      }
    });
    assertThat(lost).as("acknowledged transfers missing from the ledger").isEmpty();
    assertThat(refused.keySet().stream().filter(byKey::containsKey).sorted().toList())
      .as("transfers answered with a definite error that were applied anyway").isEmpty();

    Map<Integer, BigDecimal> actual = new TreeMap<>();
    BigDecimal sum = BigDecimal.ZERO;
    for (Row r : TestSql.query("SELECT id, balance FROM " + accounts + " ORDER BY id")) {
      actual.put(r.getInteger(0), r.getBigDecimal(1));
      sum = sum.add(r.getBigDecimal(1));
    }
    assertThat(sum).as("sum of all balances").isEqualByComparingTo(TOTAL);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((id, want) ->
      assertThat(actual.get(id)).as("account " + id + " = initial + ledger").isEqualByComparingTo(want));
    assertThat(violations).as("double acknowledgements and torn reads").isEmpty();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
