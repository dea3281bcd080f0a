package io.txgate.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.ClientSuites;
import io.txgate.testsupport.TestServer;
import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the Node.js client's test suite (clients/node/test, with {@code node --test}) against a real
 * txgate started here. In CI a missing node fails the test; on a developer's machine it skips.
 */
class NodeClientTest {

  @Test
  void nodeSuitePassesAgainstARealServer() throws Exception {
    ClientSuites.require("node");
    try (TestServer server = TestServer.start()) {
      String output = ClientSuites.run(List.of("node", "--test", "--test-reporter=tap"), new File("clients/node"),
        server.port());
      assertThat(output).as(output)
        .containsPattern("(?m)^# pass [1-9][0-9]*$")
        .containsPattern("(?m)^# fail 0$")
        .containsPattern("(?m)^# cancelled 0$")
        .containsPattern("(?m)^# skipped 0$")
        .containsPattern("(?m)^# todo 0$");
    }
  }
}
