#!/usr/bin/env bash
# Verifies FILE with one real peer implementation.
#
#   verify.sh PEER FILE [--ca ROOT_PEM] [--untrusted INTERMEDIATES_PEM] [--cert SIGNER_PEM]
#
# PEER: xmlsec1 | signxml | xadesjs | pyasice. FILE: a signed .xml (enveloped XMLDSig or XAdES)
# or an ASiC-E .asice container (pyasice, and xmlsec1 on the signature XML inside).
# Exit 0: the peer accepts. 1: it rejects. 2: usage error, tool missing or the tool itself failed.
# The peer's own message is printed (stdout/stderr).
#
# Trust, per peer:
#   --ca ROOT_PEM      trust anchor; --untrusted adds intermediates that FILE may not carry.
#     xmlsec1: --trusted-pem ROOT [--untrusted-pem PEM]; OpenSSL path validation by xmlsec.
#     signxml: ca_pem_file=ROOT (+ the --untrusted certificates, which signxml can only take as
#              extra trust anchors); path validation by cryptography's X.509 verifier.
#     xadesjs: has no path validation; the harness (node:crypto X509Certificate) checks
#              leaf -> intermediates -> ROOT before xadesjs verifies with the leaf's key.
#     pyasice: has no path validation (it relies on its OCSP step); the harness runs openssl verify.
#   --cert SIGNER_PEM  trust exactly this certificate's key, ignoring KeyInfo for trust
#     (xmlsec1 --pubkey-cert-pem with KeyInfo key data disabled; signxml x509_cert=; xadesjs
#     Verify(key); pyasice: the embedded certificate must equal SIGNER_PEM).
# Without --ca or --cert the test PKI is not guessed: usage error.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${IMZA_PEERS:-$repo/target/peers}

usage() { echo "usage: verify.sh xmlsec1|signxml|xadesjs|pyasice FILE [--ca ROOT_PEM] [--untrusted PEM] [--cert SIGNER_PEM]" >&2; exit 2; }
[ $# -ge 2 ] || usage
peer=$1 file=$2
shift 2
ca= untrusted= cert=
while [ $# -gt 0 ]; do
  case $1 in
    --ca) ca=${2:?}; shift 2 ;;
    --untrusted) untrusted=${2:?}; shift 2 ;;
    --cert) cert=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[ -f "$file" ] || { echo "verify.sh: no such file: $file" >&2; exit 2; }
[ -n "$ca$cert" ] || { echo "verify.sh: give --ca ROOT_PEM or --cert SIGNER_PEM" >&2; exit 2; }
for f in $ca $untrusted $cert; do [ -f "$f" ] || { echo "verify.sh: no such file: $f" >&2; exit 2; }; done
case $file in *.asice) asice=1 ;; *) asice=0 ;; esac

# Runs a tool; exit 0/1 pass through, anything else becomes 2 (tool error).
run() {
  "$@"
  local rc=$?
  case $rc in 0 | 1) return $rc ;; *) echo "verify.sh: $1 failed with exit $rc (tool error)" >&2; exit 2 ;; esac
}
need() { [ -x "$1" ] || command -v "$1" >/dev/null 2>&1 || { echo "verify.sh: $1 missing; run interop/xml/setup.sh" >&2; exit 2; }; }

trust_args=()
case $peer in
  xmlsec1)
    need xmlsec1
    if [ -n "$cert" ]; then
      # Only the given key: key-name disables X509Data/KeyValue from KeyInfo.
      trust_args=(--pubkey-cert-pem "$cert" --enabled-key-data key-name)
    else
      trust_args=(--trusted-pem "$ca")
      [ -n "$untrusted" ] && trust_args+=(--untrusted-pem "$untrusted")
    fi
    if [ "$asice" = 0 ]; then
      # Same-document references only (URI="" or #id); xmlsec1 exits 1 for bad signatures and
      # for errors alike, so exit 1 here also covers malformed input.
      run xmlsec1 --verify --enabled-reference-uris empty,same-doc "${trust_args[@]}" "$file"
      exit $?
    fi
    # ASiC-E: verify each META-INF/*signatures*.xml, mapping the data-file URIs to the extracted files.
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && unzip -q "$(cd "$(dirname "$file")" && pwd)/$(basename "$file")") || { echo "verify.sh: not a zip: $file" >&2; exit 1; }
    maps=()
    while IFS= read -r -d '' f; do
      rel=${f#"$tmp"/}
      maps+=("--url-map:$rel" "$f")
    done < <(find "$tmp" -type f ! -path "$tmp/META-INF/*" ! -name mimetype -print0)
    n=0
    for sig in "$tmp"/META-INF/*signatures*.xml; do
      [ -f "$sig" ] || continue
      echo "== $(basename "$sig")"
      # xmlsec1 classes a relative URI such as "hello.txt" as "remote"; --url-map serves each
      # one from the extracted file (nothing is fetched: there is no network).
      run xmlsec1 --verify --enabled-reference-uris empty,same-doc,local,remote "${maps[@]}" "${trust_args[@]}" "$sig" || exit 1
      n=$((n + 1))
    done
    [ $n -gt 0 ] || { echo "xmlsec1: no META-INF/*signatures*.xml in $file" >&2; exit 1; }
    exit 0
    ;;
  signxml)
    need "$peers/venv/bin/python"
    [ "$asice" = 0 ] || { echo "verify.sh: signxml: ASiC-E not supported by this harness" >&2; exit 2; }
    kind=xmldsig-enveloped
    grep -q 'QualifyingProperties' "$file" && kind=xades-enveloped
    args=()
    [ -n "$ca" ] && args+=(--ca "$ca")
    [ -n "$untrusted" ] && args+=(--untrusted "$untrusted")
    [ -n "$cert" ] && args=(--cert "$cert")
    echo "signxml: verifying as $kind ($([ $kind = xades-enveloped ] && echo XAdESVerifier || echo XMLVerifier))"
    run "$peers/venv/bin/python" "$here/python/signxml_tool.py" verify "$kind" "$file" "${args[@]}"
    ;;
  xadesjs)
    need node
    [ -d "$peers/node/node_modules/xadesjs" ] || { echo "verify.sh: xadesjs missing; run interop/xml/setup.sh" >&2; exit 2; }
    [ "$asice" = 0 ] || { echo "verify.sh: xadesjs: ASiC-E not supported by this harness" >&2; exit 2; }
    args=()
    [ -n "$ca" ] && args+=(--ca "$ca")
    [ -n "$untrusted" ] && args+=(--untrusted "$untrusted")
    [ -n "$cert" ] && args=(--cert "$cert")
    IMZA_PEERS_NODE="$peers/node" run node "$here/node/xadesjs_tool.mjs" verify "$file" "${args[@]}"
    ;;
  pyasice)
    need "$peers/venv-pyasice/bin/python"
    [ "$asice" = 1 ] || { echo "verify.sh: pyasice verifies ASiC-E containers (.asice) only" >&2; exit 2; }
    args=()
    [ -n "$ca" ] && args+=(--ca "$ca")
    [ -n "$untrusted" ] && args+=(--untrusted "$untrusted")
    [ -n "$cert" ] && args=(--cert "$cert")
    run "$peers/venv-pyasice/bin/python" "$here/python/pyasice_tool.py" verify "$file" "${args[@]}"
    ;;
  *) usage ;;
esac
