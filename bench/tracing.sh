#!/usr/bin/env bash
# The cost of tracing on the hot path: bench/run.sh with tracing off, then on (every request sampled, spans
# exported over OTLP/HTTP to the mock upstream's nginx, which answers 200), ROUNDS times in turn.
#   bench/tracing.sh [seconds per run, default 5] [rounds, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}; ROUNDS=${2:-2}
mkdir -p bench/out-tracing
trap 'rm -f bench/hub-extra.yaml' EXIT
for round in $(seq 1 "$ROUNDS"); do
  rm -f bench/hub-extra.yaml
  bench/run.sh "$SECS" > "bench/out-tracing/off-$round.txt"
  # The mock upstream's nginx (bench/run.sh's port 18081) is the OTLP sink.
  echo 'telemetry: {otlp_endpoint: "http://127.0.0.1:18081"}' > bench/hub-extra.yaml
  bench/run.sh "$SECS" > "bench/out-tracing/on-$round.txt"
  grep -h '^hub ' "bench/out-tracing/off-$round.txt" | sed 's/^/tracing off: /'
  grep -h '^hub ' "bench/out-tracing/on-$round.txt" | sed 's/^/tracing on:  /'
done
