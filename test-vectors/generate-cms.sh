#!/usr/bin/env bash
# Generates the OpenSSL-made CMS / CAdES / RFC 3161 fixtures under test-vectors/cms/ with the
# OpenSSL command line (written against OpenSSL 3.0.x), from the test PKI in
# test-vectors/pki/ (run test-vectors/generate-pki.sh first; regenerate these whenever the
# PKI's keys change, because the fixtures embed its certificates).
#
# Why: a CMS verifier must accept what the most common CMS implementation writes (signed or
# no signed attributes, issuerAndSerialNumber or subjectKeyIdentifier signer ids, several
# signers, BER indefinite lengths from streaming, PEM armour, RSASSA-PSS) and must reject
# what it should reject (tampered content, a swapped signer certificate). These files are the
# checked-in half of that check; cli/tests/cms_interop.rs makes fresh ones at run time.
#
# What: content.txt (the signed text), ossl-*.p7m (attached) / ossl-*.p7s (detached) /
# ossl-*.pem signatures, signer-same-key.{pem,der} (a second certificate for the key of
# pki/ecdsa-p256/signer, see README.md), ts-query.tsq / ts-reply.tsr / ts-token.der (an RFC
# 3161 timestamp by pki/ecdsa-p256/tsa over content.txt, made with the same openssl ts
# configuration template as the test TSA server, test-vectors/tsa/tsa.cnf), and README.md
# with the verdict a verifier must reach for each file.
#
# Signing times (the signingTime attribute, the timestamp's genTime) are the time the script
# runs: OpenSSL has no option to fix them. The certificates are valid 2025-01-01..2035-01-01.
#
# Proof: at the end every fixture is checked by OpenSSL itself (`openssl cms -verify`,
# `openssl ts -verify`); the good ones must verify and the bad ones must not, or the script
# fails.
#
# Re-runnable: wipes test-vectors/cms/ and recreates it. Never modifies test-vectors/pki/.
#
# Usage: bash test-vectors/generate-cms.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pki=$here/pki
out=$here/cms
[[ -f $pki/ecdsa-p256/signer.pem && -f $pki/rsa/signer.pem ]] \
  || { echo "no test PKI: run test-vectors/generate-pki.sh first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Never let a system/user openssl.cnf influence the output.
cat > "$work/req.cnf" <<'REQ'
[ req ]
distinguished_name = req_dn
string_mask = utf8only
utf8 = yes
prompt = no
[ req_dn ]
CN = placeholder
REQ
export OPENSSL_CONF=$work/req.cnf

EC=$pki/ecdsa-p256
RSA=$pki/rsa
LEAF_START=20250101000000Z; LEAF_END=20350101000000Z # same as pki/*/signer
SAME_KEY_SERIAL=2001                                  # hex; generate-pki.sh uses 1000..10xx

printf 'imza CMS interop fixture: signed by OpenSSL.\n' > "$out/content.txt"
content=$out/content.txt

# Trust and chain bundles used for signing and for the OpenSSL checks at the end.
cat "$RSA/intermediate.pem" "$EC/intermediate.pem" > "$work/both-intermediates.pem"
cat "$RSA/root.pem" "$EC/root.pem" > "$work/both-roots.pem"

# ---- helpers -----------------------------------------------------------------------------
# sign OUT [openssl cms -sign args...]: SHA-256, binary (no MIME canonicalisation), DER
# unless the arguments say otherwise. Detached unless -nodetach is given.
sign() {
  local o=$1; shift
  openssl cms -sign -binary -md sha256 -in "$content" -outform DER -out "$out/$o" "$@"
}
ec_signer=(-signer "$EC/signer.pem" -inkey "$EC/signer.key")
rsa_signer=(-signer "$RSA/signer.pem" -inkey "$RSA/signer.key")
ec_chain=(-certfile "$EC/intermediate.pem")
rsa_chain=(-certfile "$RSA/intermediate.pem")

# ---- re-issued certificate for the same key ----------------------------------------------
# A NEW certificate for pki/ecdsa-p256/signer.key: different serial (0x2001), subject
# "P-256 Signer (re-issued)", same validity and the same leaf_signer extension profile, issued
# by pki/ecdsa-p256/intermediate. Made by `openssl ca` on a COPY of the CA database (openssl
# 3.0's x509 has no -not_before/-not_after for fixed dates).
mkdir -p "$work/ca"
cp -r "$EC/intermediate" "$work/ca/intermediate"
cp "$EC/intermediate.pem" "$EC/intermediate.key" "$work/ca/"
mkdir -p "$work/ca/intermediate/newcerts"
echo "$SAME_KEY_SERIAL" > "$work/ca/intermediate/serial"
openssl req -new -key "$EC/signer.key" -subj "/C=AZ/O=Imza Test/CN=P-256 Signer (re-issued)" \
  -out "$work/same-key.csr"
(cd "$work/ca/intermediate" && openssl ca -config openssl.cnf -batch -notext \
   -in "$work/same-key.csr" -out "$out/signer-same-key.pem" -extensions leaf_signer \
   -startdate "$LEAF_START" -enddate "$LEAF_END" 2>"$work/ca.log") \
  || { cat "$work/ca.log" >&2; exit 1; }
openssl x509 -in "$out/signer-same-key.pem" -outform DER -out "$out/signer-same-key.der"
# Same public key, different certificate.
[[ $(openssl x509 -in "$out/signer-same-key.pem" -noout -pubkey) == \
   $(openssl x509 -in "$EC/signer.pem" -noout -pubkey) ]] \
  || { echo "signer-same-key has a different key" >&2; exit 1; }
[[ $(openssl x509 -in "$out/signer-same-key.pem" -noout -serial) == "serial=$SAME_KEY_SERIAL" ]] \
  || { echo "signer-same-key has the wrong serial" >&2; exit 1; }

# ---- openssl cms -sign fixtures ------------------------------------------------------------
# Every signature embeds its signer's intermediate (-certfile) so that the chain to the root
# can be built from the file alone, except ossl-ec-no-intermediate-detached.p7s.
# Default signed attributes of openssl cms -sign: contentType, signingTime, messageDigest,
# sMIMECapabilities. -cades adds signingCertificateV2 (ESSCertIDv2, SHA-256).
sign ossl-rsa-attached.p7m         "${rsa_signer[@]}" "${rsa_chain[@]}" -nodetach
sign ossl-rsa-detached.p7s         "${rsa_signer[@]}" "${rsa_chain[@]}"
sign ossl-rsa-noattr-attached.p7m  "${rsa_signer[@]}" "${rsa_chain[@]}" -nodetach -noattr
sign ossl-rsa-noattr-detached.p7s  "${rsa_signer[@]}" "${rsa_chain[@]}" -noattr
sign ossl-ec-attached.p7m          "${ec_signer[@]}" "${ec_chain[@]}" -nodetach
sign ossl-ec-detached.p7s          "${ec_signer[@]}" "${ec_chain[@]}"
sign ossl-ec-noattr-attached.p7m   "${ec_signer[@]}" "${ec_chain[@]}" -nodetach -noattr
sign ossl-ec-noattr-detached.p7s   "${ec_signer[@]}" "${ec_chain[@]}" -noattr
sign ossl-two-signers-detached.p7s "${rsa_signer[@]}" "${ec_signer[@]}" \
  -certfile "$work/both-intermediates.pem"
sign ossl-ec-keyid-detached.p7s    "${ec_signer[@]}" "${ec_chain[@]}" -keyid
sign ossl-ec-no-intermediate-detached.p7s "${ec_signer[@]}"
sign ossl-ec-attached.pem          "${ec_signer[@]}" "${ec_chain[@]}" -nodetach -outform PEM
sign ossl-ec-stream-attached.p7m   "${ec_signer[@]}" "${ec_chain[@]}" -nodetach -stream -indef
sign ossl-ec-cades-detached.p7s    "${ec_signer[@]}" "${ec_chain[@]}" -cades
sign ossl-rsa-pss-detached.p7s     "${rsa_signer[@]}" "${rsa_chain[@]}" \
  -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:32
sign ossl-rsa-pss-maxsalt-detached.p7s "${rsa_signer[@]}" "${rsa_chain[@]}" \
  -keyopt rsa_padding_mode:pss
# The swapped-certificate attack: signed by signer.key with a subjectKeyIdentifier signer id
# and signingCertificateV2 naming pki/ecdsa-p256/signer.pem, but the certificate set carries
# signer-same-key.pem (same key, hence same SKI) INSTEAD of signer.pem (-nocerts leaves the
# signer certificate out, -certfile puts the others in). The signature value verifies with
# the embedded certificate's key; only the ESS signing-certificate check catches the swap.
cat "$EC/intermediate.pem" "$out/signer-same-key.pem" > "$work/swap-certs.pem"
sign ossl-ec-cades-swapped-cert-detached.p7s "${ec_signer[@]}" -keyid -cades -nocerts \
  -certfile "$work/swap-certs.pem"

# Structural checks of what OpenSSL wrote.
# -stream: indefinite lengths (BER), 0x30 0x80 at the very start.
[[ $(head -c 2 "$out/ossl-ec-stream-attached.p7m" | od -An -tx1 | tr -d ' \n') == 3080 ]] \
  || { echo "ossl-ec-stream-attached.p7m does not start with an indefinite length" >&2; exit 1; }
for f in ossl-ec-attached.p7m ossl-ec-detached.p7s; do
  [[ $(head -c 2 "$out/$f" | od -An -tx1 | tr -d ' \n') != 3080 ]] \
    || { echo "$f unexpectedly uses indefinite lengths" >&2; exit 1; }
done
head -1 "$out/ossl-ec-attached.pem" | grep -qx -- '-----BEGIN CMS-----' \
  || { echo "ossl-ec-attached.pem is not PEM 'CMS'" >&2; exit 1; }
# (printed to files first: `openssl | grep -q` could fail under pipefail when grep exits early)
cmsprint() { openssl cms -cmsout -print -inform DER -in "$out/$1" > "$work/$1.txt"; }
cmsprint ossl-ec-keyid-detached.p7s
grep -q 'd.subjectKeyIdentifier' "$work/ossl-ec-keyid-detached.p7s.txt" \
  || { echo "-keyid did not write an SKI signer id" >&2; exit 1; }
cmsprint ossl-ec-cades-detached.p7s
grep -q 'id-smime-aa-signingCertificateV2' "$work/ossl-ec-cades-detached.p7s.txt" \
  || { echo "-cades did not write signingCertificateV2" >&2; exit 1; }
cmsprint ossl-ec-noattr-detached.p7s
awk '/^ *signedAttrs:/ { getline; if ($0 ~ /<ABSENT>/) absent = 1 } END { exit !absent }' \
    "$work/ossl-ec-noattr-detached.p7s.txt" \
  || { echo "-noattr wrote signed attributes" >&2; exit 1; }
cmsprint ossl-ec-detached.p7s
for a in contentType signingTime messageDigest 'S/MIME Capabilities'; do
  grep -q "object: $a " "$work/ossl-ec-detached.p7s.txt" \
    || { echo "openssl cms -sign did not write $a" >&2; exit 1; }
done
! grep -q 'signingCertificate' "$work/ossl-ec-detached.p7s.txt" \
  || { echo "openssl cms -sign wrote a signing-certificate attribute without -cades" >&2; exit 1; }

# Tampered copies of attached signatures: one byte of the content changed in place
# ("OpenSSL." -> "OpenSSL!"), so lengths and everything else stay the same.
tamper() { # IN OUT
  python3 - "$out/$1" "$out/$2" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
old, new = b"signed by OpenSSL.", b"signed by OpenSSL!"
assert data.count(old) == 1, "content not found exactly once"
open(sys.argv[2], "wb").write(data.replace(old, new))
PY
}
tamper ossl-ec-attached.p7m ossl-ec-attached-tampered.p7m
tamper ossl-ec-noattr-attached.p7m ossl-ec-noattr-attached-tampered.p7m

# ---- RFC 3161 timestamps by openssl ts --------------------------------------------------
# The configuration is test-vectors/tsa/tsa.cnf with its placeholders filled in exactly as
# test-vectors/tsa/tsa-server.py does.
echo 01 > "$work/tsaserial"
sed -e "s|@SERIAL@|$work/tsaserial|" -e "s|@POLICY@|1.3.6.1.4.1.99999.1.3|" -e "s|@DIGEST@|sha256|" \
  "$here/tsa/tsa.cnf" > "$work/tsa.cnf"
! grep -q '@[A-Z]*@' "$work/tsa.cnf" || { echo "tsa.cnf: unfilled placeholder" >&2; exit 1; }
tsa_reply() { # QUERY OUT [extra openssl ts -reply args]
  local q=$1 o=$2; shift 2
  openssl ts -reply -config "$work/tsa.cnf" -section tsa_config1 -queryfile "$q" \
    -inkey "$EC/tsa.key" -signer "$EC/tsa.pem" -chain "$EC/intermediate.pem" -out "$o" "$@" 2>/dev/null
}
openssl ts -query -data "$content" -sha256 -cert -out "$out/ts-query.tsq" 2>/dev/null
tsa_reply "$out/ts-query.tsq" "$out/ts-reply.tsr"
openssl ts -reply -in "$out/ts-reply.tsr" -token_out -out "$out/ts-token.der" 2>/dev/null
openssl ts -reply -in "$out/ts-reply.tsr" -text > "$work/ts-reply.txt" 2>/dev/null
grep -q 'Status: Granted.' "$work/ts-reply.txt" || { echo "ts-reply.tsr is not granted" >&2; exit 1; }

# ---- CAdES-BASELINE-T from OpenSSL parts ---------------------------------------------------
# openssl cms cannot add unsigned attributes, so cadest.py (below) takes the SignerInfo's
# signature value out of ossl-ec-cades-detached.p7s, openssl ts stamps it (the RFC 3161
# message imprint of a CAdES signature-time-stamp is the hash of that signature value), and
# cadest.py puts the token back as the unsigned attribute id-aa-signatureTimeStampToken
# (1.2.840.113549.1.9.16.2.14), re-encoding only the lengths of the enclosing DER.
cat > "$work/cadest.py" <<'PY'
import sys

def tlv(d, i):
    """(tag, content start, end) of the DER TLV at i (definite lengths only)."""
    tag, first = d[i], d[i + 1]
    i += 2
    if first < 0x80:
        n = first
    else:
        k = first & 0x7F
        assert 0 < k <= 4, "indefinite or oversized length"
        n = int.from_bytes(d[i:i + k], "big")
        i += k
    assert i + n <= len(d), "truncated"
    return tag, i, i + n

def children(d, start, end):
    out, i = [], start
    while i < end:
        tag, cs, ce = tlv(d, i)
        out.append((tag, i, cs, ce))
        i = ce
    return out

def enc(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(b)]) + b + content

