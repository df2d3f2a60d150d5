#!/usr/bin/env bash
# Verifying a large ASiC-E (default 2 GiB of random data in one stored entry, plus a small
# deflated one) with a detached XAdES-B-B made by `imza sign --format xades --detached`: wall
# time and peak memory of `imza verify` next to hashing the same data (`openssl dgst -sha256`
# and `sha256sum` of the payload, `sha256sum` of the whole container file), in the same run. Prints the machine and a
# Markdown table for the README.
#
# The container: `mimetype` (stored, first), `big.bin` (stored, ZIP64 past 4 GiB), `small.txt`
# (deflated), `META-INF/signatures0.xml` (the signature over both), `META-INF/manifest.xml`;
# written by Python's zipfile. imza reads it from the file on demand (imza::verify_container)
# and hashes each entry in 64 KiB chunks, so its memory must not grow with the size.
#
# Fails when `imza verify` does not give TOTAL_PASSED or when its peak RSS reaches 64 MiB.
# Needs: GNU time at /usr/bin/time, python3, openssl, sha256sum, bc, about 2×SIZE of free space in TMPDIR.
#
# Usage: bash benches/asic_verify.sh [SIZE]    (SIZE as for `head -c`: 2G, 256M; default 2G)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2G}
runs=${RUNS:-3}
limit_kib=$((64 * 1024))
p256=test-vectors/pki/ecdsa-p256
[ -x /usr/bin/time ] || { echo "asic_verify.sh: /usr/bin/time (GNU time) not found" >&2; exit 1; }

echo "== cargo build --release -p imza-cli" >&2
cargo build --release -p imza-cli >&2
imza="${CARGO_TARGET_DIR:-target}/release/imza"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== making a $size container in $work" >&2
head -c "$size" /dev/urandom > "$work/big.bin"
printf 'a small deflated file\n%.0s' $(seq 200) > "$work/small.txt"
# The detached signature over both files: one signature document naming them. imza sign
# takes one file per signature; the two-file document is made by the library test suite, so
# here the signature covers big.bin, and small.txt is reported as unsigned.
"$imza" sign "$work/big.bin" --format xades --detached --key "$p256/signer.key" \
  --cert "$p256/signer.pem" --chain "$p256/intermediate.pem" -o "$work/signatures0.xml" >&2
python3 - "$work" <<'PY'
import sys, zipfile, os
w = sys.argv[1]
with zipfile.ZipFile(os.path.join(w, "big.asice"), "w", allowZip64=True) as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.etsi.asic-e+zip", compress_type=zipfile.ZIP_STORED)
    z.write(os.path.join(w, "big.bin"), "big.bin", compress_type=zipfile.ZIP_STORED)
    z.write(os.path.join(w, "small.txt"), "small.txt", compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.etsi.asic-e+zip"/><manifest:file-entry manifest:full-path="big.bin" manifest:media-type="application/octet-stream"/><manifest:file-entry manifest:full-path="small.txt" manifest:media-type="text/plain"/></manifest:manifest>', compress_type=zipfile.ZIP_DEFLATED)
    z.write(os.path.join(w, "signatures0.xml"), "META-INF/signatures0.xml", compress_type=zipfile.ZIP_DEFLATED)
PY
container="$work/big.asice"
cat "$container" > /dev/null  # into the page cache, for every command alike

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
  measure imza "$imza" verify "$container" --trust "$p256/root.pem" --no-revocation
  grep -q "overall: TOTAL_PASSED" "$work/out" || { cat "$work/out" >&2; echo "asic_verify.sh: imza did not pass" >&2; exit 1; }
  measure sha256sum-payload sha256sum "$work/big.bin"
  measure sha256sum-container sha256sum "$container"
  measure openssl-dgst-payload openssl dgst -sha256 "$work/big.bin"
done

echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1); $(date -u +%Y-%m-%d)"
echo "Container: $(stat -c %s "$container") bytes"
echo
echo "| Command | wall (median) | CPU (median) | peak RSS (max) | wall / openssl dgst of the payload |"
echo "|---|--:|--:|--:|--:|"
base=$(awk '$1=="openssl-dgst-payload"{print $2}' "$work/runs" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
for name in imza openssl-dgst-payload sha256sum-payload sha256sum-container; do
  wall=$(awk -v n=$name '$1==n{print $2}' "$work/runs" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  cpu=$(awk -v n=$name '$1==n{print $3}' "$work/runs" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  rss=$(awk -v n=$name '$1==n{print $4}' "$work/runs" | sort -n | tail -1)
  printf '| %s | %.2f s | %.2f s | %.1f MiB | %.2f |\n' "$name" "$wall" "$cpu" "$(echo "$rss/1024" | bc -l)" "$(echo "$wall/$base" | bc -l)"
  if [ "$name" = imza ] && [ "$rss" -ge "$limit_kib" ]; then
    echo "asic_verify.sh: imza's peak RSS $rss KiB reached the 64 MiB limit" >&2
    exit 1
  fi
done
