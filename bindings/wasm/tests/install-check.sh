#!/usr/bin/env bash
# The npm package as a user installs it: `npm pack` the built bindings/wasm/pkg/, install
# the tarball into an empty folder (no dependencies, so no network), and run a Node ESM
# script that does `import { verifyDocument, version } from "imza"` and verifies the sample
# contract (TOTAL_PASSED) and a tampered signature (TOTAL_FAILED). Checks the tarball's file
# list, and type-checks a TypeScript file that uses every export against the installed
# index.d.ts (`tsc --noEmit --strict`), with typescript from the npm registry.
#   bash bindings/wasm/tests/install-check.sh        (after bash bindings/wasm/build.sh)
# Prints "install-check: PASS" or "install-check: FAIL" last; exits non-zero on failure.
# Without the npm registry (typescript cannot be installed) the type check fails under
# CI=true and is skipped with "SKIPPED" on stderr otherwise (the rule of test-support/).
# Environment: CARGO_TARGET_DIR (default <root>/target; typescript is cached in
# <target>/wasm-install-check/), TYPESCRIPT_VERSION (default below).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
pkg="$here/../pkg"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
typescript_version="${TYPESCRIPT_VERSION:-5.9.3}"
work=""
status=FAIL
cleanup() {
  [ -n "$work" ] && rm -rf "$work"
  echo "install-check: $status"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
die() { echo "install-check: $*" >&2; exit 1; }
ci_on() { case "${CI:-}" in "" | 0 | false | FALSE | False) return 1 ;; *) return 0 ;; esac; }

for tool in node npm; do command -v "$tool" >/dev/null || die "$tool not found"; done
[ -f "$pkg/package.json" ] && [ -f "$pkg/node.mjs" ] || die "$pkg is not built (bash bindings/wasm/build.sh)"
work=$(mktemp -d "${TMPDIR:-/tmp}/imza-npm.XXXXXX")
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step "npm pack $pkg"
(cd "$work" && npm pack "$pkg" --json --pack-destination "$work" >"$work/pack.json")
tarball=$(node -e 'const [p] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(p.filename)' "$work/pack.json")
tarball="$work/$(basename "$tarball")"
[ -f "$tarball" ] || die "npm pack wrote no tarball"
echo "tarball: $(basename "$tarball"), $(wc -c <"$tarball") bytes"

step "the tarball's files"
node - "$work/pack.json" <<'JS'
const fs = require("fs");
const [p] = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const files = p.files.map((f) => f.path).sort();
const want = ["README.md", "api.js", "imza_wasm.js", "imza_wasm_bg.wasm", "index.d.ts", "index.js", "node.mjs", "package.json"];
console.log(files.map((f) => `  ${f}`).join("\n"));
const missing = want.filter((f) => !files.includes(f));
const extra = files.filter((f) => !want.includes(f));
if (missing.length || extra.length) {
  console.error(`install-check: missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)}`);
  process.exit(1);
}
if (p.name !== "imza") {
  console.error(`install-check: the package is called ${p.name}, not imza`);
  process.exit(1);
}
console.log(`ok: ${p.name}@${p.version}, ${files.length} files, exactly the expected ones`);
JS

step "npm install the tarball into an empty folder"
app="$work/app"
mkdir -p "$app"
(cd "$app" && npm init -y >/dev/null && npm install --offline --no-package-lock "$tarball")
[ -f "$app/node_modules/imza/node.mjs" ] || die "imza is not in $app/node_modules"
node -e 'const d = require(process.argv[1]).dependencies ?? {}; if (!d.imza) process.exit(1); console.log("ok: package.json depends on imza", d.imza)' "$app/package.json"

step "a Node ESM script: import { verifyDocument, version } from \"imza\""
cp "$here/install/check.mjs" "$app/check.mjs"
(cd "$app" && node check.mjs "$root")
# The same package from a CommonJS file, through dynamic import().
(cd "$app" && node -e 'import("imza").then((m) => console.log("ok: import() from CommonJS:", m.version()))')

step "TypeScript: tsc --noEmit --strict against the installed index.d.ts"
tools="$target_dir/wasm-install-check/typescript-$typescript_version"
tsc="$tools/node_modules/typescript/bin/tsc"
if [ ! -x "$tsc" ]; then
  mkdir -p "$tools"
  if ! (cd "$tools" && npm install --no-package-lock --prefix "$tools" "typescript@$typescript_version" >"$tools/npm.log" 2>&1); then
    why="typescript@$typescript_version could not be installed from the npm registry ($(tail -n 3 "$tools/npm.log" | tr '\n' ' '))"
    rm -rf "$tools"
    if ci_on; then die "$why (CI is set: a missing tool fails the check)"; fi
    echo "SKIPPED install-check typescript: $why" >&2
    tsc=""
  fi
fi
if [ -n "$tsc" ]; then
  cp "$here/install/types.mts" "$app/types.mts"
  cat >"$app/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "target": "es2022",
    "lib": ["es2022", "dom"],
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "skipLibCheck": false,
    "types": []
  },
  "files": ["types.mts"]
}
JSON
  echo "tsc $("$tsc" --version)"
  (cd "$app" && node "$tsc" -p tsconfig.json) || die "tsc found errors in the package's types (above)"
  echo "ok: types.mts type-checks against imza's index.d.ts"
fi

status=PASS
