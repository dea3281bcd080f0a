#!/usr/bin/env bash
# Runs the whole test suite. The test database is, in this order: TXGATE_TEST_DB_URL (or
# -Dtxgate.test.db.url), else a Testcontainers MySQL when Docker is available, else one embedded
# MariaDB for the whole run. Extra arguments go to Maven, e.g. -Dtest=RequestDecoderTest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The machine's Maven when there is one, else the wrapper (it downloads a pinned Maven once).
mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw
# The Java client's own unit tests; its integration tests run with the server's (JavaClientTest).
"$mvn" -B -q -f clients/java test
exec "$mvn" -B test "$@"
