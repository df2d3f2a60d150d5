#!/usr/bin/env bash
# imza signs, pyHanko validates: `imza sign --format pades` over the source PDF of
# python/make_source.py, for the test PKI's RSA and P-256 signers, at
#
#   B   imza sign source.pdf --format pades --level B --key signer.key --cert signer.pem --chain intermediate.pem -o OUT
#   T   the same with --level T --tsa URL of the loopback TSA (test-vectors/tsa/tsa-server.py,
#       the key's tsa.pem; the same root as the signer)
#
# (LT is not run: it needs OCSP/CRL services the test PKI does not run here.) Each signed
# file, and a copy with one byte of page 1's content flipped (python/tamper.py, inside the
# /ByteRange), goes to pyHanko 0.38 (setup.sh) twice:
#
#   api   python/pyhanko_peer.py validate FILE --trust root.pem --other-certs intermediate.pem
#         --level B|T: validate_pdf_signature without revocation checking must give bottom_line,
#         intact, valid, trusted, docmdp_ok, coverage ENTIRE_FILE, modification level NONE (no
#         modification warnings), /SubFilter ETSI.CAdES.detached, and for T an intact, valid,
#         trusted signature time-stamp (for B: none). The tampered copy must be rejected.
#   cli   pyhanko sign validate --pretty-print --trust root.pem --trust-replace --other-certs
#         intermediate.pem --no-revocation-check FILE: exit 0, one field, "The signature is
#         judged VALID.", "The signature covers the entire file.", for T "The timestamp token
#         is cryptographically sound." and "The TSA certificate is trusted.". The tampered copy:
#         a nonzero exit.
#
#   bash interop/pdf/pyhanko-validates-imza.sh [OUTDIR]   (default target/peers/pdf-interop/pyhanko-validates-imza)
#
# Environment:
#   CI=true            a missing tool or peer, or a signing failure, is a failure. Otherwise a
#                      missing peer is a "SKIPPED:" line on stderr and the script exits 0.
#   IMZA_BIN           the imza binary (default: `cargo build -q -p imza-cli`, then
#                      ${CARGO_TARGET_DIR:-target}/debug/imza).
#   IMZA_PDF_SIGNER    "pyhanko" makes pyHanko sign instead of imza (same levels, same TSA):
#                      a check of this script's validation half without imza.
#   IMZA_PEERS         where setup.sh puts the venv (default target/peers).
#
# Exit 0 when every row is ok; a failed `imza sign` is a FAIL row with imza's message (while
# imza has no `--format pades` that is the expected state of this script).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/target/peers/pdf-interop/pyhanko-validates-imza}
[[ $out == /* ]] || out=$PWD/$out
[ -z "${IMZA_BIN:-}" ] || [[ $IMZA_BIN == /* ]] || IMZA_BIN=$PWD/$IMZA_BIN
cd "$repo"
peers=${IMZA_PEERS:-$repo/target/peers}
venv=$peers/venv-pyhanko
signer=${IMZA_PDF_SIGNER:-imza}
case $signer in imza | pyhanko) ;; *) echo "IMZA_PDF_SIGNER must be imza or pyhanko" >&2; exit 64 ;; esac
ci=false
[ "${CI:-}" = true ] && ci=true
started=$SECONDS

skip_or_fail() { # skip_or_fail MESSAGE: under CI a failure (returns 1), otherwise a skip
  if $ci; then
    echo "pyhanko-validates-imza: FAIL: $1 (CI=true: nothing may be missing)" >&2
    return 1
  fi
  echo "pyhanko-validates-imza: SKIPPED: $1" >&2
}

for tool in python3 openssl; do
  command -v $tool >/dev/null 2>&1 || { skip_or_fail "$tool is not installed; nothing was validated" || exit 1; exit 0; }
done
py=$(python3 -c 'import sys; print(sys.executable)')

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/logs" "$out"/*.pdf "$out"/*.log "$out"/tsa-*.out
mkdir -p "$out/logs"

# --- peer -----------------------------------------------------------------------------------
echo "setup.sh (log: $out/setup.log)"
if ! bash "$here/setup.sh" >"$out/setup.log" 2>&1; then
  if $ci; then cat "$out/setup.log" >&2; echo "pyhanko-validates-imza: FAIL: setup.sh failed" >&2; exit 1; fi
  grep -E 'FAILED|failed:' "$out/setup.log" >&2
fi
if ! PYTHONWARNINGS=ignore "$venv/bin/pyhanko" --version >/dev/null 2>&1; then
  skip_or_fail "pyHanko is not set up (see $out/setup.log)" || exit 1
  exit 0
fi
peer=("$venv/bin/python" "$here/python/pyhanko_peer.py")

# --- imza -----------------------------------------------------------------------------------
if [ "$signer" = pyhanko ]; then
  echo "IMZA_PDF_SIGNER=pyhanko: pyHanko signs (a check of the validation half; imza is not run)"
elif [ -n "${IMZA_BIN:-}" ]; then
  imza=$IMZA_BIN
else
  command -v cargo >/dev/null 2>&1 || { skip_or_fail "cargo is not installed and IMZA_BIN is not set" || exit 1; exit 0; }
  echo "cargo build -q -p imza-cli"
  cargo build -q -p imza-cli || { echo "pyhanko-validates-imza: FAIL: cargo build -p imza-cli failed" >&2; exit 1; }
  imza=${CARGO_TARGET_DIR:-target}/debug/imza
fi
if [ "$signer" = imza ]; then
  [ -x "$imza" ] || { echo "pyhanko-validates-imza: FAIL: no imza binary at $imza" >&2; exit 1; }
  echo "imza: $imza"
fi

# --- the loopback TSA -----------------------------------------------------------------------
tsa_pid='' tsa_url=''
stop_tsa() {
  if [ -n "$tsa_pid" ]; then
    kill "$tsa_pid" 2>/dev/null
    wait "$tsa_pid" 2>/dev/null
    tsa_pid=''
  fi
}
trap stop_tsa EXIT
start_tsa() { # start_tsa PKI_DIR NAME: sets tsa_url (the server prints "listening <port>")
  local portfile=$out/tsa-$2.out port='' _
  : >"$portfile"
  "$py" test-vectors/tsa/tsa-server.py --port 0 --cert "$1/tsa.pem" --key "$1/tsa.key" \
    --chain "$1/intermediate.pem" >"$portfile" 2>"$out/tsa-$2.log" &
  tsa_pid=$!
  for _ in $(seq 200); do
    port=$(awk '$1 == "listening" { print $2 }' "$portfile")
    [ -n "$port" ] && break
    kill -0 "$tsa_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$port" ]; then
    echo "pyhanko-validates-imza: FAIL: the TSA did not start (log: $out/tsa-$2.log)" >&2
    cat "$out/tsa-$2.log" >&2
    stop_tsa
    return 1
  fi
  tsa_url=http://127.0.0.1:$port/
}

rows=() fails=0 oks=0 no_pades=''
row() { rows+=("$(printf '%-29s %-9s %-4s %-7s %-44s %s' "$@")"); }

# sign KEY_DIR LEVEL OUT: imza (or pyHanko) signs the source at LEVEL; 0 when OUT was made
sign() {
  local pki=$1 level=$2 o=$3 log=$out/logs/sign-$(basename "$3" .pdf).log code
  local tsa=()
  [ "$level" = T ] && tsa=(--tsa "$tsa_url")
  if [ "$signer" = pyhanko ]; then
    PYTHONWARNINGS=ignore "${peer[@]}" sign "$out/source.pdf" "$o" --key "$pki/signer.key" \
      --cert "$pki/signer.pem" --chain "$pki/intermediate.pem" "${tsa[@]}" >"$log" 2>&1
  else
    "$imza" sign "$out/source.pdf" --format pades --level "$level" --key "$pki/signer.key" \
      --cert "$pki/signer.pem" --chain "$pki/intermediate.pem" "${tsa[@]}" -o "$o" >"$log" 2>&1
  fi
  code=$?
  if [ $code != 0 ] || [ ! -s "$o" ]; then
    row "$(basename "$o")" - sign signed "$signer sign exit $code: $(grep -m1 . "$log" | cut -c1-90)" FAIL
    fails=$((fails + 1))
    if [ "$signer" = imza ] && grep -qE "invalid value 'pades'|unexpected argument|not (yet )?(supported|implemented)" "$log"; then
      [ -n "$no_pades" ] || echo "pyhanko-validates-imza: this imza cannot sign PAdES yet (\`imza sign --format pades\`): $(grep -m1 . "$log")" >&2
      no_pades=1
    else
      echo "--- $signer sign --level $level $(basename "$o") failed (exit $code):" >&2
      sed 's/^/    /' "$log" >&2
    fi
    return 1
  fi
}

# validate FILE KEY_DIR LEVEL valid|tampered: the api and the cli rows
validate() {
  local f=$1 pki=$2 level=$3 case=$4 name log code got want problems
  name=$(basename "$f" .pdf)

  # api
  log=$out/logs/api-$name.log
  PYTHONWARNINGS=ignore "${peer[@]}" validate "$f" --trust "$pki/root.pem" --other-certs "$pki/intermediate.pem" \
    --level "$level" --details >"$log" 2>&1
  code=$?
  if [ "$case" = valid ]; then
    want="accepted (exit 0)"
    if [ $code = 0 ]; then got="accepted: $(grep -o '"summary": "[^"]*"' "$log" | cut -d'"' -f4 | paste -sd' ')"; else got="rejected (exit $code)"; fi
    problems=$([ $code = 0 ] || grep '^pyhanko_peer:' "$log")
    [ $code = 0 ] || problems=${problems:-"exit $code"}
  else
    want="rejected (exit 1)"
    if [ $code = 1 ]; then got="rejected: $(grep -o '"summary": "[^"]*"' "$log" | cut -d'"' -f4 | paste -sd' ')"; else got="exit $code"; fi
    problems=$([ $code = 1 ] || echo "exit $code, expected 1 (a rejection of a readable file)")
  fi
  verdict "$(basename "$f")" "$case" api "$want" "$got" "$problems" "$log"

  # cli
  log=$out/logs/cli-$name.log
  PYTHONWARNINGS=ignore "$venv/bin/pyhanko" sign validate --pretty-print --trust "$pki/root.pem" --trust-replace \
    --other-certs "$pki/intermediate.pem" --no-revocation-check "$f" >"$log" 2>&1
  code=$?
  problems=''
  if [ "$case" = valid ]; then
    want="VALID, entire file (exit 0)"
    [ $code = 0 ] || problems+="exit $code"$'\n'
    [ "$(grep -c '^Field [0-9]*:' "$log")" = 1 ] || problems+="not exactly one signature field"$'\n'
    grep -qx 'The signature is judged VALID.' "$log" || problems+="no 'The signature is judged VALID.'"$'\n'
    grep -qx 'The signature covers the entire file.' "$log" || problems+="no 'The signature covers the entire file.'"$'\n'
    if [ "$level" = T ]; then
      grep -qx 'The timestamp token is cryptographically sound.' "$log" || problems+="no sound time-stamp token"$'\n'
      grep -qx 'The TSA certificate is trusted.' "$log" || problems+="the TSA certificate is not trusted"$'\n'
    else
      ! grep -q 'timestamp token' "$log" || problems+="a time-stamp token in a B-B signature"$'\n'
    fi
    got=$(grep -o 'The signature is judged [A-Z]*' "$log" | sed 's/The signature is judged //' | paste -sd' ')
    grep -qx 'The signature covers the entire file.' "$log" && got+=", entire file"
    got="${got:-no verdict} (exit $code)"
  else
    want="INVALID (exit 1)"
    [ $code != 0 ] || problems+="exit 0: accepted"$'\n'
    got=$(grep -o 'The signature is judged [A-Z]*' "$log" | sed 's/The signature is judged //' | paste -sd' ')
    got="${got:-no verdict} (exit $code)"
  fi
  verdict "$(basename "$f")" "$case" cli "$want" "$got" "$(sed '/^$/d' <<<"$problems")" "$log"
}

verdict() { # verdict FILE CASE CHECK WANT GOT PROBLEMS LOG
  local short=accept
  [ "$2" = valid ] || short=reject
  if [ -z "$6" ]; then
    row "$1" "$2" "$3" "$short" "$5" ok
    oks=$((oks + 1))
  else
    row "$1" "$2" "$3" "$short" "$5" FAIL
    fails=$((fails + 1))
    echo "--- $1 ($2, $3): expected $4: $6 (log: $7)" | sed '2,$s/^/    /' >&2
  fi
}

"$py" "$here/python/make_source.py" "$out/source.pdf" || { echo "pyhanko-validates-imza: FAIL: make_source.py" >&2; exit 1; }
for key in rsa ecdsa-p256; do
  pki=test-vectors/pki/$key
  k=${key#ecdsa-}
  start_tsa "$pki" "$k" || { fails=$((fails + 1)); continue; }
  for level in B T; do
    lc=$(tr BT bt <<<"$level")
    f=$out/$signer-b$lc-$k.pdf
    sign "$pki" "$level" "$f" || continue
    validate "$f" "$pki" "$level" valid
    t=$out/$signer-b$lc-tampered-$k.pdf
    if "$py" "$here/python/tamper.py" "$f" "$t" >"$out/logs/tamper-$(basename "$t" .pdf).log" 2>&1; then
      validate "$t" "$pki" "$level" tampered
    else
      row "$(basename "$t")" tampered - - "tamper.py failed: $(tail -1 "$out/logs/tamper-$(basename "$t" .pdf).log")" FAIL
      fails=$((fails + 1))
    fi
  done
  stop_tsa
done

echo
echo "## $signer signs, pyHanko validates (no revocation checking)"
printf '%-29s %-9s %-4s %-7s %-44s %s\n' file case via expect "pyHanko says" result
printf '%s\n' "${rows[@]}"
echo
summary="$oks ok, $fails failed (signer: $signer; $((SECONDS - started))s)"
if [ $fails -gt 0 ]; then
  [ -z "$no_pades" ] || echo "pyhanko-validates-imza: $imza has no \`imza sign --format pades\` yet: nothing was signed" >&2
  echo "pyhanko-validates-imza: FAILED: $summary; files and logs in $out" >&2
  exit 1
fi
echo "pyhanko-validates-imza: passed: $summary"
