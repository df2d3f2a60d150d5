#!/usr/bin/env bash
# Makes test-vectors/sample/: the signed document the README's first command verifies.
#
#   contract.txt   the content (a short trilingual text)
#   contract.p7m   CAdES-BASELINE-LT, attached, by pki/ecdsa-p256/signer with `imza sign`:
#                  a signature time-stamp from test-vectors/tsa/tsa-server.py (OpenSSL's TSA)
#                  and the CRLs of pki/ecdsa-p256 (valid until 2036), fetched from a loopback
#                  server at the certificates' distribution points (127.0.0.1:18090). The
#                  OCSP responder the certificates also name is not started: the CRLs are
#                  what is embedded, so the file verifies offline until the certificates
#                  expire (2035-01-01).
#
#   contract-t.p7m CAdES-BASELINE-T, attached, same signer and text, no validation data: the
#                  small signature of the C-versus-Rust benchmark (ffi/benches/overhead.rs).
#   revoked-t.p7m  CAdES-BASELINE-T, attached, over the same text by pki/ecdsa-p256/revoked
#                  (revoked by intermediate.crl before the time-stamp): with that CRL supplied,
#                  TOTAL_FAILED / REVOKED. For the same-answers table (ffi/tests/same_answers.rs).
#
# Needs: cargo, python3, openssl, free port 18090. Run from anywhere:
#   bash test-vectors/generate-sample.sh
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

cat > "$out/contract.txt" <<'TXT'
Müqavilə / Sözleşme / Contract No. 2026-001

The parties agree that this text was signed with imza's test signer and time-stamped.
Tərəflər bu mətnin imza ilə imzalandığını təsdiq edir.
TXT

cargo build -q --manifest-path "$root/Cargo.toml" -p imza-cli
"$root/target/debug/imza" sign "$out/contract.txt" --format cades --level LT \
  --key "$pki/signer.key" --cert "$pki/signer.pem" \
  --chain "$pki/intermediate.pem" --chain "$pki/root.pem" \
  --tsa "http://127.0.0.1:$tsa_port/" -o "$out/contract.p7m"
"$root/target/debug/imza" sign "$out/contract.txt" --format cades --level T \
  --key "$pki/signer.key" --cert "$pki/signer.pem" --chain "$pki/intermediate.pem" \
  --tsa "http://127.0.0.1:$tsa_port/" -o "$out/contract-t.p7m"
"$root/target/debug/imza" sign "$out/contract.txt" --format cades --level T \
  --key "$pki/revoked.key" --cert "$pki/revoked.pem" --chain "$pki/intermediate.pem" \
  --tsa "http://127.0.0.1:$tsa_port/" -o "$out/revoked-t.p7m"
# OpenSSL agrees the signature and the chain hold.
openssl cms -verify -binary -inform DER -in "$out/contract.p7m" -CAfile "$pki/root.pem" \
  -purpose any -out /dev/null
echo "generate-sample: wrote $out/contract.p7m"
