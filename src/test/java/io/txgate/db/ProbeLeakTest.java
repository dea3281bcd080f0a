package io.txgate.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.txgate.testsupport.TestServer;
import io.txgate.testsupport.TestSql;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
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
      long before = liveInstances(NET_CLIENT);
      long connections = connectionsMade();
      Thread.sleep(5_000);
      long ran = connectionsMade() - connections;
      long after = liveInstances(NET_CLIENT);
      assertThat(ran).as("connections made to the database (probes)").isGreaterThan(10);
      assertThat(after - before).as("network clients left behind by " + ran + " probes").isLessThan(5);
    }
  }

  private static long connectionsMade() {
    return Long.parseLong(TestSql.query("SHOW GLOBAL STATUS LIKE 'Connections'").get(0).getString(1));
  }

  /** Live instances of a class, from the JVM's own class histogram (which runs a full GC first). */
  private static long liveInstances(String className) throws Exception {
    String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
      new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
      new Object[] {null}, new String[] {String[].class.getName()});
    for (String line : histogram.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[3].equals(className)) {
        return Long.parseLong(f[1]);
      }
    }
    return 0;
  }
}
