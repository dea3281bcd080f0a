package io.txgate.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.FaultDatabase;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The bank the fault tests run: 8 accounts on a {@link FaultDatabase}, transfer clients sending keyed
 * raw batches through txgate, and readers checking that every read of all balances sums to the total.
 *
 * <p>Client rule: every response is awaited for at most the request's deadline plus the cancel grace
 * plus 5 s; a response that does not come in that time is UNANSWERED (counted, never waited for
 * longer). A dropped connection is reopened. A transfer whose outcome is unknown (COMMIT_UNKNOWN,
 * UNANSWERED, connection lost) is sent again with the same requestKey until an answer settles it.
 */
final class Bank {

  static final String DATABASE = "bank";
  static final int ACCOUNTS = 8;
  static final BigDecimal INITIAL = new BigDecimal("1000.00");
  static final BigDecimal TOTAL = INITIAL.multiply(BigDecimal.valueOf(ACCOUNTS));
  /** Codes a client may see while the database or txgate is faulted; nothing else is acceptable. */
  static final Set<String> ALLOWED_CODES =
    Set.of("TIMEOUT", "UNAVAILABLE", "BUSY", "COMMIT_UNKNOWN", "RETRIES_EXHAUSTED", "CONFLICT");
  /**
   * Answers after which the transfer may or may not have been applied: a deadline can pass while
   * COMMIT is on its way, so TIMEOUT is settled by a resend as well rather than taken as "not applied".
   */
  private static final Set<String> AMBIGUOUS = Set.of("COMMIT_UNKNOWN", "TIMEOUT");
  /** Answers to a resend that do not settle whether an earlier send was applied. */
  private static final Set<String> UNSETTLED = Set.of("COMMIT_UNKNOWN", "TIMEOUT", "UNAVAILABLE", "BUSY");

  private final FaultDatabase db;
  private final IntSupplier port;
  private final int timeoutMs;
  private final int readTimeoutMs;
  final Outages outages = new Outages();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile long settleDeadline = Long.MAX_VALUE;
  private final AtomicLong ids = new AtomicLong();

  final LongAdder attempted = new LongAdder();
  final LongAdder sends = new LongAdder();
  final LongAdder replayed = new LongAdder();
  final LongAdder reads = new LongAdder();
  final LongAdder connectionsLost = new LongAdder();
  /** Requests written whose connection then closed without an answer, by the fault going on. */
  final Map<String, LongAdder> lostInFlight = new ConcurrentHashMap<>();
  /** requestKey to the ledger id its acknowledgement reported. */
  final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  /** Keys whose last answer said the transfer was not applied. */
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  final Set<String> commitUnknownKeys = ConcurrentHashMap.newKeySet();
  final Set<String> unsettled = ConcurrentHashMap.newKeySet();
  final Map<String, LongAdder> transferErrors = new ConcurrentHashMap<>();
  final Map<String, LongAdder> readErrors = new ConcurrentHashMap<>();
  final AtomicLong unanswered = new AtomicLong();
  final AtomicLong wrongAnswers = new AtomicLong();
  final AtomicLong tornReads = new AtomicLong();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> unansweredSamples = Collections.synchronizedList(new ArrayList<>());
  private final List<String> tornSamples = Collections.synchronizedList(new ArrayList<>());
  private final List<String> tornTags = Collections.synchronizedList(new ArrayList<>());

  Bank(FaultDatabase db, IntSupplier port, int timeoutMs, int cancelGraceMs) {
    this.db = db;
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.readTimeoutMs = timeoutMs + cancelGraceMs + 5_000;
  }

