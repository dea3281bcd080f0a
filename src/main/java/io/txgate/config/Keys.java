package io.txgate.config;

import java.util.List;

/**
 * Every configuration key txgate reads. {@code conf/config.yaml} documents each one; tests use
 * these constants rather than spelling names again.
 */
public final class Keys {

  public static final Key DB_URL = new Key("db.url", "TXGATE_DB_URL", "");
  public static final Key DB_POOL_SIZE = new Key("db.poolSize", "TXGATE_DB_POOL_SIZE", 16);
  public static final Key DB_MAX_WAIT_QUEUE = new Key("db.maxWaitQueue", "TXGATE_DB_MAX_WAIT_QUEUE", 16_384);
  public static final Key DB_ACQUIRE_TIMEOUT_MS =
    new Key("db.acquireTimeoutMs", "TXGATE_DB_ACQUIRE_TIMEOUT_MS", 10_000);
  public static final Key DB_CONNECT_TIMEOUT_MS =
    new Key("db.connectTimeoutMs", "TXGATE_DB_CONNECT_TIMEOUT_MS", 5_000);
  public static final Key DB_IDLE_TIMEOUT_SECONDS =
    new Key("db.idleTimeoutSeconds", "TXGATE_DB_IDLE_TIMEOUT_SECONDS", 300);
  public static final Key DB_RESET_ALWAYS = new Key("db.resetAlways", "TXGATE_DB_RESET_ALWAYS", false);
  public static final Key DB_STATEMENT_CACHE_SIZE =
    new Key("db.statementCacheSize", "TXGATE_DB_STATEMENT_CACHE_SIZE", 64);
  public static final Key DB_CIRCUIT_FAILURE_THRESHOLD =
    new Key("db.circuitFailureThreshold", "TXGATE_DB_CIRCUIT_FAILURE_THRESHOLD", 5);
  public static final Key DB_CIRCUIT_PROBE_MS = new Key("db.circuitProbeMs", "TXGATE_DB_CIRCUIT_PROBE_MS", 500);
  public static final Key DB_HEALTH_CHECK_MS = new Key("db.healthCheckMs", "TXGATE_DB_HEALTH_CHECK_MS", 1_000);
  public static final Key DB_PROBE_TIMEOUT_MS = new Key("db.probeTimeoutMs", "TXGATE_DB_PROBE_TIMEOUT_MS", 2_000);
  public static final Key DB_OUTAGE_HOLD_MS = new Key("db.outageHoldMs", "TXGATE_DB_OUTAGE_HOLD_MS", 0);
  /** Empty: not set here (the URL's sslMode applies, else DISABLED). */
  public static final Key DB_TLS_MODE = new Key("db.tls.mode", "TXGATE_DB_TLS_MODE", "");
  public static final Key DB_TLS_CA_FILE = new Key("db.tls.caFile", "TXGATE_DB_TLS_CA_FILE", "");
  /** 0: no cluster-wide budget; each node opens up to db.poolSize connections. */
  public static final Key DB_CLUSTER_MAX_CONNECTIONS =
    new Key("db.clusterMaxConnections", "TXGATE_DB_CLUSTER_MAX_CONNECTIONS", 0);
  /** Replica URLs, same form as db.url; empty: every request goes to the primary. */
  public static final Key DB_REPLICAS = new Key("db.replicas", "TXGATE_DB_REPLICAS", "");
  public static final Key DB_MAX_REPLICA_LAG_MS = new Key("db.maxReplicaLagMs", "TXGATE_DB_MAX_REPLICA_LAG_MS", 5_000);
  public static final Key DB_REPLICA_CHECK_MS = new Key("db.replicaCheckMs", "TXGATE_DB_REPLICA_CHECK_MS", 1_000);
  public static final Key DB_READ_YOUR_WRITES_MS =
    new Key("db.readYourWritesMs", "TXGATE_DB_READ_YOUR_WRITES_MS", 5_000);

