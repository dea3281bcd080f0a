package io.txgate.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The deadlock section of SHOW ENGINE INNODB STATUS, as MariaDB 10.11 printed it (captured from the
 * test database, shortened) and in MySQL 8's layout (from its manual's example: no MySQL 8 server
 * was at hand).
 */
class DeadlockReportTest {

  @Test
  void readsMariaDbsReport() throws IOException {
    DeadlockReport r = DeadlockReport.parse(resource("mariadb-10.11-deadlock.txt"));

    assertThat(r.at()).isEqualTo("2026-12-03 19:56:08");
    assertThat(r.parties()).containsExactly(
      new DeadlockReport.Party(1, 2790, "UPDATE t_ha_accounts_kav58q97 SET balance = balance + '13.50' WHERE id = 7"),
      new DeadlockReport.Party(2, 2788, "UPDATE t_ha_accounts_kav58q97\n  SET balance = balance + '45.40' WHERE id = 2"));
    assertThat(r.rolledBack()).isEqualTo(2);
  }

  @Test
  void readsMySql8sReport() throws IOException {
    DeadlockReport r = DeadlockReport.parse(resource("mysql-8-deadlock.txt"));

    assertThat(r.at()).isEqualTo("2026-12-03 10:15:02");
    assertThat(r.parties()).containsExactly(new DeadlockReport.Party(1, 9, "UPDATE t SET v = 2 WHERE id = 2"),
      new DeadlockReport.Party(2, 10, "UPDATE t SET v = 1 WHERE id = 1"));
    assertThat(r.rolledBack()).isEqualTo(1);
  }

  @Test
  void aServerWithoutDeadlocksHasNoReport() {
    assertThat(DeadlockReport.parse("=====\nBACKGROUND THREAD\n-----\nTRANSACTIONS\n------------\n")).isNull();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DeadlockReportTest.class.getResourceAsStream("/innodb/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
