package io.txgate.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test's HAProxy configuration, made from the shipped {@code packaging/haproxy.cfg} so that the
 * shipped file is what the test runs. Only what cannot be the same in a test changes: the frontend's
 * {@code bind} address, the {@code server} lines (loopback ports of the test's nodes, every option of
 * the shipped line kept, its check port replaced), the stats socket's path, the log target (stdout,
 * into the test's log file) and the process settings of a system service ({@code chroot},
 * {@code user}, {@code group}, {@code daemon}). A shipped file without one of the lines replaced is
 * an error, never silently a different configuration.
 */
public record HaproxyConfig(String text, String backend) {

  private static final Pattern BIND = Pattern.compile("^(\\s*bind\\s+)\\S+(.*)$");
  private static final Pattern SERVER = Pattern.compile("^(\\s*)server\\s+\\S+\\s+\\S+(.*)$");
  private static final Pattern CHECK_PORT = Pattern.compile("\\bport\\s+\\d+");
  private static final Pattern SOCKET = Pattern.compile("^(\\s*stats\\s+socket\\s+)\\S+(.*)$");
  private static final Pattern LOG_TARGET = Pattern.compile("^(\\s*)log\\s+(?!global\\b)\\S+.*$");
  private static final Pattern SERVICE_ONLY = Pattern.compile("^\\s*(chroot|user|group|daemon)\\b.*$");
  private static final Pattern BACKEND = Pattern.compile("^\\s*backend\\s+(\\S+)\\s*$");

  /**
   * For scripts/bench-haproxy.sh: {@code <shipped.cfg> <frontend port> <socket path> <out.cfg>
   * <port:adminPort>...}.
   */
  public static void main(String[] args) throws java.io.IOException {
    List<int[]> nodes = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      String[] p = args[i].split(":");
      nodes.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
    }
    String shipped = java.nio.file.Files.readString(java.nio.file.Path.of(args[0]));
    java.nio.file.Files.writeString(java.nio.file.Path.of(args[3]),
      generate(shipped, Integer.parseInt(args[1]), nodes, args[2]).text());
  }

  /**
   * @param nodes each node's protocol port and admin port, {@code {port, adminPort}}; they become
   *              servers {@code node1}, {@code node2}, ... on 127.0.0.1
   */
  public static HaproxyConfig generate(String shipped, int frontendPort, List<int[]> nodes, String socketPath) {
    List<String> out = new ArrayList<>();
    int binds = 0;
    int sockets = 0;
    int servers = 0;
    String backend = null;
    for (String line : shipped.split("\n", -1)) {
      String code = line.replaceFirst("#.*$", "");
      Matcher m;
      if ((m = BACKEND.matcher(code)).matches()) {
        if (backend != null) {
          throw new IllegalArgumentException("the shipped haproxy.cfg has more than one backend");
        }
        backend = m.group(1);
        out.add(line);
      } else if ((m = BIND.matcher(code)).matches()) {
        binds++;
        out.add(m.group(1) + "127.0.0.1:" + frontendPort + m.group(2));
      } else if ((m = SOCKET.matcher(code)).matches()) {
        sockets++;
        out.add(m.group(1) + socketPath + m.group(2));
      } else if ((m = SERVER.matcher(code)).matches()) {
        // The first server line is the template for every node; the others are the example's.
        if (servers++ == 0) {
          String options = m.group(2);
          if (!options.contains(" check") || !CHECK_PORT.matcher(options).find()) {
            throw new IllegalArgumentException("the shipped server line has no 'check port <admin port>': " + line);
          }
          for (int i = 0; i < nodes.size(); i++) {
            int[] node = nodes.get(i);
            out.add(m.group(1) + "server node" + (i + 1) + " 127.0.0.1:" + node[0]
              + CHECK_PORT.matcher(options).replaceFirst("port " + node[1]));
          }
        }
      } else if ((m = LOG_TARGET.matcher(code)).matches()) {
        out.add(m.group(1) + "log stdout format raw local0");
      } else if (!SERVICE_ONLY.matcher(code).matches()) {
        out.add(line);
      }
    }
    if (binds != 1 || sockets != 1 || servers == 0 || backend == null) {
      throw new IllegalArgumentException("the shipped haproxy.cfg must have one bind line (" + binds + " found), one"
        + " stats socket (" + sockets + "), one backend (" + backend + ") and at least one server line ("
        + servers + ")");
    }
    return new HaproxyConfig(String.join("\n", out), backend);
  }
}