def signer_info_path(d):
    """(tag, start, content start, end) of ContentInfo, [0], SignedData, signerInfos, the first SignerInfo."""
    tag, cs, ce = tlv(d, 0)
    assert tag == 0x30
    explicit = children(d, cs, ce)[1]
    assert explicit[0] == 0xA0
    sd = children(d, explicit[2], explicit[3])[0]
    sis = [c for c in children(d, sd[2], sd[3]) if c[0] == 0x31][-1]  # signerInfos: the last SET
    si = children(d, sis[2], sis[3])[0]
    return [(tag, 0, cs, ce), explicit, sd, sis, si]

mode, src = sys.argv[1], sys.argv[2]
d = open(src, "rb").read()
path = signer_info_path(d)
si = path[-1]
fields = children(d, si[2], si[3])
if mode == "signature":  # cadest.py signature CMS OUT: the signature value's bytes
    sig = [f for f in fields if f[0] == 0x04][0]
    open(sys.argv[3], "wb").write(d[sig[2]:sig[3]])
elif mode == "add-timestamp":  # cadest.py add-timestamp CMS TOKEN OUT
    assert not any(f[0] == 0xA1 for f in fields), "already has unsigned attributes"
    token = open(sys.argv[3], "rb").read()
    oid = bytes.fromhex("060B2A864886F70D010910020E")
    new = enc(0x30, d[si[2]:si[3]] + enc(0xA1, enc(0x30, oid + enc(0x31, token))))
    for (tag, _start, cstart, end), inner in zip(reversed(path[:-1]), reversed(path[1:])):
        new = enc(tag, d[cstart:inner[1]] + new + d[inner[3]:end])
    open(sys.argv[4], "wb").write(new)
