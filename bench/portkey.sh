# Sourced by bench/run.sh and bench/streams.sh: installs the Portkey gateway (@portkey-ai/gateway, a
# competitor) from npm once into bench/.cache/portkey and defines portkey_start PORT (sets PK_PID).
# PORTKEY=0 leaves Portkey out of a run.
PORTKEY=${PORTKEY:-1}
PORTKEY_VERSION=1.15.2
# Portkey's own lockfile pins @hono/node-server 1.13.5; a plain npm install takes the newest 1.x, whose
# Response wrapper keeps fetch()'s immutable headers, and then every streamed answer fails with
# "TypeError: immutable" (Portkey-AI/gateway#1389). Install the version Portkey is built and tested with.
HONO_NODE_SERVER_VERSION=1.13.5
PK=bench/.cache/portkey
if [ "$PORTKEY" = 1 ]; then
  command -v npm >/dev/null || { echo "bench: Portkey needs node and npm (or run with PORTKEY=0)" >&2; exit 1; }
  installed="$PK/.installed-$PORTKEY_VERSION-hono-$HONO_NODE_SERVER_VERSION"
  if [ ! -f "$installed" ]; then
    mkdir -p "$PK"
    rm -rf "$PK/node_modules" "$PK/package-lock.json"
    # an override, so that no package gets its own newer copy either
    (cd "$PK" && printf '{"private":true,"overrides":{"@hono/node-server":"%s"}}\n' "$HONO_NODE_SERVER_VERSION" > package.json \
      && npm install --no-audit --no-fund --silent "@portkey-ai/gateway@$PORTKEY_VERSION") && touch "$installed"
  fi
fi

# Starts Portkey on port $1 (its log in $2) and waits until it answers on its root path.
portkey_start() {
  node "$PK/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$1" --headless > "$2" 2>&1 &
  PK_PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.2; done
  echo "bench: Portkey did not start; see $2" >&2; return 1
}
