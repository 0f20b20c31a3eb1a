#!/usr/bin/env bash
# Streams at scale. A slow OpenAI-compatible SSE upstream (CHUNKS content chunks INTERVAL_MS apart), a
# plain nginx proxy in front of it (proxy_buffering off, keep-alive pool), the Portkey gateway (npm) in front
# of it, and the hub in front of it (auth, limits and metering on, the launcher's default JVM settings).
# For each N, N streams are opened at once, each on a new connection, against the upstream directly,
# through nginx, through Portkey and through the hub; it prints completed/failed streams, TTFT p50/p99,
# stream duration p50/p99, CPU per stream and the hub's RSS.
#   bench/streams.sh [N ...]          default: 300 2000 8000
# Env: HUB_CONNECTIONS (a connections block for the hub's provider, e.g. '{max: 10000}'), CHUNKS (20), INTERVAL_MS (100), WARMUP (20000 hub streams first), PORTKEY=0 leaves Portkey out,
# REWARM=0 skips the unmeasured burst before each measured hub burst.
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${*:-300 2000 8000}
CHUNKS=${CHUNKS:-20}; INTERVAL_MS=${INTERVAL_MS:-100}
command -v nginx >/dev/null || { echo "bench: needs nginx (apt-get install nginx-light)" >&2; exit 1; }
. .mvn/java-home.sh
ulimit -n 20000 2>/dev/null || true

OUT=bench/out/streams; rm -rf "$OUT"; mkdir -p "$OUT"/{body,proxy,fastcgi,uwsgi,scgi}
DIR=$(cd "$OUT" && pwd)
UP=18091; PROXY=18092; HUB=18093; PORTKEY_PORT=18094
. bench/portkey.sh
. bench/report.sh
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
sed -e "s#@DIR@#$DIR#g" -e "s#@UPSTREAM_PORT@#$UP#g" -e "s#@PROXY_PORT@#$PROXY#g" bench/streams/nginx.conf.template > "$DIR/nginx.conf"
[ -f target/modelhub.jar ] && [ -z "$(find src/main pom.xml -newer target/modelhub.jar -print -quit)" ] \
  || ./mvnw -q -B -DskipTests package
# Compile the bench tool once (the source launcher would compile it on every start).
"$JAVA_HOME/bin/javac" -d "$DIR/classes" bench/streams/StreamBench.java

ADMIN_KEY="mh-benchadmin.$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat > "$DIR/modelhub.yaml" <<YAML
server: {port: $HUB}
providers:
  - id: slow
    kind: openai
    base_url: http://127.0.0.1:$UP/v1
    api_key: bench-upstream-key
    timeouts: {connect_ms: 10000, first_byte_ms: 60000, idle_ms: 30000}
${HUB_CONNECTIONS:+    connections: $HUB_CONNECTIONS
}models:
  - id: bench/stream
    offerings:
      - provider: slow
        upstream_model: bench-upstream
        pricing: {input_per_mtok: 0.1, output_per_mtok: 0.2}
YAML

