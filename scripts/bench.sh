#!/usr/bin/env bash
# The benchmark (not a test): starts txgate (and the Python baseline gateway when it can), drives
# closed-loop load at each target and at the database directly over a pool of the same size, in
# alternating rounds, then measures idle memory and writes the report.
#   TXGATE_DB_URL     database to use (default: the embedded MariaDB, started in target/bench-data)
#   CONNECTIONS       comma-separated connection counts (default 32,256,10000)
#   WORKLOADS         point, transfer, transfer-hot, transfer-op, mixed (default: all five)
#   SECONDS_PER_STEP  measured seconds per target per round (default 10)
#   ROUNDS            rounds per step; each runs txgate, direct, baseline in turn (default 3)
#   WARMUP_SECONDS    unmeasured load per workload and target before the first step (default 15)
#   REPORT            where to write the report (default docs/BENCHMARKS.md; "" for none)
#   BASELINE          1: also the baseline gateway (scripts/baseline/sqlalchemy_gateway.py); 0: not.
#                     Default: on when python3 can import sqlalchemy and pymysql.
#   BASELINE_SCRIPT   the baseline gateway to start (default scripts/baseline/sqlalchemy_gateway.py)
#   PYTHON            the Python that runs it (default /usr/bin/python3, else python3)
#   IDLE_MEMORY=0     skip scripts/idle-memory.sh (run after the load when it exists)
#   BENCH_PORT        txgate's protocol port; the admin port, embedded database and baseline take
#                     the next three (default 7410)
#   BENCH_TLS=1       TLS on the protocol port, with a certificate made here by openssl
#   BENCH_AUTH=1      one configured client; every load connection authenticates with its token
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-32,256,10000}
workloads=${WORKLOADS:-point,transfer,transfer-hot,transfer-op,mixed}
seconds=${SECONDS_PER_STEP:-10}
rounds=${ROUNDS:-3}
warmup=${WARMUP_SECONDS:-15}
pool=${TXGATE_DB_POOL_SIZE:-16}
port=${BENCH_PORT:-7410}
report=${REPORT-docs/BENCHMARKS.md}
# Debian's python3 has Debian's SQLAlchemy and PyMySQL; a python3 earlier on the PATH (pyenv) may not.
python=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
baseline_script=${BASELINE_SCRIPT:-scripts/baseline/sqlalchemy_gateway.py}
results=target/bench-results.json

mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
"$mvn" -B -q -DskipTests package test-compile
"$mvn" -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

export TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1)) TXGATE_DB_POOL_SIZE=$pool
# Every load connection comes from 127.0.0.1: the per-address cap (1,000 by default) would turn
# away all but the first thousand of a 10,000-connection step.
export TXGATE_PROTOCOL_MAX_CONNECTIONS_PER_ADDRESS=0
if [ -z "${TXGATE_DB_URL:-}" ]; then
  export TXGATE_EMBEDDED_DATA_DIR=target/bench-data TXGATE_EMBEDDED_PORT=$((port + 2))
  db_url="mysql://root@127.0.0.1:$((port + 2))/txgate"
else
  db_url=$TXGATE_DB_URL
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

server= baseline=
stop_all() {
  for p in $baseline $server; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  server= baseline=
}
trap stop_all EXIT

# Waits until $2 (a log file) has a line with "listening on", or the process $1 ends.
wait_listening() {
  for _ in $(seq 1 120); do
    if grep -q "listening on" "$2"; then return 0; fi
    if ! kill -0 "$1" 2>/dev/null; then cat "$2"; return 1; fi
    sleep 1
  done
  echo "no 'listening on' in $2 after 120 s" >&2
  return 1
}

log=target/bench-server.log
./scripts/run.sh >"$log" 2>&1 &
server=$!
wait_listening "$server" "$log"

baseline_args=()
want_baseline=${BASELINE:-}
if [ -z "$want_baseline" ]; then
  if "$python" -c 'import sqlalchemy, pymysql' 2>/dev/null; then want_baseline=1; else
    echo "baseline: not run ($python cannot import sqlalchemy and pymysql; BASELINE=1 to insist)"
    want_baseline=0
  fi
fi
if [ "$want_baseline" = 1 ]; then
  if [ ! -f "$baseline_script" ]; then
    echo "baseline: $baseline_script does not exist" >&2
    exit 1
  fi
  blog=target/bench-baseline.log
  # -u: its "listening on" line must reach the log at once, not when a buffer fills.
  "$python" -u "$baseline_script" --listen "127.0.0.1:$((port + 3))" --db "$db_url" --pool "$pool" >"$blog" 2>&1 &
  baseline=$!
  wait_listening "$baseline" "$blog"
  baseline_args=(--baseline "127.0.0.1:$((port + 3))")
fi

command="CONNECTIONS=$connections WORKLOADS=$workloads SECONDS_PER_STEP=$seconds ROUNDS=$rounds"
command="$command WARMUP_SECONDS=$warmup${BENCH_TLS:+ BENCH_TLS=$BENCH_TLS}${BENCH_AUTH:+ BENCH_AUTH=$BENCH_AUTH}"
command="$command scripts/bench.sh"
java -Xss512k -cp "$classpath" io.txgate.bench.Bench --txgate "127.0.0.1:$port" --db "$db_url" \
  --connections "$connections" --workloads "$workloads" --seconds "$seconds" --rounds "$rounds" \
  --warmup "$warmup" --results "$results" "${baseline_args[@]}" "${tls_args[@]}"
stop_all

# Idle memory on a fresh server, after the load and with the machine to itself: the load steps'
# own servers have grown heaps, which would say nothing about an idle connection.
rm -f target/idle-memory.md
if [ "${IDLE_MEMORY:-1}" != 0 ] && [ -f scripts/idle-memory.sh ]; then
  bash scripts/idle-memory.sh
fi

if [ -n "$report" ]; then
  java -cp "$classpath" io.txgate.bench.BenchReport --results "$results" --report "$report" \
    --idle target/idle-memory.md --command "$command"
fi
