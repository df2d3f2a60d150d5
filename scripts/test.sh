#!/usr/bin/env bash
# The whole test suite: what CI runs (through .ci/run) and what a developer runs before
# pushing. Each step prints a header; the first failure stops the run.
#
# Needs: the Rust toolchain with the wasm32-unknown-unknown target, wasm-bindgen-cli at the
# version pinned in bindings/wasm/Cargo.toml, node and npm, gcc, valgrind, openssl, python3
# with venv, xmlsec1 and unzip (interop/xml/setup.sh installs the XML peers), pcscd
# with vsmartcard-vpcd (and libpcsclite1, loaded at run time; the build needs no PC/SC
# development package), opensc-tool; optional:
# chromium and chromium-driver (browser tests; required under CI=true), nightly + cargo-fuzz
# (fuzz smoke run). `.ci/run` installs them.
#
# Usage: bash scripts/test.sh            (everything)
#        IMZA_FUZZ_SECONDS=60 bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }
started=$SECONDS

step "format"
cargo fmt --all -- --check

step "clippy (workspace, all targets, with the http feature)"
cargo clippy --workspace --all-targets --features imza/http -- -D warnings
step "clippy (wasm32 bindings)"
cargo clippy -p imza-wasm --target wasm32-unknown-unknown -- -D warnings

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --features imza/http --quiet

step "mobile-ID test server self-check (curl + openssl against test-vectors/mobile-server)"
bash test-vectors/mobile-server/selftest.sh > target/mobile-selftest.log 2>&1 \
  || { cat target/mobile-selftest.log; exit 1; }
tail -n 1 target/mobile-selftest.log

step "tests (workspace; includes the C header drift check, CMS/TSA interop with OpenSSL, DSS CAdES vectors, smart cards through pcscd, Mobile-ID/Smart-ID against the loopback server)"
# The card tests talk to a virtual card through real pcscd + vpcd: start pcscd (if it is not
# running) and stop it again afterwards, whatever happens.
bash scripts/card-env.sh start
trap 'bash scripts/card-env.sh stop' EXIT
# The virtual card the card tests start (a binary of another package: build it first).
cargo build -q -p imza-vcard
# CI=true makes any missing tool (openssl, python3, pcscd ...), shared vector or busy fixed
# port fail its test instead of skipping it (test-support/); IMZA_REQUIRE_SHARED=1 does the
# same for the vectors in ../shared when CI is set to something else.
CI=${CI:-true} IMZA_REQUIRE_SHARED=1 cargo test --workspace --features imza/http -- --skip wycheproof_signature_vectors_on_every_backend
bash scripts/card-env.sh stop
trap - EXIT

step "each XML-signature peer signs, imza verifies (interop/xml/imza-verifies.sh: xmlsec1, signxml, xadesjs, pyasice's ASiC-E)"
# setup.sh (run by the script) installs the peers if .ci/run has not: pinned venvs and npm ci
# under target/peers, stamped, so a warm run skips them. The imza binary is the debug one the
# workspace tests above just built for cli/tests (CARGO_BIN_EXE_imza): nothing is built again.
# Full matrix and the peers' logs in target/xml-imza-verifies.log; summary and pending formats
# printed.
CI=${CI:-true} IMZA_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/imza" \
  bash interop/xml/imza-verifies.sh > target/xml-imza-verifies.log 2>&1 \
  || { cat target/xml-imza-verifies.log; exit 1; }
grep -E '^(imza-verifies:|[A-Za-z-]+ pending: )' target/xml-imza-verifies.log

step "imza signs, each XML-signature peer verifies (interop/xml/peers-verify-imza.sh: xmlsec1, signxml, xadesjs)"
CI=${CI:-true} IMZA_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/imza" \
  bash interop/xml/peers-verify-imza.sh > target/xml-peers-verify-imza.log 2>&1 \
  || { cat target/xml-peers-verify-imza.log; exit 1; }
tail -n 1 target/xml-peers-verify-imza.log

step "pyHanko signs PAdES, imza verifies (interop/pdf/pyhanko-signs.sh: B-B, B-T, certified /P 2 with a filled field and a second signature, a flipped byte, /P 1 filled, a FieldMDP-locked field filled)"
# setup.sh (run by the script) installs pyHanko 0.38.0 + pyhanko-cli into target/peers/venv-pyhanko
# (exact pins, stamped); the TSA is test-vectors/tsa/tsa-server.py on a free loopback port.
CI=${CI:-true} IMZA_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/imza" \
  bash interop/pdf/pyhanko-signs.sh > target/pdf-pyhanko-signs.log 2>&1 \
  || { cat target/pdf-pyhanko-signs.log; exit 1; }
tail -n 1 target/pdf-pyhanko-signs.log

step "imza signs PAdES, pyHanko validates (interop/pdf/pyhanko-validates-imza.sh: B and T, RSA and P-256, pyHanko's API and CLI, flipped byte rejected)"
CI=${CI:-true} IMZA_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/imza" \
  bash interop/pdf/pyhanko-validates-imza.sh > target/pdf-pyhanko-validates-imza.log 2>&1 \
  || { cat target/pdf-pyhanko-validates-imza.log; exit 1; }
tail -n 1 target/pdf-pyhanko-validates-imza.log

step "Wycheproof on every backend (per-file counts)"
cargo test -p imza --test wycheproof -- --nocapture