  public static final Key PROTOCOL_HOST = new Key("protocol.host", "TXGATE_PROTOCOL_HOST", "127.0.0.1");
  public static final Key PROTOCOL_PORT = new Key("protocol.port", "TXGATE_PROTOCOL_PORT", 7400);
  public static final Key INSTANCES = new Key("protocol.instances", "TXGATE_INSTANCES", 0);
  public static final Key MAX_FRAME_BYTES =
    new Key("protocol.maxFrameBytes", "TXGATE_PROTOCOL_MAX_FRAME_BYTES", 1024 * 1024);
  public static final Key MAX_BATCH_STEPS =
    new Key("protocol.maxBatchSteps", "TXGATE_PROTOCOL_MAX_BATCH_STEPS", 1000);
  public static final Key MAX_RESULT_ROWS =
    new Key("protocol.maxResultRows", "TXGATE_PROTOCOL_MAX_RESULT_ROWS", 100_000);
  public static final Key MAX_CONNECTIONS =
    new Key("protocol.maxConnections", "TXGATE_PROTOCOL_MAX_CONNECTIONS", 15_000);
  public static final Key MAX_CONNECTIONS_PER_ADDRESS =
    new Key("protocol.maxConnectionsPerAddress", "TXGATE_PROTOCOL_MAX_CONNECTIONS_PER_ADDRESS", 1000);
  public static final Key IDLE_TIMEOUT_SECONDS =
    new Key("protocol.idleTimeoutSeconds", "TXGATE_PROTOCOL_IDLE_TIMEOUT_SECONDS", 600);
  public static final Key FRAME_TIMEOUT_MS =
    new Key("protocol.frameTimeoutMs", "TXGATE_PROTOCOL_FRAME_TIMEOUT_MS", 30_000);
  public static final Key SHUTDOWN_GRACE_SECONDS =
    new Key("protocol.shutdownGraceSeconds", "TXGATE_PROTOCOL_SHUTDOWN_GRACE_SECONDS", 30);

  /** TLS on the protocol port: on when a certificate is set, and then every connection must handshake. */
  public static final Key PROTOCOL_TLS_CERT_FILE =
    new Key("protocol.tls.certFile", "TXGATE_PROTOCOL_TLS_CERT_FILE", "");
  public static final Key PROTOCOL_TLS_KEY_FILE =
    new Key("protocol.tls.keyFile", "TXGATE_PROTOCOL_TLS_KEY_FILE", "");
  public static final Key PROTOCOL_TLS_CA_FILE = new Key("protocol.tls.caFile", "TXGATE_PROTOCOL_TLS_CA_FILE", "");
  public static final Key PROTOCOL_TLS_CLIENT_AUTH =
    new Key("protocol.tls.clientAuth", "TXGATE_PROTOCOL_TLS_CLIENT_AUTH", "NONE");
  public static final Key PROTOCOL_TLS_REQUIRED =
    new Key("protocol.tls.required", "TXGATE_PROTOCOL_TLS_REQUIRED", false);

