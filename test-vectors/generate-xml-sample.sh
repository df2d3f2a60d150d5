#!/usr/bin/env bash
# Makes the XAdES samples in test-vectors/sample/, for the same-answers table that every face
# of imza must answer alike (Rust, CLI, C ABI, Python, npm):
#
#   invoice.xml                  the XML document (namespaces, non-ASCII text, escapes)
#   invoice-xades-lt.xml         invoice.xml with an enveloped XAdES-BASELINE-LT by
#                                pki/ecdsa-p256/signer: a SignatureTimeStamp from
#                                test-vectors/tsa/tsa-server.py (OpenSSL's TSA) and the CRLs of
#                                pki/ecdsa-p256 fetched from a loopback server at the
#                                certificates' distribution points (127.0.0.1:18090), so it
#                                verifies offline until the certificates expire (2035-01-01)
#   invoice-xades-tampered.xml   the same with one character of the invoice changed
#   contract-xades.xml           a detached XAdES-BASELINE-B over contract.txt
#
# Needs: cargo, python3, curl, free port 18090. Run from anywhere:
#   bash test-vectors/generate-xml-sample.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pki="$root/test-vectors/pki/ecdsa-p256"
out="$root/test-vectors/sample"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$out" "$work/crl"
cp "$pki/intermediate.crl" "$work/crl/ecdsa-p256.crl"
cp "$pki/root.crl" "$work/crl/ecdsa-p256-root.crl"
(cd "$work/crl" && exec python3 -m http.server 18090 --bind 127.0.0.1 >"$work/crl.log" 2>&1) &
pids+=($!)
mkfifo "$work/tsa.out"
python3 "$root/test-vectors/tsa/tsa-server.py" --port 0 --cert "$pki/tsa.pem" \
  --key "$pki/tsa.key" --chain "$pki/intermediate.pem" >"$work/tsa.out" &
pids+=($!)
read -r _ tsa_port <"$work/tsa.out"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:18090/" && break; sleep 0.1; done

cat > "$out/invoice.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<inv:Invoice xmlns:inv="urn:example:invoice" xmlns="urn:example:common" id="INV-2026-001">
  <inv:Seller>Şirkət MMC / Şirket A.Ş.</inv:Seller>
  <inv:Line qty="2" unit="pcs">Cable &amp; connector &lt;5 m&gt;</inv:Line>
  <Total currency="AZN">120.50</Total>
</inv:Invoice>
XML

cargo build -q --manifest-path "$root/Cargo.toml" -p imza-cli
imza="${CARGO_TARGET_DIR:-$root/target}/debug/imza"
"$imza" sign "$out/invoice.xml" --format xades --level LT \
  --key "$pki/signer.key" --cert "$pki/signer.pem" \
  --chain "$pki/intermediate.pem" --chain "$pki/root.pem" \
  --tsa "http://127.0.0.1:$tsa_port/" -o "$out/invoice-xades-lt.xml"
sed 's/120\.50/920.50/' "$out/invoice-xades-lt.xml" > "$out/invoice-xades-tampered.xml"
cmp -s "$out/invoice-xades-lt.xml" "$out/invoice-xades-tampered.xml" && {
  echo "generate-xml-sample: the tampering changed nothing" >&2
  exit 1
}
"$imza" sign "$out/contract.txt" --format xades --detached \
  --key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/intermediate.pem" \
  -o "$out/contract-xades.xml"
"$imza" verify "$out/invoice-xades-lt.xml" --trust "$pki/root.pem" --offline
echo "generate-xml-sample: wrote $out/invoice-xades-lt.xml, invoice-xades-tampered.xml, contract-xades.xml"
