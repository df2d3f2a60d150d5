#!/usr/bin/env bash
# Verifications per second of a small enveloped XAdES-BASELINE-T signature, `imza verify`
# next to `xmlsec1 --verify`, one process per verification, in the same run. Prints the
# machine and a Markdown table for the README.
#
# The fixture is made here, at bench time: a 2 KB XML document (below) signed by
# `imza sign --format xades --level T` (enveloped) with test-vectors/pki/ecdsa-p256/signer
# and, as a second variant, test-vectors/pki/rsa/signer (RSA-2048, PKCS #1 v1.5), each
# time-stamped by the repository's loopback TSA (test-vectors/tsa/tsa-server.py, which
# answers with `openssl ts -reply`) with that PKI's tsa certificate, on a free port.
#
# The commands, for each variant (PKI = test-vectors/pki/ecdsa-p256 or test-vectors/pki/rsa):
#   imza verify signed.xml --trust PKI/root.pem --no-revocation
#   xmlsec1 --verify --enabled-reference-uris empty,same-doc \
#     --trusted-pem PKI/root.pem --untrusted-pem PKI/intermediate.pem signed.xml
# They do not do the same work: xmlsec1 checks XMLDSig only (the two references, the
# signature value, the signer's chain at the current time); it does not read the XAdES
# properties, so it neither checks the signing-certificate digest nor validates the
# signature time-stamp (its CMS signature, imprint and the TSA's chain), which imza does.
# xmlsec1 also loads OpenSSL's default trust store (all of /etc/ssl/certs/ca-certificates.crt)
# at every start, so it runs a second time with that pointed at nothing ("no system CAs").
# `imza --version` and `xmlsec1 --version` are timed alongside: the cost of starting each
# process at all.
#
# Each command runs N times (default 200), round robin (the order rotated every round, so
# that load drifts hit all alike); wall time per process is taken by bash ($EPOCHREALTIME
# around the fork and wait), user+system CPU from bash's `times` (children, ms resolution).
# Every verification must exit 0: the script fails (exit 1) on the first that does not, and
# before measuring it checks that imza reports TOTAL_PASSED at XAdES-BASELINE-T with one
# time-stamp. Peak RSS: the largest of RUNS_RSS (default 5) further runs of each command
# under `/usr/bin/time -v`.
#
# Needs: GNU time at /usr/bin/time (Debian package `time`), python3 and openssl (the TSA),
# xmlsec1 (`bash interop/xml/setup.sh`, or `apt-get install xmlsec1`).
#
# Usage: bash benches/xades_verify.sh [N]
#        bash benches/xades_verify.sh --fixtures   # (re)make test-vectors/xml/bench/*.xml for
#                                                   # `cargo bench --bench xades`, then exit
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
fixtures_only=0
if [ "${1:-}" = --fixtures ]; then
  fixtures_only=1
  shift
fi
n=${1:-200}
runs_rss=${RUNS_RSS:-5}
tsa_server=test-vectors/tsa/tsa-server.py
fixture_dir=test-vectors/xml/bench

