package io.txgate.tcp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks once at start-up that the process may open enough files: every client connection and
 * every pooled database connection is a file descriptor, and a process that runs out cannot accept
 * connections (EMFILE) long before {@code protocol.maxConnections} is reached. Linux's default soft
 * limit is often 1024.
 */
public final class FileLimits {

  private static final Logger LOG = LoggerFactory.getLogger(FileLimits.class);

  /** Descriptors besides client and database connections: the admin server, jars, logs, epoll. */
  static final int MARGIN = 256;

  private FileLimits() {
  }

  /** Logs one WARN line when the open-file limit is too low for the configured connections. */
  public static void check(int maxConnections, int poolSize) {
    OptionalLong limit = openFileLimit();
    if (limit.isEmpty()) {
      LOG.debug("the open-file limit is unknown on this platform; not checked");
      return;
    }
    warning(limit.getAsLong(), maxConnections, poolSize).ifPresent(LOG::warn);
  }

  /** The warning for a given limit, or empty when the limit is high enough. */
  static Optional<String> warning(long openFileLimit, int maxConnections, int poolSize) {
    long needed = (long) maxConnections + poolSize + MARGIN;
    if (openFileLimit >= needed) {
      return Optional.empty();
    }
    return Optional.of("the open-file limit is " + openFileLimit + ", below the " + needed
      + " file descriptors txgate may need (protocol.maxConnections " + maxConnections + " + db.poolSize "
      + poolSize + " + " + MARGIN + "): connections beyond it will be refused by the operating system."
      + " Raise it (ulimit -n " + needed + " before starting, or LimitNOFILE=" + needed
      + " in the systemd unit) or lower protocol.maxConnections");
  }

  /** The soft limit on open files, from /proc/self/limits or else the JVM's own view. */
  static OptionalLong openFileLimit() {
    try {
      OptionalLong fromProc = parseSoftLimit(Files.readString(Path.of("/proc/self/limits"), StandardCharsets.UTF_8));
      if (fromProc.isPresent()) {
        return fromProc;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc is not mounted: ask the JVM.
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /**
   * The soft limit from the text of {@code /proc/self/limits}, whose line reads
   * {@code Max open files            1024                 524288               files}; "unlimited"
   * counts as {@link Long#MAX_VALUE}.
   */
  static OptionalLong parseSoftLimit(String procLimits) {
    for (String line : procLimits.split("\n")) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        if (fields.length == 0) {
          return OptionalLong.empty();
        }
        if (fields[0].equals("unlimited")) {
          return OptionalLong.of(Long.MAX_VALUE);
        }
        try {
          return OptionalLong.of(Long.parseLong(fields[0]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
