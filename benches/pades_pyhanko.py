#!/usr/bin/env python3
"""pyHanko's side of benches/pades_verify.sh (run with the pyHanko venv's python).

    pades_pyhanko.py sign PKI IN OUT N     N successive approval signatures (PAdES,
                                           ETSI.CAdES.detached, SHA-256), each an incremental
                                           update in a new signature field Sig1..SigN that
                                           pyHanko creates on page 1 (visible, a small box
                                           each); PKI holds signer.key, signer.pem,
                                           intermediate.pem
    pades_pyhanko.py validate PKI FILE     validate_pdf_signature for every signature of FILE
                                           with root.pem trusted and intermediate.pem as
                                           other certificates, no revocation fetching; prints
                                           one line per signature; exit 1 unless there is at
                                           least one and all are valid, intact, trusted and
                                           DocMDP-ok (the bottom line)
    pades_pyhanko.py imports               import what `validate` imports, then exit (the
                                           interpreter's and the imports' start-up cost)
"""
import os
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def sign(pki, src, dst, n):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load(
        os.path.join(pki, "signer.key"), os.path.join(pki, "signer.pem"),
        ca_chain_files=(os.path.join(pki, "intermediate.pem"),))
    if signer is None:
        sys.exit("pades_pyhanko.py: could not load the signer's key or certificate")
    cur = src
    for i in range(1, n + 1):
        out = dst if i == n else f"{dst}.{i}.tmp"
        x, y = 40 + 180 * ((i - 1) % 3), 40 + 50 * ((i - 1) // 3)
        with open(cur, "rb") as inf, open(out, "wb") as outf:
            w = IncrementalPdfFileWriter(inf, strict=True)
            meta = signers.PdfSignatureMetadata(
                field_name=f"Sig{i}", md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES, reason=f"approval {i}")
            signers.sign_pdf(
                w, meta, signer=signer, output=outf,
                new_field_spec=fields.SigFieldSpec(f"Sig{i}", on_page=0, box=(x, y, x + 170, y + 45)))
        if cur != src:
            os.remove(cur)
        cur = out


def validate(pki, path):
    vc_args = dict(
        trust_roots=[load_cert_from_pemder(os.path.join(pki, "root.pem"))],
        other_certs=[load_cert_from_pemder(os.path.join(pki, "intermediate.pem"))],
        allow_fetching=False, revocation_mode="soft-fail")
    ok = True
    with open(path, "rb") as f:
        r = PdfFileReader(f, strict=True)
        sigs = r.embedded_signatures
        if not sigs:
            print(f"{path}: no signatures")
            return 1
        for sig in sigs:
            status = validate_pdf_signature(sig, ValidationContext(**vc_args))
            good = status.bottom_line
            ok = ok and good
            print(f"{sig.field_name}: {'VALID' if good else 'NOT VALID'} "
                  f"({status.summary()}; modification {status.modification_level})")
    return 0 if ok else 1


def main():
    a = sys.argv[1:]
    if a[:1] == ["sign"] and len(a) == 5:
        sign(a[1], a[2], a[3], int(a[4]))
    elif a[:1] == ["validate"] and len(a) == 3:
        sys.exit(validate(a[1], a[2]))
    elif a == ["imports"]:
        pass
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
