#!/usr/bin/env bash
# Runs every test suite, building once and testing many:
#   0. static checks: the layer rules (scripts/check-layers.sh), cargo fmt,
#      clippy -D warnings (server and browser feature sets), cargo-deny
#      (licenses, bans, sources; the advisory database needs GitHub, which
#      CI cannot reach)
#   1. unit tests (domain rules, config, …)
#   2. HTTP integration tests on SQLite
#   3. the same tests on PostgreSQL (127.0.0.1:5432; started if down; one
#      fresh database per test, cloned from a migrated template)
#   4. the browser suite (Playwright + Debian's Chromium), see scripts/e2e.sh
# Under CI=true a PostgreSQL or browser suite that cannot run is a failure.
#   scripts/test.sh --clean-only   drops leftover test databases and exits
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

PG_ADMIN_URL=${RC_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
CI=${CI:-}
say() { printf '\n\033[1;34m==>\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31mFAILED:\033[0m %s\n' "$*"; }

drop_test_dbs() {
  command -v psql >/dev/null || return 0
  psql "$PG_ADMIN_URL" -Atqc "select datname from pg_database where datname like 'rc\_test\_%'" 2>/dev/null |
    while read -r db; do psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1; done
}

if [ "${1:-}" = "--clean-only" ]; then drop_test_dbs; exit 0; fi

# The same flags and variables cargo-leptos uses for the debug server build,
# so `cargo test` reuses its compiled dependencies instead of building twice.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=release_coordinator LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=. \
  LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=true
CARGO_TEST=(cargo test --features ssr --workspace)

declare -a failed=()
declare -a passed=()
run_suite() { # name, command...
  local name=$1; shift
  say "$name"
  if "$@"; then passed+=("$name"); else failed+=("$name"); fail "$name"; fi
}

# Static gates first: formatting, lints on both halves of the app (server
# and browser), and what our dependencies may be (licenses, bans, sources).
static_checks() {
  scripts/check-layers.sh &&
    cargo fmt --all -- --check &&
    cargo clippy --workspace --all-targets --features ssr -- -D warnings &&
    cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings &&
    cargo deny check licenses bans sources
}
run_suite "static checks (layers, fmt, clippy, cargo-deny)" static_checks

say "building the test binaries"
"${CARGO_TEST[@]}" --no-run || { fail "test build"; exit 1; }

run_suite "unit tests" "${CARGO_TEST[@]}" --lib --bins
run_suite "HTTP integration tests on SQLite" env RC_TEST_DB=sqlite "${CARGO_TEST[@]}" --test api

pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || psql "$PG_ADMIN_URL" -Atqc 'select 1' >/dev/null 2>&1; }
if ! pg_ready && command -v pg_ctlcluster >/dev/null; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
  for _ in $(seq 1 20); do pg_ready && break; sleep 0.5; done
fi
if pg_ready; then
  drop_test_dbs
  run_suite "HTTP integration tests on PostgreSQL" env RC_TEST_DB=postgres RC_TEST_PG_URL="$PG_ADMIN_URL" "${CARGO_TEST[@]}" --test api
  drop_test_dbs
elif [ -n "$CI" ]; then
  fail "PostgreSQL is not reachable at $PG_ADMIN_URL"; failed+=("PostgreSQL (not reachable)")
else
  say "SKIPPED: PostgreSQL is not reachable at $PG_ADMIN_URL (this is a failure under CI=true)"
fi

run_suite "browser tests (Playwright, Chromium)" scripts/e2e.sh

say "summary"
for s in "${passed[@]}"; do printf '  \033[32mpassed\033[0m  %s\n' "$s"; done
for s in "${failed[@]}"; do printf '  \033[31mFAILED\033[0m  %s\n' "$s"; done
[ ${#failed[@]} -eq 0 ]