else:
    raise SystemExit("usage: cadest.py signature CMS OUT | add-timestamp CMS TOKEN OUT")
PY
python3 "$work/cadest.py" signature "$out/ossl-ec-cades-detached.p7s" "$work/t-signature.bin"
openssl ts -query -data "$work/t-signature.bin" -sha256 -cert -out "$work/t.tsq" 2>/dev/null
tsa_reply "$work/t.tsq" "$work/t-token.der" -token_out
python3 "$work/cadest.py" add-timestamp "$out/ossl-ec-cades-detached.p7s" "$work/t-token.der" \
  "$out/ossl-ec-cades-t-detached.p7s"

# ---- OpenSSL's own verdicts ----------------------------------------------------------------
passed=0
# ossl_verify EXPECT(ok|fail) FILE CAFILE [extra openssl cms -verify args]
ossl_verify() {
  local expect=$1 f=$2 ca=$3 got; shift 3
  local inform=DER; [[ $f == *.pem ]] && inform=PEM
  local args=(-verify -binary -inform "$inform" -in "$out/$f" -CAfile "$ca" -purpose any -out /dev/null)
  [[ $f == *.p7s ]] && args+=(-content "$content")
  if openssl cms "${args[@]}" "$@" 2>"$work/verify.log"; then got=ok; else got=fail; fi
  if [[ $got != "$expect" ]]; then
    echo "openssl cms -verify $f $*: expected $expect, got $got" >&2
    cat "$work/verify.log" >&2
    exit 1
  fi
  passed=$((passed + 1))
}
# -certfile is what a caller would pass, but OpenSSL's CMS_verify only searches it for the
# SIGNER certificate, not for chain building: the intermediate must be in the CMS (or in the
# -CAfile), which is why every fixture embeds it.
for f in ossl-rsa-attached.p7m ossl-rsa-detached.p7s ossl-rsa-noattr-attached.p7m \
         ossl-rsa-noattr-detached.p7s ossl-rsa-pss-detached.p7s ossl-rsa-pss-maxsalt-detached.p7s; do
  ossl_verify ok "$f" "$RSA/root.pem" -certfile "$RSA/intermediate.pem"
