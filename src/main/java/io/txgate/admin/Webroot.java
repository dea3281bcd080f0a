package io.txgate.admin;

import io.txgate.config.ConfigLoader;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the console's files come from: {@code <txgate.home>/webroot} when bin/txgate set
 * {@code txgate.home} (so an installed txgate serves its own files whatever the working
 * directory), else {@code webroot} in the working directory, which Vert.x falls back from to the
 * copy inside the jar.
 */
final class Webroot {

  static final String DIR = "webroot";

  private Webroot() {
  }

  static StaticHandler handler() {
    String home = System.getProperty(ConfigLoader.HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      Path dir = Path.of(home, DIR).toAbsolutePath();
      if (Files.isDirectory(dir)) {
        return StaticHandler.create(FileSystemAccess.ROOT, dir.toString());
      }
    }
    return StaticHandler.create(DIR);
  }
}
