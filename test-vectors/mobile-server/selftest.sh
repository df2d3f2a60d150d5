#!/usr/bin/env bash
# Self-test of the scripted Mobile-ID / Smart-ID server and of the fixtures in test-vectors/mobile/,
# with curl + openssl only (python3 is used only to pick fields out of JSON answers).
# Exits non-zero on any failure.
#
# Usage: bash test-vectors/mobile-server/selftest.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tv=$(dirname "$here")
fx=$tv/mobile
pki=$tv/pki
work=$(mktemp -d)
pass=0 fail=0
RP='"relyingPartyUUID":"00000000-0000-0000-0000-000000000000","relyingPartyName":"DEMO"'

ok() { pass=$((pass + 1)); echo "ok    $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1${2:+ -- $2}"; }
check() { # DESCRIPTION COMMAND...
  local d=$1; shift
  if "$@" > "$work/check.log" 2>&1; then ok "$d"; else bad "$d" "$(head -c 300 "$work/check.log")"; fi
}

# ---- start the server ----------------------------------------------------------------------
mkfifo "$work/stdin"
python3 "$here/mobile_server.py" --fixtures "$fx" --port 0 --session-timeout 2 --stop-on-stdin-eof \
  < "$work/stdin" > "$work/stdout" 2> "$work/stderr" &
server=$!
exec 3> "$work/stdin"
cleanup() { exec 3>&-; sleep 0.3; kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q '^listening ' "$work/stdout" && break; sleep 0.1; done
port=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$work/stdout")
[[ -n $port ]] || { echo "server did not start"; cat "$work/stderr"; exit 1; }
base=http://127.0.0.1:$port
echo "server listening on $port"

# call METHOD PATH [JSON]: sets $code and $body; $elapsed in seconds
call() {
  local t0; t0=$(date +%s.%N)
  code=$(curl -s -o "$work/body" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "$base$2")
  body=$(cat "$work/body")
  elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}
# jget PATH: field of $body ("a.b"), empty if absent or not JSON
jget() {
  python3 -c 'import json, sys
try:
    v = json.loads(sys.argv[1])
    for k in sys.argv[2].split("."):
        v = v[k]
    print(v if isinstance(v, str) else json.dumps(v))
except Exception:
    pass' "$body" "$1"
}
is() { [[ "$1" == "$2" ]] || { echo "got '$1', want '$2'"; return 1; }; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }' || { echo "$1 is not < $2"; return 1; }; }
b64file() { base64 -w0 < "$1"; }

# ---- fixtures --------------------------------------------------------------------------------
for f in "$fx"/mid-*-{sign,auth}.pem "$fx"/sid-*-{sign,auth}.pem; do
  n=$(basename "$f" .pem)
  case $n in mid-*) h=ecdsa-p256 ;; *) h=rsa ;; esac
  if [[ $n == *-untrusted-* ]]; then
    check "$n does not chain to the $h root" \
      bash -c "! openssl verify -CAfile $pki/$h/root.pem -untrusted $pki/$h/intermediate.pem $f"
    check "$n chains to untrusted-ca" openssl verify -CAfile "$fx/untrusted-ca.pem" "$f"
  else
    check "$n verifies under $h" openssl verify -CAfile "$pki/$h/root.pem" -untrusted "$pki/$h/intermediate.pem" "$f"
  fi
done > "$work/fixtures.log"
cat "$work/fixtures.log" | grep -v '^ok' || true
echo "fixtures: $(grep -c '^ok' "$work/fixtures.log") certificate checks passed"

printf 'imza mobile selftest' > "$work/data"
openssl dgst -sha256 -binary "$work/data" > "$work/hash"
H=$(b64file "$work/hash")

call POST /stats/reset

# ---- Mobile-ID ---------------------------------------------------------------------------------
MID='"phoneNumber":"+37200000766","nationalIdentityNumber":"60001019906"'
call POST /mid-api/certificate "{$RP,$MID}"
check "MID certificate: 200 OK" is "$code $(jget result)" "200 OK"
check "MID certificate is mid-confirm-sign" is "$(jget cert)" "$(b64file "$fx/mid-confirm-sign.der")"
call POST /mid-api/certificate "{$RP,\"phoneNumber\":\"+37200000767\",\"nationalIdentityNumber\":\"60001019906\"}"
check "MID certificate: phone of another person -> NOT_FOUND" is "$code $(jget result)" "200 NOT_FOUND"

