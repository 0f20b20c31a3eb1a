#!/usr/bin/env bash
# What tracing costs per request (CPU µs and p50, off and on). Usage: bench/tracing/run.sh [requests per round] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -o -q test-compile
./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! "$JAVA" -version 2>&1 | grep -q 'version "2[5-9]'; then
  JAVA="$(ls -d /usr/lib/jvm/*25*/bin 2>/dev/null | head -1)/java"
fi
exec "$JAVA" -Djava.util.logging.config.file=src/test/resources/logging.properties \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.modelhub.bench.TracingBench "${1:-5000}" "${2:-6}"
