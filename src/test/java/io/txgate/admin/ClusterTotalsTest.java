package io.txgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster's view is the sum of its nodes' snapshots, and names every node it could not ask. */
class ClusterTotalsTest {

  private static JsonObject snapshot(String id, String name, int connections, double rps, long errors, int inUse,
                                     long calls, double p99, String... sessionIds) {
    JsonArray sessions = new JsonArray();
    for (String s : sessionIds) {
      sessions.add(new JsonObject().put("id", s).put("client", "c" + s));
    }
    return new JsonObject()
      .put("node", new JsonObject().put("id", id).put("name", name))
      .put("overview", new JsonObject().put("version", "1").put("accepting", true).put("connections", connections)
        .put("requests", calls).put("requestsPerSecond", rps).put("errors", errors).put("retries", 1)
        .put("retriesExhausted", 0).put("errorsByCode", new JsonObject().put("UNAVAILABLE", errors)))
      .put("pool", new JsonObject().put("maxSize", 4).put("open", 3).put("inUse", inUse).put("waiting", 0)
        .put("budget", new JsonObject().put("share", 4)))
      .put("sessions", sessions)
      .put("operations", new JsonArray().add(new JsonObject().put("name", "transfer").put("calls", calls)
        .put("errors", errors).put("retries", 0).put("p99Ms", p99)));
  }

  @Test
  void totalsAreTheSumOfTheNodesThatAnswered() {
    JsonObject view = ClusterTotals.of("a", List.of(
      snapshot("a", "10.0.0.1:5701", 2, 10.25, 1, 1, 100, 5.0, "1", "2"),
      snapshot("b", "10.0.0.2:5701", 3, 20.5, 2, 2, 200, 9.0, "1")),
      List.of(new ClusterTotals.Silent("c", "10.0.0.3:5701", "node c did not answer within 2000 ms")));

    JsonObject totals = view.getJsonObject("totals");
    assertThat(totals.getInteger("nodes")).isEqualTo(3);
    assertThat(totals.getInteger("answering")).isEqualTo(2);
    assertThat(totals.getLong("connections")).isEqualTo(5);
    assertThat(totals.getDouble("requestsPerSecond")).isEqualTo(30.8);
    assertThat(totals.getLong("errors")).isEqualTo(3);
    assertThat(totals.getJsonObject("errorsByCode").getLong("UNAVAILABLE")).isEqualTo(3);
    assertThat(totals.getJsonObject("pool").getLong("inUse")).isEqualTo(3);
    assertThat(totals.getJsonObject("pool").getLong("maxSize")).isEqualTo(8);

    JsonArray nodes = view.getJsonArray("nodes");
    assertThat(nodes.stream().map(n -> ((JsonObject) n).getString("id")).toList()).containsExactly("a", "b", "c");
    assertThat(nodes.getJsonObject(0).getBoolean("self")).isTrue();
    assertThat(nodes.getJsonObject(1).getJsonObject("pool").getJsonObject("budget").getInteger("share")).isEqualTo(4);
    JsonObject silent = nodes.getJsonObject(2);
    assertThat(silent.getBoolean("answering")).isFalse();
    assertThat(silent.getString("name")).isEqualTo("10.0.0.3:5701");
    assertThat(silent.getString("error")).contains("did not answer");

    // Session ids are per node: the same id on two nodes is two sessions, told apart by node.
    JsonArray sessions = view.getJsonArray("sessions");
    assertThat(sessions.stream().map(o -> ((JsonObject) o).getString("nodeId") + "/" + ((JsonObject) o).getString("id"))
      .toList()).containsExactly("a/1", "a/2", "b/1");
    assertThat(sessions.getJsonObject(2).getString("node")).isEqualTo("10.0.0.2:5701");

    JsonObject transfer = view.getJsonArray("operations").getJsonObject(0);
    assertThat(transfer.getLong("calls")).isEqualTo(300);
    assertThat(transfer.getLong("errors")).isEqualTo(3);
    assertThat(transfer.getDouble("p99Ms")).as("the highest node's p99").isEqualTo(9.0);
  }

  @Test
  void aLoneNodeIsItsOwnTotal() {
    JsonObject view = ClusterTotals.of("a", List.of(snapshot("a", "n", 2, 1.0, 0, 0, 7, 1.0)), List.of());
    assertThat(view.getJsonObject("totals").getLong("connections")).isEqualTo(2);
    assertThat(view.getJsonArray("nodes").size()).isEqualTo(1);
    assertThat(view.getJsonArray("operations").getJsonObject(0).getLong("calls")).isEqualTo(7);
  }
}
