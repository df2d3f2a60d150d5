#!/usr/bin/env bash
# Builds the imza WASM package with the size-tuned `wasm-release` profile and generates the
# JS glue with the wasm-bindgen CLI, which must be exactly the version the crate pins.
#
#   bash bindings/wasm/build.sh          # Node.js package in bindings/wasm/pkg/
#   bash bindings/wasm/build.sh web      # ES module for browsers in bindings/wasm/pkg-web/
#
# Needs: cargo with the wasm32-unknown-unknown target, and wasm-bindgen-cli of the pinned
# version (cargo install wasm-bindgen-cli --version <pin>). No C compiler: the core is built
# without ring.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${1:-nodejs}
case "$target" in
  nodejs) out="$here/pkg" ;;
  web) out="$here/pkg-web" ;;
  *) echo "build.sh: unknown target '$target' (nodejs or web)" >&2; exit 2 ;;
esac

# The CLI and the crate must agree exactly, or the generated glue does not fit the module.
pinned=$(sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' "$here/Cargo.toml")
if [ -z "$pinned" ]; then
  echo "build.sh: no exact pin 'wasm-bindgen = \"=X.Y.Z\"' in $here/Cargo.toml" >&2
  exit 1
fi
if ! command -v wasm-bindgen >/dev/null; then
  echo "build.sh: wasm-bindgen not found; install it with" >&2
  echo "  cargo install wasm-bindgen-cli --version $pinned" >&2
  exit 1
fi
cli=$(wasm-bindgen --version | awk '{print $2}')
if [ "$cli" != "$pinned" ]; then
  echo "build.sh: wasm-bindgen CLI is $cli but the crate pins $pinned; install the pinned one with" >&2
  echo "  cargo install wasm-bindgen-cli --version $pinned" >&2
  exit 1
fi

cd "$root"
cargo build -p imza-wasm --target wasm32-unknown-unknown --profile wasm-release
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/imza_wasm.wasm"

mkdir -p "$out"
# The name section (function names for stack traces) is about a sixth of the module.
wasm-bindgen --target "$target" --out-dir "$out" --remove-name-section --remove-producers-section "$wasm"

bg="$out/imza_wasm_bg.wasm"
echo "imza-wasm ($target): $bg"
echo "  $(wc -c <"$bg") bytes, $(gzip -9c "$bg" | wc -c) bytes gzipped"
