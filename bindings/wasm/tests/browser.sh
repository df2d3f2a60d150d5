#!/usr/bin/env bash
# Runs the WASM test cases (cases.mjs, the same ones Node runs) in headless Chromium, with
# the npm package loaded as a browser loads it: pkg/index.js and `await init()`.
#   bash bindings/wasm/tests/browser.sh            # builds the package first
#   IMZA_WASM_NO_BUILD=1 bash bindings/wasm/tests/browser.sh   # uses the pkg/ already built
# Needs Debian's chromium (apt-get install -y chromium chromium-driver) and Node.js.
# Serves pkg/, the test modules and test-vectors/ on 127.0.0.1, loads the test page with
# --dump-dom and passes only if the page wrote "PASS <n>" for all n cases. Exits non-zero
# otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
chromium=${CHROMIUM:-chromium}
command -v "$chromium" >/dev/null || {
  echo "browser.sh: $chromium not found (apt-get install -y chromium chromium-driver)" >&2
  exit 1
}

if [ -z "${IMZA_WASM_NO_BUILD:-}" ]; then
  bash "$here/../build.sh"
fi
[ -f "$here/../pkg/index.js" ] || { echo "browser.sh: $here/../pkg/index.js not built (bash bindings/wasm/build.sh)" >&2; exit 1; }
version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$root/Cargo.toml")

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Created here, not by the background job's redirection, so the first read cannot race it.
: >"$work/server.out"
node "$here/browser-server.mjs" "$version" >>"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  url=$(head -n 1 "$work/server.out")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "browser.sh: the test server did not start" >&2; cat "$work/server.out" >&2; exit 1; }

# --virtual-time-budget lets the module, its fetch of the .wasm and the cases finish before
# the DOM is dumped.
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
  --user-data-dir="$work/profile" --virtual-time-budget=30000 --dump-dom "$url" \
  >"$work/dom.html" 2>"$work/chromium.log" || true

agent=$(sed -n 's|.*<pre id="agent">\([^<]*\)</pre>.*|\1|p' "$work/dom.html")
result=$(awk '/<pre id="result">/ { on = 1 } on { print } on && /<\/pre>/ { exit }' "$work/dom.html" |
  sed 's|.*<pre id="result">||; s|</pre>.*||')
echo "browser: ${agent:-unknown}"
echo "$result"
if [[ "$result" != PASS* ]]; then
  echo "browser.sh: the tests did not pass in Chromium" >&2
  [ -s "$work/dom.html" ] || tail -n 20 "$work/chromium.log" >&2
  exit 1
fi