  /** Creates the bank's database and tables on the fault database. */
  void createSchema() throws IOException {
    try (InputStream in = Bank.class.getResourceAsStream("/faults-schema.sql")) {
      db.createDatabase(DATABASE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Stops new transfers; transfers of unknown outcome keep being resent until settled or {@code settleMillis}. */
  void stop(long settleMillis) {
    settleDeadline = System.currentTimeMillis() + settleMillis;
    running.set(false);
  }

  // ---------------------------------------------------------------------------------------------
  // Clients

  private enum Kind { ANSWERED, UNANSWERED, LOST }

  private record Outcome(Kind kind, JsonObject response, long millis) {
  }

  /** One client connection that is reopened when it drops or when an answer did not come in time. */
  private final class Conn implements AutoCloseable {
    private WireClient client;

    Outcome call(JsonObject request, String what) {
      long id = ids.incrementAndGet();
      request.put("id", id);
      long epoch = outages.epoch();
      boolean downAtSend = outages.down();
      String outageAtSend = outages.current();
      long start = System.nanoTime();
      boolean sent = false;
      try {
        if (client == null) {
          client = new WireClient(port.getAsInt());
          client.setTimeout(readTimeoutMs);
        }
        sends.increment();
        client.send(request);
        sent = true;
        JsonObject r = client.read();
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (downAtSend || outages.down() || outages.epoch() != epoch) {
          outages.answeredDuringOutage(millis, what + " " + (r.getBoolean("ok", false) ? "ok"
            : r.getJsonObject("error", new JsonObject()).getString("code")));
        }
        if (!Long.valueOf(id).equals(r.getValue("id") instanceof Number n ? n.longValue() : null)) {
          // Someone else's answer (or a second answer to an earlier request): never taken as this
          // request's, so it can be neither an acknowledgement nor a torn read. The connection's
          // answers can no longer be trusted to line up: open a new one.
          wrongAnswers.incrementAndGet();
          violation("answer to request " + id + " (" + what + ") carried id " + r.getValue("id") + ": "
            + abbreviate(r.encode()));
          reset();
          return new Outcome(Kind.UNANSWERED, null, millis);
        }
        return new Outcome(Kind.ANSWERED, r, millis);
      } catch (SocketTimeoutException e) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        unanswered.incrementAndGet();
        unansweredSample("UNANSWERED after " + millis + " ms: " + what + " (request id " + id + "; at send: "
          + outageAtSend + ", now: " + outages.current() + ")");
        reset();
        return new Outcome(Kind.UNANSWERED, null, millis);
      } catch (IOException e) {
        // txgate closed the connection or is not running (a txgate restart): reopen before the next try.
        connectionsLost.increment();
        if (sent) {
          lostInFlight.computeIfAbsent(outages.current(), k -> new LongAdder()).increment();
        }
        reset();
        pause(100);
        return new Outcome(Kind.LOST, null, (System.nanoTime() - start) / 1_000_000);
      }
    }

    private void reset() {
      if (client != null) {
        try {
          client.close();
        } catch (IOException ignored) {
          // already broken
        }
        client = null;
      }
    }

    @Override
    public void close() {
      reset();
    }
  }

  /** A transfer client: keyed raw batches, each resent with its key until its outcome is known. */
  void transfers(int client) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try (Conn conn = new Conn()) {
      for (int seq = 0; running.get(); seq++) {
        int from = random.nextInt(1, ACCOUNTS + 1);
        int to = random.nextInt(1, ACCOUNTS);
        to = to >= from ? to + 1 : to;
        String amount = random.nextInt(1, 60) + "." + random.nextInt(10) + "0";
        String key = "f" + Long.toString(System.nanoTime() & 0xffffffL, 36) + "-c" + client + "-" + seq;
        attempted.increment();
        transfer(conn, key, keyedTransfer(key, from, to, amount));
      }
    }
  }

  private void transfer(Conn conn, String key, JsonObject request) {
    boolean unknown = false;
    for (;;) {
      if (unknown && System.currentTimeMillis() > settleDeadline) {
        unsettled.add(key);
        return;
      }
      Outcome o = conn.call(request.copy(), "transfer " + key);
      if (o.kind() != Kind.ANSWERED) {
        unknown = true;
        continue;
      }
      JsonObject r = o.response();
      if (r.getBoolean("ok", false)) {
        JsonObject result = r.getJsonObject("result");
        JsonArray results = result.getJsonArray("results");
        if (result.getBoolean("replayed", false)) {
          replayed.increment();
        }
        if (results.getJsonObject(3).getJsonArray("rows").getJsonArray(0).getInteger(0) != 1) {
          violation("transfer " + key + " ran a step outside its transaction: " + r.encode());
        }
        Long ledgerId = results.getJsonObject(results.size() - 1).getLong("lastInsertId");
        Long earlier = acknowledged.putIfAbsent(key, ledgerId);
        if (earlier != null && !earlier.equals(ledgerId)) {
          violation("transfer " + key + " acknowledged twice with ledger ids " + earlier + " and " + ledgerId);
        }
        outages.success();
        return;
      }
      String code = r.getJsonObject("error").getString("code");
      transferErrors.computeIfAbsent(code, k -> new LongAdder()).increment();
      if ("COMMIT_UNKNOWN".equals(code)) {
        commitUnknownKeys.add(key);
      }
      if (AMBIGUOUS.contains(code)) {
        unknown = true;
      }
      if (unknown && UNSETTLED.contains(code)) {
        pause(50);
        continue;
      }
      // Anything else is a definite answer: this send did the work and failed, so neither it nor
      // any earlier send of the key committed (a committed key would have been replayed).
      refused.add(key);
      pause(UNSETTLED.contains(code) ? 50 : 0);
      return;
    }
  }

  private JsonObject keyedTransfer(String key, int from, int to, String amount) {
    JsonObject one = new JsonObject().put("affectedRows", 1);
    return new JsonObject().put("op", "batch").put("requestKey", key).put("timeoutMs", timeoutMs)
      .put("steps", new JsonArray()
        // Both rows locked first, in id order, as the readers lock them: no reader and no transfer
        // can deadlock, so the readers' locking reads get through.
        .add(new JsonObject().put("sql", "SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE")
          .put("params", new JsonArray().add(from).add(to)))
        .add(new JsonObject().put("sql", "UPDATE accounts SET balance = balance - ?, version = version + 1"
            + " WHERE id = ? AND balance >= ?")
          .put("params", new JsonArray().add(amount).add(from).add(amount)).put("expect", one))
        .add(new JsonObject().put("sql", "UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE id = ?")
          .put("params", new JsonArray().add(amount).add(to)).put("expect", one))
        // 1 proves the steps share one open transaction.
        .add(new JsonObject().put("sql", "SELECT @@in_transaction"))
        .add(new JsonObject().put("sql", "INSERT INTO ledger (from_id, to_id, amount, request_key) VALUES (?, ?, ?, ?)")
          .put("params", new JsonArray().add(from).add(to).add(amount).add(key))));
  }

  /**
   * A reader: every balance in one locking read; the sum must always be the total. The read locks
   * what it reads (LOCK IN SHARE MODE), so its consistency is the locks', not the snapshot's: MariaDB
   * 10.11 was seen to return a torn sum from a plain consistent read under load, with no txgate in
   * the path (scripts/snapshot-probe.sh). A locking read still sees a transfer split across two
   * commits, which is what this reader is here to catch.
   */
  void reads(int client) {
    try (Conn conn = new Conn()) {
      for (int i = 0; running.get(); i++) {
        // The tag names this read in the general query log, where a torn read can be explained.
        String tag = "r" + client + "-" + i;
        JsonObject request = new JsonObject().put("op", "batch").put("timeoutMs", timeoutMs)
          .put("steps", new JsonArray().add(new JsonObject()
            .put("sql", "SELECT id, balance, CONNECTION_ID(), ? FROM accounts ORDER BY id LOCK IN SHARE MODE")
            .put("params", new JsonArray().add(tag))));
        Outcome o = conn.call(request, "read " + tag);
        if (o.kind() != Kind.ANSWERED) {
          continue;
        }
        JsonObject r = o.response();
        if (!r.getBoolean("ok", false)) {
          // A failed read is an error code, never a torn read.
          String code = r.getJsonObject("error").getString("code");
          readErrors.computeIfAbsent(code, k -> new LongAdder()).increment();
          pause(UNSETTLED.contains(code) ? 50 : 0);
          continue;
        }
        reads.increment();
        JsonArray rows = r.getJsonObject("result").getJsonArray("results").getJsonObject(0).getJsonArray("rows");
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < rows.size(); k++) {
          sum = sum.add(new BigDecimal(rows.getJsonArray(k).getString(1)));
        }
        if (rows.size() != ACCOUNTS || sum.compareTo(TOTAL) != 0) {
          tornReads.incrementAndGet();
          tornTags.add(tag);
          torn("TORN READ " + tag + " sums to " + sum + " (off by " + sum.subtract(TOTAL) + "); rows (id, balance,"
            + " connection, tag) " + rows.encode() + "; outage " + outages.current()
            + (db.generalLogEnabled() ? "; general log " + db.generalLogPath() : "; run with -Dfaults.generalLog=true"
            + " for the command sequence"));
        }
      }
    }
  }