done
for f in ossl-ec-attached.p7m ossl-ec-detached.p7s ossl-ec-noattr-attached.p7m \
         ossl-ec-noattr-detached.p7s ossl-ec-keyid-detached.p7s ossl-ec-attached.pem \
         ossl-ec-stream-attached.p7m; do
  ossl_verify ok "$f" "$EC/root.pem" -certfile "$EC/intermediate.pem"
done
ossl_verify ok ossl-ec-cades-detached.p7s "$EC/root.pem" -cades
ossl_verify ok ossl-ec-cades-t-detached.p7s "$EC/root.pem" -cades
ossl_verify ok ossl-two-signers-detached.p7s "$work/both-roots.pem"
# Without its intermediate: only verifiable when the intermediate is supplied as trusted.
ossl_verify fail ossl-ec-no-intermediate-detached.p7s "$EC/root.pem" -certfile "$EC/intermediate.pem"
ossl_verify ok ossl-ec-no-intermediate-detached.p7s "$EC/chain.pem"
# Tampered content.
ossl_verify fail ossl-ec-attached-tampered.p7m "$EC/root.pem"
ossl_verify fail ossl-ec-noattr-attached-tampered.p7m "$EC/root.pem"
# Detached, other content.
printf 'imza CMS interop fixture: signed by OpenSSL!\n' > "$work/other.txt"
ossl_verify fail ossl-ec-detached.p7s "$EC/root.pem" -content "$work/other.txt"
# The swapped certificate: plain CMS verification accepts it (the key matches), the CAdES
# signing-certificate check (-cades) rejects it.
ossl_verify ok ossl-ec-cades-swapped-cert-detached.p7s "$EC/root.pem"
ossl_verify fail ossl-ec-cades-swapped-cert-detached.p7s "$EC/root.pem" -cades
# The timestamp, as response and as bare token.
openssl ts -verify -data "$content" -in "$out/ts-reply.tsr" -CAfile "$EC/root.pem" \
  -untrusted "$EC/intermediate.pem" >"$work/verify.log" 2>&1 \
  || { echo "openssl ts -verify ts-reply.tsr failed" >&2; cat "$work/verify.log" >&2; exit 1; }
