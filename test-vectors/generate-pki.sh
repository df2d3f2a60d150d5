#!/usr/bin/env bash
# Generates the X.509 path-validation / OCSP / CRL test PKI under test-vectors/pki/ with the
# OpenSSL command line (written against OpenSSL 3.0.x).
#
# Every certificate is issued by `openssl ca`, so every CA keeps a real CA database
# (openssl.cnf, index.txt, index.txt.attr, serial, crlnumber) that `openssl ocsp -index` and
# `openssl ca -gencrl` can use again. Validity dates are FIXED (-startdate/-enddate), serial
# numbers are FIXED (one global counter, issued in a fixed order), CRL lastUpdate/nextUpdate
# and revocation times are FIXED, so the fixtures never rot. Only the keys (and therefore
# signatures, key identifiers and fingerprints) change from run to run.
#
# Layout: test-vectors/pki/<hierarchy>/<name>.{pem,der,key}; a CA called <ca> also has its
# database directory <hierarchy>/<ca>/ and its CRL <hierarchy>/<ca>.crl{,.pem}.
# The CA configs use paths relative to the CA directory, so run openssl ca from inside it:
#   (cd test-vectors/pki/ecdsa-p256/intermediate && openssl ca -config openssl.cnf -gencrl \
#       -crl_lastupdate 20260701000000Z -crl_nextupdate 20360701000000Z -out /tmp/x.crl)
# See test-vectors/pki/README.md for what each file is and what a validator must conclude,
# and test-vectors/pki/check-with-openssl.sh for OpenSSL's own verdicts.
#
# Re-runnable: wipes test-vectors/pki/ (except the hand-written README.md and
# check-with-openssl.sh) and recreates it. `generate-pki.sh path2` re-creates only
# test-vectors/pki/path2/ (EKU chaining, RFC 4518 names, policy processing) and leaves the
# other hierarchies, and the fixtures made from their keys, as they are.
#
# Usage: bash test-vectors/generate-pki.sh [path2]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/pki
mkdir -p "$out"
ONLY=${1:-}
case $ONLY in
  "") find "$out" -mindepth 1 -maxdepth 1 ! -name README.md ! -name check-with-openssl.sh -exec rm -rf {} + ;;
  path2) rm -rf "$out/path2" ;;
  *) echo "usage: generate-pki.sh [path2]" >&2; exit 2 ;;
esac

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

# ---- fixed dates -------------------------------------------------------------------------
CA_START=20200101000000Z;      CA_END=20500101000000Z
LEAF_START=20250101000000Z;    LEAF_END=20350101000000Z
EXPIRED_START=20200601000000Z; EXPIRED_END=20210601000000Z
FUTURE_START=20450101000000Z;  FUTURE_END=20460101000000Z
CRL_LAST=20260701000000Z;      CRL_NEXT=20360701000000Z
CRL2028_LAST=20280201000000Z;  CRL2028_NEXT=20380201000000Z
# index.txt stores revocation dates as UTCTime (YYMMDDHHMMSSZ).
REVOKED_AT=260601000000Z       # 2026-06-01T00:00:00Z
REVOKED_LATER_AT=280101000000Z # 2028-01-01T00:00:00Z

# ---- helpers -----------------------------------------------------------------------------
serial=$((0x1000)) # global, so every serial in the whole test PKI is distinct

genkey() { # out.key  ec:P-256|ec:P-384|ec:P-521|rsa:BITS   -> PKCS#8 PEM, unencrypted
  case $2 in
    ec:*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" \
            -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ;;
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$1" 2>/dev/null ;;
    *) echo "unknown key spec $2" >&2; exit 1 ;;
  esac
}

