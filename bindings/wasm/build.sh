#!/usr/bin/env bash
# Builds the npm package `imza` into bindings/wasm/pkg/ and the browser page's copy of it
# into bindings/wasm/www/imza/ (with the demo trust anchor in www/demo/), so that www/ is a
# self-contained static site.
#
#   bash bindings/wasm/build.sh               # the package (verify + sign), and www/
#   bash bindings/wasm/build.sh verify-only   # also a verify-only module (no signing), for its size
#
# One module serves Node.js and browsers: wasm-bindgen's `web` glue, loaded by node.mjs with
# initSync from the file next to it and by index.js with `await init()`. The hand-written
# package.json, entry points, api.js and types are in bindings/wasm/package/.
#
# Needs: cargo with the wasm32-unknown-unknown target, and wasm-bindgen-cli of the pinned
# version (cargo install wasm-bindgen-cli --version <pin>). No C compiler: the core is built
# without ring.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
variant=${1:-full}
case "$variant" in
  full | verify-only) ;;
  *) echo "build.sh: unknown variant '$variant' (full or verify-only)" >&2; exit 2 ;;
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
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/imza_wasm.wasm"

# Generates the glue for the module just built into $1 and prints its sizes.
glue() {
  mkdir -p "$1"
  # The name section (function names for stack traces) is about a sixth of the module.
  wasm-bindgen --target web --out-dir "$1" --remove-name-section --remove-producers-section "$wasm"
  local bg="$1/imza_wasm_bg.wasm"
  echo "imza-wasm ($2): $bg"
  echo "  $(wc -c <"$bg") bytes, $(gzip -9c "$bg" | wc -c) bytes gzipped"
}

if [ "$variant" = verify-only ]; then
  cargo build -p imza-wasm --target wasm32-unknown-unknown --profile wasm-release --no-default-features
  glue "$target_dir/wasm-verify-only" "verify-only"
fi

cargo build -p imza-wasm --target wasm32-unknown-unknown --profile wasm-release
out="$here/pkg"
rm -rf "$out"
glue "$out" "package"
# wasm-bindgen writes its own package.json-less glue and .d.ts of the raw exports; the
# package's public face is the hand-written one.
rm -f "$out/imza_wasm.d.ts" "$out/imza_wasm_bg.wasm.d.ts" "$out/.gitignore"
cp "$here/package/package.json" "$here/package/index.js" "$here/package/node.mjs" \
  "$here/package/api.js" "$here/package/index.d.ts" "$here/package/README.md" "$out/"

# The version in package.json is the crate's.
crate_version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$root/Cargo.toml")
pkg_version=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$out/package.json")
if [ "$crate_version" != "$pkg_version" ]; then
  echo "build.sh: package/package.json says $pkg_version, the workspace $crate_version" >&2
  exit 1
fi

# The page: the package and the demo trust anchor next to it.
www="$here/www"
rm -rf "$www/imza" "$www/demo"
mkdir -p "$www/imza" "$www/demo"
cp "$out"/index.js "$out"/api.js "$out"/imza_wasm.js "$out"/imza_wasm_bg.wasm "$www/imza/"
cp "$root/test-vectors/pki/ecdsa-p256/root.pem" "$www/demo/root.pem"
echo "page: $www (serve it with any static server, e.g. python3 -m http.server -d $www)"
