#!/usr/bin/env bash
# Checks the interop harness itself, without imza: PyJWT issues -> jose verifies and jose
# issues -> PyJWT verifies, for every algorithm, and each verifier rejects a token whose
# payload segment has one character changed. A failure here is a harness (or library)
# problem, not an imza one.
#
# Needs: python3 with interop/python/requirements.txt, node with interop/node's npm ci,
# openssl. Usage: bash interop/cross-check.sh
set -euo pipefail
cd "$(dirname "$0")"
certs=../test-vectors/certs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
iss=https://issuer.interop.imza.test
aud=imza-interop-audience

# Replaces the middle character of the payload segment (A <-> B).
tamper() {
  local h p s
  IFS=. read -r h p s <<<"$1"
  local i=$((${#p} / 2)) c=${p:${#p}/2:1}
  if [ "$c" = A ]; then c=B; else c=A; fi
  printf '%s.%s%s%s.%s' "$h" "${p:0:i}" "$c" "${p:i+1}" "$s"
}
ok() { if "$@" >/dev/null 2>&1; then echo ok; else echo FAIL; fi; }
rejects() { if "$@" >/dev/null 2>&1; then echo FAIL; else echo ok; fi; }

printf '%-6s %-14s %-16s %-14s %-16s\n' alg py-\>jose jose-rejects-bad jose-\>py py-rejects-bad
failed=0
for pair in ES256:p256 ES384:p384 ES512:p521 RS256:rsa2048 PS256:rsa2048 EdDSA:ed25519; do
  alg=${pair%%:*} key=$certs/${pair#*:}.key pub=$tmp/${pair#*:}.pub.pem
  openssl pkey -in "$key" -pubout -out "$pub"
  py_tok=$(python3 python/issue.py "$key" "$alg" "$iss" "$aud")
  js_tok=$(node node/issue.mjs "$key" "$alg" "$iss" "$aud")
  r1=$(ok node node/verify.mjs "$pub" "$alg" "$iss" "$aud" "$py_tok")
  r2=$(rejects node node/verify.mjs "$pub" "$alg" "$iss" "$aud" "$(tamper "$py_tok")")
  r3=$(ok python3 python/verify.py "$pub" "$alg" "$iss" "$aud" "$js_tok")
  r4=$(rejects python3 python/verify.py "$pub" "$alg" "$iss" "$aud" "$(tamper "$js_tok")")
  printf '%-6s %-14s %-16s %-14s %-16s\n' "$alg" "$r1" "$r2" "$r3" "$r4"
  case "$r1$r2$r3$r4" in *FAIL*) failed=1 ;; esac
done
if [ "$failed" = 0 ]; then echo "cross-check: all passed"; else echo "cross-check: FAILED" >&2; exit 1; fi
