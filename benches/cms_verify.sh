#!/usr/bin/env bash
# Verifying a detached CMS signature over a large file (default 1 GiB of random data): wall
# time and peak memory of `imza verify` next to plain hashing (`sha256sum`,
# `openssl dgst -sha256`) and `openssl cms -verify`, in the same run. Prints the machine and
# a Markdown table for the README.
#
# The signature: `openssl cms -sign -binary -md sha256` (signed attributes, detached) by
# test-vectors/pki/ecdsa-p256/signer with its intermediate embedded; every verifier trusts
# test-vectors/pki/ecdsa-p256/root.pem. Each command runs RUNS times (default 3), round
# robin so that load drifts hit all alike, under `/usr/bin/time -v`; the table shows the
# median wall time, the median user+system CPU time and the largest peak RSS. The file is
# read once before measuring, so every command reads it from the page cache.
#
# Fails (exit 1) when `imza verify` does not exit 0 (TOTAL_PASSED) or when its peak RSS
# reaches 32 MiB: detached content is streamed, so memory must not grow with the file.
#
# Needs: GNU time at /usr/bin/time (Debian package `time`), openssl, sha256sum, and about
# SIZE of free space in the temporary directory (TMPDIR, default /tmp).
#
# Usage: bash benches/cms_verify.sh [SIZE]    (SIZE as for `head -c`: 1G, 256M; default 1G)
#        RUNS=5 bash benches/cms_verify.sh
set -euo pipefail

cd "$(dirname "$0")/.."
size=${1:-1G}
runs=${RUNS:-3}
limit_kib=$((32 * 1024))
p256=test-vectors/pki/ecdsa-p256

if [ ! -x /usr/bin/time ]; then
  echo "cms_verify.sh: /usr/bin/time (GNU time) not found; install the Debian package 'time'" \
    "(apt-get install time): the shell's 'time' keyword cannot measure peak memory" >&2
  exit 1
fi
for tool in openssl sha256sum; do
  command -v "$tool" >/dev/null || { echo "cms_verify.sh: $tool not found" >&2; exit 1; }
done

echo "== cargo build --release -p imza-cli" >&2
cargo build --release -p imza-cli >&2
imza=${CARGO_TARGET_DIR:-$PWD/target}/release/imza

work=$(mktemp -d "${TMPDIR:-/tmp}/imza-cms-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT
big=$work/big.bin
sig=$work/big.p7s

echo "== making $size of random data in $work" >&2
head -c "$size" /dev/zero | openssl enc -aes-128-ctr -pass pass:x -nosalt -pbkdf2 > "$big"
bytes=$(stat -c %s "$big")
echo "== signing it (openssl cms -sign, detached, signed attributes)" >&2
openssl cms -sign -binary -in "$big" -signer "$p256/signer.pem" -inkey "$p256/signer.key" \
  -certfile "$p256/intermediate.pem" -outform DER -out "$sig" -md sha256
cat "$big" > /dev/null

names=(sha256sum "openssl dgst" "imza verify" "openssl cms -verify")
cmd() { # index -> the command line
  case $1 in
    0) echo sha256sum "$big" ;;
    1) echo openssl dgst -sha256 "$big" ;;
    2) echo "$imza" verify "$sig" --detached "$big" --trust "$p256/root.pem" --crl "$p256/intermediate.crl" --crl "$p256/root.crl" --json ;;
    3) echo openssl cms -verify -binary -inform DER -in "$sig" -content "$big" \
         -CAfile "$p256/root.pem" -purpose any -out /dev/null ;;
  esac
}
# /usr/bin/time -v output -> "wall_seconds cpu_seconds max_rss_kib exit_status"
parse_time() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time \(seconds\)/ { u = $2 }
    /System time \(seconds\)/ { s = $2 }
    /Maximum resident set size/ { m = $2 }
    /Exit status/ { x = $2 }
    END { printf "%.3f %.3f %d %d\n", w, u + s, m, x }' "$1"
}

