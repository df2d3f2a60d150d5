#!/usr/bin/env bash
# Generates the Mobile-ID / Smart-ID test people under test-vectors/mobile/ with the OpenSSL
# command line (written against OpenSSL 3.0.x). The loopback server that plays both services
# with these people is test-vectors/mobile-server/mobile_server.py.
#
# Person certificates are issued by the EXISTING checked-in test PKI, which is only read:
#   Mobile-ID people: EC P-256 keys  <- test-vectors/pki/ecdsa-p256/intermediate (SHA-256)
#   Smart-ID people:  RSA 2048 keys  <- test-vectors/pki/rsa/intermediate        (SHA-256)
# The "untrusted" people are issued by untrusted-ca (self-signed P-256, not part of the PKI).
# openssl ca runs against throw-away databases in a temp directory, so the PKI's own
# index.txt/serial files are never touched.
#
# Serial numbers (global counter from 0x4001, in generation order), names and validity dates
# (2025-01-01T00:00:00Z .. 2035-01-01T00:00:00Z; untrusted-ca 2020-01-01 .. 2050-01-01) are
# fixed; only key material (and so signatures, SKI/AKI, fingerprints) changes per run.
#
# Re-runnable: wipes test-vectors/mobile/ (except the hand-written README.md) and recreates it.
#
# Usage: bash test-vectors/generate-mobile.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/mobile
pki=$here/pki
mkdir -p "$out"
find "$out" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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

CA_START=20200101000000Z;   CA_END=20500101000000Z
LEAF_START=20250101000000Z; LEAF_END=20350101000000Z
serial=$((0x4001))

genkey() { # out.key ec|rsa -> PKCS#8 PEM, unencrypted
  case $2 in
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
          -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ;;
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
  esac
}

