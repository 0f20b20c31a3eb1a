#!/usr/bin/env bash
# Gateway overhead benchmark. Starts a fast mock upstream (nginx answering a fixed completion), a plain
# nginx reverse proxy in front of it, the Portkey gateway (@portkey-ai/gateway from npm, a competitor) in
# front of it, and the hub in front of it (auth, limits and metering on), then drives each with wrk at 1
# and at 64 connections and prints requests/s, p50/p99 latency and the ratios. PORTKEY=0 leaves Portkey out.
#   bench/run.sh [seconds per run, default 10]   (HUB_CONNECTIONS: a connections block for the hub's provider)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "bench: needs nginx (apt-get install nginx-light)" >&2; exit 1; }
. .mvn/java-home.sh

OUT=bench/out; rm -rf "$OUT"; mkdir -p "$OUT"/{body,proxy,fastcgi,uwsgi,scgi}
DIR=$(cd "$OUT" && pwd)
UP=18081; PROXY=18082; HUB=18083; PORTKEY_PORT=18084
. bench/portkey.sh
. bench/report.sh
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
sed -e "s#@DIR@#$DIR#g" -e "s#@UPSTREAM_PORT@#$UP#g" -e "s#@PROXY_PORT@#$PROXY#g" bench/nginx.conf.template > "$DIR/nginx.conf"

[ -f target/modelhub.jar ] && [ -z "$(find src/main pom.xml -newer target/modelhub.jar -print -quit)" ] \
  || ./mvnw -q -B -DskipTests package

ADMIN_KEY="mh-benchadmin.$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat > "$DIR/modelhub.yaml" <<YAML
server: {port: $HUB}
providers:
  - id: mock
    kind: openai
    base_url: http://127.0.0.1:$UP/v1
    api_key: bench-upstream-key
${HUB_CONNECTIONS:+    connections: $HUB_CONNECTIONS
}models:
  - id: bench/echo
    offerings:
      - provider: mock
        upstream_model: bench-upstream
        pricing: {input_per_mtok: 0.1, output_per_mtok: 0.2}
YAML
[ -f bench/hub-extra.yaml ] && cat bench/hub-extra.yaml >> "$DIR/modelhub.yaml"