die() { echo "xades_verify.sh: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) not found; install the Debian package 'time'"
for tool in python3 openssl; do command -v "$tool" >/dev/null || die "$tool not found (the TSA needs it)"; done
if [ "$fixtures_only" = 0 ]; then
  command -v xmlsec1 >/dev/null ||
    die "xmlsec1 not found: run 'bash interop/xml/setup.sh' (or apt-get install xmlsec1)"
fi

echo "== cargo build --release -p imza-cli" >&2
cargo build --release -p imza-cli >&2
imza=${CARGO_TARGET_DIR:-$PWD/target}/release/imza

work=$(mktemp -d "${TMPDIR:-/tmp}/imza-xades-verify.XXXXXX")
tsa_pid=
stop_tsa() {
  if [ -n "$tsa_pid" ]; then
    kill "$tsa_pid" 2>/dev/null || true
    wait "$tsa_pid" 2>/dev/null || true
    tsa_pid=
  fi
}
trap 'stop_tsa; rm -rf "$work"' EXIT

# The document: 2 KB, a default namespace and a prefixed one, attributes in no particular
# order, character references, mixed content: C14N has something to do.
cat > "$work/doc.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:example:orders:1" xmlns:p="urn:example:parties:1" number="2026-12-0042" date="2026-12-05" currency="AZN">
  <p:Buyer id="buyer" vatin="AZ1400000000">
    <p:Name>Imza Test &amp; Sons LLC</p:Name>
    <p:Address street="28 May küçəsi 1" city="Bakı" postcode="AZ1010" country="AZ"/>
    <p:Contact email="orders@example.az" phone="+994 12 000 00 00"/>
  </p:Buyer>
  <p:Seller id="seller" vatin="AZ1500000000">
    <p:Name>Example Supplies OJSC</p:Name>
    <p:Address street="Nizami küçəsi 10" city="Gəncə" postcode="AZ2000" country="AZ"/>
  </p:Seller>
  <Lines>
    <Line n="1" sku="A-1001" qty="10" unit="pcs" price="12.50">Paper, A4, 80 g/m², box of 500</Line>
    <Line n="2" sku="A-1002" qty="4" unit="pcs" price="3.20">Ballpoint pens, blue, pack of 10</Line>
    <Line n="3" sku="B-2001" qty="1" unit="pcs" price="249.00">Desk lamp, LED, 9 W</Line>
    <Line n="4" sku="B-2002" qty="2" unit="pcs" price="89.90">Office chair mat, 120 × 90 cm</Line>
    <Line n="5" sku="C-3001" qty="25" unit="kg" price="1.10">Coffee beans, arabica</Line>
    <Line n="6" sku="C-3002" qty="6" unit="pcs" price="7.75">Whiteboard markers, assorted</Line>
    <Line n="7" sku="D-4001" qty="3" unit="pcs" price="45.00">Filing cabinet dividers</Line>
    <Line n="8" sku="D-4002" qty="12" unit="pcs" price="0.95">Document sleeves, A4, clear</Line>
  </Lines>
  <Totals net="904.85" vat="162.87" gross="1067.72"/>
  <Terms payment="30 days" delivery="DAP Bakı">
    Delivery within 10 working days of this order. Prices include packaging; the
    buyer&apos;s reference must appear on every invoice &lt;ref. 2026/PO/42&gt;.
  </Terms>
  <Notes>
    <Note lang="az">Sifariş elektron imza ilə təsdiq edilib.</Note>
    <Note lang="en">This order is approved by electronic signature.</Note>
  </Notes>
</Order>
EOF

variants=(p256 rsa)
pki_of() { case $1 in p256) echo test-vectors/pki/ecdsa-p256 ;; rsa) echo test-vectors/pki/rsa ;; esac; }

# Starts the loopback TSA with PKI's tsa certificate and key; sets tsa_pid and tsa_url.
start_tsa() {
  local pki=$1 port= i
  : > "$work/tsa.out" # before the child opens it: the loop below may read it first
  python3 "$tsa_server" --port 0 --cert "$pki/tsa.pem" --key "$pki/tsa.key" \
    --chain "$pki/intermediate.pem" > "$work/tsa.out" 2> "$work/tsa.log" &
  tsa_pid=$!
  for ((i = 0; i < 100; i++)); do
    port=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$work/tsa.out")
    [ -n "$port" ] && break
    kill -0 "$tsa_pid" 2>/dev/null || { cat "$work/tsa.log" >&2; die "the TSA exited at start"; }
    sleep 0.1
  done
  [ -n "$port" ] || die "the TSA did not print its port"
  tsa_url=http://127.0.0.1:$port/
}

for v in "${variants[@]}"; do
  pki=$(pki_of "$v")
  start_tsa "$pki"
  echo "== signing ($v, XAdES-B-T through $tsa_url)" >&2
  "$imza" sign "$work/doc.xml" --format xades --level T --tsa "$tsa_url" \
    --key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/intermediate.pem" \
    -o "$work/signed-$v.xml"
  stop_tsa
  if [ "$v" = p256 ]; then # the B-B reference point for the criterion bench
    "$imza" sign "$work/doc.xml" --format xades --level B \
      --key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/intermediate.pem" \
      -o "$work/signed-$v-b.xml"
  fi
done

