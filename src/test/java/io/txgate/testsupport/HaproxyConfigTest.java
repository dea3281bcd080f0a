package io.txgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txgate.config.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped packaging/haproxy.cfg, and the test configuration generated from it. */
class HaproxyConfigTest {

  private static String shipped() throws IOException {
    return Files.readString(Path.of("packaging", "haproxy.cfg"), StandardCharsets.UTF_8);
  }

  @Test
  void generatedConfigKeepsEveryShippedSettingAndReplacesOnlyAddresses() throws IOException {
    String text = HaproxyConfig.generate(shipped(), 7000, List.of(new int[] {7001, 7002}, new int[] {7003, 7004}),
      "/tmp/x/stats.sock").text();
    assertThat(text).contains("bind 127.0.0.1:7000\n", "stats socket /tmp/x/stats.sock mode 600 level operator",
      "server node1 127.0.0.1:7001 check port 7002", "server node2 127.0.0.1:7003 check port 7004",
      "option httpchk GET /ready", "http-check expect status 200", "option redispatch 1", "log global",
      "log stdout format raw local0");
    assertThat(text.replaceAll("(?m)#.*$", "")).doesNotContain("10.0.0.", "/dev/log", "chroot", "user haproxy",
      "daemon");
  }

  @Test
  void aShippedFileWithoutServerLinesIsRefused() throws IOException {
    String noServers = shipped().replaceAll("(?m)^\\s*server .*$", "");
    assertThatThrownBy(() -> HaproxyConfig.generate(noServers, 7000, List.of(new int[] {7001, 7002}), "/tmp/s"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server line");
  }

  @Test
  void aServerLineWithoutItsCheckPortIsRefused() throws IOException {
    String noCheck = shipped().replaceAll(" check port 7401", "");
    assertThatThrownBy(() -> HaproxyConfig.generate(noCheck, 7000, List.of(new int[] {7001, 7002}), "/tmp/s"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check port");
  }

  /** txgate, which knows whether a request is running, must be the one that closes an idle client. */
  @Test
  void proxyTimeoutsOutlastTheNodesIdleTimeout() throws IOException {
    int idle = Integer.parseInt(String.valueOf(Keys.IDLE_TIMEOUT_SECONDS.defaultValue()));
    for (String side : List.of("client", "server")) {
      Matcher m = Pattern.compile("(?m)^\\s*timeout " + side + " (\\d+)s\\s*$").matcher(shipped());
      assertThat(m.find()).as("timeout " + side + " in seconds").isTrue();
      assertThat(Integer.parseInt(m.group(1))).as("timeout " + side).isGreaterThan(idle);
    }
  }

  /** A paused node leaves rotation while its clients finish: HAProxy must not cut their sessions. */
  @Test
  void markingANodeDownKeepsItsSessions() throws IOException {
    assertThat(shipped().replaceAll("(?m)#.*$", "")).doesNotContain("shutdown-sessions");
  }
}
