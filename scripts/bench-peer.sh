#!/usr/bin/env bash
# Side by side with the original stack (Next.js 16 + React 19 + Prisma 7,
# ../shared/peer-nextjs): one run, one machine, one PostgreSQL, the peer's
# data shape (2,000 releases, 1,250 in flight) seeded into each app.
# Prints numbers, asserts nothing (BENCHMARKS.md records a run).
#
# For each app: RSS idle, then wrk (2 threads, 16 connections, a warm-up
# that is not counted) on /board and on /api/releases?limit=100 with the
# peer's own wrk report (exact p50/p99 from wrk's histogram), RSS peak
# (sampled every 0.5 s) and after; the /board document's size; and the first
# load: every script, stylesheet and WASM file /board makes the browser
# fetch before it is interactive, static imports followed, Brotli-compressed
# at quality 11 (scripts/first-load.mjs; our server sends exactly those
# precompressed copies).
#
#   make bench-peer                      (after make build)
#   PEER_DIR=/path/to/peer-nextjs BENCH_SECONDS=15 scripts/bench-peer.sh
#
# The peer is copied to target/peer (its node_modules kept between runs) so
# its source folder is never written to. Needs Node/npm (as the build does),
# wrk, brotli and psql (scripts/install-tools.sh --test).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PEER_SRC=${PEER_DIR:-../shared/peer-nextjs}
PEER=$ROOT/target/peer
BIN=$ROOT/target/release/release-coordinator
SITE=$ROOT/target/site-release
DURATION=${BENCH_SECONDS:-15}
WARMUP=${WARMUP_S:-3}
PG=${RC_TEST_PG:-postgres://postgres@127.0.0.1:5432}

[ -d "$PEER_SRC" ] || { echo "no peer at $PEER_SRC (set PEER_DIR)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "run make build first" >&2; exit 1; }
for t in wrk brotli psql node npm; do
  command -v $t >/dev/null || { echo "$t is missing: scripts/install-tools.sh --test" >&2; exit 1; }
done
psql "$PG/postgres" -qc 'select 1' >/dev/null || { echo "PostgreSQL is not reachable at $PG" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
. scripts/bench-lib.sh
say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
wait_up() { for _ in $(seq 300); do curl -fs -o /dev/null ${2:+-H "cookie: $2"} "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; exit 1; }

tree_pids() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" 2>/dev/null); do tree_pids "$c"; done; }
rss_kib() { local t=0 r; for p in $(tree_pids "$1"); do r=$(ps -o rss= -p "$p" 2>/dev/null | tr -d ' ' || true); t=$((t + ${r:-0})); done; echo $t; }
mib() { awk -v k="$1" 'BEGIN{printf "%.0f", k/1024}'; }

# ---- the peer: install, generate, schema, seed, build, start ---------------
say "peer: copying $PEER_SRC to target/peer"
mkdir -p "$PEER"
(cd "$PEER_SRC" && tar --exclude=node_modules --exclude=.next --exclude=src/generated -cf - .) | (cd "$PEER" && tar -xf -)
peer_db="$PG/rc_peer_bench"
psql "$PG/postgres" -qc 'drop database if exists rc_peer_bench' -c 'create database rc_peer_bench' >/dev/null
(
  cd "$PEER"
  export DATABASE_URL=$peer_db NEXT_TELEMETRY_DISABLED=1
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "peer: npm ci"; npm ci --no-audit --no-fund >"$work/peer-install.log" 2>&1
  fi
  say "peer: prisma generate, schema, seed, next build"
  npm run prisma:generate >"$work/peer-generate.log" 2>&1
  ./scripts/db-init.sh >"$work/peer-db.log" 2>&1
  npm run seed >"$work/peer-seed.log" 2>&1
  npx next build >"$work/peer-build.log" 2>&1
) || { echo "peer setup failed; logs:"; tail -20 "$work"/peer-*.log; exit 1; }
peer_port=$(free_port)
(cd "$PEER" && DATABASE_URL=$peer_db NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 \
  exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$peer_port") >"$work/peer-server.log" 2>&1 &
peer_pid=$!; pids+=("$peer_pid")

# ---- ours: the same shape on PostgreSQL ------------------------------------
say "ours: seed-demo --releases 2000 --in-flight 1250 on PostgreSQL"
psql "$PG/postgres" -qc 'drop database if exists rc_ours_bench' -c 'create database rc_ours_bench' >/dev/null
export DATABASE_URL=$PG/rc_ours_bench RC_DATA_DIR=$work LEPTOS_SITE_ROOT=$SITE RUST_LOG=warn
RC_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64); export RC_ENCRYPTION_KEY
"$BIN" seed-demo --releases 2000 --in-flight 1250 >"$work/ours-seed.log"
ours_port=$(free_port)
LEPTOS_SITE_ADDR=127.0.0.1:$ours_port "$BIN" >"$work/ours-server.log" 2>&1 &
ours_pid=$!; pids+=("$ours_pid")
ours="http://127.0.0.1:$ours_port"
wait_up "$ours/api/health/ready"
jar=$work/jar
cookie=$(demo_session "$ours" "$jar")
peer="http://127.0.0.1:$peer_port"
wait_up "$peer/api/releases?limit=1"

# ---- measuring one app -------------------------------------------------------
LUA=$PEER/scripts/wrk-report.lua
declare -A R
# first_load NAME BASE COOKIE: what /board makes the browser fetch before it
# is interactive, Brotli 11 (scripts/first-load.mjs, the same for both).
first_load() {
  local out
  out=$(node scripts/first-load.mjs "$2/board" "$3")
  R[$1,first]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["br"])' "$out")
  R[$1,first_n]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["files"])' "$out")
  R[$1,html]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["html"])' "$out")
  R[$1,html_br]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["htmlBr"])' "$out")
  curl -fs ${3:+-H "cookie: $3"} "$2/board" -o "$work/$1-board.html"
}
load() { # load NAME BASE COOKIE PID
  local name=$1 base=$2 c=$3 pid=$4 p key out line
  local hdr=(); [ -n "$c" ] && hdr=(-H "cookie: $c")
  R[$name,idle]=$(mib "$(rss_kib "$pid")")
  first_load "$name" "$base" "$c"
  echo 0 >"$work/peak"
  ( while :; do r=$(rss_kib "$pid"); [ "$r" -gt "$(cat "$work/peak")" ] && echo "$r" >"$work/peak"; sleep 0.5; done ) &
  local sampler=$!
  for p in /board "/api/releases?limit=100"; do
    key=${p%%\?*}
    say "$name: wrk $p"
    wrk -t2 -c16 -d"${WARMUP}s" "${hdr[@]}" "$base$p" >/dev/null 2>&1 || true
    out=$(wrk -t2 -c16 -d"${DURATION}s" --timeout 10s -s "$LUA" "${hdr[@]}" "$base$p" 2>&1)
    line=$(grep '^WRK_RESULT' <<<"$out") || { echo "$out" >&2; exit 1; }
    get() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$line"; }
    R[$name,$key,rps]=$(get rps) R[$name,$key,p50]=$(get p50_us) R[$name,$key,p99]=$(get p99_us)
    R[$name,$key,bad]=$(( $(get non2xx) + $(get sock_errors) ))
  done
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  R[$name,peak]=$(mib "$(cat "$work/peak")") R[$name,after]=$(mib "$(rss_kib "$pid")")
}