for ((r = 1; r <= runs; r++)); do
  for i in 0 1 2 3; do
    echo "== run $r/$runs: ${names[$i]}" >&2
    # shellcheck disable=SC2046 # the paths have no spaces (mktemp, repository paths)
    /usr/bin/time -v -o "$work/time.$i.$r" $(cmd "$i") > "$work/out.$i.$r" 2> "$work/err.$i.$r" || true
    parse_time "$work/time.$i.$r" > "$work/res.$i.$r"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { # index, column (1 wall, 2 cpu, 3 rss, 4 exit) -> one value per run
  for ((r = 1; r <= runs; r++)); do cut -d' ' -f"$2" "$work/res.$1.$r"; done
}
declare -a wall cpu rss status
for i in 0 1 2 3; do
  wall[$i]=$(col "$i" 1 | median)
  cpu[$i]=$(col "$i" 2 | median)
  rss[$i]=$(col "$i" 3 | sort -n | tail -1)
  status[$i]=$(col "$i" 4 | sort -n | tail -1)
done

ok=1
if [ "${status[2]}" != 0 ]; then
  echo "FAIL: imza verify exited ${status[2]} (expected 0, TOTAL_PASSED); stderr of the last run:" >&2
  cat "$work/err.2.$runs" >&2
  ok=0
fi
if [ "${rss[2]}" -ge "$limit_kib" ]; then
  echo "FAIL: imza verify peak RSS ${rss[2]} KiB >= $limit_kib KiB (32 MiB)" >&2
  ok=0
fi
if [ "${status[3]}" != 0 ]; then
  echo "warning: openssl cms -verify exited ${status[3]}:" >&2
  cat "$work/err.3.$runs" >&2
fi
indication=$(grep -o '"indication": *"[A-Z_]*"' "$work/out.2.$runs" | head -1 | sed 's/.*: *//; s/"//g' || true)

human_size() { awk -v b="$1" 'BEGIN { if (b >= 2^30 && b % 2^30 == 0) printf "%d GiB", b / 2^30;
  else if (b >= 2^20) printf "%.0f MiB", b / 2^20; else printf "%d bytes", b }'; }
cpu_model=$(lscpu 2>/dev/null | grep 'Model name' | head -1 | sed 's/^Model name: *//' || true)

echo
echo "## Verifying a detached CMS signature over $(human_size "$bytes")"
echo
echo "- Machine: ${cpu_model:-unknown}, $(nproc) cores available (nproc), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "- $(openssl version), $(sha256sum --version | head -1), $(rustc -V)"
echo "- Load average at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- Signature: \`openssl cms -sign -binary -md sha256\`, ECDSA P-256, signed attributes, detached;" \
  "file in the page cache; median of $runs runs, peak RSS the largest of them"
echo
echo "| Command | wall time | GiB/s | CPU (user+sys) | peak RSS | exit |"
echo "|---|--:|--:|--:|--:|--:|"
for i in 0 1 2 3; do
  awk -v n="${names[$i]}" -v w="${wall[$i]}" -v c="${cpu[$i]}" -v m="${rss[$i]}" -v x="${status[$i]}" \
    -v b="$bytes" 'BEGIN { printf "| `%s` | %.2f s | %.2f | %.2f s | %.1f MiB | %d |\n",
      n, w, (w > 0 ? b / 2^30 / w : 0), c, m / 1024, x }'
done
echo
awk -v i="${wall[2]}" -v s="${wall[0]}" -v o="${wall[3]}" -v mi="${rss[2]}" -v mo="${rss[3]}" 'BEGIN {
  printf "imza / sha256sum (wall): %.2f; imza / openssl cms -verify (wall): %.2f, (peak RSS): %.2f\n",
    i / s, i / o, mi / mo }'
echo "imza verdict: ${indication:-unknown} (exit ${status[2]}); peak RSS limit 32 MiB: $([ "$ok" = 1 ] && echo ok || echo FAILED)"
[ "$ok" = 1 ] || exit 1