openssl ts -verify -data "$content" -in "$out/ts-token.der" -token_in -CAfile "$EC/root.pem" \
  -untrusted "$EC/intermediate.pem" >"$work/verify.log" 2>&1 \
  || { echo "openssl ts -verify ts-token.der failed" >&2; cat "$work/verify.log" >&2; exit 1; }
openssl ts -verify -queryfile "$out/ts-query.tsq" -in "$out/ts-reply.tsr" -CAfile "$EC/root.pem" \
  -untrusted "$EC/intermediate.pem" >"$work/verify.log" 2>&1 \
  || { echo "openssl ts -verify -queryfile failed" >&2; cat "$work/verify.log" >&2; exit 1; }
# The signature timestamp's imprint is the signature value of ossl-ec-cades-t-detached.p7s.
python3 "$work/cadest.py" signature "$out/ossl-ec-cades-t-detached.p7s" "$work/t-signature-again.bin"
cmp -s "$work/t-signature.bin" "$work/t-signature-again.bin" \
  || { echo "ossl-ec-cades-t-detached.p7s: signature value changed" >&2; exit 1; }
openssl ts -verify -data "$work/t-signature.bin" -in "$work/t-token.der" -token_in \
  -CAfile "$EC/root.pem" -untrusted "$EC/intermediate.pem" >"$work/verify.log" 2>&1 \
  || { echo "openssl ts -verify of the signature timestamp failed" >&2; cat "$work/verify.log" >&2; exit 1; }
