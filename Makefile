# Release Coordinator — the two commands of the quick start:
#
#   make run    install what is missing, build (release), migrate, serve on SQLite
#   make test   every test suite: unit, HTTP on SQLite and PostgreSQL, browser
#
# Other targets: make build (release build, no serving), make seed (demo team),
# make bench (benchmarks, see BENCHMARKS.md), make bench-peer (side by side
# with the original stack), make bench-events (1,000 live streams),
# make bench-scale (100,000 releases), make check, make fmt,
# make e2e (browser suite only), make clean-test-dbs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

# Everything a build depends on: make rebuilds only when one of these changes,
# so a second `make run` starts serving within seconds.
SOURCES := $(shell find src migrations/src style public -type f 2>/dev/null) \
           Cargo.toml Cargo.lock migrations/Cargo.toml package.json package-lock.json

RELEASE_BIN := target/release/release-coordinator
DEBUG_BIN   := target/debug/release-coordinator
# Release and debug front ends go to different folders, so neither build
# ever serves the other's WASM.
RELEASE_SITE := target/site-release
DEBUG_SITE   := target/site

.PHONY: help run build build-debug test e2e tools test-tools check fmt clean-test-dbs seed bench bench-peer bench-events bench-scale

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'

tools:
	@scripts/install-tools.sh

test-tools:
	@scripts/install-tools.sh --test

# Each build ends by writing Brotli and gzip copies of the front end's files
# (served as they are, never compressed per request).
$(RELEASE_SITE)/.built: $(SOURCES) scripts/precompress.mjs | tools
	LEPTOS_SITE_ROOT=$(RELEASE_SITE) cargo leptos build --release --split
	node scripts/precompress.mjs $(RELEASE_SITE)
	@touch $@

$(DEBUG_SITE)/.built: $(SOURCES) scripts/precompress.mjs | tools
	LEPTOS_SITE_ROOT=$(DEBUG_SITE) cargo leptos build --split
	node scripts/precompress.mjs $(DEBUG_SITE)
	@touch $@

## Release build of the server and the browser bundle.
build: $(RELEASE_SITE)/.built

build-debug: $(DEBUG_SITE)/.built

## Serve on http://127.0.0.1:3000 (SQLite under ./data unless DATABASE_URL says otherwise).
run: build
	LEPTOS_SITE_ROOT=$(RELEASE_SITE) exec $(RELEASE_BIN)

## A demo team with six months of history (refuses a database with accounts).
seed: build
	$(RELEASE_BIN) seed-demo

## Benchmarks on SQLite and PostgreSQL; prints numbers (BENCHMARKS.md).
bench: test-tools build
	@scripts/bench.sh

## Side by side with the original stack (../shared/peer-nextjs, PEER_DIR=…).
bench-peer: test-tools build
	@scripts/bench-peer.sh

## Live events: 1,000 streams on one server, then on two (PostgreSQL).
bench-events: build
	@scripts/bench-events.sh

## Scale: 2,000 releases against 50,000 of 100,000 over 1,000 teams (PostgreSQL).
bench-scale: test-tools build
	@scripts/bench-scale.sh

## Every test suite; see scripts/test.sh.
test: test-tools build-debug
	@scripts/test.sh

## The browser suite alone (after make build-debug).
e2e: test-tools build-debug
	@scripts/e2e.sh

check:
	RUSTFLAGS="--cfg erase_components" cargo check --features ssr --all-targets
	cargo check --lib --no-default-features --features hydrate --target wasm32-unknown-unknown

fmt:
	cargo fmt --all

clean-test-dbs:
	@scripts/test.sh --clean-only