cleanup() {
  [ -n "${HUB_PID:-}" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null || true
  [ -n "${PK_PID:-}" ] && kill "$PK_PID" 2>/dev/null || true
  [ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

nginx -c "$DIR/nginx.conf" -p "$DIR"
MODELHUB_ADMIN_KEY="$ADMIN_KEY" "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms512m -Xmx512m -Djdk.pollerMode=1} \
  -jar target/modelhub.jar serve --config "$DIR/modelhub.yaml" --data-dir "$DIR/data" > "$DIR/hub.log" 2>&1 &
HUB_PID=$!
[ "$PORTKEY" = 1 ] && portkey_start $PORTKEY_PORT "$DIR/portkey.log"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$HUB/health/ready" >/dev/null && break; sleep 0.2; done
# The load runs with an ordinary read key that has limits and a budget, so every request pays for
# authentication, the rpm/tpm/budget checks and metering, as in production.
BENCH_KEY=$(curl -sf -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["read"],"rpm":2000000000,"tpm":2000000000,"budget_usd":1000000000}' \
  "http://127.0.0.1:$HUB/v1/keys" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$BENCH_KEY" ] || { echo "bench: could not create the bench key; see $DIR/hub.log" >&2; exit 1; }
export BENCH_KEY
curl -sf -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
  -d '{"model":"bench/echo","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$HUB/v1/chat/completions" >/dev/null \
  || { echo "bench: the hub does not answer; see $DIR/hub.log" >&2; exit 1; }

# run NAME PORT CONNECTIONS [wrk header args] -> "rps p50_us p99_us"
run() {
  local name=$1 port=$2 conns=$3 threads=1
  shift 3
  [ "$conns" -gt 1 ] && threads=2
  wrk -t"$threads" -c"$conns" -d"${SECS}s" --latency -s bench/chat.lua "$@" "http://127.0.0.1:$port/v1/chat/completions" > "$DIR/wrk-$name-$conns.txt"
  set -- "$name" "$port" "$conns"
  awk -v name="$1" -v c="$conns" '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /Requests\/sec/ { rps=$2 }
    /^ +50%/ { p50=us($2) } /^ +99%/ { p99=us($2) }
    /Non-2xx/ { bad=$NF }
    END { printf "%s %d %.0f %.0f %.0f %s\n", name, c, rps, p50, p99, (bad==""?0:bad) }' "$DIR/wrk-$1-$conns.txt"
}

if [ "$PORTKEY" = 1 ]; then
  for _ in $(seq 1 100); do
    curl -sf -H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$UP/v1" -H 'Content-Type: application/json' \
      -d '{"model":"bench-upstream","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" >/dev/null && break
    sleep 0.2
  done
  wrk -t2 -c64 -d"$(( SECS < 10 ? SECS : 10 ))s" -s bench/chat.lua -H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$UP/v1" \
    "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" >/dev/null
fi
# Warm the JIT of the hub before measuring.
wrk -t2 -c64 -d"$(( SECS < 10 ? SECS : 10 ))s" -s bench/chat.lua "http://127.0.0.1:$HUB/v1/chat/completions" >/dev/null
# Hooks for profiling the measured runs only (e.g. attach async-profiler with jcmd; JPID is the hub's JVM).
[ -n "${BENCH_HOOK:-}" ] && JPID=$HUB_PID $BENCH_HOOK

{
  for c in 1 64; do
    run upstream $UP $c
    run nginx $PROXY $c
    run hub $HUB $c
    if [ "$PORTKEY" = 1 ]; then
      # Portkey reaches the same upstream as an OpenAI-compatible custom host.
      run portkey $PORTKEY_PORT $c -H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$UP/v1"
    fi
  done
} | tee "$DIR/results.txt"
[ -n "${BENCH_HOOK_END:-}" ] && JPID=$HUB_PID $BENCH_HOOK_END

echo
awk '
  { rps[$1,$2]=$3; p50[$1,$2]=$4; p99[$1,$2]=$5; bad[$1,$2]=$6 }
  END {
    printf "%-9s %5s %12s %10s %10s %8s\n", "target", "conns", "requests/s", "p50 (us)", "p99 (us)", "non-2xx"
    nt = split("upstream nginx hub portkey", t, " ")
    for (ci = 1; ci <= 2; ci++) { c = (ci == 1 ? 1 : 64)
      for (i = 1; i <= nt; i++) if ((t[i],c) in rps) printf "%-9s %5d %12.0f %10.0f %10.0f %8d\n", t[i], c, rps[t[i],c], p50[t[i],c], p99[t[i],c], bad[t[i],c] }
    printf "\nhub overhead at 1 connection, p50: %.0f us over the upstream alone (nginx proxy: %.0f us)\n", p50["hub",1]-p50["upstream",1], p50["nginx",1]-p50["upstream",1]
    printf "hub throughput at 64 connections: %.0f%% of the nginx proxy (%.0f%% of the upstream alone)\n", 100*rps["hub",64]/rps["nginx",64], 100*rps["hub",64]/rps["upstream",64]
    if (("portkey",64) in rps && rps["portkey",64] > 0) printf "hub throughput at 64 connections: %.1fx the Portkey gateway'"'"'s\n", rps["hub",64]/rps["portkey",64]
  }' "$DIR/results.txt" | tee "$DIR/summary.txt"
{ echo "target conns requests/s p50_us p99_us non-2xx"; cat "$DIR/results.txt"; } > "$DIR/table.txt"
write_report "$DIR/report.md" "$( [ "$PORTKEY" = 1 ] || echo "PORTKEY=0 ")bench/run.sh $SECS" "$DIR/table.txt"
{ echo; grep -E '^hub (overhead|throughput)' "$DIR/summary.txt"; } >> "$DIR/report.md"
