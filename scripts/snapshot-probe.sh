#!/usr/bin/env bash
# Does the database keep a multi-row read consistent while transfers commit? The MySQL driver alone,
# no txgate (src/test/java/io/txgate/bench/SnapshotProbe.java). Prints, per read mode, the reads
# whose sum was off the total.
#   TXGATE_DB_URL     the database to probe (required; it creates and drops txgate_snapshot_probe)
#   SECONDS_PER_MODE  seconds of load per read mode (default 60)
#   MODES             plain, tx, snapshot, share (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TXGATE_DB_URL:?the database to probe, e.g. mysql://root@127.0.0.1:3306/scratch}"
mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
"$mvn" -B -q -DskipTests test-compile
"$mvn" -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.txgate.bench.SnapshotProbe
