#!/usr/bin/env bash
# Usage metering benchmark: writer throughput (SQLite, PostgreSQL) and request latency with metering on vs off.
# Usage: bench/usage/run.sh [records-per-store (200000)] [warm-up requests per hub (2000)] [measured requests as a multiple of the warm-up (5)]
# PostgreSQL: -Dbench.postgres=<jdbc url> via BENCH_JAVA_OPTS (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -o -q compile
./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=runtime
. .mvn/java-home.sh
JAVA="$JAVA_HOME/bin/java"
echo "# machine: $(nproc) CPUs; $(lscpu | grep 'Model name' | sed 's/ \+/ /g')"
echo "# command: bench/usage/run.sh $*"
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Djava.util.logging.config.file=bench/usage/logging.properties \
  ${BENCH_JAVA_OPTS:-} -cp "target/classes:$(cat target/bench.cp)" bench/usage/UsageBench.java "$@"