# Extension profiles, appended to every CA config of a hierarchy.
#   $1 OCSP URL for leaves (or "")   $2 CRL DP URL for leaves (or "")   $3 CRL DP URL for CAs (or "")
profiles() {
  local ocsp=$1 crl=$2 cacrl=$3 rev="" carev=""
  [[ -n $ocsp ]] && rev+="authorityInfoAccess = OCSP;URI:$ocsp"$'\n'
  [[ -n $crl ]] && rev+="crlDistributionPoints = URI:$crl"$'\n'
  [[ -n $cacrl ]] && carev="crlDistributionPoints = URI:$cacrl"
  cat <<EOF

####### extension profiles (openssl ca -extensions NAME) #######
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_root_pathlen0 ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

# a root key certified by another root (cross certificate)
[ v3_cross ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_intermediate ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 2.5.29.32.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
$carev

[ v3_intermediate_pathlen0 ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 2.5.29.32.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_intermediate_nc ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 2.5.29.32.0
nameConstraints = critical, permitted;email:.imza.test, permitted;dirName:nc_permitted_dn
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ nc_permitted_dn ]
C = AZ
O = Imza Test

# "intermediate" that is not a CA: cA = FALSE (but keyCertSign set)
[ v3_intermediate_ca_false ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# "intermediate" that is not a CA: no basicConstraints at all (but keyCertSign set)
[ v3_intermediate_no_bc ]
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# CA whose keyUsage lacks keyCertSign
[ v3_intermediate_no_keycertsign ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_signer ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
$rev
[ leaf_login ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
certificatePolicies = 1.3.6.1.4.1.99999.1.2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
$rev
[ leaf_tsa ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
certificatePolicies = 1.3.6.1.4.1.99999.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
$rev
[ leaf_ocsp ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_wrong_ku ]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
$rev
[ leaf_wrong_eku ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = serverAuth
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
$rev
[ leaf_unknown_critical ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.99999.9.9 = critical, DER:0500
$rev
[ leaf_unknown_noncritical ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.99999.9.9 = DER:0500
$rev
# plain signing leaf without revocation pointers (constraint hierarchies)
[ leaf_plain ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# OpenSSL 3.0 adds an AKI by default unless told "none"
[ leaf_plain_no_aki ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.99999.1.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = none

[ leaf_nc_inside ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectAltName = email:signer@pki.imza.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_nc_email_outside ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectAltName = email:signer@example.org
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_nc_email_bare_domain ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectAltName = email:signer@imza.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

# new_ca HIER_DIR CA_NAME DIGEST PROFILE_TEXT: creates HIER_DIR/CA_NAME/ (database + config).
# The CA's certificate/key live next to the directory: HIER_DIR/CA_NAME.pem, .key
new_ca() {
  local d=$1/$2
  mkdir -p "$d/newcerts"
  : > "$d/index.txt"
  echo "unique_subject = no" > "$d/index.txt.attr"
  echo 1000 > "$d/crlnumber"
  echo 01 > "$d/serial"
  cat > "$d/openssl.cnf" <<EOF
# openssl ca configuration for "$2" (generated by test-vectors/generate-pki.sh).
# Paths are relative: run openssl ca from this directory.
[ ca ]
default_ca = CA_default

[ CA_default ]
dir = .
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = \$dir/../$2.pem
private_key = \$dir/../$2.key
default_md = $3
default_days = 3650
default_crl_days = 3650
policy = policy_any
preserve = yes
email_in_dn = no
unique_subject = no
copy_extensions = none
name_opt = ca_default
cert_opt = ca_default
string_mask = utf8only
crl_extensions = crl_ext

[ policy_any ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
  printf '%s\n' "$4" >> "$d/openssl.cnf"
}

# issue CA_DIR OUT_BASE SUBJECT PROFILE START END [extra openssl ca args...]
#   OUT_BASE.key must exist; writes OUT_BASE.pem and OUT_BASE.der.
#   For a self-signed root, pass CA_DIR = OUT_BASE's own CA directory and "-selfsign".
issue() {
  local ca=$1 base=$2 subj=$3 prof=$4 start=$5 end=$6; shift 6
  local csr=$work/$(basename "$(dirname "$base")")-$(basename "$base").csr
  openssl req -new -key "$base.key" -subj "$subj" -out "$csr"
  printf '%04X\n' "$serial" > "$ca/serial"
  serial=$((serial + 1))
  (cd "$ca" && openssl ca -config openssl.cnf -batch -notext -in "$csr" -out "$base.pem" \
     -extensions "$prof" -startdate "$start" -enddate "$end" "$@" 2>"$work/ca.log") \
     || { cat "$work/ca.log" >&2; exit 1; }
  openssl x509 -in "$base.pem" -outform DER -out "$base.der"
}

# revoke CA_DIR CERT REASON INDEX_TIME(YYMMDDHHMMSSZ)
# openssl ca -revoke always records the current time; rewrite the revocation date column
# of index.txt to the fixed time so that both -gencrl and ocsp -index report it.
revoke() {
  local ca=$1 cert=$2 reason=$3 at=$4 sn
  (cd "$ca" && openssl ca -config openssl.cnf -revoke "$cert" -crl_reason "$reason" 2>"$work/ca.log") \
     || { cat "$work/ca.log" >&2; exit 1; }
  sn=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2)
  awk -F'\t' -v OFS='\t' -v sn="$sn" -v rev="$at,$reason" '$4 == sn { $3 = rev } { print }' \
    "$ca/index.txt" > "$ca/index.txt.tmp"
  mv "$ca/index.txt.tmp" "$ca/index.txt"
  grep -q "	$at,$reason	$sn	" "$ca/index.txt" || { echo "index edit failed for $sn" >&2; exit 1; }
}

# gencrl CA_DIR OUT_BASE LASTUPDATE NEXTUPDATE -> OUT_BASE.crl.pem and OUT_BASE.crl (DER)
gencrl() {
  local ca=$1 base=$2
  (cd "$ca" && openssl ca -config openssl.cnf -gencrl -crl_lastupdate "$3" -crl_nextupdate "$4" \
     -out "$base.crl.pem" 2>"$work/ca.log") || { cat "$work/ca.log" >&2; exit 1; }
  openssl crl -in "$base.crl.pem" -outform DER -out "$base.crl"
}

# root HIER NAME KEYSPEC DIGEST SUBJECT [PROFILE]: key + CA dir + self-signed cert via openssl ca
root() {
  local h=$1 n=$2 prof=${6:-v3_root}
  genkey "$h/$n.key" "$3"
  new_ca "$h" "$n" "$4" "$PROFILES"
  issue "$h/$n" "$h/$n" "$5" "$prof" "$CA_START" "$CA_END" -selfsign
}

# subca HIER NAME KEYSPEC DIGEST SUBJECT ISSUER PROFILE: key + CA dir + cert from ISSUER
subca() {
  local h=$1 n=$2
  genkey "$h/$n.key" "$3"
  new_ca "$h" "$n" "$4" "$PROFILES"
  issue "$h/$6" "$h/$n" "$5" "$7" "$CA_START" "$CA_END"
}

# leaf HIER NAME KEYSPEC ISSUER PROFILE SUBJECT [START END [extra ca args]]
leaf() {
  local h=$1 n=$2 spec=$3 iss=$4 prof=$5 subj=$6 start=${7:-$LEAF_START} end=${8:-$LEAF_END}
  shift $(( $# < 8 ? $# : 8 ))
  genkey "$h/$n.key" "$spec"
  issue "$h/$iss" "$h/$n" "$subj" "$prof" "$start" "$end" "$@"
}

cat_certs() { local o=$1; shift; cat "$@" > "$o"; }

O="/C=AZ/O=Imza Test"

if [[ -z $ONLY ]]; then
# ==== rsa/ =================================================================================
# root RSA-4096 -> intermediate RSA-3072 -> RSA-2048 leaves, all SHA-256 (PKCS#1 v1.5),
# plus signer-pss whose certificate signature is RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32).
h=$out/rsa; mkdir -p "$h"
PROFILES=$(profiles http://127.0.0.1:18081/ http://127.0.0.1:18090/rsa.crl http://127.0.0.1:18090/rsa-root.crl)
root  "$h" root         rsa:4096 sha256 "$O/CN=Imza Test RSA Root CA"
subca "$h" intermediate rsa:3072 sha256 "$O/CN=Imza Test RSA Intermediate CA" root v3_intermediate
leaf  "$h" signer         rsa:2048 intermediate leaf_signer "$O/CN=RSA Signer"
leaf  "$h" login          rsa:2048 intermediate leaf_login  "$O/CN=RSA Login"
leaf  "$h" tsa            rsa:2048 intermediate leaf_tsa    "$O/CN=RSA TSA"
leaf  "$h" ocsp-responder rsa:2048 intermediate leaf_ocsp   "$O/CN=RSA OCSP Responder"
leaf  "$h" revoked        rsa:2048 intermediate leaf_signer "$O/CN=RSA Revoked"
leaf  "$h" signer-pss     rsa:2048 intermediate leaf_signer "$O/CN=RSA Signer PSS" \
      "$LEAF_START" "$LEAF_END" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
openssl x509 -in "$h/signer-pss.pem" -noout -text | grep -q 'Signature Algorithm: rsassaPss' \
  || { echo "signer-pss is not PSS-signed" >&2; exit 1; }
revoke "$h/intermediate" "$h/revoked.pem" keyCompromise "$REVOKED_AT"
cat_certs "$h/chain.pem" "$h/intermediate.pem" "$h/root.pem"

# ==== ecdsa-p256/ ==========================================================================
h=$out/ecdsa-p256; mkdir -p "$h"
PROFILES=$(profiles http://127.0.0.1:18080/ http://127.0.0.1:18090/ecdsa-p256.crl http://127.0.0.1:18090/ecdsa-p256-root.crl)
root  "$h" root         ec:P-256 sha256 "$O/CN=Imza Test P-256 Root CA"
subca "$h" intermediate ec:P-256 sha256 "$O/CN=Imza Test P-256 Intermediate CA" root v3_intermediate
I=intermediate
leaf "$h" signer                  ec:P-256 $I leaf_signer              "$O/CN=P-256 Signer"
leaf "$h" login                   ec:P-256 $I leaf_login               "$O/CN=P-256 Login"
leaf "$h" tsa                     ec:P-256 $I leaf_tsa                 "$O/CN=P-256 TSA"
leaf "$h" ocsp-responder          ec:P-256 $I leaf_ocsp                "$O/CN=P-256 OCSP Responder"
leaf "$h" expired                 ec:P-256 $I leaf_signer              "$O/CN=P-256 Expired" "$EXPIRED_START" "$EXPIRED_END"
leaf "$h" not-yet-valid           ec:P-256 $I leaf_signer              "$O/CN=P-256 Not Yet Valid" "$FUTURE_START" "$FUTURE_END"
leaf "$h" revoked                 ec:P-256 $I leaf_signer              "$O/CN=P-256 Revoked"
leaf "$h" revoked-later           ec:P-256 $I leaf_signer              "$O/CN=P-256 Revoked Later"
leaf "$h" wrong-ku                ec:P-256 $I leaf_wrong_ku            "$O/CN=P-256 Wrong KeyUsage"
leaf "$h" wrong-eku               ec:P-256 $I leaf_wrong_eku           "$O/CN=P-256 Wrong EKU"
leaf "$h" unknown-critical-ext    ec:P-256 $I leaf_unknown_critical    "$O/CN=P-256 Unknown Critical Extension"
leaf "$h" unknown-noncritical-ext ec:P-256 $I leaf_unknown_noncritical "$O/CN=P-256 Unknown Non-critical Extension"
# OCSP-signing certificate from a DIFFERENT CA (the rsa intermediate): chains to a trusted
# root, has id-kp-OCSPSigning, but is not authorised to answer for ecdsa-p256/intermediate.
genkey "$h/ocsp-rogue.key" ec:P-256
issue "$out/rsa/intermediate" "$h/ocsp-rogue" "$O/CN=P-256 Rogue OCSP Responder" leaf_ocsp "$LEAF_START" "$LEAF_END"
cat_certs "$h/ocsp-rogue-chain.pem" "$out/rsa/intermediate.pem" "$out/rsa/root.pem"
cat_certs "$h/chain.pem" "$h/intermediate.pem" "$h/root.pem"
# Revocation: "revoked" at 2026-06-01 appears in intermediate.crl (lastUpdate 2026-07-01);
# "revoked-later" at 2028-01-01 only appears in intermediate-2028.crl (lastUpdate 2028-02-01)
# and in the final index.txt (so OCSP reports it revoked with revocationTime 2028-01-01).
# not-in-index: genuinely issued by the intermediate, then deleted from its index.txt, so
# `openssl ocsp -index` answers "unknown" for it (and no CRL lists it).
leaf "$h" not-in-index            ec:P-256 $I leaf_signer              "$O/CN=P-256 Not In Index"
sn=$(openssl x509 -in "$h/not-in-index.pem" -noout -serial | cut -d= -f2)
awk -F'\t' -v sn="$sn" '$4 != sn' "$h/$I/index.txt" > "$h/$I/index.txt.tmp"
mv "$h/$I/index.txt.tmp" "$h/$I/index.txt"
revoke "$h/$I" "$h/revoked.pem" keyCompromise "$REVOKED_AT"
gencrl "$h/$I" "$h/intermediate" "$CRL_LAST" "$CRL_NEXT"
revoke "$h/$I" "$h/revoked-later.pem" keyCompromise "$REVOKED_LATER_AT"
gencrl "$h/$I" "$h/intermediate-2028" "$CRL2028_LAST" "$CRL2028_NEXT"

# ==== ecdsa-p384/ ==========================================================================
h=$out/ecdsa-p384; mkdir -p "$h"
PROFILES=$(profiles http://127.0.0.1:18082/ http://127.0.0.1:18090/ecdsa-p384.crl http://127.0.0.1:18090/ecdsa-p384-root.crl)
root  "$h" root         ec:P-384 sha384 "$O/CN=Imza Test P-384 Root CA"
subca "$h" intermediate ec:P-384 sha384 "$O/CN=Imza Test P-384 Intermediate CA" root v3_intermediate
leaf  "$h" signer         ec:P-384 intermediate leaf_signer "$O/CN=P-384 Signer"
leaf  "$h" ocsp-responder ec:P-384 intermediate leaf_ocsp   "$O/CN=P-384 OCSP Responder"
cat_certs "$h/chain.pem" "$h/intermediate.pem" "$h/root.pem"

# ==== ecdsa-p521/ ==========================================================================
# P-521/SHA-512 root (like the Estonian ESTEID2018 root) -> P-384 intermediate (signed with
# SHA-512) -> P-384 signer (signed with SHA-384).
h=$out/ecdsa-p521; mkdir -p "$h"
PROFILES=$(profiles http://127.0.0.1:18083/ http://127.0.0.1:18090/ecdsa-p521.crl http://127.0.0.1:18090/ecdsa-p521-root.crl)
root  "$h" root         ec:P-521 sha512 "$O/CN=Imza Test P-521 Root CA"
subca "$h" intermediate ec:P-384 sha384 "$O/CN=Imza Test P-384 Intermediate CA under P-521" root v3_intermediate
leaf  "$h" signer         ec:P-384 intermediate leaf_signer "$O/CN=P-521 Hierarchy Signer"
leaf  "$h" ocsp-responder ec:P-384 intermediate leaf_ocsp   "$O/CN=P-521 Hierarchy OCSP Responder"
cat_certs "$h/chain.pem" "$h/intermediate.pem" "$h/root.pem"

# The remaining hierarchies are P-256/SHA-256 and carry no AIA/CRL DP, so that the only
# thing wrong with each chain is the constraint under test.
PROFILES=$(profiles "" "" "")

# ==== pathlen/ =============================================================================
# (a) root-pathlen0 (pathLenConstraint 0) -> intermediate -> leaf: violates the TRUST ANCHOR's
#     pathLen (RFC 5280 §6.1 only if the anchor's constraints are enforced, cf. RFC 5937;
#     OpenSSL enforces it).
# (b) root -> intermediate-pathlen0 -> sub-intermediate -> leaf-too-deep: violates an
#     intermediate's pathLen (RFC 5280 §6.1.4 (l)/(m)); intermediate-pathlen0 -> leaf-ok is fine.
h=$out/pathlen; mkdir -p "$h"
root  "$h" root-pathlen0 ec:P-256 sha256 "$O/CN=Imza Test PathLen0 Root CA" v3_root_pathlen0
subca "$h" intermediate  ec:P-256 sha256 "$O/CN=Imza Test Intermediate under PathLen0 Root" root-pathlen0 v3_intermediate
leaf  "$h" leaf          ec:P-256 intermediate leaf_plain "$O/CN=PathLen Leaf under PathLen0 Root"
root  "$h" root          ec:P-256 sha256 "$O/CN=Imza Test PathLen Root CA"
subca "$h" intermediate-pathlen0 ec:P-256 sha256 "$O/CN=Imza Test PathLen0 Intermediate CA" root v3_intermediate_pathlen0
subca "$h" sub-intermediate      ec:P-256 sha256 "$O/CN=Imza Test Sub-Intermediate CA" intermediate-pathlen0 v3_intermediate
leaf  "$h" leaf-too-deep ec:P-256 sub-intermediate      leaf_plain "$O/CN=PathLen Leaf Too Deep"
leaf  "$h" leaf-ok       ec:P-256 intermediate-pathlen0 leaf_plain "$O/CN=PathLen Leaf OK"
cat_certs "$h/chain-root-pathlen0.pem" "$h/intermediate.pem" "$h/root-pathlen0.pem"
cat_certs "$h/chain-too-deep.pem" "$h/sub-intermediate.pem" "$h/intermediate-pathlen0.pem" "$h/root.pem"

# ==== nameconstraints/ =====================================================================
h=$out/nameconstraints; mkdir -p "$h"
root  "$h" root         ec:P-256 sha256 "$O/CN=Imza Test NameConstraints Root CA"
subca "$h" intermediate ec:P-256 sha256 "$O/CN=Imza Test NameConstrained Intermediate CA" root v3_intermediate_nc
leaf "$h" inside            ec:P-256 intermediate leaf_nc_inside            "$O/CN=NC Inside"
leaf "$h" dn-outside        ec:P-256 intermediate leaf_nc_inside            "/C=AZ/O=Other Org/CN=NC DN Outside"
leaf "$h" email-outside     ec:P-256 intermediate leaf_nc_email_outside     "$O/CN=NC Email Outside"
leaf "$h" email-bare-domain ec:P-256 intermediate leaf_nc_email_bare_domain "$O/CN=NC Email Bare Domain"
cat_certs "$h/chain.pem" "$h/intermediate.pem" "$h/root.pem"

# ==== not-a-ca/ ============================================================================
h=$out/not-a-ca; mkdir -p "$h"
root  "$h" root                     ec:P-256 sha256 "$O/CN=Imza Test NotACA Root CA"
subca "$h" intermediate-ca-false    ec:P-256 sha256 "$O/CN=Imza Test Intermediate with CA FALSE" root v3_intermediate_ca_false
subca "$h" intermediate-no-bc       ec:P-256 sha256 "$O/CN=Imza Test Intermediate without basicConstraints" root v3_intermediate_no_bc
leaf  "$h" leaf-ca-false ec:P-256 intermediate-ca-false leaf_plain "$O/CN=Leaf under CA FALSE"
leaf  "$h" leaf-no-bc    ec:P-256 intermediate-no-bc    leaf_plain "$O/CN=Leaf under no basicConstraints"

# ==== ca-without-keycertsign/ ==============================================================
h=$out/ca-without-keycertsign; mkdir -p "$h"
root  "$h" root         ec:P-256 sha256 "$O/CN=Imza Test NoKeyCertSign Root CA"
subca "$h" intermediate ec:P-256 sha256 "$O/CN=Imza Test Intermediate without keyCertSign" root v3_intermediate_no_keycertsign
leaf  "$h" leaf         ec:P-256 intermediate leaf_plain "$O/CN=Leaf under no keyCertSign"
cat_certs "$h/chain.pem" "$h/intermediate.pem" "$h/root.pem"

# ==== cross/ ===============================================================================
# old-root and new-root are both self-signed; new-root-cross is new-root's subject + key
# certified by old-root. intermediate is issued by new-root, leaf by intermediate:
#   leaf -> intermediate -> new-root                        (trust anchor new-root)
#   leaf -> intermediate -> new-root-cross -> old-root      (trust anchor old-root)
h=$out/cross; mkdir -p "$h"
root  "$h" old-root ec:P-256 sha256 "$O/CN=Imza Test Old Root CA"
root  "$h" new-root ec:P-256 sha256 "$O/CN=Imza Test New Root CA"
cp "$h/new-root.key" "$h/new-root-cross.key"   # same key, by definition of a cross certificate
issue "$h/old-root" "$h/new-root-cross" "$O/CN=Imza Test New Root CA" v3_cross "$CA_START" "$CA_END"
rm "$h/new-root-cross.key"                     # identical to new-root.key
subca "$h" intermediate ec:P-256 sha256 "$O/CN=Imza Test Cross Intermediate CA" new-root v3_intermediate
leaf  "$h" leaf ec:P-256 intermediate leaf_plain "$O/CN=Cross Leaf"

# ==== same-name/ ===========================================================================
# intermediate-a and intermediate-b: same subject DN, different keys, both issued by root.
# Only intermediate-b issued the leaves. leaf has an AKI pointing at b; leaf-no-aki has none,
# so the issuer can only be found by trying candidates (signature check).
h=$out/same-name; mkdir -p "$h"
root  "$h" root           ec:P-256 sha256 "$O/CN=Imza Test SameName Root CA"
subca "$h" intermediate-a ec:P-256 sha256 "$O/CN=Imza Test SameName Intermediate CA" root v3_intermediate
subca "$h" intermediate-b ec:P-256 sha256 "$O/CN=Imza Test SameName Intermediate CA" root v3_intermediate
leaf  "$h" leaf        ec:P-256 intermediate-b leaf_plain        "$O/CN=SameName Leaf"
leaf  "$h" leaf-no-aki ec:P-256 intermediate-b leaf_plain_no_aki "$O/CN=SameName Leaf without AKI"
# decoy first: a validator must not stop at the first name match
cat_certs "$h/candidates.pem" "$h/intermediate-a.pem" "$h/intermediate-b.pem"

fi # [[ -z $ONLY ]]

# ==== path2/ ===============================================================================
# Path validation II: EKU chaining, RFC 4518 name comparison, RFC 5280 policy processing.
# Serials from 0x3000 so that `generate-pki.sh path2` alone keeps them distinct.
serial=$((0x3000))
PROFILES=$(profiles "" "" "")$'\n'$(cat <<'PROFILES2'

[ v3_ica_eku_email ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = emailProtection
certificatePolicies = 2.5.29.32.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ica_eku_client ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = clientAuth
certificatePolicies = 2.5.29.32.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ica_nc_excluded_dn ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 2.5.29.32.0
nameConstraints = critical, excluded;dirName:nc_excluded_dn
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ nc_excluded_dn ]
C = AZ
O = Imza Test

[ v3_ica_pol_map ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 1.3.6.1.4.1.99999.2.1
policyMappings = critical, 1.3.6.1.4.1.99999.2.1:1.3.6.1.4.1.99999.2.2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ica_pol_inhibit_map ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 1.3.6.1.4.1.99999.2.1
policyConstraints = critical, inhibitPolicyMapping:0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ica_require_explicit ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 2.5.29.32.0
policyConstraints = critical, requireExplicitPolicy:0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ v3_ica_inhibit_any ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
certificatePolicies = 2.5.29.32.0
inhibitAnyPolicy = critical, 0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_pol22 ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.99999.2.2
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf_nopol ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
PROFILES2
)
h=$out/path2; mkdir -p "$h"
P="/C=AZ/O=Imza Test"
root "$h" root ec:P-256 sha256 "$P/CN=Imza Test Path2 Root CA"
# -- EKU chaining: an e-mail-only CA cannot issue a login certificate; a clientAuth CA can.
subca "$h" ica-email  ec:P-256 sha256 "$P/CN=Imza Test Email-only CA" root v3_ica_eku_email
subca "$h" ica-client ec:P-256 sha256 "$P/CN=Imza Test Login CA"      root v3_ica_eku_client
leaf  "$h" login-under-email  ec:P-256 ica-email  leaf_login "$P/CN=Login under Email-only CA"
leaf  "$h" login-under-client ec:P-256 ica-client leaf_login "$P/CN=Login under Login CA"
# Routing: one CA key certified twice under one name, with EKU emailProtection and without
# EKU; a builder must route around the first (both are in shared-pool.pem, the restricted
# one first).
subca "$h" ica-shared-email ec:P-256 sha256 "$P/CN=Imza Test Shared Key CA" root v3_ica_eku_email
cp "$h/ica-shared-email.key" "$h/ica-shared-plain.key"
issue "$h/root" "$h/ica-shared-plain" "$P/CN=Imza Test Shared Key CA" v3_intermediate "$CA_START" "$CA_END"
rm "$h/ica-shared-plain.key"
leaf "$h" login-shared ec:P-256 ica-shared-email leaf_login "$P/CN=Login under Shared Key CA"
cat_certs "$h/shared-pool.pem" "$h/ica-shared-email.pem" "$h/ica-shared-plain.pem"
# -- Names: ica-name's own certificate says PrintableString "Imza Test Name CA"; the leaf it
# signed names its issuer in UTF8String, other case and doubled spaces (written through
# ica-name-utf8, a self-signed stand-in with the same key, which is in no chain).
genkey "$h/ica-name.key" ec:P-256
# Both the request (OPENSSL_CONF) and the CA's config must allow PrintableString.
sed 's/^string_mask = utf8only$/string_mask = default/' "$OPENSSL_CONF" > "$work/req-printable.cnf"
sed -i 's/^string_mask = utf8only$/string_mask = default/' "$h/root/openssl.cnf"
OPENSSL_CONF=$work/req-printable.cnf issue "$h/root" "$h/ica-name" "$P/CN=Imza Test Name CA" v3_intermediate "$CA_START" "$CA_END"
sed -i 's/^string_mask = default$/string_mask = utf8only/' "$h/root/openssl.cnf"
new_ca "$h" ica-name-utf8 sha256 "$PROFILES"
cp "$h/ica-name.key" "$h/ica-name-utf8.key"
issue "$h/ica-name-utf8" "$h/ica-name-utf8" "/C=AZ/O=imza  TEST/CN=imza test  NAME ca" v3_root "$CA_START" "$CA_END" -selfsign
leaf "$h" name-reencoded ec:P-256 ica-name-utf8 leaf_plain "$P/CN=Leaf of a Re-encoded Issuer Name"
rm -r "$h/ica-name-utf8.key" "$h/ica-name-utf8"   # the stand-in issues nothing else
openssl x509 -in "$h/ica-name.pem" -noout -subject -nameopt show_type | grep -q 'CN=PRINTABLESTRING:Imza Test Name CA' \
  || { echo "ica-name subject is not a PrintableString" >&2; exit 1; }
openssl x509 -in "$h/name-reencoded.pem" -noout -issuer -nameopt show_type,-esc_msb | grep -q 'CN=UTF8STRING:imza test  NAME ca' \
  || { echo "name-reencoded issuer is not the re-encoded UTF8String" >&2; exit 1; }
# A directoryName exclusion (C=AZ, O=Imza Test, UTF8String) and a leaf whose subject says
# O=IMZA  TEST in a PrintableString: excluded all the same.
subca "$h" ica-nc-excl ec:P-256 sha256 "/C=AZ/O=Other Org/CN=Imza Test Excluding CA" root v3_ica_nc_excluded_dn
sed -i 's/^string_mask = utf8only$/string_mask = default/' "$h/ica-nc-excl/openssl.cnf"
OPENSSL_CONF=$work/req-printable.cnf leaf "$h" nc-excluded-reencoded ec:P-256 ica-nc-excl leaf_nopol "/C=AZ/O=IMZA  TEST/CN=Re-encoded Excluded Leaf"
leaf "$h" nc-elsewhere          ec:P-256 ica-nc-excl leaf_nopol "/C=AZ/O=Elsewhere/CN=Leaf Elsewhere"
openssl x509 -in "$h/nc-excluded-reencoded.pem" -noout -subject -nameopt show_type | grep -q 'O=PRINTABLESTRING:IMZA  TEST' \
  || { echo "nc-excluded-reencoded subject is not the re-encoded PrintableString" >&2; exit 1; }
# -- Policies (RFC 5280 §6.1): a mapping 99999.2.1 -> 99999.2.2; the same mapping under a CA
# that inhibits mapping; requireExplicitPolicy 0; inhibitAnyPolicy 0 above an anyPolicy CA.
subca "$h" ica-map ec:P-256 sha256 "$P/CN=Imza Test Mapping CA" root v3_ica_pol_map
leaf  "$h" pol-mapped ec:P-256 ica-map leaf_pol22 "$P/CN=Leaf with a Mapped Policy"
subca "$h" ica-inhibit-map ec:P-256 sha256 "$P/CN=Imza Test Mapping-Inhibiting CA" root v3_ica_pol_inhibit_map
subca "$h" ica-map-2 ec:P-256 sha256 "$P/CN=Imza Test Mapping CA 2" ica-inhibit-map v3_ica_pol_map
leaf  "$h" pol-map-inhibited ec:P-256 ica-map-2 leaf_pol22 "$P/CN=Leaf under an Inhibited Mapping"
cat_certs "$h/chain-map-inhibited.pem" "$h/ica-map-2.pem" "$h/ica-inhibit-map.pem"
subca "$h" ica-require-explicit ec:P-256 sha256 "$P/CN=Imza Test Explicit-Policy CA" root v3_ica_require_explicit
leaf  "$h" explicit-nopol ec:P-256 ica-require-explicit leaf_nopol  "$P/CN=Leaf without Policies"
leaf  "$h" explicit-pol   ec:P-256 ica-require-explicit leaf_signer "$P/CN=Leaf with a Policy"
subca "$h" ica-inhibit-any ec:P-256 sha256 "$P/CN=Imza Test AnyPolicy-Inhibiting CA" root v3_ica_inhibit_any
subca "$h" ica-any-2 ec:P-256 sha256 "$P/CN=Imza Test AnyPolicy CA" ica-inhibit-any v3_intermediate
leaf  "$h" pol-any-inhibited ec:P-256 ica-any-2 leaf_signer "$P/CN=Leaf under an Inhibited anyPolicy"
cat_certs "$h/chain-any-inhibited.pem" "$h/ica-any-2.pem" "$h/ica-inhibit-any.pem"

# ==== CRLs for every CA (except the extra ecdsa-p256 one written above) ====================
for ca in $(cd "$out" && find . -name openssl.cnf | sort); do
  d=$(dirname "$out/${ca#./}")
  base=$(dirname "$d")/$(basename "$d")
  [[ -e $base.crl.pem ]] || gencrl "$d" "$base" "$CRL_LAST" "$CRL_NEXT"
done

# ==== tidy =================================================================================
# newcerts/ copies and *.old backups are redundant; keep the (empty) newcerts/ directory so
# the configs stay usable for issuing.
find "$out" -path '*/newcerts/*' -type f -delete
find "$out" -name '*.old' -type f -delete
find "$out" -type d -name newcerts -exec touch {}/.gitkeep \;

echo "test PKI written to $out"
