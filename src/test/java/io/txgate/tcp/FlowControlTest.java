package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that floods requests and does not read its responses: the server pushes back through
 * TCP instead of buffering without bound, keeps serving everyone else, and loses nothing once the
 * client reads again.
 */
class FlowControlTest {

  @RegisterExtension
  static final SharedServer server = new SharedServer();

  /**
   * The most one socket read hands over at once (Netty's adaptive receive buffer stops at 64 KiB):
   * what may arrive on top of {@link ClientSession#READ_HIGH_WATER} before reading pauses.
   */
  private static final int ONE_READ = 64 * 1024;

  @Test
  void slowReaderIsThrottledNotDropped() throws Exception {
    // 3,000 requests of 8 KiB and as many answers of 8 KiB: 25 MB each way, several times what the
    // two sockets' kernel buffers hold, so the answers fill them and the server's write queue while
    // most requests are still unsent.
    int requests = 3_000;
    String pad = "p".repeat(8 * 1024);
    long planned = 0;
    for (int i = 0; i < requests; i++) {
      planned += execute(i, "SELECT ?, ?", i, pad).encode().getBytes(StandardCharsets.UTF_8).length + 1;
    }
    try (WireClient slow = server.connect(); WireClient other = server.connect()) {
      ClientSession session = sessionOf(slow);
      // The writer blocks once the server stops reading: run it beside the test.
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < requests; i += 100) {
            StringBuilder chunk = new StringBuilder();
            for (int j = i; j < i + 100; j++) {
              chunk.append(execute(j, "SELECT ?, ?", j, pad).encode()).append('\n');
            }
            slow.sendRaw(chunk.toString().getBytes(StandardCharsets.UTF_8));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });

      // Nothing is read on the client: once its unread answers fill the server's write queue, the
      // server must stop reading too, with most of the requests still unread, held back in TCP
      // (the sockets' buffers, then the blocked writer).
      waitFor(session::waitingForClientToRead, "the server to stop reading a client that reads none of its answers");
      assertThat(session.bytesIn()).as("bytes the server read of %d sent", planned).isLessThan(planned);

      for (int i = 0; i < 50; i++) {
        JsonObject r = other.call(execute(i, "SELECT ?", i));
        assertThat(r.getBoolean("ok")).isTrue();
      }

      for (int i = 0; i < requests; i++) {
        JsonObject r = slow.read();
        assertThat(r.getInteger("id")).isEqualTo(i);
        assertThat(r.getJsonObject("result").getJsonArray("rows").getJsonArray(0).getInteger(0)).isEqualTo(i);
      }
      writer.get();
      assertThat(session.bytesIn()).isEqualTo(planned);
      // What the pause is for: received-but-unrun requests never piled up in the server's memory,
      // however far ahead of its reading the client got.
      assertThat(session.peakUnread()).as("most unrun bytes held at once")
        .isLessThanOrEqualTo(ClientSession.READ_HIGH_WATER + ONE_READ);
    }
  }

  /** The server's session of a client connection, found by the client's local port. */
  private static ClientSession sessionOf(WireClient client) throws InterruptedException {
    String suffix = ":" + client.socket().getLocalPort();
    ClientSession[] found = new ClientSession[1];
    waitFor(() -> {
      found[0] = server.txgate().sessions().all().stream()
        .filter(s -> s.remoteAddress().endsWith(suffix)).findFirst().orElse(null);
      return found[0] != null;
    }, "the server's session of port " + client.socket().getLocalPort());
    return found[0];
  }

  /** Waits for a state, failing with {@code what} if it never comes (a hang, not a slow machine). */
  private static void waitFor(BooleanSupplier state, String what) throws InterruptedException {
    long giveUp = System.nanoTime() + 60_000_000_000L;
    while (!state.getAsBoolean()) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
