#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 30), seeded from test-vectors/.
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Usage: bash fuzz/run.sh [SECONDS]
set -euo pipefail
secs=${1:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"
seed() { # target, files...
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}
seed cert_show "$root"/test-vectors/certs/*.pem "$root"/test-vectors/certs/*.der
mkdir -p corpus/verify
seed crl "$root"/test-vectors/pki/*/*.crl
# JWS/JWT: checked-in tokens (ES256 with test-vectors/certs/p256.key, HS256 with the fuzz
# target's secret: compact, flattened, b64=false, detached) and raw claims; fresh ES256 tokens
# from the CLI when it builds; the RFC 7520 / 7797 / 8037 examples (compact, flattened and
# general JSON) from the shared vectors
# (IMZA_SHARED_VECTORS, default ../shared/test-vectors from the workspace root) when there.
seed jws_parse "$root"/fuzz/seeds/jws_parse/*
for extra in '{"nonce":"n-0S6_WzA2Mj","azp":"portal"}' '{"roles":["a","b"],"amr":[{"x":1.5}]}'; do
  (cd "$root" && printf '%s' "$extra" | cargo run -q -p imza-cli -- token issue \
    --key test-vectors/certs/p256.key --iss https://login.example.ee --aud portal --claims - \
    2>/dev/null | tr -d '\n' > "$root/fuzz/corpus/jws_parse/cli-$(printf '%s' "$extra" | cksum | cut -d' ' -f1).jwt") \
    || rm -f "$root/fuzz/corpus/jws_parse/cli-"*.jwt
done
find corpus/jws_parse -type f -empty -delete
jose=${IMZA_SHARED_VECTORS:-../shared/test-vectors}/jose
case "$jose" in /*) ;; *) jose="$root/$jose" ;; esac
if [ -d "$jose" ] && command -v python3 >/dev/null; then
  python3 - "$jose" corpus/jws_parse <<'PY'
import json, pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for f in sorted(src.glob("*/*.json")):
    try:
        o = json.loads(f.read_text()).get("output") or {}
    except (ValueError, AttributeError):
        continue
    for form in ("compact", "json_flat", "json"):
        v = o.get(form)
        if v:
            data = v if isinstance(v, str) else json.dumps(v)
            (out / f"{f.stem}.{form}").write_text(data)
PY
fi
seed jwk_parse "$root"/fuzz/seeds/jwk_parse/* "$jose"/jwk/*.json
mkdir -p corpus/ocsp_response
# OCSP responses: made by openssl from the test PKI's CA database, when openssl is here.
if command -v openssl >/dev/null; then
  p256="$root/test-vectors/pki/ecdsa-p256"
  for leaf in signer revoked not-in-index; do
    openssl ocsp -index "$p256/intermediate/index.txt" -CA "$p256/intermediate.pem" \
      -rsigner "$p256/ocsp-responder.pem" -rkey "$p256/ocsp-responder.key" \
      -issuer "$p256/intermediate.pem" -cert "$p256/$leaf.pem" \
      -respout "corpus/ocsp_response/$leaf.der" >/dev/null 2>&1 || true
  done
fi
# Web eID tokens: the shared vectors' tokens (IMZA_SHARED_VECTORS, default
# ../shared/test-vectors from the workspace root), when they and python3 are here.
mkdir -p corpus/webeid_token
shared=${IMZA_SHARED_VECTORS:-../shared/test-vectors}
case "$shared" in /*) ;; *) shared="$root/$shared" ;; esac
if command -v python3 >/dev/null && [ -f "$shared/webeid/webeid-test-tokens.json" ]; then
  python3 - "$shared/webeid/webeid-test-tokens.json" corpus/webeid_token <<'PY'
import json, sys
for v in json.load(open(sys.argv[1]))["vectors"]:
    with open(f"{sys.argv[2]}/{v['id']}.json", "w") as f:
        f.write(json.dumps(v["token"], separators=(",", ":")))
PY
fi
# CMS / CAdES: the OpenSSL-made fixtures (test-vectors/cms: attached, detached, BER, PEM,
# CAdES-B-T, RFC 3161 token and reply) and the DSS CAdES files from the shared vectors
# (IMZA_SHARED_VECTORS, default ../shared/test-vectors from the workspace root) when there.
cades=$shared/docsig/cades
cms_seeds=("$root"/test-vectors/cms/*.p7m "$root"/test-vectors/cms/*.p7s "$root"/test-vectors/cms/*.der
  "$cades"/*.p7m "$cades"/*.p7s "$cades"/*.pkcs7)
seed cms_signed_data "${cms_seeds[@]}"
seed cades_verify "${cms_seeds[@]}" "$root"/test-vectors/cms/*.pem
seed timestamp_token "$root"/test-vectors/cms/ts-token.der "$root"/test-vectors/cms/ts-reply.tsr
# Card answers: a PIV card's answers to SELECT and the two certificate objects, and an eID
# card's file control information and certificate chunks, built from the test PKI.
mkdir -p corpus/card_response
python3 - "$root/test-vectors/pki" corpus/card_response <<'PY' || true
import pathlib, sys
pki, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def tlv(t, v):
    n = len(v)
    l = bytes([n]) if n < 0x80 else (bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xff]))
    return bytes([t]) + l + v
ok, sep = b"\x90\x00", b"\xff\xfe"
login = (pki / "ecdsa-p256/login.der").read_bytes()
signer = (pki / "ecdsa-p256/signer.der").read_bytes()
obj = lambda c: tlv(0x53, tlv(0x70, c) + tlv(0x71, b"\x00")) + ok
piv = [ok, obj(login), obj(signer), ok, b"\x63\xc3", ok, tlv(0x7c, tlv(0x82, b"\x30\x06\x02\x01\x01\x02\x01\x01")) + ok]
(out / "piv").write_bytes(sep.join(piv))
fci = tlv(0x62, tlv(0x80, len(signer).to_bytes(2, "big"))) + ok
chunks = [signer[i:i + 0xC0] + ok for i in range(0, len(signer), 0xC0)]
(out / "eid").write_bytes(sep.join([ok, ok, fci] + chunks))
(out / "chained").write_bytes(sep.join([b"\x01\x02\x61\x05", b"\x03\x6c\x02", ok]))
PY
# Mobile-ID / Smart-ID answers: JSON bodies of each kind (built from the test people) and a
# whole session split at 0xFF.
seed mobile_response "$root"/fuzz/seeds/mobile_response/*
# XML: the C14N inputs (the W3C examples and the hand-made cases) and the parser attacks
# from test-vectors/xml (the large ones are cut at -max_len, still past the depth and
# attribute limits). XMLDSig/XAdES: checked-in XAdES B-B signatures made by `imza sign
# --format xades` with the test PKI (P-256, RSA and RSA-PSS enveloped in a small document;
# P-256 detached over a file `hello` holding `hello`, the target's detached content), and
# the DSS XAdES samples from the shared vectors when there (LGPL-2.1: a local corpus only,
# never copied into the repository).
xml_seeds=("$root"/test-vectors/xml/c14n/w3c/*.xml "$root"/test-vectors/xml/c14n/extra/*.xml
  "$root"/test-vectors/xml/attacks/*.xml "$root"/fuzz/seeds/xmldsig_verify/*)
seed xml_c14n "${xml_seeds[@]}"
seed xmldsig_verify "$root"/fuzz/seeds/xmldsig_verify/* \
  "$shared"/docsig/xades/dss-signed.xml "$shared"/docsig/xades/dss2011-xades-detached.xml
# Containers: the DSS ASiC-E, BDOC and ASiC-S files from the shared vectors (a local corpus
# only: LGPL-2.1, never copied into the repository).
seed asic_container "$shared"/docsig/asice/*.asice "$shared"/docsig/asice/*.bdoc \
  "$shared"/docsig/asics/*.asics "$root"/fuzz/seeds/asic_container/*
# PDFs: the DSS PAdES samples and attack files (local corpus only, as above).
seed pdf_reader "$shared"/docsig/pades/*.pdf "$shared"/docsig/attacks/pdf/*.pdf \
  "$root"/test-vectors/pdf/*.pdf
seed pdf_update "$root"/test-vectors/pdf/*.pdf "$root"/fuzz/seeds/pdf_update/* "$shared"/docsig/pades/*.pdf
targets=$(cargo +nightly fuzz list)
for t in $targets; do
  echo "== fuzz $t for ${secs}s"
  # -max_len: certificates are at most a few KB, CMS with embedded chains and revocation
  # data (the DSS seeds) a few tens of KB; -rss_limit: catch memory blow-ups.
  case "$t" in
    cms_signed_data|cades_verify|timestamp_token) max_len=81920 ;;
    *) max_len=16384 ;;
  esac
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len="$max_len" \
    -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Done)" || true
  if [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then
    echo "fuzz $t: FAILED, crash artifacts in fuzz/artifacts/$t" >&2
    exit 1
  fi
  echo "fuzz $t: ok"
done
