#!/usr/bin/env bash
# What an idle client connection costs: starts txgate fresh as scripts/run.sh does (its JVM
# settings), opens IDLE_CONNECTIONS connections that send nothing from another process, and compares
# RSS and heap after a full GC before and after; then the same for a bare Vert.x NetServer, so the
# difference is txgate's own cost. Writes target/idle-memory.md.
#   MVN_FLAGS         extra Maven flags, e.g. -o
#   IDLE_CONNECTIONS  idle connections to open (default 10000)
#   IDLE_PORT         first of four ports: protocol, console, embedded database, bare server (default 7500)
#   TXGATE_DB_URL     database to use (default: the embedded MariaDB, in target/idle-data-<IDLE_PORT>)
#   SOAK_SECONDS      when set: connections churn that long instead (one in 20 stays idle, replacing
#                     the oldest), RSS and heap sampled every 60 s; writes target/idle-soak.md
#   CHURN_RATE        new connections per second in the soak (default 300)
#   BARE=0            skip the bare NetServer
set -euo pipefail
cd "$(dirname "$0")/.."

n=${IDLE_CONNECTIONS:-10000}
port=${IDLE_PORT:-7500}
soak=${SOAK_SECONDS:-0}

mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
"$mvn" -B -q ${MVN_FLAGS:-} -DskipTests package test-compile
"$mvn" -B -q ${MVN_FLAGS:-} dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

export TXGATE_PROTOCOL_PORT=$port TXGATE_ADMIN_PORT=$((port + 1))
if [ -z "${TXGATE_DB_URL:-}" ]; then
  export TXGATE_EMBEDDED_DATA_DIR=target/idle-data-$port TXGATE_EMBEDDED_PORT=$((port + 2))
fi

server=
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
trap stop_server EXIT

# Starts "$@" in the background with its output in $1.log-file and waits for "listening on".
start_server() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 180); do
    if grep -q "listening on" "$log"; then return 0; fi
    if ! kill -0 "$server" 2>/dev/null; then cat "$log"; exit 1; fi
    sleep 1
  done
  echo "no 'listening on' in $log after 180 s" >&2
  exit 1
}

measure() {
  java -cp "$cp" io.txgate.bench.IdleMemory --pid "$server" --connections "$n" "$@"
}

# run.sh execs java, so the background job's pid is txgate's own.
start_server target/idle-txgate.log ./scripts/run.sh
if [ "$soak" != 0 ]; then
  measure --port "$port" --admin "127.0.0.1:$((port + 1))" --label txgate --out target/idle-soak.md \
    --soak-seconds "$soak" --churn-rate "${CHURN_RATE:-300}"
  exit 0
fi
measure --port "$port" --admin "127.0.0.1:$((port + 1))" --label txgate --out target/idle-memory-txgate.md
stop_server

if [ "${BARE:-1}" != 0 ]; then
  # The same JVM settings as run.sh's: JAVA_OPTS and nothing else.
  # shellcheck disable=SC2086
  start_server target/idle-bare.log java ${JAVA_OPTS:-} -cp "$cp" io.txgate.bench.BareNetServer $((port + 3))
  measure --port $((port + 3)) --label bare --out target/idle-memory-bare.md
  stop_server
fi

txgate_kb=$(sed -n 's/^txgate-rss-kb: //p' target/idle-memory-txgate.md)
{
  echo "## Memory per idle connection"
  echo
  echo "Measured by \`scripts/idle-memory.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores shared with other work:"
  echo "RSS (/proc VmRSS) and heap in use, each after a full GC (jcmd GC.run), on a freshly started server"
  echo "with its default JVM settings, before and after $n connections that send nothing."
  echo
  cat target/idle-memory-txgate.md
  if [ -f target/idle-memory-bare.md ] && [ "${BARE:-1}" != 0 ]; then
    bare_kb=$(sed -n 's/^bare-rss-kb: //p' target/idle-memory-bare.md)
    cat target/idle-memory-bare.md
    txgate_live=$(sed -n 's/^txgate-live-kb: //p' target/idle-memory-txgate.md)
    bare_live=$(sed -n 's/^bare-live-kb: //p' target/idle-memory-bare.md)
    echo "txgate's own cost (txgate minus bare NetServer): $(echo "$txgate_live - $bare_live" | bc -l | xargs printf '%.2f') KB"
    echo "of live objects per connection (exact), $(echo "$txgate_kb - $bare_kb" | bc -l | xargs printf '%.2f') KB of RSS"
    echo "(RSS follows the heap G1 keeps committed and swings by a few KB per connection between runs)."
    echo
  fi
  echo "per-connection-kb: $txgate_kb"
} >target/idle-memory.md
echo
cat target/idle-memory.md
