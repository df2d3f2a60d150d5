#!/usr/bin/env bash
# Runs the C tests of the card and mobile-ID functions (test_card, test_mobile) against the
# same real services the Rust tests use, through run-c-tests.sh (so under AddressSanitizer +
# UBSan and valgrind):
#   - smart cards: pcscd with Debian's vsmartcard-vpcd (scripts/card-env.sh start) and the
#     project's virtual card target/debug/imza-vcard (cargo build -p imza-vcard), which
#     test_card.c starts and stops itself on the second vpcd slot ("Virtual PCD 00 01",
#     port 35964; the Rust card tests use the first), one card per scenario;
#   - mobile ID: test-vectors/mobile-server/mobile_server.py on a free loopback port (python3
#     and openssl), stopped when this script ends.
# The C programs read the services from the environment (IMZA_TEST_VCARD, IMZA_TEST_READER,
# IMZA_TEST_VCARD_PORT, IMZA_TEST_MOBILE_URL, IMZA_TEST_RP_UUID); run-c-tests.sh passes it on.
#
# A missing service fails under CI=true; elsewhere it is a SKIPPED line on stderr and the C
# programs run their service-free checks only (they apply the same rule). This script
# builds nothing itself: run-c-tests.sh builds imza-ffi.
#
# Usage: bash ffi/tests/run-c-services.sh          (IMZA_C_TESTS overrides the programs)
set -euo pipefail

ffi_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$ffi_dir/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

ci_on() {
    case "${CI:-}" in
    "" | 0 | false | FALSE | False) return 1 ;;
    *) return 0 ;;
    esac
}

missing() {
    if ci_on; then
        echo "run-c-services: $1 (CI is set: a missing service fails)" >&2
        exit 1
    fi
    echo "SKIPPED run-c-services: $1" >&2
}

# ---- smart cards ----------------------------------------------------------------------------
vcard="${IMZA_VCARD:-$target_dir/debug/imza-vcard}"
if [ ! -x "$vcard" ]; then
    missing "$vcard is not built (cargo build -p imza-vcard)"
elif ! bash "$root/scripts/card-env.sh" start >&2; then
    missing "pcscd with the vpcd readers is not available (bash scripts/card-env.sh start)"
else
    export IMZA_TEST_VCARD="$vcard"
    export IMZA_TEST_READER="Virtual PCD 00 01"
    export IMZA_TEST_VCARD_PORT=35964
fi

# ---- the mobile-ID service ------------------------------------------------------------------
rp_uuid="7e3a1c52-4b8d-4f06-9a2e-c1d0b5f4e387"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    # Closing the server's stdin stops it (--stop-on-stdin-eof).
    exec 9>&- 2>/dev/null || true
    if [ -n "$server_pid" ]; then
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v python3 >/dev/null 2>&1; then
    missing "python3 is not installed (the mobile-ID test server)"
elif ! command -v openssl >/dev/null 2>&1; then
    missing "openssl is not installed (the mobile-ID test server signs with it)"
else
    mkfifo "$work/stdin"
    python3 "$root/test-vectors/mobile-server/mobile_server.py" \
        --fixtures "$root/test-vectors/mobile" --port 0 --stop-on-stdin-eof \
        --session-timeout 60 --rp-uuid "$rp_uuid" --rp-name DEMO \
        <"$work/stdin" >"$work/stdout" 2>"$work/server.log" &
    server_pid=$!
    exec 9>"$work/stdin"
    port=""
    for _ in $(seq 100); do
        port="$(sed -n 's/^listening \([0-9][0-9]*\)$/\1/p' "$work/stdout")"
        [ -n "$port" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        cat "$work/server.log" >&2
        echo "run-c-services: the mobile-ID test server did not start" >&2
        exit 1
    fi
    export IMZA_TEST_MOBILE_URL="http://127.0.0.1:$port"
    export IMZA_TEST_RP_UUID="$rp_uuid"
fi

IMZA_C_TESTS="${IMZA_C_TESTS:-test_card test_mobile}" bash "$ffi_dir/tests/run-c-tests.sh"
