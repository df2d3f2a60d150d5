#!/usr/bin/env bash
# Checks the XML interop harness without imza: every peer signs (sign.sh), every peer verifies
# every other peer's output where the format fits (verify.sh), and every verifier rejects a copy
# with one byte of signed content flipped. Prints the matrices that README.md records.
#
#   cross-check.sh [OUTDIR]     (default: target/peers/xml-out; needs setup.sh first)
#
# Columns: chain = --ca ROOT --untrusted INTERMEDIATE; root = --ca ROOT only (the signature's own
# X509Data must supply the intermediate); cert = --cert SIGNER. Cells: ok (exit 0), REJ (exit 1),
# ERR (exit 2), "-" (format not supported by that peer). Exit 1 if a "chain" or "cert" cell is not
# ok or a tampered file is not rejected; "root" is informational (see README for the quirk).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/target/peers/xml-out}
cd "$repo"
rm -rf "$out"
bash "$here/sign.sh" "$out" >/dev/null || { echo "cross-check: sign.sh failed" >&2; exit 1; }
V=$here/verify.sh
log=$out/verify.log
: >"$log"
bad=0
# Known, explained failures (README.md): these cells are marked "*" and do not fail the run.
known=" xadesjs:signxml-xades-enveloped-ecdsa.xml "

verifiers_for() { # file -> verifiers that understand its format
  case $1 in
    *.asice) echo "pyasice xmlsec1" ;;
    *) echo "xmlsec1 signxml xadesjs" ;;
  esac
}
cell() { # cell PEER FILE ARGS... -> ok|REJ|ERR, with the peer's output in verify.log
  echo "### verify.sh $*" >>"$log"
  "$V" "$@" >>"$log" 2>&1
  case $? in 0) echo ok ;; 1) echo REJ ;; *) echo ERR ;; esac
}

files=$(python3 -c 'import json,sys; [print(e["file"], e["root"], e["intermediate"], e["signer_cert"]) for e in json.load(open(sys.argv[1]))["files"]]' "$out/manifest.json")

echo "## Positive: each peer verifies each signed file (chain / root / cert)"
printf '%-40s %-16s %-16s %-16s %-16s\n' file xmlsec1 signxml xadesjs pyasice
while read -r f root inter cert; do
  row=$(printf '%-40s' "$f")
  for peer in xmlsec1 signxml xadesjs pyasice; do
    if [[ " $(verifiers_for "$f") " != *" $peer "* ]]; then row+=$(printf ' %-16s' -); continue; fi
    a=$(cell $peer "$out/$f" --ca "$root" --untrusted "$inter")
    b=$(cell $peer "$out/$f" --ca "$root")
    c=$(cell $peer "$out/$f" --cert "$cert")
    mark=
    if [ "$a" != ok ] || [ "$c" != ok ]; then
      if [[ $known == *" $peer:$f "* ]]; then mark='*'; else bad=1; fi
    fi
    row+=$(printf ' %-16s' "$a/$b/$c$mark")
  done
  echo "$row"
done <<<"$files"

echo
echo "## Negative: one byte of signed content flipped (python/tamper.py); every cell must be REJ"
printf '%-52s %-9s %-9s %-9s %-9s\n' file xmlsec1 signxml xadesjs pyasice
while read -r f root inter cert; do
  for mode in content signing-time; do
    case $mode:$f in signing-time:xmlsec1-* | signing-time:signxml-xmldsig-*) continue ;; esac # no SigningTime
    t=$out/tampered-$mode-$f
    python3 "$here/python/tamper.py" "$out/$f" "$t" $mode || { bad=1; continue; }
    label=$f; [ $mode = content ] || label="$f (SigningTime)"
    row=$(printf '%-52s' "$label")
    for peer in xmlsec1 signxml xadesjs pyasice; do
      if [[ " $(verifiers_for "$f") " != *" $peer "* ]]; then row+=$(printf ' %-9s' -); continue; fi
      r=$(cell $peer "$t" --ca "$root" --untrusted "$inter")
      [ "$r" = REJ ] || bad=1
      row+=$(printf ' %-9s' "$r")
    done
    echo "$row"
  done
done <<<"$files"

echo
echo "peer messages: $log"
echo
if [ $bad = 0 ]; then echo "cross-check: all passed"; else echo "cross-check: FAILED" >&2; exit 1; fi
