package io.txgate.tcp;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.SharedServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
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

  @Test
  void slowReaderIsThrottledNotDropped() throws Exception {
    int requests = 20_000;
    String pad = "p".repeat(512);
    try (WireClient slow = server.connect(); WireClient other = server.connect()) {
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
    }
  }
}
