package io.txgate.cli;

/** The text of {@code txgate --help}. */
public final class Usage {

  public static final String TEXT = """
    Usage: txgate [--config <file>] [--check-config | --version | --help]

    A transaction gateway: many clients, one MySQL database, one transaction per request.

    Options:
      -c, --config <file>  the YAML configuration (default: $TXGATE_CONFIG, else
                           <install dir>/conf/config.yaml, else conf/config.yaml in the working
                           directory). Relative file paths inside it are relative to its directory.
          --check-config   load and check the whole configuration, including the named operations
                           file, print it with every secret masked, and exit: 0 when valid, 1 not
      -V, --version        print the version and exit
      -h, --help           print this text and exit

    Environment:
      TXGATE_CONFIG        the configuration file, when --config is not given
      TXGATE_DB_URL        mysql://user:password@host:3306/database (db.url); required unless the
                           build carries the embedded development database
      TXGATE_*             every configuration key, e.g. TXGATE_PROTOCOL_PORT (protocol.port),
                           TXGATE_ADMIN_PASSWORD (admin.password); see conf/config.yaml.
                           A -DTXGATE_* system property overrides the variable of the same name.
      JAVA_HOME, JAVA_OPTS the Java runtime and its options (bin/txgate), e.g.
                           JAVA_OPTS=-Dorg.slf4j.simpleLogger.defaultLogLevel=debug

    Exit status: 0 stopped normally, 1 could not start (one line on stderr says why), 2 bad usage.
    """;

  private Usage() {
  }
}