cleanup() {
  for p in ${HUB_PID:-} ${UP_PID:-} ${PK_PID:-}; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

"$JAVA_HOME/bin/java" -cp "$DIR/classes" StreamBench upstream $UP "$CHUNKS" "$INTERVAL_MS" > "$DIR/upstream.log" 2>&1 &
UP_PID=$!
nginx -c "$DIR/nginx.conf" -p "$DIR"
# The hub as a user starts it: the launcher's own JVM settings (./modelhub), not tuned for the bench.
MODELHUB_ADMIN_KEY="$ADMIN_KEY" ./modelhub serve --config "$DIR/modelhub.yaml" --data-dir "$DIR/data" > "$DIR/hub.log" 2>&1 &
HUB_PID=$!
[ "$PORTKEY" = 1 ] && portkey_start $PORTKEY_PORT "$DIR/portkey.log"
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$HUB/health/ready" >/dev/null && break; sleep 0.2; done
JPID=$(pgrep -f "modelhub.jar serve --config $DIR/modelhub.yaml" | head -1)
BENCH_KEY=$(curl -sf -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["read"],"rpm":2000000000,"tpm":2000000000,"budget_usd":1000000000}' \
  "http://127.0.0.1:$HUB/v1/keys" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$BENCH_KEY" ] || { echo "bench: could not create the bench key; see $DIR/hub.log" >&2; exit 1; }

# Portkey reaches the same upstream as an OpenAI-compatible custom host (the client always sends its headers).
client() { "$JAVA_HOME/bin/java" -Xss256k -Dbench.customHost="http://127.0.0.1:$UP/v1" -cp "$DIR/classes" StreamBench client "$@"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$JPID/status"; }
# CPU time (user + system) of a process, in milliseconds.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
NGINX_WORKER=$(pgrep -P "$(cat "$DIR/nginx.pid")" | head -1)
# Warm up every path, and the JIT of the two JVMs (hub and upstream), before measuring: a hub in
# production has served many streams before this burst arrives.
# WARMUP streams in bursts of 2,000: the per-stream set-up code runs once per stream, and the JIT's
# optimising compiler takes it only after about 10,000 calls; with less, C2 compiles it during the
# measured burst (a third of the hub's CPU there, in a profile).
WARMUP=${WARMUP:-20000}
for _ in $(seq 1 $(( (WARMUP + 1999) / 2000 ))); do client "http://127.0.0.1:$HUB/v1/chat/completions" 2000 "$BENCH_KEY" > /dev/null; done
client "http://127.0.0.1:$PROXY/v1/chat/completions" 1000 > /dev/null
[ "$PORTKEY" = 1 ] && client "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" 1000 > /dev/null
[ -n "${BENCH_HOOK:-}" ] && JPID=$JPID $BENCH_HOOK
sleep 2

printf "%-9s %6s %9s %6s %11s %11s %11s %11s %13s %24s\n" target streams completed failed ttft_p50 ttft_p99 dur_p50 dur_p99 cpu_per_stream hub_rss_peak | tee "$DIR/results.txt"
for n in $NS; do
  targets="direct nginx hub"; [ "$PORTKEY" = 1 ] && targets="direct nginx hub portkey"
  for target in $targets; do
    case $target in
      direct) url="http://127.0.0.1:$UP/v1/chat/completions"; key=""; pid=$UP_PID;;
      nginx) url="http://127.0.0.1:$PROXY/v1/chat/completions"; key=""; pid=$NGINX_WORKER;;
      portkey) url="http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions"; key=""; pid=$PK_PID;;
      hub) url="http://127.0.0.1:$HUB/v1/chat/completions"; key="$BENCH_KEY"; pid=$JPID;;
    esac
    if [ "$target" = hub ]; then
      # The hub at rest: a full GC first, so the warm-up's garbage is not counted as idle (G1 gives back
      # the heap it no longer needs after a full collection); what the run adds above it is its own.
      "$JAVA_HOME/bin/jcmd" "$JPID" GC.run > /dev/null; sleep 1
    fi
    idle=$(rss_kib)
    # Then one unmeasured burst of the same size, so the measured one meets a heap sized for it, as in a
    # hub that has been serving (REWARM=0 measures the burst on the heap the full GC left: G1 then pauses
    # again and again while it grows the heap back, which shows in TTFT).
    if [ "$target" = hub ] && [ "${REWARM:-1}" = 1 ]; then client "$url" "$n" $key > /dev/null; sleep 2; fi
    peak=$idle; cpu0=$(cpu_ms "$pid")
    client "$url" "$n" $key > "$DIR/client.out" &
    CP=$!
    while kill -0 $CP 2>/dev/null; do r=$(rss_kib); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.1; done
    wait $CP
    cpu=$(( ($(cpu_ms "$pid") - cpu0) * 1000 / n ))
    read -r ok bad t50 t99 d50 d99 < "$DIR/client.out"
    rss="-"
    [ "$target" = hub ] && rss="$(( peak / 1024 ))MiB(+$(( (peak - idle) / n ))KiB/stream)"
    printf "%-9s %6d %9d %6d %9sms %9sms %9sms %9sms %11sus %24s\n" $target "$n" "$ok" "$bad" "$t50" "$t99" "$d50" "$d99" "$cpu" "$rss" | tee -a "$DIR/results.txt"
    sleep 3
  done
done
[ -n "${BENCH_HOOK_END:-}" ] && JPID=$JPID $BENCH_HOOK_END
write_report "$DIR/report.md" "$(env | grep -E '^(PORTKEY|REWARM|WARMUP|CHUNKS|INTERVAL_MS)=' | tr '\n' ' ')bench/streams.sh $NS" "$DIR/results.txt"
true
