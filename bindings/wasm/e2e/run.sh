#!/usr/bin/env bash
# The page's end-to-end test in headless Chromium (Debian's /usr/bin/chromium through
# playwright-core; no browser is downloaded).
#
#   bash bindings/wasm/e2e/run.sh
#
# npm ci here when node_modules is missing; builds the package and the page
# (bindings/wasm/build.sh) when www/imza/ is missing; makes the OpenSSL fixtures into a fresh
# folder under target/e2e/ (removed afterwards, KEEP_E2E_FIXTURES=1 keeps it); runs
# page.test.mjs. Screenshots: target/e2e/screenshots/, and docs/page-verdict.png.
# Under CI=true a missing chromium/openssl/port fails the test; otherwise it is skipped.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)

if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
if [ ! -f "$root/bindings/wasm/www/imza/imza_wasm_bg.wasm" ]; then
  bash "$root/bindings/wasm/build.sh"
fi

fixtures=""
if command -v openssl >/dev/null; then
  mkdir -p "$root/target/e2e"
  fixtures=$(mktemp -d "$root/target/e2e/run-XXXXXX")
  [ -n "${KEEP_E2E_FIXTURES:-}" ] || trap 'rm -rf "$fixtures"' EXIT
  bash "$here/make-fixtures.sh" "$fixtures" 2>/dev/null
fi
cd "$here"
IMZA_E2E_FIXTURES=$fixtures node --test --test-reporter=spec page.test.mjs