# new_ca NAME CERT KEY: a temporary openssl ca database in $work/NAME issuing with CERT/KEY
new_ca() {
  local d=$work/$1
  mkdir -p "$d/newcerts"
  : > "$d/index.txt"
  echo "unique_subject = no" > "$d/index.txt.attr"   # sign and auth certs share the subject
  cat > "$d/openssl.cnf" <<EOF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
certificate = $2
private_key = $3
default_md = sha256
policy = policy_any
preserve = yes
email_in_dn = no
unique_subject = no
copy_extensions = none
string_mask = utf8only
[ policy_any ]
countryName = optional
organizationName = optional
serialNumber = optional
givenName = optional
surname = optional
commonName = supplied

[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

# qualified-signature certificate of a mobile-ID person
[ person_sign ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, nonRepudiation
certificatePolicies = 1.3.6.1.4.1.51361.1.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# authentication certificate of a mobile-ID person
[ person_auth ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
certificatePolicies = 1.3.6.1.4.1.51361.1.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

# issue CA OUT_BASE SUBJECT PROFILE START END [extra openssl ca args]: OUT_BASE.key must exist
issue() {
  local ca=$1 base=$2 subj=$3 prof=$4 start=$5 end=$6; shift 6
  local csr=$work/$(basename "$base").csr
  openssl req -new -utf8 -key "$base.key" -subj "$subj" -out "$csr"
  printf '%04X\n' "$serial" > "$work/$ca/serial"
  serial=$((serial + 1))
  (cd "$work/$ca" && openssl ca -config openssl.cnf -batch -notext -in "$csr" -out "$base.pem" \
     -extensions "$prof" -startdate "$start" -enddate "$end" "$@" 2>"$work/ca.log") \
     || { cat "$work/ca.log" >&2; exit 1; }
  openssl x509 -in "$base.pem" -outform DER -out "$base.der"
}

# ==== CAs and unrelated keys ===============================================================
new_ca p256 "$pki/ecdsa-p256/intermediate.pem" "$pki/ecdsa-p256/intermediate.key"
new_ca rsa "$pki/rsa/intermediate.pem" "$pki/rsa/intermediate.key"
new_ca untrusted "$out/untrusted-ca.pem" "$out/untrusted-ca.key"
genkey "$out/untrusted-ca.key" ec
issue untrusted "$out/untrusted-ca" "/C=EE/O=Imza Test/CN=Imza Untrusted Mobile CA" v3_root \
  "$CA_START" "$CA_END" -selfsign
genkey "$out/other-ec.key" ec
genkey "$out/other-rsa.key" rsa

# ==== people ===============================================================================
# id phone behaviour (the Smart-ID-only people have no Mobile-ID twin; their phone is unused)
PEOPLE="
60001019906 +37200000766 confirm
60001019917 +37200000767 cancel
60001019928 +37200000768 never
60001019939 +37200000769 none
60001019940 +37200000770 absent
60001019951 +37200000771 delivery
60001019962 +37200000772 sim
60001019973 +37200000773 hashmismatch
60001019984 +37200000774 slow
60001019995 +37200000775 flaky
60001020009 +37200000776 garbage
60001020010 +37200000777 wrongkey
60001020021 +37200000778 untrusted
60001020032 +37200000779 impatient
60001020043 +37200000780 always500
60001020054 +37200000781 badrequest
60001020065 +37200000782 wrongvc
60001020076 +37200000783 refusedpin
60001020087 +37200000784 unusable
60001020098 +37200000785 nosuitable
60001020102 +37200000786 viewapp
60001020113 +37200000787 maintenance
"
SID_ONLY=" wrongvc refusedpin unusable nosuitable viewapp maintenance "

json=$work/people.json
first=1
echo "[" > "$json"
for provider in mid sid; do
  if [[ $provider == mid ]]; then ktype=ec; ca=p256; other=other-ec.key
  else ktype=rsa; ca=rsa; other=other-rsa.key; fi
  while read -r id phone behaviour; do
    [[ -z $id ]] && continue
    [[ $provider == mid && $SID_ONLY == *" $behaviour "* ]] && continue
    given=${behaviour^^}; surname=TESTNUMBER
    if [[ $behaviour == confirm ]]; then given="MARY ÄNN"; surname="O’CONNEŽ-ŠUSLIK TESTNUMBER"; fi
    issuer=$ca; [[ $behaviour == untrusted ]] && issuer=untrusted
    subj="/C=EE/O=Imza Test/serialNumber=PNOEE-$id/GN=$given/SN=$surname/CN=$surname,$given,$id"
    for use in sign auth; do
      base=$out/$provider-$behaviour-$use
      genkey "$base.key" "$ktype"
      issue "$issuer" "$base" "$subj" "person_$use" "$LEAF_START" "$LEAF_END"
    done
    sign_with=$provider-$behaviour-sign.key; auth_with=$provider-$behaviour-auth.key
    [[ $behaviour == wrongkey ]] && { sign_with=$other; auth_with=$other; }
    [[ $first == 1 ]] && first=0 || echo "," >> "$json"
    printf '  {"id": "%s", "phone": "%s", "given": "%s", "surname": "%s", "behaviour": "%s", "provider": "%s",\n' \
      "$id" "$phone" "$given" "$surname" "$behaviour" "$provider" >> "$json"
    printf '   "sign_cert": "%s", "sign_key": "%s", "auth_cert": "%s", "auth_key": "%s",\n' \
      "$provider-$behaviour-sign.pem" "$provider-$behaviour-sign.key" \
      "$provider-$behaviour-auth.pem" "$provider-$behaviour-auth.key" >> "$json"
    printf '   "sign_with": "%s", "auth_with": "%s"}' "$sign_with" "$auth_with" >> "$json"
  done <<< "$PEOPLE"
done
printf '\n]\n' >> "$json"
mv "$json" "$out/people.json"

# ==== sanity: chains ========================================================================
for f in "$out"/mid-*-sign.pem "$out"/mid-*-auth.pem "$out"/sid-*-sign.pem "$out"/sid-*-auth.pem; do
  case $f in
    *-untrusted-*) root=$out/untrusted-ca.pem; inter=() ;;
    */mid-*) root=$pki/ecdsa-p256/root.pem; inter=(-untrusted "$pki/ecdsa-p256/intermediate.pem") ;;
    *) root=$pki/rsa/root.pem; inter=(-untrusted "$pki/rsa/intermediate.pem") ;;
  esac
  openssl verify -attime 1798761600 -CAfile "$root" "${inter[@]}" "$f" > /dev/null \
    || { echo "chain check failed for $f" >&2; exit 1; }
done
echo "mobile-ID test people written to $out ($((serial - 0x4001)) certificates, serials 4001-$(printf '%04X' $((serial - 1))))"
