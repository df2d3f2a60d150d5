#!/usr/bin/env bash
# Makes signed files with each peer, for imza to verify, and OUTDIR/manifest.json describing them.
#
#   sign.sh OUTDIR
#
# Inputs (written to OUTDIR/input/): document.xml (a small namespaced document with non-ASCII
# text) and hello.txt. Keys: test-vectors/pki/rsa/signer.{key,pem} and
# test-vectors/pki/ecdsa-p256/signer.{key,pem}; the signer certificate and its intermediate go
# into X509Data. Files are named <peer>-<kind>-<alg>[-<variant>].xml|.asice.
# Needs setup.sh to have run. Exits non-zero on the first failure.
# IMZA_SIGN_PEERS (default "xmlsec1 signxml xadesjs pyasice") picks which peers sign; the
# manifest then lists only their files (imza-verifies.sh uses it to skip a peer that is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${IMZA_PEERS:-$repo/target/peers}
[ $# -eq 1 ] || { echo "usage: sign.sh OUTDIR" >&2; exit 2; }
out=$1
mkdir -p "$out/input"
out=$(cd "$out" && pwd)
pki=test-vectors/pki # paths in the manifest are relative to the repository root
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
entries=$tmp/entries.tsv
: >"$entries"

printf '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:imza:interop"><Title>Interop test</Title><Item n="1">Salam, dünya</Item><Item n="2">a &amp; b &lt; c</Item></Document>\n' >"$out/input/document.xml"
printf 'Salam, dünya\n' >"$out/input/hello.txt"
doc=$out/input/document.xml

sign_peers=" ${IMZA_SIGN_PEERS:-xmlsec1 signxml xadesjs pyasice} "
signs() { [[ $sign_peers == *" $1 "* ]]; }

declare -A dir=([rsa]=rsa [ecdsa]=ecdsa-p256) uri=([rsa]=rsa-sha256 [ecdsa]=ecdsa-sha256)
for alg in rsa ecdsa; do
  cat "$repo/$pki/${dir[$alg]}/signer.pem" "$repo/$pki/${dir[$alg]}/intermediate.pem" >"$tmp/$alg-certs.pem"
done

# record FILE PEER KIND ALG [CONTAINED_FILES...]
record() {
  local f=$1 peer=$2 kind=$3 alg=$4
  shift 4
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$peer" "$kind" "${uri[$alg]}" "$pki/${dir[$alg]}" "$*" >>"$entries"
  echo "signed: $f"
}

# xmlsec1: enveloped XMLDSig from a template (exclusive c14n, X509Data filled in by xmlsec1).
if signs xmlsec1; then
  for alg in rsa ecdsa; do
    f=xmlsec1-xmldsig-enveloped-$alg.xml
    sig='<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#'${uri[$alg]}'"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>'
    sed "s|</Document>|$sig</Document>|" "$doc" >"$tmp/template.xml" # sig has no "|" or "&"
    xmlsec1 --sign --privkey-pem "$repo/$pki/${dir[$alg]}/signer.key,$repo/$pki/${dir[$alg]}/signer.pem,$repo/$pki/${dir[$alg]}/intermediate.pem" \
      --output "$out/$f" "$tmp/template.xml"
    record "$f" xmlsec1 xmldsig-enveloped $alg
  done
fi

# signxml: enveloped XMLDSig and XAdES (inclusive C14N 1.0; see python/signxml_tool.py).
if signs signxml; then
  for kind in xmldsig-enveloped xades-enveloped; do
    for alg in rsa ecdsa; do
      f=signxml-$kind-$alg.xml
      "$peers/venv/bin/python" "$here/python/signxml_tool.py" sign $kind ${uri[$alg]} "$doc" \
        "$repo/$pki/${dir[$alg]}/signer.key" "$tmp/$alg-certs.pem" "$out/$f"
      record "$f" signxml $kind $alg
    done
  done
fi

# xadesjs: XAdES-BES enveloped.
if signs xadesjs; then
  for alg in rsa ecdsa; do
    f=xadesjs-xades-enveloped-$alg.xml
    IMZA_PEERS_NODE="$peers/node" node "$here/node/xadesjs_tool.mjs" sign ${uri[$alg]} "$doc" \
      "$repo/$pki/${dir[$alg]}/signer.key" "$tmp/$alg-certs.pem" "$out/$f"
    record "$f" xadesjs xades-enveloped $alg
  done
fi

# pyasice: ASiC-E with one and with two data files (B-level; see python/pyasice_tool.py).
if signs pyasice; then
  for alg in rsa ecdsa; do
    f=pyasice-asice-xades-$alg.asice
    "$peers/venv-pyasice/bin/python" "$here/python/pyasice_tool.py" sign "$repo/$pki/${dir[$alg]}/signer.key" \
      "$repo/$pki/${dir[$alg]}/signer.pem" "$out/$f" "$out/input/hello.txt" >/dev/null
    record "$f" pyasice asice-xades $alg hello.txt
    f=pyasice-asice-xades-$alg-2files.asice
    "$peers/venv-pyasice/bin/python" "$here/python/pyasice_tool.py" sign "$repo/$pki/${dir[$alg]}/signer.key" \
      "$repo/$pki/${dir[$alg]}/signer.pem" "$out/$f" "$out/input/hello.txt" "$out/input/document.xml" >/dev/null
    record "$f" pyasice asice-xades $alg hello.txt document.xml
  done
fi

python3 - "$entries" "$out/manifest.json" <<'PY'
import json, sys
files = []
for line in open(sys.argv[1], encoding="utf-8"):
    f, peer, kind, alg, d, contained = line.rstrip("\n").split("\t")
    e = {"file": f, "peer": peer, "kind": kind, "algorithm": alg,
         "signer_cert": d + "/signer.pem", "intermediate": d + "/intermediate.pem", "root": d + "/root.pem"}
    if kind == "asice-xades":
        e["contained_files"] = contained.split(" ")
    files.append(e)
doc = {"note": "certificate paths are relative to the imza repository root; inputs are in input/",
       "inputs": {"xml": "input/document.xml", "data": "input/hello.txt"}, "files": files}
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")
PY
echo "wrote $out/manifest.json ($(wc -l <"$entries") files)"
