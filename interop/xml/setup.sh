#!/usr/bin/env bash
# Installs the four XML-signature peers for interop/xml (idempotent; run from anywhere).
#
#   xmlsec1   Debian package xmlsec1 (apt; `apt-get update` runs once, only if something is missing)
#   signxml   target/peers/venv          pinned by python/requirements-signxml.txt
#   pyasice   target/peers/venv-pyasice  pinned by python/requirements-pyasice.txt (own venv: lxml<5)
#   xadesjs   target/peers/node          pinned by node/package.json + node/package-lock.json (npm ci)
#
# A step whose pins have not changed since it last succeeded is skipped (stamp files in the
# venv / npm prefix). With CI=true any failure stops the script (exit 1); otherwise the other
# peers are still set up and the script exits 1 at the end.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${IMZA_PEERS:-$repo/target/peers}
mkdir -p "$peers"
failed=()

step() { # step NAME FUNCTION
  echo "== setup: $1"
  if ! "$2"; then
    echo "setup: $1 FAILED" >&2
    failed+=("$1")
    if [ "${CI:-}" = true ]; then exit 1; fi
  fi
}
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

apt_updated=0
apt_install() { # apt_install PKG... (only the missing ones)
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then apt-get update -qq || return 1; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

setup_xmlsec1() {
  # Debian bookworm: xmlsec1 1.2.37 with the OpenSSL backend; unzip for ASiC-E in verify.sh.
  apt_install xmlsec1 unzip && xmlsec1 --version
}

setup_venv() { # setup_venv DIR REQUIREMENTS
  local dir=$1 req=$2 want
  want=$(hash_of "$req" "$here/setup.sh")
  if [ -f "$dir/.imza-stamp" ] && [ "$(cat "$dir/.imza-stamp")" = "$want" ]; then echo "up to date: $dir"; return 0; fi
  rm -rf "$dir"
  python3 -m venv "$dir" &&
    "$dir/bin/pip" install -q --disable-pip-version-check --no-deps -r "$req" &&
    "$dir/bin/pip" check &&
    echo "$want" >"$dir/.imza-stamp"
}

setup_signxml() {
  setup_venv "$peers/venv" "$here/python/requirements-signxml.txt" &&
    "$peers/venv/bin/python" -c 'import signxml, importlib.metadata as m; print("signxml", m.version("signxml"))'
}

setup_pyasice() {
  local dir=$peers/venv-pyasice
  setup_venv "$dir" "$here/python/requirements-pyasice.txt" || return 1
  # oscrypto 1.3.0 matches the libcrypto version with \d\.\d\.\d\b, which fails for OpenSSL
  # 3.0.10 and later ("Error detecting the version of libcrypto", wbond/oscrypto#75). The fix is
  # on oscrypto's master but unreleased; apply the same one-regex change (idempotent).
  local f
  for f in "$dir"/lib/python3*/site-packages/oscrypto/_openssl/_libcrypto_c*.py; do
    sed -i 's/\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d\[a-z\]\*)\\\\b/\\\\b(\\\\d+\\\\.\\\\d+\\\\.\\\\d+[a-z]*)\\\\b/' "$f" || return 1
  done
  "$dir/bin/python" -c 'import pyasice, oscrypto.asymmetric; print("pyasice", pyasice.__version__)'
}

setup_xadesjs() {
  local dir=$peers/node want
  command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing" >&2; return 1; }
  want=$(hash_of "$here/node/package.json" "$here/node/package-lock.json")
  if [ -f "$dir/.imza-stamp" ] && [ "$(cat "$dir/.imza-stamp")" = "$want" ] && [ -d "$dir/node_modules/xadesjs" ]; then
    echo "up to date: $dir"
  else
    mkdir -p "$dir" && cp "$here/node/package.json" "$here/node/package-lock.json" "$dir/" &&
      npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error &&
      echo "$want" >"$dir/.imza-stamp" || return 1
  fi
  node -e 'const r=require("module").createRequire(process.argv[1]+"/package.json");console.log("xadesjs",r("xadesjs/package.json").version)' "$dir"
}

step xmlsec1 setup_xmlsec1
step signxml setup_signxml
step pyasice setup_pyasice
step xadesjs setup_xadesjs

if [ ${#failed[@]} -gt 0 ]; then
  echo "setup: failed: ${failed[*]}" >&2
  exit 1
fi
echo "setup: all peers ready under $peers"
