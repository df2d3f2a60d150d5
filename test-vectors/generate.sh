#!/usr/bin/env bash
# Generates the certificate fixtures under test-vectors/certs/ with OpenSSL.
#
# A P-384 "Imza Test Root CA" issues one end-entity certificate per key type imza supports
# (RSA 2048, EC P-256, P-384, P-521, Ed25519), each in PEM and DER, carrying the extensions
# `imza cert show` describes: keyUsage, extendedKeyUsage, certificatePolicies,
# subjectAltName, authorityInfoAccess (OCSP + caIssuers), CRL distribution points and
# ETSI QC statements. Keys are fresh on every run, so outputs differ byte-wise between runs;
# tests read fields, never fixed bytes. Private keys are kept (test keys, never secrets).
#
# Usage: bash test-vectors/generate.sh [OUTDIR]   (default: test-vectors/certs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/certs}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# QCStatements (RFC 3739 / ETSI EN 319 412-5): QcCompliance, QcSSCD, QcType esign,
# QcRetentionPeriod 10, QcPDS, built with asn1parse -genconf so the DER is exact.
cat > qc.cnf <<'QC'
asn1 = SEQUENCE:qcs
[qcs]
s1 = SEQUENCE:compliance
s2 = SEQUENCE:sscd
s3 = SEQUENCE:qctype
s4 = SEQUENCE:retention
s5 = SEQUENCE:pds
[compliance]
id = OID:0.4.0.1862.1.1
[sscd]
id = OID:0.4.0.1862.1.4
[qctype]
id = OID:0.4.0.1862.1.6
types = SEQUENCE:qctypes
[qctypes]
t = OID:0.4.0.1862.1.6.1
[retention]
id = OID:0.4.0.1862.1.3
years = INTEGER:10
[pds]
id = OID:0.4.0.1862.1.5
locs = SEQUENCE:pdslocs
[pdslocs]
l1 = SEQUENCE:pdsen
[pdsen]
url = IA5STRING:https://pki.imza.test/pds_en.pdf
lang = PRINTABLESTRING:en
QC
openssl asn1parse -genconf qc.cnf -out qc.der >/dev/null
qc_hex=$(od -An -v -tx1 qc.der | tr -d ' \n')

cat > ext.cnf <<EXT
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = clientAuth, emailProtection
certificatePolicies = 1.3.6.1.4.1.51361.1.1.1, 0.4.0.194112.1.2
subjectAltName = email:citizen@imza.test, DNS:citizen.imza.test, URI:https://imza.test/p/1, IP:127.0.0.1
authorityInfoAccess = OCSP;URI:http://127.0.0.1:8888/ocsp, caIssuers;URI:http://pki.imza.test/root.crt
crlDistributionPoints = URI:http://pki.imza.test/root.crl
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.3.6.1.5.5.7.1.3 = DER:$qc_hex
EXT

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out root.key 2>/dev/null
openssl req -new -x509 -key root.key -sha384 -days 7300 -subj "/C=AZ/O=Imza Test/CN=Imza Test Root CA" \
  -set_serial 0x1001 -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" -out root.pem
cp root.pem "$out/root-p384.pem"
openssl x509 -in root.pem -outform DER -out "$out/root-p384.der"
cp root.key "$out/root-p384.key"

serial=$((0x2000))
issue() { # name, genpkey args..., digest
  local name=$1 md=$2; shift 2
  serial=$((serial + 1))
  openssl genpkey "$@" -out "$name.key" 2>/dev/null
  openssl req -new -key "$name.key" -subj "/C=AZ/O=Imza Test/serialNumber=PNOAZ-1234567/GN=Aysel/SN=Mammadova/CN=Mammadova Aysel $name" \
    -out "$name.csr" 2>/dev/null
  local mdflag=()
  [ -n "$md" ] && mdflag=(-"$md")
  openssl x509 -req -in "$name.csr" -CA root.pem -CAkey root.key -set_serial "$serial" \
    -days 1095 "${mdflag[@]}" -extfile ext.cnf -extensions leaf -out "$name.pem" 2>/dev/null
  cp "$name.pem" "$out/$name.pem"
  openssl x509 -in "$name.pem" -outform DER -out "$out/$name.der"
  openssl pkcs8 -topk8 -nocrypt -in "$name.key" -out "$out/$name.key"
}
issue rsa2048 sha256 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
issue p256 sha256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
issue p384 sha384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
issue p521 sha384 -algorithm EC -pkeyopt ec_paramgen_curve:P-521
issue ed25519 "" -algorithm ED25519

# Not a certificate: for the "malformed input" path.
printf 'this is not a certificate\n' > "$out/not-a-cert.txt"
echo "certificates written to $out"
