package io.txgate;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, as Maven stamped it into {@code version.properties}. */
public final class Version {

  public static final String VERSION = read();

  private Version() {
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
