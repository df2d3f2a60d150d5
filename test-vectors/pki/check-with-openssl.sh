#!/usr/bin/env bash
# OpenSSL's own verdicts over the test PKI (test-vectors/pki/), as a cross-check of the
# expectations in README.md. Needs only the openssl CLI (written against 3.0.x).
#
#  1. `openssl verify -attime <2027-01-01T00:00:00Z>` for every chain expectation
#     (plus a few at other times), comparing OpenSSL's error code with the expected one.
#  2. The CRLs: re-generates a CRL from a copy of a CA database (proves the databases work).
#  3. Real `openssl ocsp` responders on 127.0.0.1 (ports $OCSP_PORT..$OCSP_PORT+2, default
#     18180-18182), queried for good / revoked (2026-06-01, keyCompromise) / revoked-later
#     (2028-01-01) / unknown (other CA, unknown serial), and a responder that signs with
#     ecdsa-p256/ocsp-rogue (issued by another CA), whose responses must fail verification.
#     Responders are started here and killed by PID on exit.
#
# Nothing under test-vectors/pki is modified. Exit status 0 iff every check passed.
set -euo pipefail
cd "$(dirname "$0")"
export OPENSSL_CONF=/dev/null

AT_2027=1798761600   # 2027-01-01T00:00:00Z, the default validation time
AT_2029=1861920000   # 2029-01-01T00:00:00Z
AT_2021=1609459200   # 2021-01-01T00:00:00Z (inside expired.pem's validity)
AT_2045=2379542400   # 2045-06-01T00:00:00Z (inside not-yet-valid.pem's validity)
OCSP_PORT=${OCSP_PORT:-18180}

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

