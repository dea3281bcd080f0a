package io.txgate.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.admin.AdminVerticle;
import io.txgate.testsupport.Http;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * POST /api/reload on a real server started from real files: what it applies, what it refuses, and
 * that open connections stay open and keep working throughout.
 */
class ReloadApiTest {

  private static final String[] ACT = {AdminVerticle.CSRF_HEADER, "1"};
  private ReloadFiles files;
  private TestServer server;

  private void start(List<String> clients, List<String> ops) throws IOException {
    start(clients, ops, new JsonObject());
  }

  private void start(List<String> clients, List<String> ops, JsonObject overrides) throws IOException {
    files = ReloadFiles.create(clients, ops);
    server = TestServer.startFromFile(files.config, overrides);
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (files != null) {
      files.close();
    }
  }

  private HttpResponse<String> reload() throws Exception {
    return Http.post(server.adminUrl() + "/api/reload", ACT);
  }

  private WireClient connectAs(String client) throws IOException {
    WireClient c = server.connect();
    c.setTimeout(30_000);
    JsonObject hello = c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", client)
      .put("token", ReloadFiles.TOKEN));
    assertThat(hello.getBoolean("ok")).as(hello.encode()).isTrue();
    return c;
  }

  private static JsonObject call(WireClient c, String op, int x) throws IOException {
    return c.call(new JsonObject().put("id", x).put("op", "call").put("name", op).put("args",
      new JsonObject().put("x", x)));
  }

  private static void assertAnswers(JsonObject r, int x) {
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getJsonObject("result").getJsonArray("results").getJsonObject(0).getJsonArray("rows").encode())
      .isEqualTo("[[" + x + "]]");
  }

  private JsonArray audit() throws Exception {
    return new JsonArray(Http.get(server.adminUrl() + "/api/audit").body());
  }

  @Test
  void anAddedOperationAndClientAreUsableAndOpenConnectionsKeepWorking() throws Exception {
    start(List.of("first"), List.of("one"));
    try (WireClient open = connectAs("first")) {
      assertAnswers(call(open, "one", 1), 1);
      assertThat(call(open, "two", 2).getJsonObject("error").getString("code")).isEqualTo("UNKNOWN_OPERATION");

      files.writeOperations(List.of("one", "two"));
      files.writeConfig(files.port, List.of("first", "second"));
      HttpResponse<String> r = reload();

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject body = new JsonObject(r.body());
      assertThat(body.getBoolean("reloaded")).isTrue();
      assertThat(body.getJsonArray("changes").getList()).contains("operation added: two", "client added: second");
      assertThat(body.getJsonArray("needsRestart").getList()).isEmpty();
      // The connection opened before the reload is still open, still itself, and sees the new operation.
      assertAnswers(call(open, "two", 3), 3);
      assertAnswers(call(open, "one", 4), 4);
      try (WireClient second = connectAs("second")) {
        assertAnswers(call(second, "two", 5), 5);
      }
    }
    JsonObject last = audit().getJsonObject(audit().size() - 1);
    assertThat(last.getString("action")).isEqualTo("reload");
    assertThat(last.getString("from")).isEqualTo("127.0.0.1");
    assertThat(last.getString("outcome")).contains("operation added: two");
  }

  @Test
  void anInvalidOperationsFileIsRefusedNamingItAndChangesNothing() throws Exception {
    start(List.of("first"), List.of("one"));
    try (WireClient open = connectAs("first")) {
      files.writeOperationsText("operations:\n  one:\n    params: {x: integer}\n    steps:\n"
        + "      - sql: \"SELECT :x AS v\"\n  two:\n    params: {x: integer}\n    steps:\n"
        + "      - sql: \"SELECT :y AS v\"\n");
      // Valid on its own, and must not be applied either: the reload is all or nothing.
      files.writeConfig(files.port, List.of("first", "second"));
      HttpResponse<String> r = reload();

      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      String error = new JsonObject(r.body()).getString("error");
      assertThat(error).contains(files.operations.toString()).contains("operations.two.steps[0].sql")
        .contains("unknown parameter :y");
      assertAnswers(call(open, "one", 7), 7);
      assertThat(call(open, "two", 8).getJsonObject("error").getString("code")).isEqualTo("UNKNOWN_OPERATION");
      try (WireClient c = server.connect()) {
        c.setTimeout(30_000);
        JsonObject hello = c.call(new JsonObject().put("id", 0).put("op", "hello").put("client", "second")
          .put("token", ReloadFiles.TOKEN));
        assertThat(hello.getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
      }
    }
    JsonObject last = audit().getJsonObject(audit().size() - 1);
    assertThat(last.getString("action")).isEqualTo("reload");
    assertThat(last.getString("outcome")).startsWith("refused, nothing changed").contains("operations.two");
  }

  @Test
  void aMissingOperationsFileIsRefusedNotZeroOperations() throws Exception {
    start(List.of("first"), List.of("one"));
    Files.delete(files.operations);
    HttpResponse<String> r = reload();

    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(new JsonObject(r.body()).getString("error")).contains("tx.operationsFile")
      .contains(files.operations.toString());
    try (WireClient c = connectAs("first")) {
      assertAnswers(call(c, "one", 6), 6);
    }
  }

  @Test
  void aChangedPortNeedsARestartAndTheServerKeepsItsPort() throws Exception {
    start(List.of("first"), List.of("one"));
    int newPort = TestServer.freePort();
    files.writeConfig(newPort, List.of("first"));
    HttpResponse<String> r = reload();

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getJsonArray("needsRestart").getList()).containsExactly("protocol.port");
    try (WireClient c = connectAs("first")) {
      assertAnswers(call(c, "one", 9), 9);
    }
    assertThat(listening(newPort)).isFalse();
    assertThat(audit().getJsonObject(audit().size() - 1).getString("outcome"))
      .contains("needs a restart, not applied: protocol.port");
  }

  @Test
  void aPermissionTakenAwayAppliesToOpenConnectionsFromTheirNextRequest() throws Exception {
    start(List.of("first", "gone"), List.of("one"));
    try (WireClient first = connectAs("first"); WireClient gone = connectAs("gone")) {
      assertAnswers(call(first, "one", 1), 1);
      // first loses "one"; gone is removed.
      files.writeConfig(files.port, List.of("first"));
      Files.writeString(files.config, Files.readString(files.config).replace("operations: \"*\"", "operations: []"));
      HttpResponse<String> r = reload();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getJsonArray("changes").getList())
        .contains("client changed: first (permissions)", "client removed: gone");

      JsonObject refused = call(first, "one", 2);
      assertThat(refused.getBoolean("ok")).as(refused.encode()).isFalse();
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("FORBIDDEN");
      assertThat(first.call(new JsonObject().put("id", 3).put("op", "ping")).getBoolean("ok")).isTrue();

      JsonObject revoked = call(gone, "one", 4);
      assertThat(revoked.getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
      assertThat(gone.closedByServer()).isTrue();
    }
  }

  @Test
  void reloadNeedsTheCsrfHeader() throws Exception {
    start(List.of("first"), List.of("one"));
    HttpResponse<String> r = Http.post(server.adminUrl() + "/api/reload");
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void reloadNeedsTheConsoleCredentials() throws Exception {
    String token = "console-token-8e2a61-0052";
    start(List.of("first"), List.of("one"), new JsonObject().put("TXGATE_ADMIN_TOKEN", token));
    assertThat(Http.post(server.adminUrl() + "/api/reload", ACT).statusCode()).isEqualTo(401);
    HttpResponse<String> r = Http.post(server.adminUrl() + "/api/reload", AdminVerticle.CSRF_HEADER, "1",
      "Authorization", "Bearer " + token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonArray audit = new JsonArray(Http.get(server.adminUrl() + "/api/audit", "Authorization", "Bearer " + token)
      .body());
    assertThat(audit.getJsonObject(audit.size() - 1).getString("who")).isEqualTo("the bearer-token holder");
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
