#!/usr/bin/env bash
# The browser suite: Playwright starts the debug server on a free port with a
# fresh SQLite database, runs end2end/tests in Debian's Chromium and stops the
# server whatever happens (see end2end/playwright.config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  echo "Chromium is missing: run scripts/install-tools.sh --test" >&2
  exit 1
fi
if [ ! -x target/debug/release-coordinator ] || ! compgen -G 'target/site/pkg/release_coordinator*.wasm' >/dev/null; then
  echo "The debug build is missing: run make build-debug" >&2
  exit 1
fi
# A free port, so a running `make run` (3000) or another suite does not clash.
RC_E2E_PORT=${RC_E2E_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
# The fake GitHub and Atlassian of the browser suite (end2end/fake-providers.mjs).
FAKE_GITHUB_PORT=${FAKE_GITHUB_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
export RC_E2E_PORT FAKE_GITHUB_PORT PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
cd end2end
exec npx playwright test "$@"
