#!/usr/bin/env bash
# Catalog benchmark: 5,000 models over 50 providers, in process; prints p50/p99 per operation.
#   bench/catalog/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
. "$here/.mvn/java-home.sh"
./mvnw -o -q -B test-compile
./mvnw -o -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.modelhub.bench.CatalogBench "$@"
