package io.txgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Framing, matching of answers to requests, timeouts and lost connections, against a scripted peer. */
class ConnectionTest {

  private static final String ONE_ROW = "{\"columns\":[\"v\"],\"types\":[\"integer\"],\"rows\":[[%s]],"
    + "\"affectedRows\":0,\"lastInsertId\":0,\"attempts\":1}";

  @Test
  void aTimedOutRequestsLateAnswerIsNeverTakenForTheNextOnes() throws Exception {
    CountDownLatch timedOut = new CountDownLatch(1);
    try (ScriptedServer server = new ScriptedServer(
      peer -> {
        peer.hello();
        Map<String, Object> slow = peer.read();
        timedOut.await(1, TimeUnit.MINUTES);
        // The late answer: a client that kept reading this connection would take it for the next call's.
        peer.ok(slow.get("id"), String.format(ONE_ROW, "\"late\""));
        while (peer.read() != null) {
          peer.ok(0, String.format(ONE_ROW, "\"wrong connection\""));
        }
      },
      peer -> {
        peer.hello();
        Map<String, Object> next = peer.read();
        peer.ok(next.get("id"), String.format(ONE_ROW, Json.write(((List<?>) next.get("params")).get(0))));
        while (peer.read() != null) {
          // nothing more
        }
      });
         TxgateClient db = TxgateClient.connect(server.options().setRequestTimeoutMs(1_000))) {
      String firstSession = db.session();
      ClientTimeoutException e = assertThrows(ClientTimeoutException.class, () -> db.execute("SELECT SLEEP(?)", 5));
      assertEquals("CONNECTION", e.code());
      assertEquals(Committed.UNKNOWN, e.committed());
      assertTrue(e.retryable());
      timedOut.countDown();
      ResultSet rs = db.execute("SELECT ?", 7);
      assertEquals(7L, rs.row(0).getObject(0));
      assertNotEquals(firstSession, db.session(), "the next call ran on a new connection");
      assertTrue(server.failures().isEmpty(), server.failures().toString());
    }
  }

