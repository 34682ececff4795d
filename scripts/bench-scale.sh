#!/usr/bin/env bash
# Scale on PostgreSQL (BENCHMARKS.md): the same board and list calls for a
# team of 2,000 releases alone in its database, then for a team of 50,000
# releases of history among 999 other teams (100,000 releases in all:
# `seed-demo --teams 1000 --releases 100000`). Prints the seed time and, at
# one connection, p50/p99 of the board's data call, the server-rendered
# board, the first and a deep page of the release list and of the
# activity log, and a search; and the ratio big/small.
# Prints numbers, asserts nothing.
#
#   make bench-scale             (after make build)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=target/release/release-coordinator
SITE=target/site-release
DURATION=${BENCH_SECONDS:-10}
PG=${RC_TEST_PG:-postgres://postgres@127.0.0.1:5432}

[ -x "$BIN" ] || { echo "run make build first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-tools.sh --test" >&2; exit 1; }
psql "$PG/postgres" -qc 'select 1' >/dev/null || { echo "PostgreSQL is not reachable at $PG" >&2; exit 1; }

work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$work"; psql "$PG/postgres" -qc 'drop database if exists rc_scale_bench' >/dev/null 2>&1 || true; }
trap cleanup EXIT
. scripts/bench-lib.sh
p50_p99() { # p50_p99 WRK-ARGS… → "p50 p99" in ms (stops on a non-2xx answer)
  local out; out=$("$@" 2>&1)
  if grep -q 'Non-2xx' <<<"$out"; then echo "non-2xx answers from: $*" >&2; echo "$out" >&2; exit 1; fi
  awk '$1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print p50, p99}' <<<"$out" |
    awk 'function ms(v){ if (v ~ /ms$/) return v+0; if (v ~ /us$/) return v/1000; if (v ~ /s$/) return v*1000; return v } {printf "%.1f %.1f", ms($1), ms($2)}'
}

# cursor_at BASE COOKIE PATH N: the cursor that opens page N of PATH.
cursor_at() {
  local base=$1 cookie=$2 path=$3 n=$4 cursor="" i
  for ((i = 1; i < n; i++)); do
    cursor=$(curl -fs -H "cookie: $cookie" "$base$path${cursor:+&cursor=$cursor}" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["nextCursor"] or "")')
    [ -n "$cursor" ] || { echo "$path has fewer than $n pages" >&2; exit 1; }
  done
  echo "$cursor"
}
small_pages=20
big_pages=100

declare -A R
run() { # run NAME SEED-ARGS…
  local name=$1; shift
  psql "$PG/postgres" -qc 'drop database if exists rc_scale_bench' -c 'create database rc_scale_bench' >/dev/null
  export DATABASE_URL=$PG/rc_scale_bench RC_DATA_DIR=$work LEPTOS_SITE_ROOT=$SITE RUST_LOG=warn
  RC_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64); export RC_ENCRYPTION_KEY
  local t0=$SECONDS
  "$BIN" seed-demo "$@" >"$work/seed.log"
  R[$name,seed]=$((SECONDS - t0))
  R[$name,rows]=$(psql -tA "$DATABASE_URL" -c "select (select count(*) from releases) || ' releases, ' || (select count(*) from activities) || ' activities, ' || (select count(*) from teams) || ' teams'")
  local port; port=$(free_port)
  LEPTOS_SITE_ADDR=127.0.0.1:$port "$BIN" >"$work/server.log" 2>&1 &
  server=$!
  wait_ready "http://127.0.0.1:$port"
  local base=http://127.0.0.1:$port jar=$work/jar
  local cookie; cookie=$(demo_session "$base" "$jar")
  cat >"$work/rpc.lua" <<EOF
wrk.method = "POST"
wrk.body = "service_id=&owner_id=&priority=&blocked=&q=&show=&closed="
wrk.headers["content-type"] = "application/x-www-form-urlencoded"
wrk.headers["origin"] = "$base"
wrk.headers["cookie"] = "$cookie"
EOF
  # What autovacuum does on a live database: statistics and the visibility
  # map (index-only counts) of tables a bulk seed just wrote.
  psql -qc 'vacuum analyze' "$DATABASE_URL" >/dev/null
  curl -fs -o /dev/null -H "cookie: $cookie" "$base/board"
  R[$name,rpc]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -s "$work/rpc.lua" "$base/rpc/board")
  R[$name,board]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/board")
  R[$name,list]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/releases?limit=100")
  # A deep page: the 100th of 100 (the 20th for the small team, which has
  # no more), reached by following nextCursor as a client would.
  local pages=${name}_pages deep
  deep=$(cursor_at "$base" "$cookie" "/api/releases?limit=100" "${!pages}")
  R[$name,deep]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/releases?limit=100&cursor=$deep")
  R[$name,feed]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/activities?limit=100")
  deep=$(cursor_at "$base" "$cookie" "/api/activities?limit=100" "${!pages}")
  R[$name,feeddeep]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/activities?limit=100&cursor=$deep")
  R[$name,search]=$(p50_p99 wrk -t1 -c1 -d"${DURATION}s" --latency -H "cookie: $cookie" "$base/api/search?q=check")
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

run small --releases 2000 --in-flight 1250
run big --teams 1000 --releases 100000

echo "Scale — $(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL, wrk 1 connection ${DURATION} s (p50 / p99, ms)"
echo
echo "| | 2,000 releases, one team | 50,000 of 100,000 releases, 1,000 teams | big / small (p50) |"
echo "| --- | --- | --- | --- |"
echo "| data | ${R[small,rows]} | ${R[big,rows]} | |"
echo "| seed-demo | ${R[small,seed]} s | ${R[big,seed]} s | |"
for k in rpc board list deep feed feeddeep search; do
  case $k in
    rpc) label='`POST /rpc/board` (board data)' ;;
    board) label='`GET /board`' ;;
    list) label='`GET /api/releases?limit=100`, first page' ;;
    deep) label='the same, page 20 (small) / page 100 (big)' ;;
    feed) label='`GET /api/activities?limit=100`, first page' ;;
    feeddeep) label='the same, page 20 (small) / page 100 (big)' ;;
    search) label='`GET /api/search?q=check`' ;;
  esac
  read -r s50 s99 <<<"${R[small,$k]}"; read -r b50 b99 <<<"${R[big,$k]}"
  printf '| %s | %s / %s | %s / %s | %s× |\n' "$label" "$s50" "$s99" "$b50" "$b99" "$(awk -v a="$b50" -v b="$s50" 'BEGIN{printf "%.2f", a/b}')"
done
