#!/usr/bin/env bash
# The cost of the HAProxy hop (not a test): two txgate nodes on one database, Debian's haproxy
# running packaging/haproxy.cfg (addresses and ports replaced) once in front of both and once in
# front of node 1 alone, and the benchmark's closed-loop load (scripts/bench.sh's requests) against
# node 1 directly, node 1 behind haproxy (the hop alone) and both behind haproxy, in alternating
# rounds. On one machine the nodes share its cores: this measures the extra hop, not the gain of a
# second machine.
#   TXGATE_DB_URL     database to use (default: node 1's embedded MariaDB, in target/bench-data)
#   CONNECTIONS       comma-separated connection counts (default 32,256)
#   WORKLOADS         point, transfer, transfer-hot, transfer-op, mixed (default transfer)
#   SECONDS_PER_STEP  measured seconds per target per round (default 10)
#   ROUNDS            rounds per step, each runs both targets in turn (default 3)
#   WARMUP_SECONDS    unmeasured load per workload and target first (default 10)
#   BENCH_PORT        node 1's protocol port; its admin port and embedded database take the next
#                     two, node 2 the two after, the two haproxy frontends the two after that
#                     (default 7420)
#   HAPROXY           the haproxy binary (default /usr/sbin/haproxy)
# Writes target/bench-haproxy.md; docs/BENCHMARKS.md quotes it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

connections=${CONNECTIONS:-32,256}
workloads=${WORKLOADS:-transfer}
seconds=${SECONDS_PER_STEP:-10}
rounds=${ROUNDS:-3}
warmup=${WARMUP_SECONDS:-10}
port=${BENCH_PORT:-7420}
haproxy=${HAPROXY:-/usr/sbin/haproxy}
[ -x "$haproxy" ] || { echo "no haproxy at $haproxy (Debian package haproxy)" >&2; exit 1; }

mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
"$mvn" -B -q -DskipTests package test-compile
"$mvn" -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

# Both nodes as bench.sh runs its one: every load connection comes from 127.0.0.1 (haproxy's too).
export TXGATE_PROTOCOL_MAX_CONNECTIONS_PER_ADDRESS=0
if [ -z "${TXGATE_DB_URL:-}" ]; then
  db_url="mysql://root@127.0.0.1:$((port + 2))/txgate"
  node1_env=(TXGATE_EMBEDDED_DATA_DIR=target/bench-data TXGATE_EMBEDDED_PORT=$((port + 2)))
else
  db_url=$TXGATE_DB_URL
  node1_env=()
fi

node1= node2= proxy= proxy1=
stop_all() {
  for p in $proxy1 $proxy $node2 $node1; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  node1= node2= proxy= proxy1=
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

env "${node1_env[@]}" TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1)) \
  ./scripts/run.sh >target/bench-haproxy-node1.log 2>&1 &
node1=$!
wait_ready $((port + 1)) "$node1" target/bench-haproxy-node1.log
TXGATE_DB_URL=$db_url TXGATE_PROTOCOL_PORT=$((port + 3)) TXGATE_ADMIN_PORT=$((port + 4)) \
  ./scripts/run.sh >target/bench-haproxy-node2.log 2>&1 &
node2=$!
wait_ready $((port + 4)) "$node2" target/bench-haproxy-node2.log

java -cp "$classpath" io.txgate.testsupport.HaproxyConfig packaging/haproxy.cfg $((port + 5)) \
  "$PWD/target/bench-haproxy.sock" target/bench-haproxy.cfg $port:$((port + 1)) $((port + 3)):$((port + 4))
"$haproxy" -c -f target/bench-haproxy.cfg
"$haproxy" -db -f target/bench-haproxy.cfg >target/bench-haproxy.log 2>&1 &
proxy=$!
java -cp "$classpath" io.txgate.testsupport.HaproxyConfig packaging/haproxy.cfg $((port + 6)) \
  "$PWD/target/bench-haproxy-one.sock" target/bench-haproxy-one.cfg $port:$((port + 1))
"$haproxy" -c -f target/bench-haproxy-one.cfg
"$haproxy" -db -f target/bench-haproxy-one.cfg >target/bench-haproxy-one.log 2>&1 &
proxy1=$!
# rise 2 x inter 1 s: both servers are UP about 2 s after haproxy starts.
sleep 4

java -Xss512k -cp "$classpath" io.txgate.bench.HopBench --one "127.0.0.1:$port" \
  --haproxy-one "127.0.0.1:$((port + 6))" --haproxy "127.0.0.1:$((port + 5))" \
  --db "$db_url" --connections "$connections" --workloads "$workloads" --seconds "$seconds" --rounds "$rounds" \
  --warmup "$warmup" --report target/bench-haproxy.md
