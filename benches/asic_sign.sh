#!/usr/bin/env bash
# Making a large ASiC-E (default 2 GiB of random data, as PDFs and scans barely compress) with
# `imza sign FILE --format asice`: wall time and peak memory next to Info-ZIP `zip -1` (the
# same deflate level and a CRC-32, no signature) and `openssl dgst -sha256` (the digest imza
# also computes), in the same run; then `imza verify` of what was made. Prints the machine
# and a Markdown table for the README.
#
# imza reads the file once in 64 KiB chunks, deflates, CRCs and hashes each chunk and writes
# it out, so its memory must not grow with the size.
#
# Fails when the container does not verify (TOTAL_PASSED) or when imza's peak RSS reaches
# 64 MiB. Needs: GNU time at /usr/bin/time, zip, openssl, bc, about 2×SIZE of free space
# in TMPDIR.
#
# Usage: bash benches/asic_sign.sh [SIZE]    (SIZE as for `head -c`: 2G, 256M; default 2G)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2G}
runs=${RUNS:-3}
limit_kib=$((64 * 1024))
p256=test-vectors/pki/ecdsa-p256
[ -x /usr/bin/time ] || { echo "asic_sign.sh: /usr/bin/time (GNU time) not found" >&2; exit 1; }
command -v zip >/dev/null || { echo "asic_sign.sh: zip not found (apt-get install zip)" >&2; exit 1; }

echo "== cargo build --release -p imza-cli" >&2
cargo build --release -p imza-cli >&2
imza="${CARGO_TARGET_DIR:-target}/release/imza"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== making $size of random data in $work" >&2
head -c "$size" /dev/urandom > "$work/big.bin"
cat "$work/big.bin" > /dev/null  # into the page cache, for every command alike

measure() { # name, command...: appends "name wall_s cpu_s maxrss_kib" to $work/runs
  local name=$1; shift
  /usr/bin/time -v -o "$work/t" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
  local wall cpu_u cpu_s rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/t" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  cpu_u=$(sed -n 's/.*User time (seconds): //p' "$work/t")
  cpu_s=$(sed -n 's/.*System time (seconds): //p' "$work/t")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/t")
  echo "$name $wall $(echo "$cpu_u + $cpu_s" | bc) $rss" >> "$work/runs"
}

: > "$work/runs"
for _ in $(seq "$runs"); do
  rm -f "$work/out.asice" "$work/out.zip"
  measure imza-sign "$imza" sign "$work/big.bin" --format asice --key "$p256/signer.key" \
    --cert "$p256/signer.pem" --chain "$p256/intermediate.pem" -o "$work/out.asice"
  measure zip-1 zip -1 -q -j "$work/out.zip" "$work/big.bin"
  measure openssl-dgst openssl dgst -sha256 "$work/big.bin"
  measure imza-verify "$imza" verify "$work/out.asice" --trust "$p256/root.pem" --no-revocation
  grep -q "overall: TOTAL_PASSED" "$work/out" || { cat "$work/out" >&2; echo "asic_sign.sh: the container did not verify" >&2; exit 1; }
done

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1); $(date -u +%Y-%m-%d)"
echo "Data: $(stat -c %s "$work/big.bin") bytes; container $(stat -c %s "$work/out.asice") bytes; zip $(stat -c %s "$work/out.zip") bytes"
echo
echo "| Command | wall (median) | CPU (median) | peak RSS (max) | wall / zip -1 |"
echo "|---|--:|--:|--:|--:|"
median() { awk -v n="$1" -v c="$2" '$1==n{print $c}' "$work/runs" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
base=$(median zip-1 2)
for name in imza-sign zip-1 openssl-dgst imza-verify; do
  wall=$(median $name 2)
  cpu=$(median $name 3)
  rss=$(awk -v n=$name '$1==n{print $4}' "$work/runs" | sort -n | tail -1)
  printf '| %s | %.2f s | %.2f s | %.1f MiB | %.2f |\n' "$name" "$wall" "$cpu" "$(echo "$rss/1024" | bc -l)" "$(echo "$wall/$base" | bc -l)"
  if [[ $name == imza-* ]] && [ "$rss" -ge "$limit_kib" ]; then
    echo "asic_sign.sh: $name's peak RSS $rss KiB reached the 64 MiB limit" >&2
    exit 1
  fi
done
