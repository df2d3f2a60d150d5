#!/usr/bin/env bash
# The browser benchmark: imza against PKI.js in headless Chromium (Debian's /usr/bin/chromium
# through playwright-core), and the page's peak memory on a 2 GiB detached file streamed
# through DocumentVerifier.updateFrom(file). Not a test (no thresholds): prints a table and
# writes target/bench/browser-pkijs.json.
#
#   bash benches/browser/run.sh                  # all of it (needs ~2.2 GB free under target/)
#   bash benches/browser/run.sh --no-big         # without the 2 GiB file
#   bash benches/browser/run.sh --runs 50        # fewer runs (default 400 small, 40 x 10 MB)
#
# Needs node >= 20, openssl, chromium (apt-get install -y chromium). playwright-core and pkijs
# come from bindings/wasm/e2e/package-lock.json (npm ci there, run here when node_modules is
# missing; playwright downloads no browser). The npm package is built with
# bindings/wasm/build.sh when bindings/wasm/pkg/ is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
e2e=$root/bindings/wasm/e2e

for tool in node openssl "${CHROMIUM:-/usr/bin/chromium}"; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 1; }
done
if [ ! -d "$e2e/node_modules/playwright-core" ] || [ ! -d "$e2e/node_modules/pkijs" ]; then
  (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
[ -f "$root/bindings/wasm/pkg/index.js" ] || bash "$root/bindings/wasm/build.sh"
echo "load: $(uptime)" >&2
exec node "$here/pkijs.mjs" "$@"