  // Three lists, so that hundreds of unanswered requests never crowd out a torn read's details.
  private void violation(String what) {
    if (violations.size() < 40) {
      violations.add(what);
    }
  }

  private void unansweredSample(String what) {
    if (unansweredSamples.size() < 20) {
      unansweredSamples.add(what);
    }
  }

  private void torn(String what) {
    if (tornSamples.size() < 20) {
      tornSamples.add(what);
    }
  }

  /** Every kind of violation, torn reads first, for the report and the final assertion. */
  List<String> allViolations() {
    List<String> all = new ArrayList<>(tornSamples);
    all.addAll(violations);
    all.addAll(unansweredSamples);
    return all;
  }

  private static String abbreviate(String s) {
    return s.length() <= 600 ? s : s.substring(0, 600) + "...";
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The books

  /** Asserts what a user would check after the faults, with the database healthy again. */
  void assertBooks() {
    List<Row> ledger = db.query(DATABASE, "SELECT id, from_id, to_id, amount, request_key FROM ledger");
    Map<String, List<Long>> byKey = new HashMap<>();
    Map<Long, String> keyOfId = new HashMap<>();
    Map<Integer, BigDecimal> expected = new TreeMap<>();
    for (int id = 1; id <= ACCOUNTS; id++) {
      expected.put(id, INITIAL);
    }
    for (Row r : ledger) {
      String key = r.getString(4);
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getLong(0));
      keyOfId.put(r.getLong(0), key);
      BigDecimal amount = r.getBigDecimal(3);
      expected.merge(r.getInteger(1), amount.negate(), BigDecimal::add);
      expected.merge(r.getInteger(2), amount, BigDecimal::add);
    }
    Map<String, List<Long>> twice = new TreeMap<>();
    byKey.forEach((k, v) -> {
      if (v.size() > 1) {
        twice.put(k, v);
      }
    });
    assertThat(twice).as("request keys applied more than once (ledger ids)").isEmpty();

    List<String> lost = new ArrayList<>();
    acknowledged.forEach((key, id) -> {
      if (!key.equals(keyOfId.get(id))) {
        lost.add(key + " acknowledged with ledger id " + id + ", ledger has " + keyOfId.get(id));
      }
    });
    assertThat(lost).as("acknowledged transfers missing from the ledger").isEmpty();

    List<String> refusedButApplied = refused.stream().filter(byKey::containsKey).sorted().toList();
    assertThat(refusedButApplied).as("transfers answered with an error that were applied anyway").isEmpty();

    List<String> unknownSettled = commitUnknownKeys.stream().filter(k -> byKey.getOrDefault(k, List.of()).size() > 1)
      .toList();
    assertThat(unknownSettled).as("COMMIT_UNKNOWN transfers applied twice after their resend").isEmpty();

    Map<Integer, BigDecimal> actual = new TreeMap<>();
    for (Row r : db.query(DATABASE, "SELECT id, balance FROM accounts ORDER BY id")) {
      actual.put(r.getInteger(0), r.getBigDecimal(1));
    }
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((id, want) ->
      assertThat(actual.get(id)).as("account " + id + " = initial + ledger").isEqualByComparingTo(want));
  }

