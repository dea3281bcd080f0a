#!/usr/bin/env bash
# Builds txgate if needed and runs it. With no TXGATE_DB_URL it starts the embedded MariaDB and
# loads the demo schema; its binaries are put on the class path beside the jar, never inside it.
set -euo pipefail
cd "$(dirname "$0")/.."
# The machine's Maven when there is one, else the wrapper (it downloads a pinned Maven once).
mvn=mvn
command -v mvn >/dev/null || mvn=./mvnw

jar=target/txgate.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  "$mvn" -B -q -DskipTests package
fi

classpath="$jar"
if [ -z "${TXGATE_DB_URL:-}" ]; then
  classpath="$classpath:$(ls target/embedded-db/*.jar | tr '\n' ':')"
fi
# The JDK packages Hazelcast reaches into when cluster.enabled is on (harmless otherwise).
cluster_flags="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
# SIGHUP back to its default when this was started under nohup, so that kill -HUP reloads (as in
# bin/txgate, which says why).
hup=()
if env --default-signal=HUP true 2>/dev/null; then
  hup=(env --default-signal=HUP)
fi
exec ${hup[@]+"${hup[@]}"} java $cluster_flags ${JAVA_OPTS:-} -cp "$classpath" io.txgate.Main "$@"