if [ "$fixtures_only" = 1 ]; then
  mkdir -p "$fixture_dir"
  cp "$work/doc.xml" "$fixture_dir/order.xml"
  cp "$work/signed-p256.xml" "$fixture_dir/order-p256-t.xml"
  cp "$work/signed-rsa.xml" "$fixture_dir/order-rsa-t.xml"
  cp "$work/signed-p256-b.xml" "$fixture_dir/order-p256-b.xml"
  for f in order-p256-t order-rsa-t order-p256-b; do
    case $f in *rsa*) pki=$(pki_of rsa) ;; *) pki=$(pki_of p256) ;; esac
    "$imza" verify "$fixture_dir/$f.xml" --trust "$pki/root.pem" --no-revocation > /dev/null ||
      die "$fixture_dir/$f.xml does not verify"
  done
  ls -l "$fixture_dir" >&2
  echo "== remade $fixture_dir (signed $(date -u +%Y-%m-%dT%H:%M:%SZ))" >&2
  exit 0
fi

# Every command: index -> name, argument vector (no spaces in any argument) and whether it
# runs without OpenSSL's default trust store. xmlsec1 adds OpenSSL's default locations to
# its trust store (it reads the whole of /etc/ssl/certs/ca-certificates.crt, about 140
# certificates, at every start): the "no system CAs" rows point those at nothing
# (SSL_CERT_FILE=/dev/null, SSL_CERT_DIR=/nonexistent), which leaves it trusting only
# --trusted-pem, as imza trusts only --trust.
names=() cmds=() bare=()
add() { names+=("$1"); bare+=("$2"); shift 2; cmds+=("$*"); }
for v in "${variants[@]}"; do
  pki=$(pki_of "$v")
  add "imza verify ($v)" 0 "$imza" verify "$work/signed-$v.xml" --trust "$repo/$pki/root.pem" --no-revocation
  xmlsec=(xmlsec1 --verify --enabled-reference-uris empty,same-doc
    --trusted-pem "$repo/$pki/root.pem" --untrusted-pem "$repo/$pki/intermediate.pem" "$work/signed-$v.xml")
  add "xmlsec1 --verify ($v)" 0 "${xmlsec[@]}"
  add "xmlsec1 --verify ($v), no system CAs" 1 "${xmlsec[@]}"
