#!/usr/bin/env bash
# Benchmarks: prints numbers, asserts nothing (BENCHMARKS.md records a run).
#
# For SQLite and PostgreSQL in turn: a fresh database seeded with the demo
# team (BENCH_RELEASES releases, 5000 by default), the release server on a
# free port, then
#   - seed time;
#   - resident memory idle and under load;
#   - wrk on the server-rendered board (/board) and on /api/releases?limit=100
#     (throughput at 16 connections, latency at 1 connection: mostly SQL);
#   - the board's data call alone (POST /rpc/board), the SQL-heavy part;
# and once: the release browser bundle, raw / gzip / brotli: the first load
# (main module, its JS, the split loader, CSS) and the parts loaded on demand.
#
#   scripts/bench.sh              both databases
#   BENCH_DBS=sqlite scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=target/release/release-coordinator
SITE=target/site-release
RELEASES=${BENCH_RELEASES:-5000}
DURATION=${BENCH_SECONDS:-10}
DBS=${BENCH_DBS:-sqlite postgres}
PG=${RC_TEST_PG:-postgres://postgres@127.0.0.1:5432}

[ -x "$BIN" ] && compgen -G "$SITE/pkg/release_coordinator*.wasm" >/dev/null || { echo "run make build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-tools.sh --test" >&2; exit 1; }

work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
. scripts/bench-lib.sh

# wrk's requests/s and latency percentiles, one line.
wrk_line() {
  local out; out=$("$@" 2>&1)
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errs; errs=$(awk '/Non-2xx/ {print $4}' <<<"$out")
  printf '%10s req/s   p50 %-9s p99 %-9s%s\n' "$rps" "$p50" "$p99" "${errs:+  NON-2XX: $errs}"
}

echo "Release Coordinator benchmarks — $(date -u +%Y-%m-%d), $(nproc) cores, $RELEASES releases, wrk ${DURATION}s"
echo

for db in $DBS; do
  case $db in
    sqlite) url="sqlite://$work/bench.db?mode=rwc" ;;
    postgres)
      if ! psql "$PG/postgres" -qc 'select 1' >/dev/null 2>&1; then echo "== postgres: not reachable, skipped"; continue; fi
      psql "$PG/postgres" -qc 'drop database if exists rc_bench' -c 'create database rc_bench' >/dev/null
      url="$PG/rc_bench" ;;
    *) echo "unknown database $db" >&2; exit 1 ;;
  esac
  echo "== $db"
  export DATABASE_URL=$url RC_DATA_DIR=$work LEPTOS_SITE_ROOT=$SITE RUST_LOG=warn
  # A throwaway key, so no development key file (and its warning) is made.
  RC_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64); export RC_ENCRYPTION_KEY
  seeded=$("$BIN" seed-demo --releases "$RELEASES" 2>/dev/null)
  printf '  seed:           %s\n' "${seeded%%$'\n'*}"
  port=$(free_port)
  LEPTOS_SITE_ADDR=127.0.0.1:$port "$BIN" >"$work/server-$db.log" 2>&1 &
  server=$!
  wait_ready "http://127.0.0.1:$port"
  base="http://127.0.0.1:$port"
  jar="$work/cookies-$db"
  cookie=$(demo_session "$base" "$jar")
  sleep 1
  printf '  RSS idle:       %s MB\n' "$(rss_mb "$server")"
  curl -fs -o /dev/null -H "cookie: $cookie" "$base/board"   # warm up

  printf '  /board          c16 '; wrk_line wrk -t2 -c16 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/board"
  printf '  RSS under load: %s MB\n' "$(rss_mb "$server")"
  printf '  /board          c1  '; wrk_line wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/board"
  printf '  /api/releases   c16 '; wrk_line wrk -t2 -c16 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/releases?limit=100"
  printf '  /api/releases   c1  '; wrk_line wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/releases?limit=100"
  cat >"$work/rpc.lua" <<EOF
wrk.method = "POST"
wrk.body = "service_id=&owner_id=&priority=&blocked=&q=&show=&closed="
wrk.headers["content-type"] = "application/x-www-form-urlencoded"
wrk.headers["origin"] = "$base"
wrk.headers["cookie"] = "$cookie"
EOF
  printf '  /rpc/board data c1  '; wrk_line wrk -t1 -c1 -d"${DURATION}s" --latency -s "$work/rpc.lua" "$base/rpc/board"
  printf '  RSS after:      %s MB\n' "$(rss_mb "$server")"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ "$db" = postgres ] && psql "$PG/postgres" -qc 'drop database if exists rc_bench' >/dev/null
  echo
done

echo "== browser bundle (release, split)"
# The copies the server sends (scripts/precompress.mjs, written at build time).
main_files=()
for f in "$SITE"/pkg/release_coordinator.*.wasm "$SITE"/pkg/release_coordinator.*.js "$SITE"/pkg/__wasm_split.*.js "$SITE"/pkg/release_coordinator.*.css; do
  [ -f "$f" ] || continue
  main_files+=("$f")
  raw=$(stat -c %s "$f")
  gz=$( [ -f "$f.gz" ] && stat -c %s "$f.gz" || echo "?")
  br=$( [ -f "$f.br" ] && stat -c %s "$f.br" || echo "?")
  printf '  %-44s raw %8s   gzip %8s   brotli %8s bytes\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
main_br=0; for f in "${main_files[@]}"; do main_br=$((main_br + $(stat -c %s "$f.br"))); done
lazy_br=0; lazy_n=0
for f in "$SITE"/pkg/split_*.wasm "$SITE"/pkg/chunk_*.wasm; do
  [ -f "$f.br" ] || continue
  lazy_br=$((lazy_br + $(stat -c %s "$f.br"))); lazy_n=$((lazy_n + 1))
done
printf '  first load (the files above): %s bytes brotli\n' "$main_br"
printf '  pages loaded on demand: %s files, %s bytes brotli in all\n' "$lazy_n" "$lazy_br"