passed=$((passed + 4))

# ---- README --------------------------------------------------------------------------------
generated=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > "$out/README.md" <<EOF
# OpenSSL-made CMS, CAdES and RFC 3161 fixtures

Generated by \`test-vectors/generate-cms.sh\` with $(openssl version | cut -d' ' -f1-2) on
$generated from the test PKI in \`test-vectors/pki/\`. Do not edit: rerun the script
(it wipes this directory). Regenerate after \`generate-pki.sh\`, because the fixtures embed the
PKI's certificates and keys change with every PKI run. The script ends by checking every
fixture with \`openssl cms -verify\` / \`openssl ts -verify\` ($passed checks, all as expected).

\`content.txt\` is the signed content (one line, 45 bytes with the final newline). Signing
times (signingTime, the timestamp's genTime) are the generation time above: OpenSSL cannot
fix them. The signer certificates are valid 2025-01-01 to 2035-01-01.

All signatures use SHA-256 and \`-binary\` (no MIME canonicalisation). \`.p7m\` = attached
(encapsulated content), \`.p7s\` = detached (verify with \`content.txt\`), \`.pem\` = PEM
armour with the label \`CMS\`. Unless said otherwise each file embeds the signer certificate and
its intermediate (\`-certfile\`), in DER, with definite lengths.

## What \`openssl cms -sign\` writes

- Signed attributes by default: contentType, signingTime (UTCTime), messageDigest and
  sMIMECapabilities. No signing-certificate attribute unless \`-cades\` (then
  signingCertificateV2 with SHA-256). So only the \`-cades\` files are CAdES-BASELINE-B; the
  others are plain CMS signatures.
- \`-noattr\`: no signed attributes at all; the signature is over the content itself.
- \`-keyid\`: SignerIdentifier subjectKeyIdentifier and SignerInfo version 3 (otherwise
  issuerAndSerialNumber, version 1).
- \`-stream\` / \`-indef\`: BER with indefinite lengths (outer ContentInfo, SignedData,
  EncapsulatedContentInfo) and the eContent as a constructed OCTET STRING. (With \`-stream\` and
  DER output OpenSSL embeds the content even without \`-nodetach\`.)
- RSASSA-PSS (\`-keyopt rsa_padding_mode:pss\`) uses the maximum salt length (222 bytes for
  RSA-2048 with SHA-256) unless \`-keyopt rsa_pss_saltlen:N\` is given.

## Verdicts

Expected \`imza verify\` results, trusting only the root(s) named, at the current time
(any time from the generation time above to 2035-01-01), revocation not checked:

\`\`\`sh
imza verify test-vectors/cms/ossl-ec-detached.p7s --detached test-vectors/cms/content.txt \\
    --trust test-vectors/pki/ecdsa-p256/root.pem --json
\`\`\`

"EC root" = \`pki/ecdsa-p256/root.pem\`, "RSA root" = \`pki/rsa/root.pem\`. Level is the
\`level\` field: "CMS" for a valid CMS signature that is not CAdES baseline (no
signing-certificate attribute), "CAdES-BASELINE-B" with signingCertificateV2.

| File | How it was made | Trust | Verdict (exit code) |
|---|---|---|---|
| \`ossl-rsa-attached.p7m\` | rsa/signer, signed attributes, \`-nodetach\` | RSA root | TOTAL_PASSED (0), level CMS |
| \`ossl-rsa-detached.p7s\` | rsa/signer, signed attributes | RSA root | TOTAL_PASSED (0), level CMS |
| \`ossl-rsa-noattr-attached.p7m\` | rsa/signer, \`-noattr -nodetach\` | RSA root | TOTAL_PASSED (0), level CMS, no claimed signing time |
| \`ossl-rsa-noattr-detached.p7s\` | rsa/signer, \`-noattr\` | RSA root | TOTAL_PASSED (0), level CMS, no claimed signing time |
| \`ossl-rsa-pss-detached.p7s\` | rsa/signer, RSASSA-PSS, MGF1-SHA-256, salt 32 | RSA root | TOTAL_PASSED (0), level CMS |
| \`ossl-rsa-pss-maxsalt-detached.p7s\` | rsa/signer, RSASSA-PSS with OpenSSL's default salt length (222) | RSA root | TOTAL_PASSED (0), level CMS. Valid per RFC 4055; a verifier that only supports salt = hash length (e.g. ring's RSA_PSS_SHA256) fails it |
| \`ossl-ec-attached.p7m\` | ecdsa-p256/signer, signed attributes, \`-nodetach\` | EC root | TOTAL_PASSED (0), level CMS |
| \`ossl-ec-detached.p7s\` | ecdsa-p256/signer, signed attributes | EC root | TOTAL_PASSED (0), level CMS. With any other content: TOTAL_FAILED / HASH_FAILURE (1) |
| \`ossl-ec-noattr-attached.p7m\` | ecdsa-p256/signer, \`-noattr -nodetach\` | EC root | TOTAL_PASSED (0), level CMS |
| \`ossl-ec-noattr-detached.p7s\` | ecdsa-p256/signer, \`-noattr\` | EC root | TOTAL_PASSED (0), level CMS. With any other content: TOTAL_FAILED / SIG_CRYPTO_FAILURE (1) (no messageDigest to compare, only the signature fails) |
| \`ossl-two-signers-detached.p7s\` | two SignerInfos: rsa/signer and ecdsa-p256/signer, both intermediates embedded | RSA root + EC root | TOTAL_PASSED (0), two signatures reported, both TOTAL_PASSED. With only the EC root: the RSA signature INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, overall INDETERMINATE (2) |
| \`ossl-ec-keyid-detached.p7s\` | ecdsa-p256/signer, \`-keyid\` (subjectKeyIdentifier signer id) | EC root | TOTAL_PASSED (0), level CMS |
| \`ossl-ec-no-intermediate-detached.p7s\` | ecdsa-p256/signer, only the signer certificate embedded | EC root | INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND (2) |
| \`ossl-ec-attached.pem\` | as ossl-ec-attached.p7m, \`-outform PEM\` (\`-----BEGIN CMS-----\`) | EC root | TOTAL_PASSED (0), level CMS |
| \`ossl-ec-stream-attached.p7m\` | ecdsa-p256/signer, \`-nodetach -stream -indef\`: BER, indefinite lengths, constructed eContent | EC root | TOTAL_PASSED (0), level CMS |
| \`ossl-ec-cades-detached.p7s\` | ecdsa-p256/signer, \`-cades\` (signingCertificateV2) | EC root | TOTAL_PASSED (0), level CAdES-BASELINE-B |
| \`ossl-ec-cades-t-detached.p7s\` | ossl-ec-cades-detached.p7s plus an \`openssl ts\` token (ecdsa-p256/tsa, chain embedded in the token) over its signature value as the unsigned attribute signatureTimeStampToken | EC root | TOTAL_PASSED (0), level CAdES-BASELINE-T, one timestamp of kind "signature", imprint intact, genTime = generation time |
| \`ossl-ec-attached-tampered.p7m\` | ossl-ec-attached.p7m with one content byte changed | EC root | TOTAL_FAILED / HASH_FAILURE (1) |
| \`ossl-ec-noattr-attached-tampered.p7m\` | ossl-ec-noattr-attached.p7m with one content byte changed | EC root | TOTAL_FAILED / SIG_CRYPTO_FAILURE (1) |
| \`ossl-ec-cades-swapped-cert-detached.p7s\` | signed by ecdsa-p256/signer.key, \`-keyid -cades\` (signingCertificateV2 = hash of pki/ecdsa-p256/signer.pem), but the embedded certificate is \`signer-same-key.pem\` instead (\`-nocerts -certfile\`) | EC root | INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND (2): the signature value verifies with the embedded certificate's key, but that certificate is not the one the signed signingCertificateV2 names. \`openssl cms -verify\` accepts it; \`openssl cms -verify -cades\` rejects it |

Other files:

| File | What |
|---|---|
| \`content.txt\` | The signed content |
| \`signer-same-key.pem\`, \`.der\` | A second certificate for the key \`pki/ecdsa-p256/signer.key\`: serial 0x$SAME_KEY_SERIAL, subject \`C=AZ, O=Imza Test, CN=P-256 Signer (re-issued)\`, issued by \`pki/ecdsa-p256/intermediate\`, 2025-01-01 to 2035-01-01, the signer's extension profile (keyUsage critical digitalSignature+nonRepudiation, SKI equal to the signer's, AKI, AIA, CRL DP). Made with \`openssl ca\` on a copy of the CA database, so it is NOT in \`pki/ecdsa-p256/intermediate/index.txt\` (\`openssl ocsp -index\` answers "unknown" for it). For "swapped signer certificate" tests |
| \`ts-query.tsq\` | \`openssl ts -query -data content.txt -sha256 -cert\` (certReq true, random nonce) |
| \`ts-reply.tsr\` | The TimeStampResp (status granted) from \`openssl ts -reply\` with \`pki/ecdsa-p256/tsa\`, \`-chain\` the intermediate, config \`test-vectors/tsa/tsa.cnf\` (policy 1.3.6.1.4.1.99999.1.3, accuracy 1.5 s, signingCertificateV2 with SHA-256). Carries the TSA certificate and the intermediate |
| \`ts-token.der\` | The same token alone (ContentInfo SignedData with TSTInfo), \`openssl ts -reply -in ts-reply.tsr -token_out\` |

Check the timestamp with OpenSSL:

\`\`\`sh
openssl ts -verify -data test-vectors/cms/content.txt -in test-vectors/cms/ts-reply.tsr \\
    -CAfile test-vectors/pki/ecdsa-p256/root.pem -untrusted test-vectors/pki/ecdsa-p256/intermediate.pem
\`\`\`
EOF

echo "CMS fixtures written to $out ($passed OpenSSL checks passed)"
