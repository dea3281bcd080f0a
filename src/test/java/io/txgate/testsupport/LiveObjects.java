package io.txgate.testsupport;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/** Counts what is alive in this JVM, for tests that check that nothing is kept (leaks, retention). */
public final class LiveObjects {

  private LiveObjects() {
  }

  /** Live instances of a class, from the JVM's own class histogram (which runs a full GC first). */
  public static long count(String className) throws Exception {
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