  /** The general log lines around each torn read: the command sequence that explains it. */
  String tornReadEvidence() throws IOException {
    if (tornTags.isEmpty() || !db.generalLogEnabled() || !Files.exists(db.generalLogPath())) {
      return "";
    }
    List<String> log = Files.readAllLines(db.generalLogPath(), StandardCharsets.ISO_8859_1);
    StringBuilder out = new StringBuilder();
    for (String tag : tornTags.subList(0, Math.min(3, tornTags.size()))) {
      for (int i = 0; i < log.size(); i++) {
        if (log.get(i).contains("'" + tag + "'")) {
          out.append("--- general log before and after torn read ").append(tag).append(" (line ").append(i + 1)
            .append(" of ").append(db.generalLogPath()).append(")\n");
          for (int k = Math.max(0, i - 80); k < Math.min(log.size(), i + 10); k++) {
            out.append(k == i ? ">> " : "   ").append(log.get(k)).append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  String summary() {
    return String.format("attempted %d, acknowledged %d (replayed %d), sends %d, transfer errors %s, reads %d,"
        + " read errors %s, torn reads %d, unanswered %d, answers with a wrong id %d, connections lost %d (with a request in flight %s), COMMIT_UNKNOWN keys %d, unsettled %d;"
        + " %s", attempted.sum(), acknowledged.size(), replayed.sum(), sends.sum(), counts(transferErrors),
      reads.sum(), counts(readErrors), tornReads.get(), unanswered.get(), wrongAnswers.get(), connectionsLost.sum(),
      counts(lostInFlight), commitUnknownKeys.size(), unsettled.size(), outages.summary());
  }

  Set<String> errorCodes() {
    Set<String> all = new java.util.TreeSet<>(transferErrors.keySet());
    all.addAll(readErrors.keySet());
    return all;
  }

  private static Map<String, Long> counts(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
