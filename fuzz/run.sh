#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 30), seeded from test-vectors/.
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Usage: bash fuzz/run.sh [SECONDS]
set -euo pipefail
secs=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"
seed() { # target, files...
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}
seed cert_show "$root"/test-vectors/certs/*.pem "$root"/test-vectors/certs/*.der
mkdir -p corpus/verify
seed crl "$root"/test-vectors/pki/*/*.crl
mkdir -p corpus/ocsp_response
# OCSP responses: made by openssl from the test PKI's CA database, when openssl is here.
if command -v openssl >/dev/null; then
  p256="$root/test-vectors/pki/ecdsa-p256"
  for leaf in signer revoked not-in-index; do
    openssl ocsp -index "$p256/intermediate/index.txt" -CA "$p256/intermediate.pem" \
      -rsigner "$p256/ocsp-responder.pem" -rkey "$p256/ocsp-responder.key" \
      -issuer "$p256/intermediate.pem" -cert "$p256/$leaf.pem" \
      -respout "corpus/ocsp_response/$leaf.der" >/dev/null 2>&1 || true
  done
fi
targets=$(cargo +nightly fuzz list)
for t in $targets; do
  echo "== fuzz $t for ${secs}s"
  # -max_len: certificates are at most a few KB; -rss_limit: catch memory blow-ups.
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=16384 \
    -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Done)" || true
  if [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz $t: FAILED, crash artifacts in fuzz/artifacts/$t" >&2
    exit 1
  fi
  echo "fuzz $t: ok"
done
