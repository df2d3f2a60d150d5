#!/usr/bin/env bash
# pyHanko signs, imza verifies: PAdES signatures made by pyHanko 0.38 (setup.sh) over the source
# PDF of python/make_source.py (two pages, an AcroForm with the text field "Name"), for the
# test PKI's RSA and P-256 signers (test-vectors/pki/{rsa,ecdsa-p256}), each given to
#
#   imza verify FILE --trust root.pem --intermediate intermediate.pem --no-revocation --json
#
# and expected to give (level and modification from the report's signatures[0].level and
# signatures[0].pdf.modification):
#
#   bb                   PAdES B-B (/SubFilter ETSI.CAdES.detached)        exit 0 TOTAL_PASSED PAdES-BASELINE-B, none
#   bt                   B-T, signature time-stamp from the loopback TSA  exit 0 TOTAL_PASSED PAdES-BASELINE-T, none
#                        (test-vectors/tsa/tsa-server.py with the key's tsa.pem; the time-stamp TOTAL_PASSED too)
#   certified-p2         certification signature, DocMDP /P 2              exit 0 TOTAL_PASSED PAdES-BASELINE-B, none
#   certified-p2-filled  the same, then "Name" filled by pyHanko in an     exit 0 TOTAL_PASSED PAdES-BASELINE-B, form filling
#                        incremental update (/V and a new /AP /N stream)
#   certified-p2-signed  certified-p2, then a second (approval) signature  exit 0 TOTAL_PASSED (both), the first
#                        by pyHanko in a new invisible field "Signature2"   PAdES-BASELINE-B, form filling
#                        (signing is permitted at /P 2)
#   bb-tampered          bb with one byte of page 1's content flipped      exit 1 TOTAL_FAILED, not intact
#                        (python/tamper.py; inside the /ByteRange)
#   certified-p1-filled  certified with /P 1 (no changes), then filled     exit 1 TOTAL_FAILED, intact, form filling
#   locked-filled        an approval signature locking "Name" (FieldMDP    exit 1 TOTAL_FAILED, intact, form filling
#                        /Include), then "Name" filled
#
# A valid case also needs, for every signature in the report, TOTAL_PASSED, format PAdES,
# /SubFilter ETSI.CAdES.detached and coverage "entire file" or "entire revision"
# (python/check_imza.py). The "pyhanko" column is pyHanko's own verdict on the same file
# (python/pyhanko_peer.py validate): it must accept what imza should accept and reject what
# imza should reject, otherwise the harness, not imza, is wrong (a HARNESS row, which fails
# the run too).
#
#   bash interop/pdf/pyhanko-signs.sh [OUTDIR]        (default target/peers/pdf-interop/pyhanko-signs)
#
# Environment:
#   CI=true      a missing tool or peer, or a setup/signing failure, is a failure. Otherwise a
#                missing peer is a "SKIPPED:" line on stderr and the script exits 0.
#   IMZA_BIN     the imza binary (default: `cargo build -q -p imza-cli`, then
#                ${CARGO_TARGET_DIR:-target}/debug/imza).
#   IMZA_PEERS   where setup.sh puts the venv (default target/peers).
#
# Everything stays in OUTDIR: the signed files, OUTDIR/reports/<file>.json (imza) and .pyhanko
# (pyHanko's view), setup.log, sign.log, the TSA's logs. Exit 0 when every row is ok.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/target/peers/pdf-interop/pyhanko-signs}
[[ $out == /* ]] || out=$PWD/$out
[ -z "${IMZA_BIN:-}" ] || [[ $IMZA_BIN == /* ]] || IMZA_BIN=$PWD/$IMZA_BIN
cd "$repo"
peers=${IMZA_PEERS:-$repo/target/peers}
venv=$peers/venv-pyhanko
ci=false
[ "${CI:-}" = true ] && ci=true
started=$SECONDS

# Known, reasoned differences: "FILE" -> why. A listed file that mismatches is printed as KNOWN
# and does not fail the run; a listed file that now gives the expected answer fails it (take it
# off the list). Empty: imza gives every pyHanko file the expected answer.
declare -A KNOWN=()

skip_or_fail() { # skip_or_fail MESSAGE: under CI a failure (returns 1), otherwise a skip
  if $ci; then
    echo "pyhanko-signs: FAIL: $1 (CI=true: nothing may be missing)" >&2
    return 1
  fi
  echo "pyhanko-signs: SKIPPED: $1" >&2
}

for tool in python3 openssl; do
  command -v $tool >/dev/null 2>&1 || { skip_or_fail "$tool is not installed; nothing was verified" || exit 1; exit 0; }
done
py=$(python3 -c 'import sys; print(sys.executable)')

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/reports" "$out"/*.pdf "$out"/*.log "$out"/tsa-*.out
mkdir -p "$out/reports"

# --- peer -----------------------------------------------------------------------------------
echo "setup.sh (log: $out/setup.log)"
if ! bash "$here/setup.sh" >"$out/setup.log" 2>&1; then
  if $ci; then cat "$out/setup.log" >&2; echo "pyhanko-signs: FAIL: setup.sh failed" >&2; exit 1; fi
  grep -E 'FAILED|failed:' "$out/setup.log" >&2
fi
if ! PYTHONWARNINGS=ignore "$venv/bin/python" -c 'import pyhanko.sign' >/dev/null 2>&1; then
  skip_or_fail "pyHanko is not set up (see $out/setup.log)" || exit 1
  exit 0
fi
peer=("$venv/bin/python" "$here/python/pyhanko_peer.py")

# --- imza -----------------------------------------------------------------------------------
if [ -n "${IMZA_BIN:-}" ]; then
  imza=$IMZA_BIN
else
  command -v cargo >/dev/null 2>&1 || { skip_or_fail "cargo is not installed and IMZA_BIN is not set" || exit 1; exit 0; }
  echo "cargo build -q -p imza-cli"
  cargo build -q -p imza-cli || { echo "pyhanko-signs: FAIL: cargo build -p imza-cli failed" >&2; exit 1; }
  imza=${CARGO_TARGET_DIR:-target}/debug/imza
fi
[ -x "$imza" ] || { echo "pyhanko-signs: FAIL: no imza binary at $imza" >&2; exit 1; }
echo "imza: $imza"

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
    echo "pyhanko-signs: FAIL: the TSA did not start (log: $out/tsa-$2.log)" >&2
    cat "$out/tsa-$2.log" >&2
    stop_tsa
    return 1
  fi
  tsa_url=http://127.0.0.1:$port/
}

# --- pyHanko signs ----------------------------------------------------------------------------
"$py" "$here/python/make_source.py" "$out/source.pdf" || { echo "pyhanko-signs: FAIL: make_source.py" >&2; exit 1; }
sign_failed=0
made() { # made CMD...: runs a signing step, logged; a failure is remembered
  echo "+ ${*#"$repo/"}" >>"$out/sign.log"
  if ! PYTHONWARNINGS=ignore "$@" >>"$out/sign.log" 2>&1; then
    echo "pyhanko-signs: signing step failed: $*" >&2
    sign_failed=1
  fi
}
echo "pyHanko signs (log: $out/sign.log)"
for key in rsa ecdsa-p256; do
  pki=test-vectors/pki/$key
  k=${key#ecdsa-}
  id=(--key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/intermediate.pem")
  made "${peer[@]}" sign "$out/source.pdf" "$out/pyhanko-bb-$k.pdf" "${id[@]}"
  if start_tsa "$pki" "$k"; then
    made "${peer[@]}" sign "$out/source.pdf" "$out/pyhanko-bt-$k.pdf" "${id[@]}" --tsa "$tsa_url"
    stop_tsa
  else
    sign_failed=1
  fi
  made "${peer[@]}" sign "$out/source.pdf" "$out/pyhanko-certified-p2-$k.pdf" "${id[@]}" --certify 2
  made "${peer[@]}" fill "$out/pyhanko-certified-p2-$k.pdf" "$out/pyhanko-certified-p2-filled-$k.pdf" \
    --field Name --value "Aysel Məmmədova"
  made "${peer[@]}" sign "$out/pyhanko-certified-p2-$k.pdf" "$out/pyhanko-certified-p2-signed-$k.pdf" "${id[@]}" \
    --field Signature2
  made "$py" "$here/python/tamper.py" "$out/pyhanko-bb-$k.pdf" "$out/pyhanko-bb-tampered-$k.pdf"
  made "${peer[@]}" sign "$out/source.pdf" "$out/pyhanko-certified-p1-$k.pdf" "${id[@]}" --certify 1
  made "${peer[@]}" fill "$out/pyhanko-certified-p1-$k.pdf" "$out/pyhanko-certified-p1-filled-$k.pdf" \
    --field Name --value "Aysel Məmmədova"
  made "${peer[@]}" sign "$out/source.pdf" "$out/pyhanko-locked-$k.pdf" "${id[@]}" --lock-field Name
  made "${peer[@]}" fill "$out/pyhanko-locked-$k.pdf" "$out/pyhanko-locked-filled-$k.pdf" \
    --field Name --value "Aysel Məmmədova"
done
if [ $sign_failed = 1 ]; then
  cat "$out/sign.log" >&2
  echo "pyhanko-signs: FAIL: pyHanko could not make every file (log: $out/sign.log)" >&2
  exit 1
fi

# --- imza verifies ----------------------------------------------------------------------------
rows=() mismatches=0 known_seen=0 oks=0
row() { rows+=("$(printf '%-38s %-52s %-52s %-8s %s' "$@")"); }

# run_case FILE WANT_EXIT INDICATION LEVEL MODIFICATION INTACT PYHANKO_LEVEL PYHANKO_MOD [SIGNATURES]
# (imza: LEVEL, MODIFICATION and INTACT of the first signature; PYHANKO_LEVEL "-": pyHanko
# must reject the file; otherwise accept it at that level with PYHANKO_MOD after the first
# signature and none after the others)
run_case() {
  local f=$1 want_exit=$2 ind=$3 level=$4 mod=$5 intact=$6 ph_level=$7 ph_mod=$8 nsigs=${9:-1}
  local file=$out/$f json=$out/reports/${f%.pdf}.json err=$out/reports/${f%.pdf}.stderr
  local pki=test-vectors/pki/ecdsa-p256 code got detail problems want ph ph_code
  [[ $f == *-rsa.pdf ]] && pki=test-vectors/pki/rsa
  "$imza" verify "$file" --trust "$pki/root.pem" --intermediate "$pki/intermediate.pem" --no-revocation --json \
    >"$json" 2>"$err"
  code=$?
  got=$("$py" "$here/python/check_imza.py" "$json" "$code" "$want_exit" "$ind" "$level" "$mod" "$intact" "$nsigs")
  detail=$(sed -n 2p <<<"$got")
  problems=$(tail -n +3 <<<"$got")
  got=$(head -1 <<<"$got")
  want=$ind
  [ "$ind" = TOTAL_PASSED ] || want+=/*
  [ "$level" = - ] || want+=" $level"
  [ "$mod" = - ] || want+=" mod=$mod"
  [ "$code" = "$want_exit" ] || problems+=$'\n'"exit $code, expected $want_exit"
  [ -s "$err" ] && [ "$code" != "$want_exit" ] && problems+=$'\n'"stderr: $(cat "$err")"
  problems=$(sed '/^$/d' <<<"$problems")

  # pyHanko's own view of the file: the harness check.
  local pargs=(validate "$file" --trust "$pki/root.pem" --other-certs "$pki/intermediate.pem" --details
    --signatures "$nsigs")
  if [ "$ph_level" = - ]; then
    PYTHONWARNINGS=ignore "${peer[@]}" "${pargs[@]}" >"$out/reports/${f%.pdf}.pyhanko" 2>&1
    ph_code=$?
    if [ $ph_code = 0 ]; then ph="ACCEPTS (should reject)"; else ph="rejects"; fi
  else
    PYTHONWARNINGS=ignore "${peer[@]}" "${pargs[@]}" --level "$ph_level" --modification "$ph_mod" \
      >"$out/reports/${f%.pdf}.pyhanko" 2>&1
    ph_code=$?
    if [ $ph_code = 0 ]; then ph="accepts"; else ph="REJECTS (exit $ph_code)"; fi
  fi

  local k=${KNOWN[$f]:-} mark
  if [[ $ph == [A-Z]* ]]; then
    mark="HARNESS (pyHanko's own verdict is not the expected one: $out/reports/${f%.pdf}.pyhanko)"
    mismatches=$((mismatches + 1))
  elif [ -z "$problems" ]; then
    if [ -n "$k" ]; then
      mark="STALE KNOWN (passes now: take it off KNOWN)"
      mismatches=$((mismatches + 1))
    else
      mark=ok
      oks=$((oks + 1))
    fi
  elif [ -n "$k" ]; then
    mark="KNOWN: $k"
    known_seen=$((known_seen + 1))
  else
    mark=MISMATCH
    mismatches=$((mismatches + 1))
  fi
  row "$f" "$want (exit $want_exit)" "$got (exit $code)" "$ph" "$mark"
  if [ "$mark" != ok ]; then
    [ -n "$problems" ] || problems="pyHanko: $(grep -v '^{' "$out/reports/${f%.pdf}.pyhanko" | grep pyhanko_peer | tr '\n' ' ')"
    echo "--- $f: $problems"$'\n'"$detail" | sed '2,$s/^/    /' >&2
  fi
}

for key in rsa ecdsa-p256; do
  k=${key#ecdsa-}
  run_case "pyhanko-bb-$k.pdf" 0 TOTAL_PASSED PAdES-BASELINE-B none true B none
  run_case "pyhanko-bt-$k.pdf" 0 TOTAL_PASSED PAdES-BASELINE-T none true T none
  run_case "pyhanko-certified-p2-$k.pdf" 0 TOTAL_PASSED PAdES-BASELINE-B none true B none
  run_case "pyhanko-certified-p2-filled-$k.pdf" 0 TOTAL_PASSED PAdES-BASELINE-B "form filling" true B form_filling
  run_case "pyhanko-certified-p2-signed-$k.pdf" 0 TOTAL_PASSED PAdES-BASELINE-B "form filling" true B form_filling 2
  run_case "pyhanko-bb-tampered-$k.pdf" 1 TOTAL_FAILED - - false - -
  run_case "pyhanko-certified-p1-filled-$k.pdf" 1 TOTAL_FAILED - "form filling" true - -
  run_case "pyhanko-locked-$k.pdf" 0 TOTAL_PASSED PAdES-BASELINE-B none true B none
  run_case "pyhanko-locked-filled-$k.pdf" 1 TOTAL_FAILED - "form filling" true - -
done

echo
echo "## pyHanko signs, imza verifies (--no-revocation)"
printf '%-38s %-52s %-52s %-8s %s\n' file expected "imza got" pyhanko result
printf '%s\n' "${rows[@]}"
echo
summary="$oks ok, $known_seen known, $mismatches mismatched ($((SECONDS - started))s)"
if [ $mismatches -gt 0 ]; then
  echo "pyhanko-signs: FAILED: $summary; files and reports in $out" >&2
  exit 1
fi
echo "pyhanko-signs: passed: $summary"
