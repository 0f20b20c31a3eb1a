#!/usr/bin/env bash
# Runs the browser suite: the developer portal driven in Debian's Chromium (playwright-core, no bundled
# browser) against a real, throwaway hub. Builds target/modelhub.jar when it is missing or stale (as
# ./modelhub does), installs Chromium with apt-get when /usr/bin/chromium is missing, starts the hub on a
# free port with an empty store, its own data dir and admin key and a slow sandbox (so that streaming is
# visible token by token), installs the locked node_modules when needed, runs `node --test`, and always
# stops the hub. Screenshots of every page go to target/portal-screenshots/ (or, with
# --update-screenshots, to docs/portal/). Exit code: the test runner's.
#   clients/browser/run.sh [--update-screenshots] [extra node --test arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/.mvn/java-home.sh"

shots="$root/target/portal-screenshots"
if [ "${1:-}" = "--update-screenshots" ]; then
  shots="$root/docs/portal"
  shift
fi
mkdir -p "$shots"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser: installing chromium..." >&2
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >&2
fi

jar="$root/target/modelhub.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "browser: building target/modelhub.jar..." >&2
  (cd "$root" && ./mvnw -q -B -DskipTests package) >&2
fi

if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "browser: npm ci..." >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/modelhub-browser.XXXXXX")"
admin_key="mh-ci.$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$root/target"
log="$root/target/clients-browser-hub.log"
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

# A sandbox that waits between tokens, so that the playground's stream can be seen growing.
printf 'sandbox: {token_delay_ms: 40}\n' > "$data_dir/modelhub.yaml"
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
  echo "browser: the hub did not become ready on $base; its log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "browser: hub ready on $base (its log: target/clients-browser-hub.log); screenshots to $shots" >&2

status=0
(cd "$here" && MODELHUB_BASE_URL="$base" MODELHUB_API_KEY="$admin_key" CHROMIUM="$chromium" SCREENSHOTS="$shots" \
  node --test --test-concurrency=1 --test-reporter=tap "$@") || status=$?
exit "$status"