step "OpenSSL's own verdicts on the test PKI (test-vectors/pki/check-with-openssl.sh)"
# The differential half of the path tests: what tests/path_validation.rs expects of imza,
# OpenSSL's verify/ocsp give too (differences are marked in the script with the reason).
bash test-vectors/pki/check-with-openssl.sh > target/pki-openssl.log 2>&1 \
  || { cat target/pki-openssl.log; exit 1; }
tail -1 target/pki-openssl.log

step "x509-limbo conformance (limbo.json and the whole suite, limbo-full.json.bz2)"
# Full output in target/limbo-test.log; the summary is printed. No pipe into `head`: a
# closed pipe would kill the test run, and pipefail would then fail a good run.
IMZA_REQUIRE_LIMBO=1 cargo test -q -p imza-limbo --test limbo -- --nocapture > target/limbo-test.log 2>&1 \
  || { cat target/limbo-test.log; exit 1; }
grep -E '^(x509-limbo:|\s*(passed|wrong answers|known differences|skipped):)' target/limbo-test.log

step "Web eID tokens (../shared/test-vectors/webeid) and the Redis challenge store"
# The vectors must be there in CI; the Redis test starts its own redis-server on a free
# loopback port (.ci/run installs the Debian package).
cargo clippy -q -p imza --all-targets --features http,redis -- -D warnings
if command -v redis-server >/dev/null 2>&1; then
  IMZA_REQUIRE_WEBEID=1 IMZA_REQUIRE_REDIS=1 cargo test -q -p imza --features redis --lib --test webeid
else
  echo "SKIPPED: redis-server is not installed; the Redis challenge store test did not run" >&2
  IMZA_REQUIRE_WEBEID=1 cargo test -q -p imza --test webeid
fi

step "core without ring (RustCrypto only, as on wasm32)"
cargo test -p imza --no-default-features --features std,rand --lib --test jose_binding

step "wasm32 core build without a C compiler"
CC=/bin/false cargo build -p imza --target wasm32-unknown-unknown --no-default-features
CC=/bin/false cargo build -p imza --target wasm32-unknown-unknown --no-default-features --features rand

step "npm package imza: build (package, page, verify-only size), Node tests, install from the packed tarball"
bash bindings/wasm/build.sh verify-only
bash bindings/wasm/tests/run.sh
if command -v chromium >/dev/null 2>&1; then
  step "npm package in headless Chromium (the shared cases), wasm-bindgen-test in Node and Chromium"
  bash bindings/wasm/tests/browser.sh
  bash bindings/wasm/tests/wasm-bindgen-test.sh
  step "the verification page end to end (Playwright over Debian's chromium; no request while verifying)"
  CI=${CI:-true} UPDATE_DOCS_SCREENSHOT=0 bash bindings/wasm/e2e/run.sh
else
  echo "SKIPPED: chromium is not installed; the browser tests did not run" >&2
  [ "${CI:-}" = true ] && exit 1
fi

step "1 GiB detached CMS verification: imza exits 0 with peak RSS under 32 MiB (figures are informative)"
bash benches/cms_verify.sh

step "C header drift check rejects a hand edit"
cp ffi/include/imza.h target/imza.h.orig
trap 'cp target/imza.h.orig ffi/include/imza.h' EXIT
printf '/* edited by hand */\n' >> ffi/include/imza.h
if cargo test -q -p imza-ffi --test header >/dev/null 2>&1; then
  echo "FAIL: the header test passed with a hand-edited ffi/include/imza.h" >&2
  exit 1
fi
cp target/imza.h.orig ffi/include/imza.h
trap - EXIT
cargo test -q -p imza-ffi --test header >/dev/null
echo "ok: a hand edit fails the drift check; the committed header passes"

step "C ABI: gcc + AddressSanitizer/UBSan, and valgrind (cards through pcscd + vpcd, mobile ID against the loopback server)"
# Every C test program; run-c-services.sh starts the card and mobile-ID services the
# test_card and test_mobile programs need and stops them afterwards.
CI=${CI:-true} IMZA_C_TESTS="$(cd ffi/tests/c && ls test_*.c | sed 's/\.c$//' | tr '\n' ' ')" \
  bash ffi/tests/run-c-services.sh

step "the imza command builds without the PC/SC development files and does not link libpcsclite"
no_pc="$(mktemp -d)"
PKG_CONFIG_LIBDIR="$no_pc" PKG_CONFIG_PATH="" cargo build -q --release -p imza-cli
rmdir "$no_pc"
imza_bin="${CARGO_TARGET_DIR:-$PWD/target}/release/imza"
if ldd "$imza_bin" | grep -q pcsclite; then
  echo "FAIL: $imza_bin links libpcsclite:" >&2
  ldd "$imza_bin" >&2
  exit 1
fi
echo "ok: ldd $imza_bin lists no libpcsclite"

step "installed C library: cargo cinstall, pkg-config, the C example linked shared and static"
bash ffi/tests/install-check.sh

step "Python package (ctypes) over the release libimza_ffi.so that run-c-tests.sh built"
IMZA_LIBRARY="${CARGO_TARGET_DIR:-$PWD/target}/release/libimza_ffi.so" \
  python3 -m pytest -q bindings/python/tests

if cargo +nightly fuzz --version >/dev/null 2>&1; then
  step "fuzz smoke run (${IMZA_FUZZ_SECONDS:-15}s per target)"
  bash fuzz/run.sh "${IMZA_FUZZ_SECONDS:-15}"
else
  echo "SKIPPED: nightly cargo-fuzz is not installed; the fuzz smoke run did not run" >&2
fi

step "all checks passed in $((SECONDS - started))s"
