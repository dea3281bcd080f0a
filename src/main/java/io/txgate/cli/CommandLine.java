package io.txgate.cli;

/**
 * What the command line asks for: one action and, optionally, the config file.
 *
 * @param configFile the {@code --config} argument, or null
 */
public record CommandLine(Action action, String configFile) {

  /** What to do. */
  public enum Action { RUN, VERSION, HELP, CHECK_CONFIG }

  /** Parses the arguments; throws {@link UsageException} for anything it does not know. */
  public static CommandLine parse(String... args) {
    Action action = Action.RUN;
    String config = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config") || a.equals("-c")) {
        if (i + 1 >= args.length || args[i + 1].isBlank()) {
          throw new UsageException(a + " needs a file");
        }
        config = args[++i];
      } else if (a.startsWith("--config=")) {
        config = a.substring("--config=".length());
        if (config.isBlank()) {
          throw new UsageException("--config needs a file");
        }
      } else if (a.equals("--version") || a.equals("-V")) {
        action = pick(action, Action.VERSION, a);
      } else if (a.equals("--help") || a.equals("-h")) {
        action = pick(action, Action.HELP, a);
      } else if (a.equals("--check-config")) {
        action = pick(action, Action.CHECK_CONFIG, a);
      } else {
        throw new UsageException("unknown argument '" + a + "'");
      }
    }
    return new CommandLine(action, config);
  }

  private static Action pick(Action current, Action wanted, String arg) {
    if (current != Action.RUN && current != wanted) {
      throw new UsageException(arg + " cannot be combined with another action");
    }
    return wanted;
  }
}
