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
