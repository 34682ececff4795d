#!/usr/bin/env bash
# Live events at scale (BENCHMARKS.md): 1,000 `/api/events` streams on one
# release server, then the same 1,000 split over two servers that relay
# through PostgreSQL LISTEN/NOTIFY. Changes are committed through the first
# server; scripts/load-events.mjs measures commit → delivery on every stream
# and the servers' memory. Prints numbers, asserts nothing.
#
#   make bench-events            (after make build)
#   EVENT_STREAMS=2000 EVENT_CHANGES=40 scripts/bench-events.sh
#
# The per-user stream cap (RC_SSE_MAX_PER_USER, 20 in production) is raised
# for the run so one signed-in session can hold every stream: the cost per
# stream on the server is the same whoever opens it.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=target/release/release-coordinator
SITE=target/site-release
STREAMS=${EVENT_STREAMS:-1000}
CHANGES=${EVENT_CHANGES:-20}
PG=${RC_TEST_PG:-postgres://postgres@127.0.0.1:5432}

[ -x "$BIN" ] || { echo "run make build first" >&2; exit 1; }
psql "$PG/postgres" -qc 'select 1' >/dev/null || { echo "PostgreSQL is not reachable at $PG" >&2; exit 1; }
# A socket per stream on each side, in one shell.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; psql "$PG/postgres" -qc 'drop database if exists rc_events_bench' >/dev/null 2>&1 || true; }
trap cleanup EXIT
. scripts/bench-lib.sh

psql "$PG/postgres" -qc 'drop database if exists rc_events_bench' -c 'create database rc_events_bench' >/dev/null
export DATABASE_URL=$PG/rc_events_bench RC_DATA_DIR=$work LEPTOS_SITE_ROOT=$SITE RUST_LOG=warn
export RC_SSE_MAX_PER_USER=$((STREAMS + 10)) RC_SSE_MAX_TOTAL=$((STREAMS + 10))
RC_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64); export RC_ENCRYPTION_KEY
"$BIN" seed-demo --releases 60 >/dev/null

start() { # start: a server on a free port → $port $pid
  port=$(free_port)
  LEPTOS_SITE_ADDR=127.0.0.1:$port "$BIN" >"$work/server-$port.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_ready "http://127.0.0.1:$port"
}
start; port1=$port pid1=$pid
base1=http://127.0.0.1:$port1
jar=$work/jar
cookie=$(demo_session "$base1" "$jar")
release=$(curl -fs -H "cookie: $cookie" "$base1/api/releases?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
sleep 1

echo "Live events — $(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL, $STREAMS streams, $CHANGES changes 250 ms apart"
echo
echo "== one server"
node scripts/load-events.mjs --cookie "$cookie" --release "$release" --streams "$STREAMS" \
  --changes "$CHANGES" --pids "$pid1" "$base1"
# The streams of the first run end with its client; let the server see them go.
sleep 2
echo
echo "== two servers (streams split evenly; changes through the first, relayed by NOTIFY)"
start; port2=$port pid2=$pid
node scripts/load-events.mjs --cookie "$cookie" --release "$release" --streams "$STREAMS" \
  --changes "$CHANGES" --pids "$pid1,$pid2" "$base1" "http://127.0.0.1:$port2"