# mid_verify PUBKEY_PEM: the r||s signature in $body (signature.value) over $work/hash
mid_verify() {
  local rs; rs=$(jget signature.value | base64 -d | od -An -tx1 -v | tr -d ' \n')
  printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "${rs:0:64}" "${rs:64:64}" > "$work/sig.cnf"
  openssl asn1parse -genconf "$work/sig.cnf" -out "$work/sig.der" > /dev/null &&
    openssl pkeyutl -verify -pubin -inkey "$1" -in "$work/hash" -sigfile "$work/sig.der"
}
for kind in signature authentication; do
  use=sign; [[ $kind == authentication ]] && use=auth
  # The session completes 1 s after it starts (RESULT_DELAY): from before the start request to
  # the poll's answer at least that long has passed, however slow the machine (a lower bound
  # only; load cannot make it fail).
  t_session=$(date +%s.%N)
  call POST /mid-api/$kind "{$RP,$MID,\"hash\":\"$H\",\"hashType\":\"SHA256\",\"language\":\"ENG\",\"displayText\":\"Sign it\"}"
  sid=$(jget sessionID)
  check "MID $kind start: 200 + sessionID" is "$code ${#sid}" "200 36"
  call GET "/mid-api/$kind/session/$sid?timeoutMs=5000"
  check "MID $kind poll: COMPLETE OK" is "$code $(jget state) $(jget result)" "200 COMPLETE OK"
  since_start=$(awk -v a="$t_session" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  check "MID $kind poll held until the person confirmed (>= 1 s after the start)" lt 0.99 "$since_start"
  check "MID $kind algorithm" is "$(jget signature.algorithm)" "SHA256WithECEncryption"
  check "MID $kind cert is mid-confirm-$use" is "$(jget cert)" "$(b64file "$fx/mid-confirm-$use.der")"
  jget cert | base64 -d | openssl x509 -inform DER -pubkey -noout > "$work/pub.pem"
  check "MID $kind r||s signature verifies (openssl)" mid_verify "$work/pub.pem"
  first=$body
  call GET "/mid-api/$kind/session/$sid?timeoutMs=1000"
  check "MID $kind: a completed session answers the same body again" is "$body" "$first"
done
other=signature; [[ $kind == signature ]] && other=authentication
call GET "/mid-api/$other/session/$sid"
check "MID session polled under the wrong kind -> 404" is "$code" "404"

call POST /mid-api/signature "{\"relyingPartyUUID\":\"00000000-0000-0000-0000-000000000000\",\"relyingPartyName\":\"EVIL\",$MID,\"hash\":\"$H\",\"hashType\":\"SHA256\",\"language\":\"ENG\"}"
check "MID wrong relying party -> 401" is "$code $(jget error)" "401 Failed to authorize user"
call GET "/mid-api/signature/session/$(cat /proc/sys/kernel/random/uuid)?timeoutMs=1000"
check "MID unknown session -> 404" is "$code $(jget error)" "404 SessionID not found"
call POST /mid-api/signature "{$RP,$MID,\"hash\":\"$H\",\"hashType\":\"SHA512\",\"language\":\"ENG\"}"
check "MID hash length != hashType -> 400" is "$code" "400"
call POST /mid-api/signature "not json"
check "MID body not JSON -> 400" is "$code" "400"
call GET "/mid-api/signature/session/$sid?timeoutMs=999"
check "MID timeoutMs 999 -> 400" is "$code" "400"

# mid_start PHONE ID: starts a signature session, sets $sid
mid_start() {
  call POST /mid-api/signature "{$RP,\"phoneNumber\":\"$1\",\"nationalIdentityNumber\":\"$2\",\"hash\":\"$H\",\"hashType\":\"SHA256\",\"language\":\"EST\"}"
  sid=$(jget sessionID)
}
mid_start +37200000767 60001019917; call GET "/mid-api/signature/session/$sid?timeoutMs=5000"
check "MID cancel -> USER_CANCELLED" is "$(jget result)" "USER_CANCELLED"
mid_start +37200000769 60001019939; call GET "/mid-api/signature/session/$sid?timeoutMs=5000"
check "MID none -> NOT_MID_CLIENT at once" is "$(jget result)" "NOT_MID_CLIENT"
# "At once" against a poll held for timeoutMs (5 s): 2.5 s tells them apart on a loaded machine.
check "MID none answered at once" lt "$elapsed" 2.5
mid_start +37200000768 60001019928; call GET "/mid-api/signature/session/$sid?timeoutMs=1000"
check "MID never -> RUNNING before the session timeout" is "$(jget state)" "RUNNING"
call GET "/mid-api/signature/session/$sid?timeoutMs=5000"
check "MID never -> TIMEOUT after the session timeout" is "$(jget result)" "TIMEOUT"
mid_start +37200000775 60001019995
call GET "/mid-api/signature/session/$sid?timeoutMs=5000"; r1=$code
call GET "/mid-api/signature/session/$sid?timeoutMs=5000"; r2=$code
call GET "/mid-api/signature/session/$sid?timeoutMs=5000"
check "MID flaky -> 500, 500, then OK" is "$r1 $r2 $code $(jget result)" "500 500 200 OK"
mid_start +37200000776 60001020009; call GET "/mid-api/signature/session/$sid?timeoutMs=5000"
check "MID garbage -> truncated JSON" is "$code $body" '200 {"state":"COMPLETE","result":"OK","signature":{"value":'
mid_start +37200000781 60001020054
check "MID badrequest -> 400" is "$code" "400"
mid_start +37200000777 60001020010; call GET "/mid-api/signature/session/$sid?timeoutMs=5000"
jget cert | base64 -d | openssl x509 -inform DER -pubkey -noout > "$work/pub.pem"
mid_verify_fails() { ! mid_verify "$1"; }
check "MID wrongkey: signature does NOT verify against the cert" mid_verify_fails "$work/pub.pem"

# impatient: RUNNING at once (timeoutMs ignored) for 3 s after the start, then OK
mid_start +37200000779 60001020032
impatient=$sid; running=0 slowest=0
for _ in 1 2 3 4 5; do
  call GET "/mid-api/signature/session/$impatient?timeoutMs=10000"
  [[ $(jget state) == RUNNING ]] && running=$((running + 1))
  slowest=$(awk -v a="$slowest" -v b="$elapsed" 'BEGIN { print (b > a ? b : a) }')
done
check "MID impatient: 5 polls answer RUNNING" is "$running" 5
check "MID impatient: each RUNNING answered at once (not held 10 s)" lt "$slowest" 2.5
sleep 3
call GET "/mid-api/signature/session/$impatient?timeoutMs=10000"
check "MID impatient: OK after 3 s" is "$(jget result)" "OK"

# ---- Smart-ID ----------------------------------------------------------------------------------
SIDP=/smart-id-rp/v2
call POST $SIDP/certificatechoice/etsi/PNOEE-60001019906 "{$RP,\"certificateLevel\":\"QUALIFIED\"}"
sid=$(jget sessionID)
check "SID certificatechoice start: 200 + sessionID" is "$code ${#sid}" "200 36"
call GET "$SIDP/session/$sid?timeoutMs=5000"
check "SID certificatechoice: COMPLETE OK" is "$code $(jget state) $(jget result.endResult)" "200 COMPLETE OK"
check "SID certificatechoice: documentNumber" is "$(jget result.documentNumber)" "PNOEE-60001019906-MOCK-Q"
check "SID certificatechoice: cert is sid-confirm-sign" is "$(jget cert.value) $(jget cert.certificateLevel)" \
  "$(b64file "$fx/sid-confirm-sign.der") QUALIFIED"
for kind in signature authentication; do
  use=sign; [[ $kind == authentication ]] && use=auth
  call POST $SIDP/$kind/document/PNOEE-60001019906-MOCK-Q "{$RP,\"certificateLevel\":\"QUALIFIED\",\"hash\":\"$H\",\"hashType\":\"SHA256\",\"allowedInteractionsOrder\":[{\"type\":\"displayTextAndPIN\",\"displayText60\":\"Sign it\"}]}"
  sid=$(jget sessionID)
  check "SID $kind start: 200 + sessionID" is "$code ${#sid}" "200 36"
  call GET "$SIDP/session/$sid?timeoutMs=5000"
  check "SID $kind: COMPLETE OK" is "$code $(jget state) $(jget result.endResult)" "200 COMPLETE OK"
  check "SID $kind: algorithm, interaction" is "$(jget signature.algorithm) $(jget interactionFlowUsed)" \
    "sha256WithRSAEncryption displayTextAndPIN"
  check "SID $kind: cert is sid-confirm-$use" is "$(jget cert.value)" "$(b64file "$fx/sid-confirm-$use.der")"
  jget cert.value | base64 -d | openssl x509 -inform DER -pubkey -noout > "$work/pub.pem"
  jget signature.value | base64 -d > "$work/sig.bin"
  check "SID $kind: RSA signature verifies (openssl, digest:sha256)" openssl pkeyutl -verify -pubin \
    -inkey "$work/pub.pem" -pkeyopt digest:sha256 -in "$work/hash" -sigfile "$work/sig.bin"
done
call POST $SIDP/signature/etsi/PNOEE-60001019906 "{\"relyingPartyUUID\":\"11111111-0000-0000-0000-000000000000\",\"relyingPartyName\":\"DEMO\",\"hash\":\"$H\",\"hashType\":\"SHA256\",\"allowedInteractionsOrder\":[{\"type\":\"displayTextAndPIN\"}]}"
check "SID wrong relying party -> 401" is "$code $(jget code) $(jget message)" "401 401 Unauthorized"
call GET "$SIDP/session/$(cat /proc/sys/kernel/random/uuid)?timeoutMs=1000"
check "SID unknown session -> 404" is "$code" "404"
call POST $SIDP/signature/etsi/PNOEE-60001019906 "{$RP,\"hash\":\"$H\",\"hashType\":\"SHA256\",\"allowedInteractionsOrder\":[{\"type\":\"displayTextAndPIN\",\"displayText60\":\"$(printf 'x%.0s' $(seq 61))\"}]}"
check "SID displayText60 of 61 characters -> 400" is "$code" "400"
call POST $SIDP/signature/etsi/PNOEE-60001019906 "{$RP,\"hash\":\"$H\",\"hashType\":\"SHA256\",\"allowedInteractionsOrder\":[]}"
check "SID empty allowedInteractionsOrder -> 400" is "$code" "400"
for pair in 60001019939:404 60001020098:471 60001020102:472 60001020113:580 99999999999:404; do
  call POST $SIDP/certificatechoice/etsi/PNOEE-${pair%:*} "{$RP,\"certificateLevel\":\"QUALIFIED\"}"
  check "SID PNOEE-${pair%:*} -> HTTP ${pair#*:}" is "$code $(jget code)" "${pair#*:} ${pair#*:}"
done
call POST $SIDP/certificatechoice/document/PNOEE-60001019917-MOCK-Q "{$RP}"
sid=$(jget sessionID); call GET "$SIDP/session/$sid?timeoutMs=5000"
check "SID cancel -> USER_REFUSED" is "$(jget result.endResult)" "USER_REFUSED"

# ---- stats -------------------------------------------------------------------------------------
call GET /stats
check "stats: requests counted" lt 40 "$(jget requests)"
check "stats: max_requests_per_second >= 1" lt 0 "$(jget max_requests_per_second)"
check "stats: impatient session polled 6 times" is "$(jget "sessions.$impatient.polls")" 6
check "stats: impatient session >= 2 polls in one second" lt 1 "$(jget "sessions.$impatient.max_polls_per_second")"
call POST /stats/reset
call GET /stats
check "stats reset" is "$body" '{"requests": 0, "max_requests_per_second": 0, "sessions": {}}'

if [[ -s $work/stderr ]]; then bad "server wrote to stderr" "$(head -c 500 "$work/stderr")"; else ok "server stderr is quiet"; fi
echo "passed: $pass  failed: $fail"
[[ $fail == 0 ]]