  public static final Key TX_MAX_ATTEMPTS = new Key("tx.maxAttempts", "TXGATE_TX_MAX_ATTEMPTS", 5);
  public static final Key TX_ISOLATION = new Key("tx.isolation", "TXGATE_TX_ISOLATION", "REPEATABLE_READ");
  public static final Key TX_RETRY_BASE_MS = new Key("tx.retryBaseMs", "TXGATE_TX_RETRY_BASE_MS", 5);
  public static final Key TX_RETRY_MAX_MS = new Key("tx.retryMaxMs", "TXGATE_TX_RETRY_MAX_MS", 250);
  public static final Key TX_REQUEST_KEY_RETENTION_SECONDS =
    new Key("tx.requestKeyRetentionSeconds", "TXGATE_TX_REQUEST_KEY_RETENTION_SECONDS", 86_400);
  public static final Key TX_REQUEST_TIMEOUT_MS =
    new Key("tx.requestTimeoutMs", "TXGATE_TX_REQUEST_TIMEOUT_MS", 30_000);
  public static final Key TX_CANCEL_GRACE_MS = new Key("tx.cancelGraceMs", "TXGATE_TX_CANCEL_GRACE_MS", 1_000);
  public static final Key TX_ALLOW_RAW_SQL = new Key("tx.allowRawSql", "TXGATE_TX_ALLOW_RAW_SQL", true);
  public static final Key TX_PIPELINE = new Key("tx.pipeline", "TXGATE_TX_PIPELINE", true);
  /** Conflict-aware admission (io.txgate.admission): fewer transactions of a kind that keeps conflicting. */
  public static final Key TX_ADMISSION = new Key("tx.admission", "TXGATE_TX_ADMISSION", true);
  public static final Key TX_ADMISSION_MIN_LIMIT =
    new Key("tx.admissionMinLimit", "TXGATE_TX_ADMISSION_MIN_LIMIT", 1);
  public static final Key TX_ADMISSION_BACKOFF_PERCENT =
    new Key("tx.admissionBackoffPercent", "TXGATE_TX_ADMISSION_BACKOFF_PERCENT", 75);
  public static final Key OPERATIONS_FILE =
    new Key("tx.operationsFile", "TXGATE_TX_OPERATIONS_FILE", "conf/operations.yaml");

  public static final Key ADMIN_HOST = new Key("admin.host", "TXGATE_ADMIN_HOST", "127.0.0.1");
  public static final Key ADMIN_PORT = new Key("admin.port", "TXGATE_ADMIN_PORT", 7401);
  public static final Key ADMIN_ENABLED = new Key("admin.enabled", "TXGATE_ADMIN_ENABLED", true);
  public static final Key ADMIN_USERNAME = new Key("admin.username", "TXGATE_ADMIN_USERNAME", "admin");
  public static final Key ADMIN_PASSWORD = new Key("admin.password", "TXGATE_ADMIN_PASSWORD", "");
  public static final Key ADMIN_PASSWORD_HASH =
    new Key("admin.passwordHash", "TXGATE_ADMIN_PASSWORD_HASH", "");
  public static final Key ADMIN_TOKEN = new Key("admin.token", "TXGATE_ADMIN_TOKEN", "");
  public static final Key ADMIN_ALLOWED_HOSTS =
    new Key("admin.allowedHosts", "TXGATE_ADMIN_ALLOWED_HOSTS", "");

  /** HTTPS for the console: on when a certificate is set. */
  public static final Key ADMIN_TLS_CERT_FILE = new Key("admin.tls.certFile", "TXGATE_ADMIN_TLS_CERT_FILE", "");
  public static final Key ADMIN_TLS_KEY_FILE = new Key("admin.tls.keyFile", "TXGATE_ADMIN_TLS_KEY_FILE", "");

  public static final Key EMBEDDED_DATA_DIR =
    new Key("embedded.dataDir", "TXGATE_EMBEDDED_DATA_DIR", "data");
  public static final Key EMBEDDED_PORT = new Key("embedded.port", "TXGATE_EMBEDDED_PORT", 7402);
  public static final Key EMBEDDED_SCHEMA =
    new Key("embedded.schema", "TXGATE_EMBEDDED_SCHEMA", "conf/demo-schema.sql");

  public static final Key CLUSTER_ENABLED = new Key("cluster.enabled", "TXGATE_CLUSTER_ENABLED", false);
  public static final Key CLUSTER_NAME = new Key("cluster.name", "TXGATE_CLUSTER_NAME", "txgate");
  /** The address this node's cluster traffic binds to and is reached at. */
  public static final Key CLUSTER_HOST = new Key("cluster.host", "TXGATE_CLUSTER_HOST", "127.0.0.1");
  /** The membership (Hazelcast) port. */
  public static final Key CLUSTER_PORT = new Key("cluster.port", "TXGATE_CLUSTER_PORT", 5701);
  /** The event bus port; 0: any free port, published to the other members. */
  public static final Key CLUSTER_EVENT_BUS_PORT =
    new Key("cluster.eventBusPort", "TXGATE_CLUSTER_EVENT_BUS_PORT", 0);
  /** host:port of every member, this one included. */
  public static final Key CLUSTER_MEMBERS = new Key("cluster.members", "TXGATE_CLUSTER_MEMBERS", "");
  /** How long a member may be silent (frozen, killed, cut off) before the others drop it. */
  public static final Key CLUSTER_HEARTBEAT_TIMEOUT_SECONDS =
    new Key("cluster.heartbeatTimeoutSeconds", "TXGATE_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS", 10);

