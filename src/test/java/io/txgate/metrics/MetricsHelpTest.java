package io.txgate.metrics;

import static io.txgate.testsupport.WireClient.execute;
import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every txgate series on {@code /metrics} says what it counts: an operator reading a scrape, or a
 * dashboard tool showing its help text, has nothing else to go by.
 */
class MetricsHelpTest {

  private static final Pattern TYPE = Pattern.compile("^# TYPE (txgate_\\S+) \\S+$");
  private static final Pattern HELP = Pattern.compile("^# HELP (txgate_\\S+)(?: (.*))?$");

  @Test
  void everyTxgateSeriesHasHelpText() throws Exception {
    String scrape;
    try (TestServer server = TestServer.start(); WireClient c = server.connect()) {
      // Meters tagged by op, error code or operation name appear once used: use each kind.
      assertThat(c.call(execute(1, "SELECT 1")).getBoolean("ok")).isTrue();
      assertThat(c.call(execute(2, "SELEC 1")).getBoolean("ok")).isFalse();
      JsonObject call = new JsonObject().put("id", 3).put("op", "call").put("name", "balance")
        .put("args", new JsonObject().put("id", 1));
      assertThat(c.call(call).getBoolean("ok")).as("named operation call").isTrue();
      scrape = Http.get(server.adminUrl() + "/metrics").body();
    }

    Map<String, String> help = new LinkedHashMap<>();
    List<String> families = new ArrayList<>();
    for (String line : scrape.split("\n")) {
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        families.add(t.group(1));
      }
      Matcher h = HELP.matcher(line);
      if (h.matches()) {
        help.put(h.group(1), h.group(2) == null ? "" : h.group(2).strip());
      }
    }
    // The families whose series exist only once used, so that the scrape is known to hold them.
    assertThat(families).contains("txgate_requests_total", "txgate_errors_total",
      "txgate_operation_calls_total", "txgate_operation_seconds", "txgate_request_seconds",
      "txgate_pool_wait_seconds", "txgate_db_available");

    List<String> missing = families.stream()
      .filter(f -> help.getOrDefault(f, "").isEmpty())
      .toList();
    assertThat(missing).as("txgate families without help text").isEmpty();
    List<String> emptyHelp = help.entrySet().stream()
      .filter(e -> e.getValue().isEmpty())
      .map(Map.Entry::getKey)
      .toList();
    assertThat(emptyHelp).as("# HELP txgate_ lines with no text").isEmpty();
  }
}
