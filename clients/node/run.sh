#!/usr/bin/env bash
# Runs the JavaScript SDK suite (OpenAI, Anthropic, LangChain, OpenAI Agents) against a real hub:
# builds target/modelhub.jar when it is missing or older than the sources (as ./modelhub does),
# starts the hub on a free port with a throwaway data dir and admin key, waits until it is ready,
# installs the locked node_modules when they are missing or older than the lock file, runs
# `node --test`, and always stops the hub. Exit code: the test runner's.
#   clients/node/run.sh [extra node --test arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/.mvn/java-home.sh"

jar="$root/target/modelhub.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "clients: building target/modelhub.jar..." >&2
  (cd "$root" && ./mvnw -q -B -DskipTests package) >&2
fi

# npm ci wipes node_modules, so only when it is missing or the lock file changed since the last install.
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "clients: npm ci..." >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/modelhub-clients.XXXXXX")"
admin_key="mh-ci.$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
# Outside the data dir, so it survives the run: shown when the hub does not start, kept for failed tests.
mkdir -p "$root/target"
log="$root/target/clients-node-hub.log"
hub_pid=""

stop_hub() {
  if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then
    kill "$hub_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$hub_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap stop_hub EXIT
trap 'exit 130' INT TERM

# An empty config file, so that a modelhub.yaml in the caller's directory is not picked up.
: > "$data_dir/modelhub.yaml"
# The caller's store and Redis settings must not leak into a throwaway hub.
(cd "$data_dir" && unset MODELHUB_STORE_URL MODELHUB_REDIS_URL MODELHUB_CONFIG && MODELHUB_ADMIN_KEY="$admin_key" exec "$JAVA_HOME/bin/java" -jar "$jar" serve \
  --config "$data_dir/modelhub.yaml" --port "$port" --data-dir "$data_dir/data") >"$log" 2>&1 &
hub_pid=$!

base="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 300); do
  if ! kill -0 "$hub_pid" 2>/dev/null; then break; fi
  if curl -fs "$base/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "clients: the hub did not become ready on $base; its log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "clients: hub ready on $base (its log: target/clients-node-hub.log)" >&2

# TAP, so that the output ends with the runner's summary (# tests, # pass, # fail...) whatever the terminal.
status=0
(cd "$here" && MODELHUB_BASE_URL="$base" MODELHUB_API_KEY="$admin_key" node --test --test-reporter=tap "$@") || status=$?
exit "$status"