  public static final Key PROTOCOL_ALLOW_ANONYMOUS =
    new Key("protocol.allowAnonymous", "TXGATE_PROTOCOL_ALLOW_ANONYMOUS", false);
  public static final Key PROTOCOL_CLIENTS_FILE =
    new Key("protocol.clientsFile", "TXGATE_PROTOCOL_CLIENTS_FILE", "");
  public static final Key PROTOCOL_JWT_ALGORITHM =
    new Key("protocol.jwtAlgorithm", "TXGATE_PROTOCOL_JWT_ALGORITHM", "HS256");
  public static final Key PROTOCOL_JWT_KEY = new Key("protocol.jwtKey", "TXGATE_PROTOCOL_JWT_KEY", "");
  public static final Key PROTOCOL_AUTH_FAILURE_LIMIT =
    new Key("protocol.authFailureLimit", "TXGATE_PROTOCOL_AUTH_FAILURE_LIMIT", 10);
  public static final Key PROTOCOL_AUTH_FAILURE_WINDOW_SECONDS =
    new Key("protocol.authFailureWindowSeconds", "TXGATE_PROTOCOL_AUTH_FAILURE_WINDOW_SECONDS", 60);
  public static final Key PROTOCOL_AUTH_TIMEOUT_SECONDS =
    new Key("protocol.authTimeoutSeconds", "TXGATE_PROTOCOL_AUTH_TIMEOUT_SECONDS", 10);

  /** Requests slower than this are written to the slow log (logger txgate.slow); 0: none. */
  public static final Key OBSERVABILITY_SLOW_REQUEST_MS =
    new Key("observability.slowRequestMs", "TXGATE_OBSERVABILITY_SLOW_REQUEST_MS", 1_000);
  /** Whether slow log lines carry parameter values (they may hold secrets). */
  public static final Key OBSERVABILITY_LOG_PARAMS =
    new Key("observability.logParams", "TXGATE_OBSERVABILITY_LOG_PARAMS", false);
  /** Statement digests: counted per statement fingerprint; off, the runner pays nothing for them. */
  public static final Key OBSERVABILITY_DIGESTS =
    new Key("observability.digests", "TXGATE_OBSERVABILITY_DIGESTS", true);
  public static final Key OBSERVABILITY_DIGEST_CAP =
    new Key("observability.digestCap", "TXGATE_OBSERVABILITY_DIGEST_CAP", 2000);
  public static final Key OBSERVABILITY_DIGEST_METRICS_TOP =
    new Key("observability.digestMetricsTop", "TXGATE_OBSERVABILITY_DIGEST_METRICS_TOP", 20);
  /**
   * How long a request may hold its database connection before the lock-wait views are sampled
   * (at most once a second, while it lasts); 0: never sampled.
   */
  public static final Key OBSERVABILITY_LOCK_WAIT_SAMPLE_MS =
    new Key("observability.lockWaitSampleMs", "TXGATE_OBSERVABILITY_LOCK_WAIT_SAMPLE_MS", 1_000);
  /** Tracing: none (nothing of it runs) or otlp (spans to an OpenTelemetry collector). */
  public static final Key OBSERVABILITY_TRACING =
    new Key("observability.tracing", "TXGATE_OBSERVABILITY_TRACING", "none");
  /** Where otlp sends spans: an OTLP/gRPC endpoint. */
  public static final Key OBSERVABILITY_OTLP_ENDPOINT =
    new Key("observability.otlpEndpoint", "TXGATE_OBSERVABILITY_OTLP_ENDPOINT", "http://127.0.0.1:4317");

