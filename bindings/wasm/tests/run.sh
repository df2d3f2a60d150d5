#!/usr/bin/env bash
# Builds the npm package and the CLI, then runs the package's tests under Node.js
# (node --test: the shared cases, documents, certificates, tokens, Web eID, signing, online
# revocation against `openssl ocsp`, the same-answers table) and the install check (npm pack,
# install into an empty folder, import and verify, tsc on the types).
#   bash bindings/wasm/tests/run.sh
#   IMZA_WASM_NO_BUILD=1 bash bindings/wasm/tests/run.sh   # use the pkg/ and CLI already built
# Exits non-zero if a build or any test fails. The Chromium runs are browser.sh and
# wasm-bindgen-test.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
if [ -z "${IMZA_WASM_NO_BUILD:-}" ]; then
  bash "$here/../build.sh"
  # The document tests compare the package's reports with `imza verify --json`.
  (cd "$root" && cargo build -q -p imza-cli)
fi
node --test "$here/"
bash "$here/install-check.sh"
