#!/usr/bin/env bash
# Re-run the independent canonicalizers over manifest.json and compare their
# output with the expected files. Each case lists in "oracle" the oracles that
# gave its expected bytes when it was made; every one of them is re-run.
#
#   bash test-vectors/xml/c14n/check-with-oracles.sh
#
# Needs: xmllint (Debian: apt-get install libxml2-utils; it brings libxml2.so.2),
#        python3 with lxml (pip install lxml), or set PYTHON=/path/to/python.
# Exit: 0 all matched; 1 a mismatch; 2 a tool is missing and CI=true
#       (without CI=true a missing tool prints a loud warning and its checks
#       are skipped).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3}"
missing=0
loud() {
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    echo "!!! $*" >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}
if ! command -v "$py" >/dev/null 2>&1; then
    loud "ORACLE MISSING: $py not found; nothing was checked"
    [ "${CI:-}" = "true" ] && exit 2
    exit 0
fi
command -v xmllint >/dev/null 2>&1 || { loud "ORACLE MISSING: xmllint (apt-get install libxml2-utils)"; missing=1; }
"$py" -c 'import lxml.etree' 2>/dev/null || { loud "ORACLE MISSING: python lxml for $py (pip install lxml)"; missing=1; }

"$py" "$here/oracles.py" check "$here/manifest.json"
rc=$?
if [ $rc -eq 1 ]; then
    echo "c14n oracle check: MISMATCH (see the lines above)" >&2
    exit 1
fi
if [ $rc -ne 0 ] || [ $missing -ne 0 ]; then
    if [ "${CI:-}" = "true" ]; then
        loud "c14n oracle check FAILED: a tool is missing under CI=true"
        exit 2
    fi
    loud "c14n oracle check INCOMPLETE: a tool is missing (not a failure outside CI)"
fi
exit 0