  public static final List<Key> ALL = List.of(
    DB_URL, DB_POOL_SIZE, DB_MAX_WAIT_QUEUE, DB_ACQUIRE_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS,
    DB_IDLE_TIMEOUT_SECONDS, DB_RESET_ALWAYS, DB_STATEMENT_CACHE_SIZE, DB_CIRCUIT_FAILURE_THRESHOLD,
    DB_CIRCUIT_PROBE_MS, DB_HEALTH_CHECK_MS, DB_PROBE_TIMEOUT_MS, DB_OUTAGE_HOLD_MS, DB_TLS_MODE, DB_TLS_CA_FILE,
    DB_CLUSTER_MAX_CONNECTIONS, DB_REPLICAS, DB_MAX_REPLICA_LAG_MS, DB_REPLICA_CHECK_MS, DB_READ_YOUR_WRITES_MS,
    PROTOCOL_HOST, PROTOCOL_PORT, INSTANCES, MAX_FRAME_BYTES, MAX_BATCH_STEPS, MAX_RESULT_ROWS,
    MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS, IDLE_TIMEOUT_SECONDS, FRAME_TIMEOUT_MS, SHUTDOWN_GRACE_SECONDS,
    TX_MAX_ATTEMPTS, TX_ISOLATION, TX_RETRY_BASE_MS, TX_RETRY_MAX_MS, TX_REQUEST_KEY_RETENTION_SECONDS,
    TX_REQUEST_TIMEOUT_MS, TX_CANCEL_GRACE_MS, TX_ALLOW_RAW_SQL, TX_PIPELINE, TX_ADMISSION,
    TX_ADMISSION_MIN_LIMIT, TX_ADMISSION_BACKOFF_PERCENT, OPERATIONS_FILE,
    ADMIN_HOST, ADMIN_PORT, ADMIN_ENABLED, ADMIN_USERNAME, ADMIN_PASSWORD, ADMIN_PASSWORD_HASH, ADMIN_TOKEN,
    ADMIN_ALLOWED_HOSTS,
    EMBEDDED_DATA_DIR, EMBEDDED_PORT, EMBEDDED_SCHEMA,
    CLUSTER_ENABLED, CLUSTER_NAME, CLUSTER_HOST, CLUSTER_PORT, CLUSTER_EVENT_BUS_PORT, CLUSTER_MEMBERS,
    CLUSTER_HEARTBEAT_TIMEOUT_SECONDS,
    PROTOCOL_ALLOW_ANONYMOUS, PROTOCOL_CLIENTS_FILE, PROTOCOL_JWT_ALGORITHM, PROTOCOL_JWT_KEY,
    PROTOCOL_AUTH_FAILURE_LIMIT, PROTOCOL_AUTH_FAILURE_WINDOW_SECONDS, PROTOCOL_AUTH_TIMEOUT_SECONDS,
    PROTOCOL_TLS_CERT_FILE, PROTOCOL_TLS_KEY_FILE, PROTOCOL_TLS_CA_FILE, PROTOCOL_TLS_CLIENT_AUTH,
    PROTOCOL_TLS_REQUIRED, ADMIN_TLS_CERT_FILE, ADMIN_TLS_KEY_FILE,
    OBSERVABILITY_SLOW_REQUEST_MS, OBSERVABILITY_LOG_PARAMS, OBSERVABILITY_DIGESTS, OBSERVABILITY_DIGEST_CAP,
    OBSERVABILITY_DIGEST_METRICS_TOP, OBSERVABILITY_LOCK_WAIT_SAMPLE_MS,
    OBSERVABILITY_TRACING, OBSERVABILITY_OTLP_ENDPOINT);

  private Keys() {
  }
}
