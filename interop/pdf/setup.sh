#!/usr/bin/env bash
# Installs the PDF-signature peer for interop/pdf (idempotent; run from anywhere).
#
#   pyHanko   target/peers/venv-pyhanko   pinned by requirements-pyhanko.txt (pyHanko 0.38.0,
#             pyhanko-certvalidator 0.33.0, pyhanko-cli 0.6.0 for the `pyhanko` command, and
#             every transitive dependency at an exact version)
#
# The venv is made with `python3 -m venv`, filled with `pip install --no-deps -r` (so nothing
# unpinned can come in) and checked with `pip check`; a stamp file (the hash of the pins and
# of this script) makes a rerun with unchanged pins a no-op. Then `pyhanko --version` and an
# import of the signing and validation modules must work.
#
# With CI=true any failure stops the script (exit 1); otherwise it is reported and the script
# exits 1 at the end (the callers then skip the pyHanko checks with a message).
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

setup_pyhanko() {
  local dir=$peers/venv-pyhanko
  setup_venv "$dir" "$here/requirements-pyhanko.txt" || return 1
  # `pyhanko --version` needs the CLI's own dependencies (click, PyYAML, platformdirs); the
  # import covers what python/pyhanko_peer.py uses (signing, time-stamping over aiohttp,
  # validation with a given trust root). pyHanko warns about DSA being deprecated in
  # cryptography on import: silenced, it is not ours to fix.
  PYTHONWARNINGS=ignore "$dir/bin/pyhanko" --version &&
    PYTHONWARNINGS=ignore "$dir/bin/python" -c '
import pyhanko.sign.signers, pyhanko.sign.timestamps, pyhanko.sign.validation
import pyhanko_certvalidator, importlib.metadata as m
print("pyhanko", m.version("pyhanko"), "pyhanko-certvalidator", m.version("pyhanko-certvalidator"))'
}

step pyhanko setup_pyhanko

if [ ${#failed[@]} -gt 0 ]; then
  echo "setup: failed: ${failed[*]}" >&2
  exit 1
fi
echo "setup: pyHanko ready under $peers/venv-pyhanko"
