package io.txgate.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.txgate.testsupport.TestServer;
import org.junit.jupiter.api.Test;

/** On Linux x86-64, txgate's sockets run on Netty's native epoll transport, not Java NIO. */
class TransportTest {

  @Test
  void linuxServersRunOnNativeEpoll() {
    assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
      "the native transport shipped is for Linux x86-64");
    try (TestServer server = TestServer.start()) {
      assertThat(server.vertx().isNativeTransportEnabled())
        .as("native transport unavailable: %s", server.vertx().unavailableNativeTransportCause())
        .isTrue();
    }
  }
}