pass=0 fail=0
report() { # PASS|FAIL text
  if [[ $1 == PASS ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  printf '%s  %s\n' "$1" "$2"
}

# vfy EXPECT DESCRIPTION openssl-verify-args...   EXPECT: OK or an X509_V_ERR number
vfy() {
  local want=$1 desc=$2 out got msg; shift 2
  out=$(openssl verify "$@" 2>&1) || true
  if grep -q ': OK$' <<<"$out" && ! grep -q '^error ' <<<"$out"; then
    got=OK msg=OK
  else
    msg=$(grep -m1 -E '^error [0-9]+ at' <<<"$out" || echo "$out" | head -1)
    got=$(sed -nE 's/^error ([0-9]+) at.*/\1/p' <<<"$msg")
    msg="error $got:${msg#*lookup:}"
  fi
  if [[ $got == "$want" ]]; then report PASS "$desc -> $msg"; else report FAIL "$desc -> $msg (expected $want)"; fi
}
bundle() { local o=$tmp/$1; shift; cat "$@" > "$o"; echo "$o"; }

echo "== openssl verify (default time 2027-01-01T00:00:00Z = $AT_2027) =="
# --- ecdsa-p256 -------------------------------------------------------------------------
p=ecdsa-p256; A=(-attime "$AT_2027" -CAfile $p/root.pem -untrusted $p/intermediate.pem)
vfy OK "$p/signer (x509_strict)"                          "${A[@]}" -x509_strict $p/signer.pem
vfy OK "$p/signer purpose smimesign"                      "${A[@]}" -purpose smimesign $p/signer.pem
vfy 26 "$p/signer purpose timestampsign (no EKU)"         "${A[@]}" -purpose timestampsign $p/signer.pem
vfy OK "$p/login purpose sslclient (x509_strict)"         "${A[@]}" -x509_strict -purpose sslclient $p/login.pem
vfy OK "$p/tsa purpose timestampsign (x509_strict)"       "${A[@]}" -x509_strict -purpose timestampsign $p/tsa.pem
vfy 26 "$p/login purpose timestampsign"                   "${A[@]}" -purpose timestampsign $p/login.pem
vfy OK "$p/ocsp-responder purpose ocsphelper"             "${A[@]}" -x509_strict -purpose ocsphelper $p/ocsp-responder.pem
vfy 10 "$p/expired"                                       "${A[@]}" $p/expired.pem
vfy OK "$p/expired at 2021-01-01"                         -attime $AT_2021 -CAfile $p/root.pem -untrusted $p/intermediate.pem $p/expired.pem
vfy 9  "$p/not-yet-valid"                                 "${A[@]}" $p/not-yet-valid.pem
vfy OK "$p/not-yet-valid at 2045-06-01"                   -attime $AT_2045 -CAfile $p/root.pem -untrusted $p/intermediate.pem $p/not-yet-valid.pem
vfy OK "$p/revoked without revocation checking"           "${A[@]}" $p/revoked.pem
vfy 23 "$p/revoked, CRL intermediate.crl"                 "${A[@]}" -crl_check -CRLfile $p/intermediate.crl.pem $p/revoked.pem
vfy 23 "$p/revoked, crl_check_all root+intermediate CRLs" "${A[@]}" -crl_check_all -CRLfile "$(bundle p256crls.pem $p/root.crl.pem $p/intermediate.crl.pem)" $p/revoked.pem
vfy OK "$p/signer, crl_check_all root+intermediate CRLs"  "${A[@]}" -crl_check_all -CRLfile "$tmp/p256crls.pem" $p/signer.pem
vfy OK "$p/revoked-later at 2027, CRL intermediate.crl"   "${A[@]}" -crl_check -CRLfile $p/intermediate.crl.pem $p/revoked-later.pem
vfy 23 "$p/revoked-later at 2029, CRL intermediate-2028.crl" -attime $AT_2029 -CAfile $p/root.pem -untrusted $p/intermediate.pem -crl_check -CRLfile $p/intermediate-2028.crl.pem $p/revoked-later.pem
vfy 23 "$p/revoked at 2029, CRL intermediate-2028.crl"    -attime $AT_2029 -CAfile $p/root.pem -untrusted $p/intermediate.pem -crl_check -CRLfile $p/intermediate-2028.crl.pem $p/revoked.pem
vfy 26 "$p/wrong-ku purpose smimesign"                    "${A[@]}" -purpose smimesign $p/wrong-ku.pem
vfy 26 "$p/wrong-eku purpose sslclient"                   "${A[@]}" -purpose sslclient $p/wrong-eku.pem
vfy 26 "$p/wrong-eku purpose smimesign"                   "${A[@]}" -purpose smimesign $p/wrong-eku.pem
vfy 34 "$p/unknown-critical-ext"                          "${A[@]}" $p/unknown-critical-ext.pem
vfy OK "$p/unknown-noncritical-ext (x509_strict)"         "${A[@]}" -x509_strict $p/unknown-noncritical-ext.pem
vfy OK "$p/ocsp-rogue under the rsa root (ocsphelper)"    -attime $AT_2027 -CAfile rsa/root.pem -untrusted rsa/intermediate.pem -purpose ocsphelper $p/ocsp-rogue.pem
vfy 20 "$p/ocsp-rogue under the ecdsa-p256 root"          "${A[@]}" $p/ocsp-rogue.pem
# --- ecdsa-p384 / ecdsa-p521 / rsa ---------------------------------------------------------
for p in ecdsa-p384 ecdsa-p521; do
  A=(-attime "$AT_2027" -CAfile $p/root.pem -untrusted $p/intermediate.pem -x509_strict)
  vfy OK "$p/signer (x509_strict)"                 "${A[@]}" -purpose smimesign $p/signer.pem
  vfy OK "$p/ocsp-responder (x509_strict)"         "${A[@]}" -purpose ocsphelper $p/ocsp-responder.pem
done
p=rsa; A=(-attime "$AT_2027" -CAfile $p/root.pem -untrusted $p/intermediate.pem)
vfy OK "$p/signer (x509_strict)"                          "${A[@]}" -x509_strict -purpose smimesign $p/signer.pem
vfy OK "$p/signer-pss, RSASSA-PSS signature (x509_strict)" "${A[@]}" -x509_strict $p/signer-pss.pem
vfy OK "$p/login purpose sslclient"                       "${A[@]}" -x509_strict -purpose sslclient $p/login.pem
vfy OK "$p/tsa purpose timestampsign"                     "${A[@]}" -x509_strict -purpose timestampsign $p/tsa.pem
vfy OK "$p/ocsp-responder purpose ocsphelper"             "${A[@]}" -x509_strict -purpose ocsphelper $p/ocsp-responder.pem
vfy 23 "$p/revoked, CRL intermediate.crl"                 "${A[@]}" -crl_check -CRLfile $p/intermediate.crl.pem $p/revoked.pem
# --- constraint hierarchies -----------------------------------------------------------------
p=pathlen
vfy 25 "$p/leaf via root-pathlen0 (anchor pathLen 0)"     -attime $AT_2027 -CAfile $p/root-pathlen0.pem -untrusted $p/intermediate.pem $p/leaf.pem
vfy 25 "$p/leaf-too-deep via intermediate-pathlen0"       -attime $AT_2027 -CAfile $p/root.pem -untrusted "$(bundle pl.pem $p/sub-intermediate.pem $p/intermediate-pathlen0.pem)" $p/leaf-too-deep.pem
vfy OK "$p/leaf-ok directly under intermediate-pathlen0"  -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/intermediate-pathlen0.pem -x509_strict $p/leaf-ok.pem
p=nameconstraints; A=(-attime "$AT_2027" -CAfile $p/root.pem -untrusted $p/intermediate.pem)
vfy OK "$p/inside (x509_strict)"                          "${A[@]}" -x509_strict $p/inside.pem
vfy 47 "$p/dn-outside (O=Other Org)"                      "${A[@]}" $p/dn-outside.pem
vfy 47 "$p/email-outside (signer@example.org)"            "${A[@]}" $p/email-outside.pem
vfy 47 "$p/email-bare-domain (signer@imza.test vs .imza.test)" "${A[@]}" $p/email-bare-domain.pem
p=not-a-ca
vfy 79 "$p/leaf-ca-false (issuer cA=FALSE)"               -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/intermediate-ca-false.pem $p/leaf-ca-false.pem
vfy 79 "$p/leaf-no-bc (issuer without basicConstraints)"  -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/intermediate-no-bc.pem $p/leaf-no-bc.pem
p=ca-without-keycertsign
vfy 79 "$p/leaf (issuer keyUsage lacks keyCertSign)"      -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/intermediate.pem $p/leaf.pem
p=cross
vfy OK "$p/leaf, anchor new-root"                         -attime $AT_2027 -x509_strict -CAfile $p/new-root.pem -untrusted $p/intermediate.pem $p/leaf.pem
vfy OK "$p/leaf, anchor old-root via new-root-cross"      -attime $AT_2027 -x509_strict -CAfile $p/old-root.pem -untrusted "$(bundle cross.pem $p/intermediate.pem $p/new-root-cross.pem)" $p/leaf.pem
vfy 20 "$p/leaf, anchor old-root without the cross cert"  -attime $AT_2027 -CAfile $p/old-root.pem -untrusted $p/intermediate.pem $p/leaf.pem
p=same-name
vfy OK "$p/leaf, candidates a (decoy) then b"             -attime $AT_2027 -x509_strict -CAfile $p/root.pem -untrusted $p/candidates.pem $p/leaf.pem
# Without an AKI, OpenSSL 3.0 takes the first subject-name match and does not backtrack after
# the signature check fails: error 7 here, where a path-searching validator finds VALID via b.
vfy 7  "$p/leaf-no-aki, candidates a (decoy) then b [OpenSSL limitation; expected VALID]" -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/candidates.pem $p/leaf-no-aki.pem
vfy OK "$p/leaf-no-aki, candidates b then a"              -attime $AT_2027 -CAfile $p/root.pem -untrusted "$(bundle ba.pem $p/intermediate-b.pem $p/intermediate-a.pem)" $p/leaf-no-aki.pem
vfy 20 "$p/leaf, only intermediate-a (wrong key)"         -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/intermediate-a.pem $p/leaf.pem
vfy 7  "$p/leaf-no-aki, only intermediate-a (wrong key)"  -attime $AT_2027 -CAfile $p/root.pem -untrusted $p/intermediate-a.pem $p/leaf-no-aki.pem

# --- path2: EKU chaining, RFC 4518 names, policy processing (tests/path_validation.rs
# path2_* expects the same answers). OpenSSL's policy check with no -policy takes an EMPTY
# user-initial-policy-set, not anyPolicy, so "no requirement" is spelled -policy 2.5.29.32.0.
p=path2; A=(-attime "$AT_2027" -CAfile $p/root.pem); ANY=2.5.29.32.0; P21=1.3.6.1.4.1.99999.2.1
vfy 26 "$p/login-under-email: CA EKU emailProtection, sslclient"  "${A[@]}" -untrusted $p/ica-email.pem -purpose sslclient $p/login-under-email.pem
vfy OK "$p/login-under-client: CA EKU clientAuth, sslclient"      "${A[@]}" -untrusted $p/ica-client.pem -purpose sslclient $p/login-under-client.pem
vfy OK "$p/login-shared via the CA copy without EKU"               "${A[@]}" -untrusted $p/ica-shared-plain.pem -purpose sslclient $p/login-shared.pem
# OpenSSL takes the first matching issuer and does not route around its purpose failure.
vfy 26 "$p/login-shared, pool email-only first [OpenSSL limitation; imza routes: VALID]" "${A[@]}" -untrusted $p/shared-pool.pem -purpose sslclient $p/login-shared.pem
vfy OK "$p/name-reencoded: issuer UTF8String, other case and spaces" "${A[@]}" -x509_strict -untrusted $p/ica-name.pem $p/name-reencoded.pem
vfy 48 "$p/nc-excluded-reencoded: O=IMZA  TEST PrintableString"    "${A[@]}" -untrusted $p/ica-nc-excl.pem $p/nc-excluded-reencoded.pem
vfy OK "$p/nc-elsewhere"                                           "${A[@]}" -untrusted $p/ica-nc-excl.pem $p/nc-elsewhere.pem
vfy OK "$p/pol-mapped, policy 2.1 explicit"                        "${A[@]}" -untrusted $p/ica-map.pem -policy $P21 -explicit_policy $p/pol-mapped.pem
vfy 43 "$p/pol-mapped, policy 2.2 (the leaf's domain) explicit"    "${A[@]}" -untrusted $p/ica-map.pem -policy 1.3.6.1.4.1.99999.2.2 -explicit_policy $p/pol-mapped.pem
vfy 43 "$p/pol-mapped, policy 2.1 explicit, inhibit_map"           "${A[@]}" -untrusted $p/ica-map.pem -inhibit_map -policy $P21 -explicit_policy $p/pol-mapped.pem
vfy OK "$p/pol-mapped, anyPolicy"                                  "${A[@]}" -untrusted $p/ica-map.pem -policy $ANY $p/pol-mapped.pem
vfy 43 "$p/pol-map-inhibited, policy 2.1 explicit"                 "${A[@]}" -untrusted $p/chain-map-inhibited.pem -policy $P21 -explicit_policy $p/pol-map-inhibited.pem
vfy OK "$p/pol-map-inhibited, anyPolicy"                           "${A[@]}" -untrusted $p/chain-map-inhibited.pem -policy $ANY $p/pol-map-inhibited.pem
vfy 43 "$p/explicit-nopol: requireExplicitPolicy 0, anyPolicy"     "${A[@]}" -untrusted $p/ica-require-explicit.pem -policy $ANY $p/explicit-nopol.pem
vfy OK "$p/explicit-pol: requireExplicitPolicy 0, anyPolicy"       "${A[@]}" -untrusted $p/ica-require-explicit.pem -policy $ANY $p/explicit-pol.pem
vfy 43 "$p/pol-any-inhibited, policy 1.1 explicit"                 "${A[@]}" -untrusted $p/chain-any-inhibited.pem -policy 1.3.6.1.4.1.99999.1.1 -explicit_policy $p/pol-any-inhibited.pem
vfy OK "$p/pol-any-inhibited, anyPolicy"                           "${A[@]}" -untrusted $p/chain-any-inhibited.pem -policy $ANY $p/pol-any-inhibited.pem
vfy 43 "$p/pol-any-inhibited, anyPolicy explicit"                  "${A[@]}" -untrusted $p/chain-any-inhibited.pem -policy $ANY -explicit_policy $p/pol-any-inhibited.pem

echo
echo "== CRL databases =="
crls=$(find . -name '*.crl' | wc -l)
bad=0
for c in $(find . -name '*.crl.pem' | sort); do
  d=${c%.crl.pem}; d=${d%-2028}; ca=$(dirname "$d")/$(basename "$d").pem
  openssl crl -in "$c" -noout -CAfile "$ca" 2>/dev/null || { bad=1; echo "  bad signature: $c"; }
  [[ $(openssl crl -in "$c" -outform DER | cmp - "${c%.pem}" && echo same) == same ]] || { bad=1; echo "  DER differs: $c"; }
done
[[ $bad == 0 ]] && report PASS "$crls CRLs: each verifies against its CA and .crl == DER(.crl.pem)" || report FAIL "CRL signature/DER check"
cp -r ecdsa-p256 "$tmp/p256"
(cd "$tmp/p256/intermediate" && openssl ca -config openssl.cnf -gencrl -crl_lastupdate 20290101000000Z \
   -crl_nextupdate 20390101000000Z -out "$tmp/regen.crl.pem" 2>/dev/null)
regen=$(openssl crl -in "$tmp/regen.crl.pem" -noout -text)
if grep -q 'Serial Number: 1010' <<<"$regen" && grep -q 'Jun  1 00:00:00 2026 GMT' <<<"$regen" \
   && grep -q 'Jan  1 00:00:00 2028 GMT' <<<"$regen"; then
  report PASS "re-ran openssl ca -gencrl on a copy of ecdsa-p256/intermediate: both fixed revocation dates kept"
else report FAIL "regenerated CRL lacks the fixed revocation dates"; fi

echo
echo "== openssl ocsp (responders on 127.0.0.1:$OCSP_PORT..$((OCSP_PORT + 2))) =="
# OpenSSL 3.0's `ocsp -port` takes a bare port number and listens on all interfaces;
# all queries below go to 127.0.0.1.
start_responder() { # port hierarchy rsigner-basename
  local port=$1 h=$2 rs=$3
  openssl ocsp -index $h/intermediate/index.txt -CA $h/intermediate.pem \
    -rsigner $h/$rs.pem -rkey $h/$rs.key -port "$port" -ndays 1 -ignore_err \
    > "$tmp/responder-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    if openssl ocsp -issuer $h/intermediate.pem -serial 1 -url "http://127.0.0.1:$port/" -noverify \
         >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "responder on $port did not start:"; cat "$tmp/responder-$port.log"; exit 1
}
# ocspq PORT STATUS-REGEX VERIFY-REGEX DESCRIPTION ocsp-client-args...
ocspq() {
  local port=$1 st=$2 vr=$3 desc=$4 out flat; shift 4
  out=$(openssl ocsp -url "http://127.0.0.1:$port/" "$@" 2>&1) || true
  flat=$(tr '\n\t' '  ' <<<"$out")
  if grep -Eq "$st" <<<"$flat" && grep -Eq "$vr" <<<"$flat"; then report PASS "$desc"; else report FAIL "$desc"; fi
  sed 's/^/      /' <<<"$out" | grep -vE '^\s+(This|Next) Update' || true
}
OK='Response verify OK'
# "root ca not trusted" from OCSP_basic_verify = the signer's chain verified, but the signer
# is neither the CA that issued the certificate nor a delegated responder of that CA.
UNAUTH='Response Verify Failure .*OCSP_basic_verify:root ca not trusted'
p=ecdsa-p256
V=(-CAfile $p/root.pem -verify_other $p/intermediate.pem)
start_responder "$OCSP_PORT" $p ocsp-responder
ocspq "$OCSP_PORT" 'signer.pem: good' "$OK" "$p/signer: good" \
  -issuer $p/intermediate.pem -cert $p/signer.pem "${V[@]}"
ocspq "$OCSP_PORT" 'revoked.pem: revoked .*Reason: keyCompromise +Revocation Time: Jun  1 00:00:00 2026 GMT' "$OK" \
  "$p/revoked: revoked, keyCompromise, revocationTime 2026-06-01" -issuer $p/intermediate.pem -cert $p/revoked.pem "${V[@]}"
ocspq "$OCSP_PORT" 'revoked-later.pem: revoked .*Reason: keyCompromise +Revocation Time: Jan  1 00:00:00 2028 GMT' "$OK" \
  "$p/revoked-later: revoked, keyCompromise, revocationTime 2028-01-01" -issuer $p/intermediate.pem -cert $p/revoked-later.pem "${V[@]}"
ocspq "$OCSP_PORT" 'not-in-index.pem: unknown' "$OK" "$p/not-in-index (issued, but not in index.txt): unknown" \
  -issuer $p/intermediate.pem -cert $p/not-in-index.pem "${V[@]}"
ocspq "$OCSP_PORT" '0xDEAD: unknown' "$OK" "serial 0xDEAD under $p/intermediate: unknown" \
  -issuer $p/intermediate.pem -serial 0xDEAD "${V[@]}"
ocspq "$OCSP_PORT" 'signer.pem: unknown' "$UNAUTH" \
  "rsa/signer (another CA): unknown, and the $p responder is not authorised for that CA" \
  -issuer rsa/intermediate.pem -cert rsa/signer.pem "${V[@]}"
ocspq "$OCSP_PORT" 'signer.pem: unknown' "$OK" "rsa/signer (another CA), responder explicitly trusted (-VAfile): unknown" \
  -issuer rsa/intermediate.pem -cert rsa/signer.pem -VAfile $p/ocsp-responder.pem
start_responder "$((OCSP_PORT + 1))" $p ocsp-rogue
ocspq "$((OCSP_PORT + 1))" 'signer.pem: good' "$UNAUTH" \
  "$p/signer answered by ocsp-rogue (valid chain to the rsa root, wrong CA): Response Verify Failure" \
  -issuer $p/intermediate.pem -cert $p/signer.pem -CAfile "$(bundle roots.pem $p/root.pem rsa/root.pem)" \
  -verify_other "$(bundle others.pem $p/intermediate.pem rsa/intermediate.pem)"
p=rsa
start_responder "$((OCSP_PORT + 2))" $p ocsp-responder
ocspq "$((OCSP_PORT + 2))" 'signer-pss.pem: good' "$OK" "$p/signer-pss: good" \
  -issuer $p/intermediate.pem -cert $p/signer-pss.pem -CAfile $p/root.pem -verify_other $p/intermediate.pem
ocspq "$((OCSP_PORT + 2))" 'revoked.pem: revoked .*Reason: keyCompromise +Revocation Time: Jun  1 00:00:00 2026 GMT' "$OK" \
  "$p/revoked: revoked, keyCompromise, revocationTime 2026-06-01" -issuer $p/intermediate.pem -cert $p/revoked.pem \
  -CAfile $p/root.pem -verify_other $p/intermediate.pem

echo
echo "passed: $pass  failed: $fail"
[[ $fail == 0 ]]