sleep 2
load peer "$peer" "" "$peer_pid"
load ours "$ours" "$cookie" "$ours_pid"

ms() { awk -v u="$1" 'BEGIN{printf "%.1f ms", u/1000}'; }
kb() { awk -v b="$1" 'BEGIN{printf "%.0f KB", b/1000}'; }
x() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f×", a/b; else print "-" }'; }
echo
echo "Side by side — $(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL on the same machine, wrk 2 threads / 16 connections, ${DURATION} s (+${WARMUP} s warm-up)"
echo "Data: the peer's seed (2,000 releases, 1,250 in flight) and ours (seed-demo --releases 2000 --in-flight 1250)."
echo
printf '| %-34s | %-22s | %-22s | %-8s |\n' "" "original (Next.js)" "Release Coordinator" "ours/peer"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "------------------------" "------------------------" "----------"
for key in /board /api/releases; do
  label=$key; [ "$key" = /api/releases ] && label="/api/releases?limit=100"
  printf '| %-34s | %-22s | %-22s | %-8s |\n' "$label req/s" "${R[peer,$key,rps]}" "${R[ours,$key,rps]}" "$(x "${R[ours,$key,rps]}" "${R[peer,$key,rps]}")"
  printf '| %-34s | %-22s | %-22s | %-8s |\n' "$label p50 / p99" "$(ms "${R[peer,$key,p50]}") / $(ms "${R[peer,$key,p99]}")" "$(ms "${R[ours,$key,p50]}") / $(ms "${R[ours,$key,p99]}")" ""
  if [ "${R[peer,$key,bad]}${R[ours,$key,bad]}" != 00 ]; then
    printf '| %-34s | %-22s | %-22s | %-8s |\n' "$label errors (non-2xx + socket)" "${R[peer,$key,bad]}" "${R[ours,$key,bad]}" ""
  fi
done
printf '| %-34s | %-22s | %-22s | %-8s |\n' "RSS idle / peak / after (MiB)" "${R[peer,idle]} / ${R[peer,peak]} / ${R[peer,after]}" "${R[ours,idle]} / ${R[ours,peak]} / ${R[ours,after]}" ""
printf '| %-34s | %-22s | %-22s | %-8s |\n' "first load of /board (brotli)" "$(kb "${R[peer,first]}") in ${R[peer,first_n]} files" "$(kb "${R[ours,first]}") in ${R[ours,first_n]} files" "$(x "${R[ours,first]}" "${R[peer,first]}")"
printf '| %-34s | %-22s | %-22s | %-8s |\n' "/board document raw / brotli" "$(kb "${R[peer,html]}") / $(kb "${R[peer,html_br]}")" "$(kb "${R[ours,html]}") / $(kb "${R[ours,html_br]}")" "$(x "${R[ours,html]}" "${R[peer,html]}")"
echo
echo "Cards on /board: original $(grep -o 'data-release-id=' "$work/peer-board.html" | wc -l) (every release in flight + 50 of each finished status),"
echo "ours $(grep -o 'data-release-id=' "$work/ours-board.html" | wc -l) (each column's first 50 in flight / 20 finished, the rest behind \"Show N more\")."
psql "$PG/postgres" -qc 'drop database if exists rc_ours_bench' -c 'drop database if exists rc_peer_bench' >/dev/null 2>&1 || true
