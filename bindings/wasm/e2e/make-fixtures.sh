#!/usr/bin/env bash
# Makes the end-to-end test's signed files with OpenSSL, from the test PKI, into DIR:
#
#   contract.txt.p7m     attached CAdES-B (openssl cms -cades: signing-certificate-v2) by pki/ecdsa-p256/signer (digitalSignature +
#                        nonRepudiation), intermediate embedded: valid under the demo root
#   tampered.p7m         the same with one byte of the signed content flipped (HASH_FAILURE)
#   untrusted-rsa.p7m    attached, by pki/rsa/signer: no chain to the demo root
#                        (NO_CERTIFICATE_CHAIN_FOUND)
#   report-200MB.bin     200 MiB of random bytes (SIZE_MB to change it)
#   report-200MB.bin.p7s detached signature over it by pki/ecdsa-p256/signer (OpenSSL streams it)
#
# OpenSSL embeds no revocation data: under the page's default "check offline" such files are
# INDETERMINATE/TRY_LATER; the test chooses "Do not check revocation" (see page.test.mjs).
#
#   bash make-fixtures.sh DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: make-fixtures.sh DIR}
size_mb=${SIZE_MB:-200}
ec=$root/test-vectors/pki/ecdsa-p256
rsa=$root/test-vectors/pki/rsa
mkdir -p "$out"
# No system or user openssl.cnf.
export OPENSSL_CONF=/dev/null

sign() { # CONTENT OUT PKI-DIR [extra args]
  local content=$1 o=$2 pki=$3; shift 3
  openssl cms -sign -binary -cades -md sha256 -signer "$pki/signer.pem" -inkey "$pki/signer.key" \
    -certfile "$pki/intermediate.pem" -in "$content" -outform DER -out "$o" "$@"
}

printf 'Contract no. 14: imza end-to-end test document, signed by OpenSSL.\n' >"$out/contract.txt"
sign "$out/contract.txt" "$out/contract.txt.p7m" "$ec" -nodetach
sign "$out/contract.txt" "$out/untrusted-rsa.p7m" "$rsa" -nodetach

# Tampered: one byte of the encapsulated content flipped ("Contract" -> "Cintract"); the DER
# still parses, only the message digest no longer matches.
node -e '
  const fs = require("fs");
  const [src, dst] = process.argv.slice(1);
  const der = fs.readFileSync(src);
  const at = der.indexOf("Contract no. 14");
  if (at < 0 || der.indexOf("Contract no. 14", at + 1) >= 0) throw new Error("content not found once in " + src);
  der[at + 1] ^= 0x06; // "o" -> "i"
  fs.writeFileSync(dst, der);
' "$out/contract.txt.p7m" "$out/tampered.p7m"

big=$out/report-${size_mb}MB.bin
head -c "${size_mb}M" /dev/urandom >"$big"
sign "$big" "$big.p7s" "$ec"

# OpenSSL's own view, so a broken fixture fails here and not as a puzzling page verdict.
openssl cms -verify -binary -inform DER -in "$out/contract.txt.p7m" -CAfile "$ec/root.pem" -purpose any -out /dev/null 2>/dev/null
if openssl cms -verify -binary -inform DER -in "$out/tampered.p7m" -CAfile "$ec/root.pem" -purpose any -out /dev/null 2>/dev/null; then
  echo "make-fixtures.sh: the tampered file still verifies with OpenSSL" >&2
  exit 1
fi
openssl cms -verify -binary -inform DER -in "$big.p7s" -content "$big" -CAfile "$ec/root.pem" -purpose any -out /dev/null 2>/dev/null
ls -l "$out" >&2
