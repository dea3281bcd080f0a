#!/usr/bin/env bash
# Two configurations of txgate side by side (not a test): two nodes on one database, each with its
# own settings, and the benchmark's closed-loop load (scripts/bench.sh's requests) against each in
# turn, in alternating rounds, so that both see the same machine. Failures are counted by error code.
#   A_NAME, A_ENV     the first node's name in the report and its settings, as space-separated
#                     TXGATE_*=value words (default: "admission on", TXGATE_TX_ADMISSION=true)
#   B_NAME, B_ENV     the same for the second (default: "admission off", TXGATE_TX_ADMISSION=false)
#   TXGATE_DB_URL     database to use (default: node 1's embedded MariaDB, in target/bench-data)
#   CONNECTIONS       comma-separated connection counts (default 64)
#   WORKLOADS         point, transfer, transfer-hot, transfer-op, mixed (default transfer-hot,point)
#   SECONDS_PER_STEP  measured seconds per target per round (default 10)
#   ROUNDS            rounds per step, each runs both targets in turn (default 3)
#   WARMUP_SECONDS    unmeasured load per workload and target first (default 10)
#   BENCH_PORT        node 1's protocol port; its admin port and embedded database take the next
#                     two, node 2 the two after (default 7430)
#   REPORT            where to write the table (default target/bench-compare.md); docs/BENCHMARKS.md
#                     quotes it by hand
# With the defaults it measures conflict-aware admission: the hot-account transfers (8 accounts) that
# conflict, and point reads that do not; RETRIES_EXHAUSTED is what admission brings to zero.
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-64}
workloads=${WORKLOADS:-transfer-hot,point}
seconds=${SECONDS_PER_STEP:-10}
rounds=${ROUNDS:-3}
warmup=${WARMUP_SECONDS:-10}
port=${BENCH_PORT:-7430}
a_name=${A_NAME:-admission on}
b_name=${B_NAME:-admission off}
read -r -a a_env <<<"${A_ENV:-TXGATE_TX_ADMISSION=true}"
read -r -a b_env <<<"${B_ENV:-TXGATE_TX_ADMISSION=false}"
report=${REPORT:-target/bench-compare.md}

mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
"$mvn" -B -q -DskipTests package test-compile
"$mvn" -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

export TXGATE_PROTOCOL_MAX_CONNECTIONS_PER_ADDRESS=0
if [ -z "${TXGATE_DB_URL:-}" ]; then
  db_url="mysql://root@127.0.0.1:$((port + 2))/txgate"
  node1_env=(TXGATE_EMBEDDED_DATA_DIR=target/bench-data TXGATE_EMBEDDED_PORT=$((port + 2)))
else
  db_url=$TXGATE_DB_URL
  node1_env=()
fi

node1= node2=
stop_all() {
  for p in $node2 $node1; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  node1= node2=
}
trap stop_all EXIT

# Waits until $1 (an admin port) answers /ready with 200, or the process $2 ends.
wait_ready() {
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$1/ready"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then cat "$3"; return 1; fi
    sleep 1
  done
  echo "no 200 from :$1/ready after 120 s" >&2
  return 1
}

env "${node1_env[@]}" "${a_env[@]}" TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1)) \
  ./scripts/run.sh >target/bench-compare-a.log 2>&1 &
node1=$!
wait_ready $((port + 1)) "$node1" target/bench-compare-a.log
env "${b_env[@]}" TXGATE_DB_URL=$db_url TXGATE_PROTOCOL_PORT=$((port + 3)) TXGATE_ADMIN_PORT=$((port + 4)) \
  ./scripts/run.sh >target/bench-compare-b.log 2>&1 &
node2=$!
wait_ready $((port + 4)) "$node2" target/bench-compare-b.log

java -Xss512k -cp "$classpath" io.txgate.bench.HopBench \
  --targets "$a_name=127.0.0.1:$port,$b_name=127.0.0.1:$((port + 3))" \
  --db "$db_url" --connections "$connections" --workloads "$workloads" --seconds "$seconds" --rounds "$rounds" \
  --warmup "$warmup" --report "$report"
