package io.txgate.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.LiveObjects;
import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Health probes and KILL QUERY open connections outside the pool, every second for as long as txgate
 * runs. Vert.x 5.0.7's {@code MySQLConnection.connect} makes a new network client for each one and
 * never closes it, so memory grew with every probe (about 430 MB a day at the default period).
 * Counted here as live network clients in this JVM, after a full GC, around 5 s of probes (every 20 ms, as the machine allows).
 */
class ProbeLeakTest {

  private static final String NET_CLIENT = "io.vertx.core.net.impl.NetClientImpl";

  @Test
  void probesLeaveNoNetworkClientBehind() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("TXGATE_DB_HEALTH_CHECK_MS", 20))) {
      long before = LiveObjects.count(NET_CLIENT);
      long connections = connectionsMade();
      Thread.sleep(5_000);
      long ran = connectionsMade() - connections;
      long after = LiveObjects.count(NET_CLIENT);
      assertThat(ran).as("connections made to the database (probes)").isGreaterThan(10);
      assertThat(after - before).as("network clients left behind by " + ran + " probes").isLessThan(5);
    }
  }

  private static long connectionsMade() {
    return Long.parseLong(TestSql.query("SHOW GLOBAL STATUS LIKE 'Connections'").get(0).getString(1));
  }
}
