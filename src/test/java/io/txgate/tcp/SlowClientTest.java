package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.txgate.config.Keys;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold a connection without using it: a frame trickled byte by byte, a connection left
 * idle, many connections from one address. Each must lose its slot; a client that is merely slow
 * within the limits, or waiting for a long statement, must not.
 */
class SlowClientTest {

  private static final JsonObject PING = new JsonObject().put("id", 1).put("op", "ping");

  @Test
  void partialFrameTrickledByteByByteIsAnsweredAndClosedAfterTheFrameTimeout() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.FRAME_TIMEOUT_MS.env(), 1000));
         WireClient c = server.connect()) {
      c.sendRaw("{\"id\":7,\"op\":\"execute\",\"sql\":\"SELECT '".getBytes(StandardCharsets.UTF_8));
      // One byte every 200 ms, each well within the timeout, until the server answers: only a clock
      // that counts from the frame's first byte (not from the latest one) ends this. Bounded: 20 s.
      InputStream in = c.socket().getInputStream();
      boolean answeredWhileTrickling = false;
      for (int i = 0; i < 100 && !answeredWhileTrickling; i++) {
        try {
          c.sendRaw(new byte[] {'x'});
          Thread.sleep(200);
          answeredWhileTrickling = in.available() > 0;
        } catch (IOException closed) {
          answeredWhileTrickling = true;
        }
      }
      assertThat(answeredWhileTrickling).as("the server gave up on the frame while its bytes still came").isTrue();
      c.setTimeout(10_000);
      JsonObject error = c.read();
      assertThat(error.getBoolean("ok")).isFalse();
      assertThat(error.getValue("id")).isNull();
      assertThat(error.getJsonObject("error").getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(error.getJsonObject("error").getString("message")).isEqualTo("frame not completed within 1000 ms");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void completeFrameSentSlowlyWithinTheTimeoutIsServed() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.FRAME_TIMEOUT_MS.env(), 10_000));
         WireClient c = server.connect()) {
      byte[] frame = (execute(1, "SELECT 42 AS answer").encode() + "\n").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < frame.length; i += 8) {
        c.sendRaw(java.util.Arrays.copyOfRange(frame, i, Math.min(frame.length, i + 8)));
        Thread.sleep(100);
      }
      JsonObject r = c.read();
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getInteger(0)).isEqualTo(42);
      assertThat(c.call(PING).getBoolean("ok")).isTrue();
    }
  }

  @Test
  void bytesBufferedWhileARequestRunsAreNotASlowFrame() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.FRAME_TIMEOUT_MS.env(), 2000));
         WireClient c = server.connect()) {
      // The second frame's first half arrives while the first request sleeps for twice the frame
      // timeout; its clock starts only when the server is free to read it.
      c.send(execute(1, "SELECT SLEEP(4) AS slept"));
      c.sendRaw("{\"id\":2,\"op\":".getBytes(StandardCharsets.UTF_8));
      JsonObject first = c.read();
      assertThat(first.getBoolean("ok")).as(first.encode()).isTrue();
      c.sendRaw("\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
      JsonObject second = c.read();
      assertThat(second.getValue("id")).isEqualTo(2);
      assertThat(second.getBoolean("ok")).as(second.encode()).isTrue();
    }
  }

  @Test
  void idleConnectionIsClosedButARequestRunningLongerThanTheIdleTimeoutIsNot() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.IDLE_TIMEOUT_SECONDS.env(), 1));
         WireClient c = server.connect()) {
      JsonObject r = c.call(execute(1, "SELECT SLEEP(3) AS slept"));
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getInteger(0)).isZero();
      // Now nothing runs and nothing is pending: the idle timeout applies.
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void partialFrameIsTheFrameTimeoutsBusinessNotTheIdleTimeouts() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
           .put(Keys.IDLE_TIMEOUT_SECONDS.env(), 1).put(Keys.FRAME_TIMEOUT_MS.env(), 20_000));
         WireClient c = server.connect()) {
      c.sendRaw("{\"id\":1,".getBytes(StandardCharsets.UTF_8));
      Thread.sleep(3000);
      c.sendRaw("\"op\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
      JsonObject r = c.read();
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    }
  }

  @Test
  void connectionsPerAddressAreCappedAndAFreedSlotIsReused() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put(Keys.MAX_CONNECTIONS_PER_ADDRESS.env(), 3))) {
      List<WireClient> admitted = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          WireClient c = server.connect();
          admitted.add(c);
          // Answered: registered (the test server spreads them over two instances).
          assertThat(c.call(PING).getBoolean("ok")).isTrue();
        }
        try (WireClient refused = server.connect()) {
          JsonObject busy = refused.read();
          assertThat(busy.getValue("id")).isNull();
          assertThat(busy.getJsonObject("error").getString("code")).isEqualTo("BUSY");
          assertThat(busy.getJsonObject("error").getString("message"))
            .isEqualTo("too many connections from 127.0.0.1: the limit is 3 per address");
          assertThat(refused.closedByServer()).isTrue();
        }
        admitted.remove(0).close();
        // The server learns of the close asynchronously: retry, bounded, until the slot is free.
        WireClient next = admittedWithin(server, 30);
        if (next == null) {
          fail("the closed connection's slot was never freed");
        }
        admitted.add(next);
        // Still capped: the freed slot was counted back once, not twice.
        try (WireClient refused = server.connect()) {
          assertThat(refused.read().getJsonObject("error").getString("code")).isEqualTo("BUSY");
        }
      } finally {
        for (WireClient c : admitted) {
          c.close();
        }
      }
    }
  }

  @Test
  void clientThatReadsNoResponsesLosesItsSlot() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
           .put(Keys.IDLE_TIMEOUT_SECONDS.env(), 1).put(Keys.MAX_CONNECTIONS_PER_ADDRESS.env(), 1));
         WireClient deaf = server.connect()) {
      // Pipelined requests whose answers (25 MB) are far more than the socket buffers hold: the
      // server stops taking requests once it cannot write, and this client never reads a byte.
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 250; i++) {
        many.append(execute(i, "SELECT REPEAT('x', 100000) AS filler").encode()).append('\n');
      }
      deaf.sendRaw(many.toString().getBytes(StandardCharsets.UTF_8));
      // It is idle (nothing runs, nothing half-received), and a graceful close could never flush:
      // the connection is dropped, and this address's only slot serves someone else.
      WireClient next = admittedWithin(server, 60);
      if (next == null) {
        fail("a client that reads nothing kept its connection slot");
      }
      next.close();
    }
  }

  /** A connection that answered a ping, within {@code seconds}; null if every attempt was refused. */
  private static WireClient admittedWithin(TestServer server, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      WireClient c = server.connect();
      try {
        JsonObject r = c.call(PING);
        if (r.getBoolean("ok")) {
          return c;
        }
        assertThat(r.getJsonObject("error").getString("code")).isEqualTo("BUSY");
      } catch (IOException refusedAndClosed) {
        // The refusal may close the socket before the ping is written.
      }
      c.close();
      Thread.sleep(100);
    }
    return null;
  }
}
