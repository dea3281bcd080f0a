package io.txgate.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.ClientSuites;
import io.txgate.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python and Node.js clients and txgate-cli against a server with clients configured: their
 * own auth test files (clients/python/tests/test_auth.py, clients/node/test/auth.test.js) run with
 * a token client's name and token and a JWT for a JWT client in TXGATE_TEST_AUTH_*, which switches
 * them to the tests that need such a server. In CI a missing runtime fails; elsewhere it skips.
 */
class ClientAuthSuitesTest {

  private static TestServer server;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    // No throttling: each suite's refusals come from 127.0.0.1, and must not lock out its next test.
    server = AuthServers.start(0);
    env = Map.of(
      "TXGATE_TEST_AUTH_CLIENT", "full",
      "TXGATE_TEST_AUTH_TOKEN", AuthServers.TOKEN,
      // Valid for longer than both suites take, whichever runs first.
      "TXGATE_TEST_AUTH_JWT", AuthServers.jwt(server.vertx(), AuthServers.JWT_KEY, new JsonObject().put("sub", "signed"),
        new JWTOptions().setExpiresInSeconds(600)),
      "TXGATE_TEST_AUTH_JWT_CLIENT", "signed");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void pythonClientAndCliAuthenticateWithATokenOrAJwt() throws Exception {
    ClientSuites.require("python3");
    String output = ClientSuites.run(List.of("python3", "-m", "unittest", "-v", "tests.test_auth"),
      new File("clients/python"), server.port(), env);
    assertThat(output).contains("OK").doesNotContain("skipped");
    assertThat(output).contains("AuthenticatedServerTest").doesNotContain("ServerWithoutClientsTest");
    assertThat(output).containsPattern("Ran [1-9][0-9]* tests");
  }

  @Test
  void nodeClientAndPoolAuthenticateWithATokenOrAJwt() throws Exception {
    ClientSuites.require("node");
    String output = ClientSuites.run(List.of("node", "--test", "--test-reporter=tap", "test/auth.test.js"),
      new File("clients/node"), server.port(), env);
    assertThat(output).as(output)
      .containsPattern("(?m)^ok \\d+ - the right token authenticates its client$")
      .containsPattern("(?m)^# pass [1-9][0-9]*$")
      .containsPattern("(?m)^# fail 0$")
      .containsPattern("(?m)^# skipped 0$");
  }
}
