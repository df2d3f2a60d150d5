#!/usr/bin/env bash
# Runs tests/web.rs (#[wasm_bindgen_test]: the crate's exported Rust functions on the
# repository's fixtures) as WebAssembly with wasm-bindgen-test-runner, twice: in Node.js and
# in headless Chromium through chromedriver. Fails if either run fails.
#   bash bindings/wasm/tests/wasm-bindgen-test.sh            # both
#   bash bindings/wasm/tests/wasm-bindgen-test.sh node       # one of them
#   bash bindings/wasm/tests/wasm-bindgen-test.sh chromium
# Needs: the wasm32-unknown-unknown target; wasm-bindgen-test-runner of the pinned
# wasm-bindgen version (cargo install wasm-bindgen-cli --version <pin>, it comes with it);
# node; for Chromium, Debian's chromium and chromium-driver (CHROMEDRIVER, default
# /usr/bin/chromedriver or the one on PATH). A missing tool fails the run under CI=true and
# is skipped ("SKIPPED" on stderr) otherwise, as test-support/ does for Rust tests.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
which=${1:-both}
case "$which" in both | node | chromium) ;; *) echo "wasm-bindgen-test.sh: node, chromium or both" >&2; exit 2 ;; esac

ci_on() { case "${CI:-}" in "" | 0 | false | FALSE | False) return 1 ;; *) return 0 ;; esac; }
# Skips one run for a missing tool (CI: fails).
missing() {
  if ci_on; then
    echo "wasm-bindgen-test.sh: $1 (CI is set: a missing tool fails the run)" >&2
    exit 1
  fi
  echo "SKIPPED wasm-bindgen-test ($2): $1" >&2
}

pinned=$(sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' "$here/../Cargo.toml")
if ! command -v wasm-bindgen-test-runner >/dev/null; then
  missing "wasm-bindgen-test-runner not found (cargo install wasm-bindgen-cli --version $pinned)" "$which"
  exit 0
fi
runner_version=$(wasm-bindgen-test-runner --version | awk '{print $2}')
if [ "$runner_version" != "$pinned" ]; then
  echo "wasm-bindgen-test.sh: wasm-bindgen-test-runner is $runner_version, the crate pins $pinned" >&2
  echo "  cargo install wasm-bindgen-cli --version $pinned" >&2
  exit 1
fi

cd "$root"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# A test taking longer than the runner's default 20 s on a busy machine is not a failure.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
failed=()

if [ "$which" != chromium ]; then
  echo "== wasm-bindgen-test in Node.js ($(node --version))"
  if ! env -u WASM_BINDGEN_USE_BROWSER cargo test -p imza-wasm --target wasm32-unknown-unknown --test web; then
    failed+=(node)
  fi
fi

if [ "$which" != node ]; then
  driver=${CHROMEDRIVER:-$(command -v chromedriver || true)}
  if [ -z "$driver" ] || [ ! -x "$driver" ]; then
    missing "chromedriver not found (apt-get install -y chromium chromium-driver)" chromium
  elif ! command -v chromium >/dev/null; then
    missing "chromium not found (apt-get install -y chromium chromium-driver)" chromium
  else
    echo "== wasm-bindgen-test in headless Chromium ($(chromium --version 2>/dev/null), $("$driver" --version | cut -d' ' -f1-2))"
    if ! CHROMEDRIVER="$driver" WASM_BINDGEN_USE_BROWSER=1 \
      cargo test -p imza-wasm --target wasm32-unknown-unknown --test web; then
      failed+=(chromium)
    fi
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "wasm-bindgen-test.sh: FAILED in ${failed[*]}" >&2
  exit 1
fi
echo "wasm-bindgen-test.sh: passed"
