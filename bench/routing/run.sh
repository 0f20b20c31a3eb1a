#!/usr/bin/env bash
# Measures the cost of choosing an offering (Router.plan) for a model with 20 offerings.
#   bench/routing/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/java-home.sh
./mvnw -o -q test-compile
cp_file=target/bench-classpath.txt
./mvnw -o -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
echo "# $(date -u +%FT%TZ)  nproc=$(nproc)  $(lscpu | sed -n 's/^Model name: *//p')"
exec "$JAVA_HOME/bin/java" -cp "target/classes:target/test-classes:$(cat "$cp_file")" io.modelhub.bench.RoutingBench
