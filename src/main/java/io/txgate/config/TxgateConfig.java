package io.txgate.config;

import io.txgate.auth.PasswordHash;
import io.txgate.protocol.Isolation;
import io.txgate.protocol.Limits;
import io.vertx.core.json.JsonObject;

/**
 * The whole configuration, typed and checked once at start-up.
 *
 * <p>Sources, each overriding the one before: {@code conf/config.yaml}, then environment variables
 * named {@code TXGATE_*}, then {@code -DTXGATE_*} system properties (see {@link ConfigLoader}).
 */
public record TxgateConfig(Db db, Protocol protocol, Tx tx, Admin admin, Embedded embedded, Access access,
                           Cluster cluster, Observability observability) {

  /** The configuration without an {@code observability} section: tracing off. */
  public TxgateConfig(Db db, Protocol protocol, Tx tx, Admin admin, Embedded embedded, Access access,
                      Cluster cluster) {
    this(db, protocol, tx, admin, embedded, access, cluster, Observability.DEFAULTS);
  }

  /** Where spans go: nowhere ({@code none}) or to an OpenTelemetry collector over OTLP. */
  public enum TracingMode {
    NONE, OTLP;

    static TracingMode of(String value) {
      for (TracingMode m : values()) {
        if (m.name().equalsIgnoreCase(value.trim())) {
          return m;
        }
      }
      throw new ConfigException(Keys.OBSERVABILITY_TRACING, "'" + value + "' is not one of none, otlp");
    }
  }


  /**
   * The database and its pool. {@code url} may hold a password: {@link #toString} hides it.
   * {@code tls} is what the URL's parameters and the {@code db.tls} keys together ask for.
   */
  public record Db(String url, int poolSize, int maxWaitQueue, int acquireTimeoutMs, int connectTimeoutMs,
                   int idleTimeoutSeconds, boolean resetAlways, int statementCacheSize, Outage outage,
                   DbTls tls, int clusterMaxConnections, Replicas replicas) {

    /** Whether a database is configured; when not, txgate starts its embedded one. */
    public boolean configured() {
      return url != null && !url.isBlank();
    }

    /**
     * How replica {@code i} is reached: these pool and outage settings, with the replica's URL and
     * the TLS that its URL and the {@code db.tls} keys ask for.
     */
    public Db replica(int i) {
      return new Db(replicas.urls().get(i), poolSize, maxWaitQueue, acquireTimeoutMs, connectTimeoutMs,
        idleTimeoutSeconds, resetAlways, statementCacheSize, outage, replicas.tls().get(i), clusterMaxConnections,
        new Replicas(java.util.List.of(), replicas.maxLagMs(), replicas.checkMs(), replicas.readYourWritesMs(),
          java.util.List.of()));
    }

    @Override
    public String toString() {
      return "Db[url=" + DatabaseUrls.redact(url) + ", tls=" + tls + ", poolSize=" + poolSize + ", maxWaitQueue="
        + maxWaitQueue + ", acquireTimeoutMs=" + acquireTimeoutMs + ", clusterMaxConnections=" + clusterMaxConnections
        + ", " + replicas + "]";
    }
  }

  /**
   * Read replicas: where {@code readOnly} requests may go (see {@code replica.ReadRouter}).
   *
   * @param urls one database URL per replica, in the form of {@code db.url}; empty: none
   * @param maxLagMs a replica further behind its primary than this serves no request
   * @param checkMs how often each replica's health and lag are read
   * @param readYourWritesMs how long a session that has written reads from the primary
   * @param tls per URL, the TLS that it and the {@code db.tls} keys ask for
   */
  public record Replicas(java.util.List<String> urls, int maxLagMs, int checkMs, int readYourWritesMs,
                         java.util.List<DbTls> tls) {

    public Replicas {
      urls = java.util.List.copyOf(urls);
      tls = java.util.List.copyOf(tls);
      if (tls.size() != urls.size()) {
        throw new IllegalArgumentException("one TLS setting per replica URL");
      }
    }

    @Override
    public String toString() {
      return "Replicas[urls=" + urls.stream().map(DatabaseUrls::redact).toList() + ", maxLagMs=" + maxLagMs
        + ", checkMs=" + checkMs + ", readYourWritesMs=" + readYourWritesMs + "]";
    }
  }

  /**
   * Clustering: several txgate nodes sharing an event bus (Vert.x over Hazelcast), for the
   * cluster-wide console and the connection budget. Off by default; then nothing of it starts.
   *
   * @param name only members with the same name join each other
   * @param host the address this node binds its cluster ports to and is reached at
   * @param port the membership (Hazelcast) port
   * @param eventBusPort the event bus port (0: any free port, published to the members)
   * @param members host:port of the members to look for; no multicast, no cloud discovery
   * @param heartbeatTimeoutSeconds how long a silent member is kept before the others drop it
   */
  public record Cluster(boolean enabled, String name, String host, int port, int eventBusPort,
                        java.util.List<String> members, int heartbeatTimeoutSeconds) {
  }

  /**
   * How txgate watches the database's availability (see {@code db.DatabaseHealth}).
   *
   * @param failureThreshold consecutive connection failures that open the circuit
   * @param probeMs how often an open circuit probes the database
   * @param healthCheckMs how often a closed circuit checks the database when nothing else does
   * @param probeTimeoutMs the most one probe (connect, handshake, SELECT 1) may take
   * @param holdMs how long a request waits for an open circuit to close before UNAVAILABLE (0: not at all)
   */
  public record Outage(int failureThreshold, int probeMs, int healthCheckMs, int probeTimeoutMs, int holdMs) {
  }

  /**
   * The client-facing protocol server.
   *
   * @param maxConnections open client connections, all addresses together
   * @param maxConnectionsPerAddress open client connections from one remote IP address (0: no cap)
   * @param idleTimeoutSeconds a connection with no request running and no partial frame is closed
   *     after this long (0: never)
   * @param frameTimeoutMs a frame must be complete this long after the server began reading it, else
   *     the connection is answered BAD_REQUEST and closed (0: no limit)
   * @param tls TLS on the port, or plaintext
   */
  public record Protocol(String host, int port, int instances, Limits limits, int maxConnections,
                         int maxConnectionsPerAddress, int idleTimeoutSeconds, int frameTimeoutMs,
                         int shutdownGraceSeconds, TlsConfig tls) {
  }

  /**
   * How transactions run.
   *
   * @param maxAttempts attempts per request when transient conflicts occur; requests may lower it
   * @param isolation the default isolation level
   * @param retryBaseMs backoff before the second attempt is at most this; it doubles per attempt
   * @param retryMaxMs the ceiling of one backoff
   * @param requestKeyRetentionSeconds how long exactly-once keys and their responses are kept
   * @param requestTimeoutMs every request's deadline, and the most a request's {@code timeoutMs} may ask
   * @param cancelGraceMs how long a stopped request waits for the database to confirm the stop
   *     (KILL QUERY, ROLLBACK) before its connection is dropped and the answer goes out anyway
   * @param allowRawSql whether {@code execute} and {@code batch} are allowed, or only named operations
   * @param pipeline whether a transaction's statements all go out at once (two round trips per
   *     transaction), or one after another
   * @param operationsFile the named operations
   */
  public record Tx(int maxAttempts, Isolation isolation, int retryBaseMs, int retryMaxMs,
                   int requestKeyRetentionSeconds, int requestTimeoutMs, int cancelGraceMs, boolean allowRawSql,
                   boolean pipeline, Admission admission, String operationsFile) {
  }

  /**
   * Conflict-aware admission.
   *
   * @param enabled whether a kind of transaction that keeps conflicting is limited
   * @param minLimit the fewest transactions of one kind let run at once
   * @param backoffPercent what one conflict leaves of the limit, in percent
   */
  public record Admission(boolean enabled, int minLimit, int backoffPercent) {
  }

  /**
   * The admin console's web server and its credentials: basic auth with a plain password (meant to
   * come from the environment) or a PBKDF2 hash, and/or a bearer token. {@link #toString} hides them.
   *
   * @param allowedHosts host names (besides loopback names and IP addresses) that a request's
   *     {@code Host} header may carry: the names the console is reached under
   * @param tls HTTPS, or plain HTTP
   */
  public record Admin(String host, int port, boolean enabled, String username, String password,
                      String passwordHash, String token, java.util.List<String> allowedHosts, TlsConfig tls) {

    public boolean hasCredentials() {
      return !password.isEmpty() || !passwordHash.isEmpty() || !token.isEmpty();
    }

    @Override
    public String toString() {
      return "Admin[host=" + host + ", port=" + port + ", enabled=" + enabled + ", credentials="
        + (hasCredentials() ? "set" : "none") + ", allowedHosts=" + allowedHosts + ", tls=" + tls + "]";
    }
  }

  /** Whether an address is this machine's loopback, reachable from nowhere else. */
  public static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
  }

  /**
   * Who may use the protocol port. {@link #toString} hides the JWT key and the token hashes.
   *
   * @param clients the configured clients; when there is any, every connection must authenticate
   * @param allowAnonymous serve the protocol on a non-loopback address with no clients configured
   * @param jwtAlgorithm the algorithm of {@code jwtKey}: HS256 (a shared secret) or e.g. RS256,
   *     ES256 (a PEM public key)
   * @param jwtKey the key JWTs are verified with; empty when no client uses a JWT
   * @param failureLimit failed authentications from one address within a window before its further
   *     attempts are refused unchecked (0: no throttling)
   * @param failureWindowSeconds the length of that window
   * @param timeoutSeconds how long a connection may take to authenticate before it is closed
   */
  public record Access(java.util.List<io.txgate.access.Client> clients, boolean allowAnonymous, String jwtAlgorithm,
                       String jwtKey, int failureLimit, int failureWindowSeconds, int timeoutSeconds) {

    @Override
    public String toString() {
      return "Access[clients=" + clients.stream().map(io.txgate.access.Client::name).toList()
        + ", allowAnonymous=" + allowAnonymous + ", jwtAlgorithm=" + jwtAlgorithm + ", jwtKey="
        + (jwtKey.isEmpty() ? "none" : "set") + ", failureLimit=" + failureLimit + ", failureWindowSeconds="
        + failureWindowSeconds + ", timeoutSeconds=" + timeoutSeconds + "]";
    }
  }

  /**
   * What txgate tells about its requests and statements beyond the basic metrics.
   *
   * @param slowRequestMs requests that take at least this long are written to the slow log, one JSON
   *     line each (0: none)
   * @param logParams whether those lines carry the statements' parameter values, which may hold secrets
   * @param digests whether statements are counted per fingerprint (the statement digests)
   * @param digestCap the most fingerprints held; past it the least recently used is evicted
   * @param digestMetricsTop how many digests, the top ones by total time, {@code /metrics} exposes
   * @param lockWaitSampleMs a request holding its connection this long makes txgate sample the
   *     lock-wait views; 0: never
   * @param tracing none: no span is made, nothing of OpenTelemetry runs; otlp: a span per request,
   *     attempt and statement, exported to {@code otlpEndpoint}
   * @param otlpEndpoint the collector's OTLP/gRPC endpoint, an http or https URL
   */
  public record Observability(int slowRequestMs, boolean logParams, boolean digests, int digestCap,
                              int digestMetricsTop, int lockWaitSampleMs, TracingMode tracing,
                              String otlpEndpoint) {
    /** Every key at its default: what a configuration without an {@code observability} section has. */
    public static final Observability DEFAULTS = new Observability(1_000, false, true, 2000, 20, 1_000, TracingMode.NONE,
      "http://127.0.0.1:4317");
  }

  /** The embedded MariaDB that runs when no database is configured. */
  public record Embedded(String dataDir, int port, String schema) {
  }

  /**
   * The replicas of {@code db.url}, each URL checked as {@code db.url} is. The embedded database has
   * none: replicas without a {@code db.url} are refused rather than left unused.
   */
  private static Replicas replicas(JsonObject m, String primaryUrl) {
    java.util.List<String> urls = Keys.DB_REPLICAS.list(m).stream().map(String::trim).filter(u -> !u.isEmpty())
      .toList();
    if (!urls.isEmpty() && (primaryUrl == null || primaryUrl.isBlank())) {
      throw new ConfigException(Keys.DB_REPLICAS, "replicas of the embedded database are not supported: set "
        + Keys.DB_URL + " to their primary");
    }
    java.util.List<DbTls> tls = urls.stream()
      .map(u -> DatabaseUrls.replicaTls(u, Keys.DB_TLS_MODE.string(m), Keys.DB_TLS_CA_FILE.string(m))).toList();
    return new Replicas(urls,
      Keys.DB_MAX_REPLICA_LAG_MS.integer(m, 0, 86_400_000),
      Keys.DB_REPLICA_CHECK_MS.integer(m, 50, 600_000),
      Keys.DB_READ_YOUR_WRITES_MS.integer(m, 0, 86_400_000),
      tls);
  }

  /** Reads and checks every key from the merged configuration sources. */
  public static TxgateConfig from(JsonObject m) {
    String url = Keys.DB_URL.string(m);
    DatabaseUrls.requireTlsSection(m);
    Db db = new Db(
      url,
      Keys.DB_POOL_SIZE.integer(m, 1, 1024),
      Keys.DB_MAX_WAIT_QUEUE.integer(m, 0, 1_000_000),
      Keys.DB_ACQUIRE_TIMEOUT_MS.integer(m, 1, 3_600_000),
      Keys.DB_CONNECT_TIMEOUT_MS.integer(m, 1, 3_600_000),
      Keys.DB_IDLE_TIMEOUT_SECONDS.integer(m, 0, 86_400),
      Keys.DB_RESET_ALWAYS.bool(m),
      Keys.DB_STATEMENT_CACHE_SIZE.integer(m, 0, 4096),
      new Outage(
        Keys.DB_CIRCUIT_FAILURE_THRESHOLD.integer(m, 1, 1_000_000),
        Keys.DB_CIRCUIT_PROBE_MS.integer(m, 10, 600_000),
        Keys.DB_HEALTH_CHECK_MS.integer(m, 10, 600_000),
        Keys.DB_PROBE_TIMEOUT_MS.integer(m, 10, 600_000),
        Keys.DB_OUTAGE_HOLD_MS.integer(m, 0, 600_000)),
      DatabaseUrls.tls(url, Keys.DB_TLS_MODE.string(m), Keys.DB_TLS_CA_FILE.string(m)),
      Keys.DB_CLUSTER_MAX_CONNECTIONS.integer(m, 0, 1_000_000),
      replicas(m, url));
    int instances = Keys.INSTANCES.integer(m, 0, 1024);
    Protocol protocol = new Protocol(
      Keys.PROTOCOL_HOST.string(m),
      Keys.PROTOCOL_PORT.integer(m, 0, 65_535),
      instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
      new Limits(
        Keys.MAX_FRAME_BYTES.integer(m, 64, 256 * 1024 * 1024),
        Keys.MAX_BATCH_STEPS.integer(m, 1, 100_000),
        65_535,
        Keys.MAX_RESULT_ROWS.integer(m, 1, 100_000_000)),
      Keys.MAX_CONNECTIONS.integer(m, 1, 1_000_000),
      Keys.MAX_CONNECTIONS_PER_ADDRESS.integer(m, 0, 1_000_000),
      Keys.IDLE_TIMEOUT_SECONDS.integer(m, 0, 86_400),
      Keys.FRAME_TIMEOUT_MS.integer(m, 0, 3_600_000),
      Keys.SHUTDOWN_GRACE_SECONDS.integer(m, 0, 3600),
      TlsConfig.read(m, TlsConfig.TlsKeys.PROTOCOL));
    Isolation isolation;
    try {
      isolation = Isolation.of(Keys.TX_ISOLATION.string(m));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Keys.TX_ISOLATION, e.getMessage());
    }
    Tx tx = new Tx(
      Keys.TX_MAX_ATTEMPTS.integer(m, 1, 100),
      isolation,
      Keys.TX_RETRY_BASE_MS.integer(m, 1, 60_000),
      Keys.TX_RETRY_MAX_MS.integer(m, 1, 600_000),
      Keys.TX_REQUEST_KEY_RETENTION_SECONDS.integer(m, 60, 365 * 86_400),
      Keys.TX_REQUEST_TIMEOUT_MS.integer(m, 10, 86_400_000),
      Keys.TX_CANCEL_GRACE_MS.integer(m, 10, 60_000),
      Keys.TX_ALLOW_RAW_SQL.bool(m),
      Keys.TX_PIPELINE.bool(m),
      new Admission(Keys.TX_ADMISSION.bool(m), Keys.TX_ADMISSION_MIN_LIMIT.integer(m, 1, 10_000),
        Keys.TX_ADMISSION_BACKOFF_PERCENT.integer(m, 10, 95)),
      Keys.OPERATIONS_FILE.string(m));
    Admin admin = new Admin(Keys.ADMIN_HOST.string(m), Keys.ADMIN_PORT.integer(m, 0, 65_535),
      Keys.ADMIN_ENABLED.bool(m), Keys.ADMIN_USERNAME.string(m), Keys.ADMIN_PASSWORD.string(m),
      Keys.ADMIN_PASSWORD_HASH.string(m), Keys.ADMIN_TOKEN.string(m), Keys.ADMIN_ALLOWED_HOSTS.list(m),
      TlsConfig.read(m, TlsConfig.TlsKeys.ADMIN));
    if (admin.enabled() && !isLoopback(admin.host()) && !admin.hasCredentials()) {
      throw new ConfigException(Keys.ADMIN_HOST, "'" + admin.host() + "' is reachable from other machines,"
        + " and the console can kill sessions: txgate will not serve it there without credentials."
        + " Set TXGATE_ADMIN_PASSWORD, TXGATE_ADMIN_PASSWORD_HASH or TXGATE_ADMIN_TOKEN, or bind it to 127.0.0.1");
    }
    if (!admin.passwordHash().isEmpty() && !PasswordHash.isWellFormed(admin.passwordHash())) {
      throw new ConfigException(Keys.ADMIN_PASSWORD_HASH, "not a pbkdf2-sha256 hash; make one with"
        + " java -cp target/txgate.jar io.txgate.auth.PasswordHash");
    }
    Embedded embedded = new Embedded(
      Keys.EMBEDDED_DATA_DIR.string(m),
      Keys.EMBEDDED_PORT.integer(m, 0, 65_535),
      Keys.EMBEDDED_SCHEMA.string(m));
    Access access = new Access(
      io.txgate.access.ClientsLoader.load(m.getValue("clients"), Keys.PROTOCOL_CLIENTS_FILE.string(m),
        !Keys.PROTOCOL_JWT_KEY.string(m).isEmpty(),
        protocol.tls().clientAuth() != io.vertx.core.http.ClientAuth.NONE),
      Keys.PROTOCOL_ALLOW_ANONYMOUS.bool(m),
      Keys.PROTOCOL_JWT_ALGORITHM.string(m),
      Keys.PROTOCOL_JWT_KEY.string(m),
      Keys.PROTOCOL_AUTH_FAILURE_LIMIT.integer(m, 0, 1_000_000),
      Keys.PROTOCOL_AUTH_FAILURE_WINDOW_SECONDS.integer(m, 1, 86_400),
      Keys.PROTOCOL_AUTH_TIMEOUT_SECONDS.integer(m, 1, 3600));
    if (!isLoopback(protocol.host()) && access.clients().isEmpty() && !access.allowAnonymous()) {
      throw new ConfigException(Keys.PROTOCOL_HOST, "'" + protocol.host() + "' is reachable from other machines,"
        + " and any client there could run any SQL the database user may: txgate will not listen there"
        + " without client authentication. Configure clients (see README, \"Clients and permissions\"),"
        + " bind it to 127.0.0.1, or set protocol.allowAnonymous: true (TXGATE_PROTOCOL_ALLOW_ANONYMOUS)"
        + " to accept anonymous clients there anyway");
    }
    if (!java.util.Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
      "PS256", "PS384", "PS512").contains(access.jwtAlgorithm())) {
      throw new ConfigException(Keys.PROTOCOL_JWT_ALGORITHM, "'" + access.jwtAlgorithm()
        + "' is not one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512");
    }
    Observability observability = new Observability(
      Keys.OBSERVABILITY_SLOW_REQUEST_MS.integer(m, 0, 86_400_000),
      Keys.OBSERVABILITY_LOG_PARAMS.bool(m),
      Keys.OBSERVABILITY_DIGESTS.bool(m),
      Keys.OBSERVABILITY_DIGEST_CAP.integer(m, 10, 1_000_000),
      Keys.OBSERVABILITY_DIGEST_METRICS_TOP.integer(m, 0, 1000),
      Keys.OBSERVABILITY_LOCK_WAIT_SAMPLE_MS.integer(m, 0, 3_600_000),
      TracingMode.of(Keys.OBSERVABILITY_TRACING.string(m)),
      otlpEndpoint(m));
    return new TxgateConfig(db, protocol, tx, admin, embedded, access, cluster(m), observability);
  }

  /** The OTLP endpoint, checked: an http or https URL with a host. */
  private static String otlpEndpoint(JsonObject m) {
    String endpoint = Keys.OBSERVABILITY_OTLP_ENDPOINT.string(m);
    java.net.URI uri;
    try {
      uri = new java.net.URI(endpoint);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    // The OTLP exporter takes http or https with a host, and fails later, less clearly, on anything else.
    if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException(Keys.OBSERVABILITY_OTLP_ENDPOINT, "'" + endpoint
        + "' is not an http:// or https:// URL with a host, such as http://127.0.0.1:4317");
    }
    return endpoint;
  }

  private static Cluster cluster(JsonObject m) {
    Cluster c = new Cluster(Keys.CLUSTER_ENABLED.bool(m), Keys.CLUSTER_NAME.string(m), Keys.CLUSTER_HOST.string(m),
      Keys.CLUSTER_PORT.integer(m, 1, 65_535), Keys.CLUSTER_EVENT_BUS_PORT.integer(m, 0, 65_535),
      Keys.CLUSTER_MEMBERS.list(m), Keys.CLUSTER_HEARTBEAT_TIMEOUT_SECONDS.integer(m, 1, 3600));
    if (!c.enabled()) {
      return c;
    }
    if (c.members().isEmpty()) {
      throw new ConfigException(Keys.CLUSTER_MEMBERS, "a cluster needs its members listed (host:port of each,"
        + " this node included): txgate never looks for members by multicast or cloud discovery");
    }
    for (String member : c.members()) {
      int colon = member.lastIndexOf(':');
      boolean ok = colon > 0;
      if (ok) {
        try {
          int port = Integer.parseInt(member.substring(colon + 1));
          ok = port > 0 && port < 65_536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new ConfigException(Keys.CLUSTER_MEMBERS, "'" + member + "' is not host:port");
      }
    }
    return c;
  }
}