done
add "imza --version" 0 "$imza" --version
add "xmlsec1 --version" 0 xmlsec1 --version
count=${#cmds[@]}
run() { # run INDEX: the command, output to /dev/null, stderr to $work/err
  # shellcheck disable=SC2086 # word splitting of the argument vector is intended
  if [ "${bare[$1]}" = 1 ]; then
    SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent ${cmds[$1]} > /dev/null 2> "$work/err"
  else
    ${cmds[$1]} > /dev/null 2> "$work/err"
  fi
}

# Both verifiers accept each file, and imza sees B-T.
for ((i = 0; i < count; i++)); do
  run "$i" || { cat "$work/err" >&2; die "${names[$i]} did not accept the file (exit status above)"; }
done
for v in "${variants[@]}"; do
  pki=$(pki_of "$v")
  "$imza" verify "$work/signed-$v.xml" --trust "$pki/root.pem" --no-revocation --json > "$work/$v.json"
  python3 - "$work/$v.json" "$v" <<'EOF' || die "imza does not report TOTAL_PASSED at B-T for $v"
import json, sys
r = json.load(open(sys.argv[1]))
levels = [s.get("level") for s in r["signatures"]]
ts = sum(len(s.get("timestamps") or []) for s in r["signatures"])
ok = r["indication"] == "TOTAL_PASSED" and levels == ["XAdES-BASELINE-T"] and ts == 1
print(f"{sys.argv[2]}: {r['indication']} at {levels}, {ts} time-stamp(s)", file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
done

# Children's CPU time so far, in microseconds (bash's `times`: no fork, ms resolution).
to_us() { # 1m2.345s -> microseconds
  local v=${1%s} m s
  m=${v%%m*} s=${v#*m}
  s=${s/,/.}
  cpu_us=$(((10#$m * 60 + 10#${s%.*}) * 1000000 + 10#${s#*.} * 1000))
}
child_cpu() { # sets child_us
  local _u _s cu cs
  times > "$work/times.now"
  { read -r _u _s; read -r cu cs; } < "$work/times.now"
  to_us "$cu"; child_us=$cpu_us
  to_us "$cs"; child_us=$((child_us + cpu_us))
}

echo "== $n rounds of $count commands" >&2
: > "$work/times"
for ((r = 0; r < n; r++)); do
  for ((k = 0; k < count; k++)); do
    i=$(((r + k) % count))
    child_cpu; c0=$child_us
    t0=${EPOCHREALTIME/[.,]/}
    run "$i" || { cat "$work/err" >&2; die "round $((r + 1)): ${names[$i]} failed"; }
    t1=${EPOCHREALTIME/[.,]/}
    child_cpu
    echo "$i $((t1 - t0)) $((child_us - c0))" >> "$work/times"
  done
done

# Peak RSS: /usr/bin/time -v -> "index max_rss_kib exit_status"
for ((i = 0; i < count; i++)); do
  for ((r = 1; r <= runs_rss; r++)); do
    if [ "${bare[$i]}" = 1 ]; then
      # shellcheck disable=SC2086
      SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent /usr/bin/time -v -o "$work/time" ${cmds[$i]} > /dev/null 2>&1 || true
    else
      # shellcheck disable=SC2086
      /usr/bin/time -v -o "$work/time" ${cmds[$i]} > /dev/null 2>&1 || true
    fi
    awk -F': ' -v i="$i" '/Maximum resident set size/ { m = $2 } /Exit status/ { x = $2 }
      END { printf "%d %d %d\n", i, m, x }' "$work/time" >> "$work/rss"
  done
done
awk '$3 != 0 { bad = 1 } END { exit bad }' "$work/rss" || die "a run under /usr/bin/time failed"

cpu_model=$(lscpu 2>/dev/null | grep 'Model name' | head -1 | sed 's/^Model name: *//' || true)
echo
echo "## Verifying a small XAdES-B-T, one process per verification"
echo
echo "- Machine: ${cpu_model:-unknown}, $(nproc) cores available (nproc), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "- $($imza --version), $(xmlsec1 --version), $(openssl version | cut -d' ' -f1-2), $(rustc -V)"
echo "- Load average at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg); date $(date -u +%Y-%m-%d)"
echo "- Document $(stat -c %s "$work/doc.xml") bytes; signed: p256 $(stat -c %s "$work/signed-p256.xml")," \
  "rsa $(stat -c %s "$work/signed-rsa.xml") bytes; $n runs of each command, round robin"
echo
echo "| Command | mean wall / process | median | verifications/s | CPU (user+sys) | peak RSS |"
echo "|---|--:|--:|--:|--:|--:|"
for ((i = 0; i < count; i++)); do
  mean=$(awk -v i="$i" '$1 == i { s += $2; c++ } END { printf "%.0f", s / c }' "$work/times")
  med=$(awk -v i="$i" '$1 == i { print $2 }' "$work/times" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  cpu=$(awk -v i="$i" '$1 == i { s += $3; c++ } END { printf "%.0f", s / c }' "$work/times")
  rss=$(awk -v i="$i" '$1 == i && $2 > m { m = $2 } END { print m }' "$work/rss")
  echo "$mean $med $cpu" > "$work/stat.$i"
  awk -v n="${names[$i]}" -v m="$mean" -v d="$med" -v c="$cpu" -v r="$rss" 'BEGIN {
    printf "| `%s` | %.2f ms | %.2f ms | %s | %.2f ms | %.1f MiB |\n",
      n, m / 1000, d / 1000, (n ~ /version/ ? "" : sprintf("%.0f", 1e6 / m)), c / 1000, r / 1024 }'
done
echo
ratio() { # ratio A B -> the ratios of the mean and median wall times and of the CPU times
  paste -d' ' "$work/stat.$1" "$work/stat.$2" |
    awk '{ printf "%.2f (medians %.2f, CPU %.2f)", $1 / $4, $2 / $5, $3 / $6 }'
}
for ((j = 0; j < ${#variants[@]}; j++)); do
  a=$((3 * j))
  echo "${variants[$j]}: imza / xmlsec1 per verification: $(ratio $a $((a + 1)));" \
    "imza / xmlsec1 without the system CAs: $(ratio $a $((a + 2)))"
done
