#!/usr/bin/env bash
# Builds the Node.js package and runs the WASM tests under Node (node:test).
#   bash bindings/wasm/tests/run.sh
# Exits non-zero if the build or any test fails. The Chromium run is browser.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/../build.sh" nodejs
node --test "$here/"
