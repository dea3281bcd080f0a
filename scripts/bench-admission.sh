#!/usr/bin/env bash
# What conflict-aware admission (tx.admission) buys (not a test): two txgate nodes on one database,
# one with admission on and one with it off, and the benchmark's closed-loop load (scripts/bench.sh's
# requests) against each in turn, in alternating rounds: the hot-account transfers (8 accounts) that
# conflict, and point reads that do not. Failures are counted by error code: RETRIES_EXHAUSTED is
# what admission is meant to bring to zero.
#   TXGATE_DB_URL     database to use (default: node 1's embedded MariaDB, in target/bench-data)
#   CONNECTIONS       comma-separated connection counts (default 64)
#   WORKLOADS         point, transfer, transfer-hot, transfer-op, mixed (default transfer-hot,point)
#   SECONDS_PER_STEP  measured seconds per target per round (default 10)
#   ROUNDS            rounds per step, each runs both targets in turn (default 3)
#   WARMUP_SECONDS    unmeasured load per workload and target first (default 10)
#   BENCH_PORT        node 1's protocol port; its admin port and embedded database take the next
#                     two, node 2 the two after (default 7430)
# Writes target/bench-admission.md; docs/BENCHMARKS.md quotes it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-64}
workloads=${WORKLOADS:-transfer-hot,point}
seconds=${SECONDS_PER_STEP:-10}
rounds=${ROUNDS:-3}
warmup=${WARMUP_SECONDS:-10}
port=${BENCH_PORT:-7430}

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

env "${node1_env[@]}" TXGATE_TX_ADMISSION=true TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1)) \
  ./scripts/run.sh >target/bench-admission-on.log 2>&1 &
node1=$!
wait_ready $((port + 1)) "$node1" target/bench-admission-on.log
TXGATE_DB_URL=$db_url TXGATE_TX_ADMISSION=false TXGATE_PROTOCOL_PORT=$((port + 3)) TXGATE_ADMIN_PORT=$((port + 4)) \
  ./scripts/run.sh >target/bench-admission-off.log 2>&1 &
node2=$!
wait_ready $((port + 4)) "$node2" target/bench-admission-off.log

java -Xss512k -cp "$classpath" io.txgate.bench.HopBench \
  --targets "admission on=127.0.0.1:$port,admission off=127.0.0.1:$((port + 3))" \
  --db "$db_url" --connections "$connections" --workloads "$workloads" --seconds "$seconds" --rounds "$rounds" \
  --warmup "$warmup" --report target/bench-admission.md