  @Test
  void consistencyGoesOnTheWireInLowerCase() throws Exception {
    List<Map<String, Object>> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> request;
      while ((request = peer.read()) != null) {
        sent.add(request);
        peer.ok(request.get("id"), String.format(ONE_ROW, "1"));
      }
    });
         TxgateClient db = TxgateClient.connect(server.options())) {
      db.execute(Statement.of("SELECT 1"), TxOptions.create().readOnly(true).consistency(Consistency.PRIMARY));
      db.execute(Statement.of("SELECT 1"), TxOptions.create().readOnly(true));
      assertEquals("primary", sent.get(0).get("consistency"));
      assertTrue(!sent.get(1).containsKey("consistency"), "no consistency unless set: " + sent.get(1));
      assertTrue(server.failures().isEmpty(), server.failures().toString());
    }
  }

  @Test
  void withoutReconnectAClosedConnectionRefusesNewRequests() throws Exception {
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      peer.read();
      while (peer.read() != null) {
        // never answers
      }
    });
         TxgateClient db = TxgateClient.connect(server.options().setRequestTimeoutMs(200).setReconnect(false))) {
      assertThrows(ClientTimeoutException.class, db::ping);
      ConnectionException e = assertThrows(ConnectionException.class, db::ping);
      assertEquals(Committed.NO, e.committed(), "never sent");
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
  }

  @Test
  void anAnswerForAnotherIdClosesTheConnection() throws Exception {
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> r = peer.read();
      peer.ok(((Long) r.get("id")) + 1, "{}");
      while (peer.read() != null) {
        // drain
      }
    });
         TxgateClient db = TxgateClient.connect(server.options().setReconnect(false))) {
      ConnectionException e = assertThrows(ConnectionException.class, db::ping);
      assertEquals(Committed.UNKNOWN, e.committed());
      assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }
  }

  @Test
  void aLostConnectionFailsEveryRequestInFlightAsUnknown() throws Exception {
    CountDownLatch threeRead = new CountDownLatch(1);
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> first = peer.read();
      peer.ok(first.get("id"), String.format(ONE_ROW, "1"));
      peer.read();
      peer.read();
      threeRead.countDown();
      // closes with two requests unanswered
    });
         TxgateClient db = TxgateClient.connect(server.options().setReconnect(false))) {
      CompletableFuture<ResultSet> a = db.executeAsync(Statement.of("SELECT 1"), null);
      CompletableFuture<ResultSet> b = db.executeAsync(Statement.of("UPDATE t SET v = 1"), null);
      CompletableFuture<ResultSet> c = db.executeAsync(Statement.of("UPDATE t SET v = 2"), null);
      assertEquals(1L, a.get(1, TimeUnit.MINUTES).row(0).getLong(0));
      threeRead.await(1, TimeUnit.MINUTES);
      for (CompletableFuture<ResultSet> f : List.of(b, c)) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.MINUTES));
        ConnectionException ce = assertInstanceOf(ConnectionException.class, e.getCause());
        assertEquals(Committed.UNKNOWN, ce.committed());
        assertTrue(ce.retryable());
      }
    }
  }

  @Test
  void anIdlessErrorAnswersTheOldestRequest() throws Exception {
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.read();
      peer.send("{\"id\":null,\"ok\":false,\"error\":{\"code\":\"BUSY\",\"message\":\"too many connections\",\"retryable\":true}}");
    })) {
      TransientException e = assertThrows(TransientException.class, () -> TxgateClient.connect(server.options()));
      assertEquals("BUSY", e.code());
      assertEquals(Committed.NO, e.committed());
    }
  }

  @Test
  void unreachableServerIsAConnectionErrorWithNothingCommitted() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ConnectionException e = assertThrows(ConnectionException.class,
      () -> TxgateClient.connect(new TxgateClient.Options().setPort(port)));
    assertEquals("CONNECTION", e.code());
    assertTrue(e.retryable());
    assertEquals(Committed.NO, e.committed());
  }

  @Test
  void aFrameOverTheServersLimitIsRefusedBeforeItIsSent() throws Exception {
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> r;
      while ((r = peer.read()) != null) {
        peer.ok(r.get("id"), "{}");
      }
    });
         TxgateClient db = TxgateClient.connect(server.options())) {
      RejectedException e = assertThrows(RejectedException.class, () -> db.execute("SELECT ?", "x".repeat(5000)));
      assertEquals("FRAME_TOO_LARGE", e.code());
      assertEquals(Committed.NO, e.committed());
      db.ping();
    }
  }

  @Test
  void manyThreadsShareOneConnectionAndEachGetsItsOwnAnswer() throws Exception {
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> r;
      while ((r = peer.read()) != null) {
        peer.ok(r.get("id"), String.format(ONE_ROW, Json.write(((List<?>) r.get("params")).get(0))));
      }
    });
         TxgateClient db = TxgateClient.connect(server.options())) {
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int base = t * 1000;
        threads.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 200; i++) {
            assertEquals(base + i, db.execute("SELECT ?", base + i).row(0).getLong(0));
          }
        }));
      }
      List<CompletableFuture<ResultSet>> pipelined = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        pipelined.add(db.executeAsync(Statement.of("SELECT ?", -i), null));
      }
      for (int i = 0; i < 500; i++) {
        assertEquals(-i, pipelined.get(i).get(1, TimeUnit.MINUTES).row(0).getLong(0));
      }
      CompletableFuture.allOf(threads.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
    }
  }

  @Test
  void aBlockingCallInsideACallbackIsRefusedInsteadOfHanging() throws Exception {
    // The first answer waits until the callback is attached: a stage attached to an already
    // completed future runs on the caller's thread, not on the reader thread this test is about.
    java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> r;
      boolean first = true;
      while ((r = peer.read()) != null) {
        if (first) {
          first = false;
          try {
            attached.await(1, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        peer.ok(r.get("id"), "{}");
      }
    });
         TxgateClient db = TxgateClient.connect(server.options())) {
      CompletableFuture<Object> nested = db.pingAsync().thenApply(v -> {
        db.ping();
        return null;
      });
      attached.countDown();
      ExecutionException e = assertThrows(ExecutionException.class, () -> nested.get(1, TimeUnit.MINUTES));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      db.ping();
    }
  }

  @Test
  void closeFailsWaitingRequestsAndLaterOnes() throws Exception {
    CountDownLatch read = new CountDownLatch(1);
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      peer.read();
      read.countDown();
      while (peer.read() != null) {
        // never answers
      }
    })) {
      TxgateClient db = TxgateClient.connect(server.options());
      CompletableFuture<Void> waiting = db.pingAsync();
      read.await(1, TimeUnit.MINUTES);
      db.close();
      ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.MINUTES));
      assertEquals(Committed.UNKNOWN, assertInstanceOf(ConnectionException.class, e.getCause()).committed());
      assertEquals(Committed.NO, assertThrows(ConnectionException.class, db::ping).committed());
    }
  }

  @Test
  void longAnswersAcrossManyReadsAndCrLf() throws Exception {
    String big = "x".repeat(300_000) + "\u00e9\uD83D\uDE00";
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> r = peer.read();
      peer.send("{\"id\":" + r.get("id") + ",\"ok\":true,\"result\":" + String.format(ONE_ROW, Json.write(big)) + "}\r");
      r = peer.read();
      peer.send("{\"id\":" + r.get("id") + ",\"ok\":true,\"result\":{}}\r");
      while (peer.read() != null) {
        // drain
      }
    });
         TxgateClient db = TxgateClient.connect(server.options())) {
      assertEquals(big, db.execute("SELECT ?", "q").row(0).getString(0));
      db.ping();
    }
  }

  @Test
  void aRequestWithItsOwnDeadlineIsWaitedForLongerThanRequestTimeoutMs() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    try (ScriptedServer server = new ScriptedServer(peer -> {
      peer.hello();
      Map<String, Object> r = peer.read();
      assertEquals(1L, r.get("timeoutMs"));
      answer.await(1, TimeUnit.MINUTES);
      peer.ok(r.get("id"), String.format(ONE_ROW, "1"));
      while (peer.read() != null) {
        // drain
      }
    });
         TxgateClient db = TxgateClient.connect(server.options().setRequestTimeoutMs(50))) {
      CompletableFuture<ResultSet> f = db.executeAsync(Statement.of("SELECT 1"), TxOptions.create().timeoutMs(1));
      // Well past requestTimeoutMs, well within timeoutMs plus the margin.
      Thread.sleep(300);
      answer.countDown();
      assertEquals(1L, f.get(1, TimeUnit.MINUTES).row(0).getLong(0));
      assertTrue(server.failures().isEmpty(), server.failures().toString());
    }
  }
}
