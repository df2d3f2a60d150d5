#!/usr/bin/env python3
"""pyHanko as the peer of imza for PDF signatures (run with target/peers/venv-pyhanko/bin/python).

    pyhanko_peer.py sign IN.pdf OUT.pdf --key K --cert C --chain I [--tsa URL]
                         [--certify 1|2|3] [--field NAME] [--lock-field NAME]
        PAdES baseline signature (/SubFilter ETSI.CAdES.detached, SHA-256, invisible field
        added by incremental update): B-B, or B-T with --tsa (a signature time-stamp from
        the RFC 3161 server at URL). --certify P makes it a certification signature (DocMDP
        transform with /P P) instead of an approval signature. --lock-field NAME locks the
        form field NAME with a FieldMDP transform (/Action /Include).

    pyhanko_peer.py fill IN.pdf OUT.pdf --field NAME --value TEXT
        Fills the text field NAME in an incremental update, the way a form filler does it:
        the field's /V and a new normal appearance stream (/AP /N pointing to a new stream
        object; the old stream is left alone). Nothing else is touched.

    pyhanko_peer.py validate FILE.pdf --trust ROOT [--other-certs I]... [--level B|T]
                         [--modification none|form_filling]... [--signatures N]
        Validates every signature in FILE with pyHanko's validate_pdf_signature (revocation
        not checked: the test PKI's OCSP/CRL services do not run here; no fetching) and
        prints one JSON object per signature. Exit 0 when there are N signatures (default 1)
        and each is accepted: bottom_line, intact, valid and trusted, docmdp_ok, the
        modification level after it as given (the n-th --modification for the n-th signature
        in pyHanko's order, oldest first; "none" where not given, which also needs coverage of
        the entire file), and for --level T a signature time-stamp that is itself intact,
        valid and trusted (for --level B: no time-stamp). Exit 1 when pyHanko rejects a signature or one of
        these checks fails (each failure printed on stderr), exit 3 on a file pyHanko cannot
        read at all (also a rejection, told apart in the logs).
"""

import argparse
import json
import sys
import warnings

# pyHanko's import of cryptography's DSA module warns (DSA is deprecated there): not ours.
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=".*DSA.*")

from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder  # noqa: E402
from pyhanko.pdf_utils import generic  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign import signers, timestamps  # noqa: E402
from pyhanko.sign.diff_analysis import ModificationLevel  # noqa: E402
from pyhanko.sign.fields import (  # noqa: E402
    FieldMDPAction,
    FieldMDPSpec,
    MDPPerm,
    SigFieldSpec,
    SigSeedSubFilter,
)
from pyhanko.sign.general import SigningError  # noqa: E402
from pyhanko.sign.validation import validate_pdf_signature  # noqa: E402
from pyhanko.sign.validation.status import SignatureCoverageLevel  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402

MDP = {1: MDPPerm.NO_CHANGES, 2: MDPPerm.FILL_FORMS, 3: MDPPerm.ANNOTATE}


def cmd_sign(a) -> int:
    signer = signers.SimpleSigner.load(a.key, a.cert, ca_chain_files=tuple(a.chain))
    if signer is None:
        print(f"pyhanko_peer: cannot load {a.key} / {a.cert}", file=sys.stderr)
        return 2
    meta = signers.PdfSignatureMetadata(
        field_name=a.field,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        certify=a.certify is not None,
        docmdp_permissions=MDP[a.certify or 2],
    )
    ts = timestamps.HTTPTimeStamper(a.tsa) if a.tsa else None
    spec = None
    if a.lock_field:
        spec = SigFieldSpec(
            sig_field_name=a.field,
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.INCLUDE, fields=[a.lock_field]),
        )
    with open(a.input, "rb") as inf:
        w = IncrementalPdfFileWriter(inf)
        with open(a.output, "wb") as outf:
            signers.sign_pdf(w, meta, signer=signer, timestamper=ts, new_field_spec=spec, output=outf)
    return 0


def find_field(root, name):
    for ref in root["/AcroForm"]["/Fields"]:
        d = ref.get_object()
        if d.get("/T") == name:
            return ref, d
    raise SystemExit(f"pyhanko_peer: no field {name!r} in the AcroForm")


def cmd_fill(a) -> int:
    with open(a.input, "rb") as inf:
        w = IncrementalPdfFileWriter(inf)
        ref, field = find_field(w.root, a.field)
        if field.get("/FT") != "/Tx":
            raise SystemExit(f"pyhanko_peer: {a.field} is not a text field")
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        width, height = x2 - x1, y2 - y1
        # The font of the field's /DA, taken from the AcroForm's /DR.
        font_ref = w.root["/AcroForm"]["/DR"]["/Font"].raw_get("/Helv")
        text = a.value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        # Helvetica with /WinAnsiEncoding: what cp1252 cannot show appears as "?" (/V keeps it).
        content = f"/Tx BMC q BT /Helv 10 Tf 0 g 2 {height / 2 - 3.5:.2f} Td ({text}) Tj ET Q EMC"
        content = content.encode("cp1252", errors="replace")
        ap = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                generic.pdf_name("/BBox"): generic.ArrayObject(
                    [generic.FloatObject(0), generic.FloatObject(0), generic.FloatObject(width), generic.FloatObject(height)]
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(
                    {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/Helv"): font_ref})}
                ),
            },
            stream_data=content,
        )
        ap_ref = w.add_object(ap)
        field[generic.pdf_name("/V")] = generic.TextStringObject(a.value)
        field[generic.pdf_name("/AP")] = generic.DictionaryObject({generic.pdf_name("/N"): ap_ref})
        w.mark_update(ref)
        with open(a.output, "wb") as outf:
            w.write(outf)
    return 0


def cmd_validate(a) -> int:
    vc = ValidationContext(
        trust_roots=[load_cert_from_pemder(p) for p in a.trust],
        other_certs=[c for p in a.other_certs for c in load_certs_from_pemder([p])],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    levels = {"none": ModificationLevel.NONE, "form_filling": ModificationLevel.FORM_FILLING}
    failures = []
    try:
        with open(a.file, "rb") as f:
            r = PdfFileReader(f)
            sigs = list(r.embedded_regular_signatures)
            if len(sigs) != a.signatures:
                failures.append(f"{len(sigs)} signatures in the file, expected {a.signatures}")
            for n, sig in enumerate(sigs):
                mod = a.modification[n] if n < len(a.modification) else "none"
                want_mod = levels[mod]
                st = validate_pdf_signature(sig, vc)
                ts = st.timestamp_validity
                info = {
                    "field": sig.field_name,
                    "subfilter": str(sig.sig_object.get("/SubFilter")),
                    "bottom_line": st.bottom_line,
                    "intact": st.intact,
                    "valid": st.valid,
                    "trusted": st.trusted,
                    "coverage": st.coverage.name if st.coverage else None,
                    "modification_level": st.modification_level.name if st.modification_level else None,
                    "docmdp_ok": st.docmdp_ok,
                    "docmdp_level": sig.docmdp_level.name if sig.docmdp_level else None,
                    "summary": st.summary(),
                    "timestamp": None
                    if ts is None
                    else {"intact": ts.intact, "valid": ts.valid, "trusted": ts.trusted, "time": str(ts.timestamp)},
                }
                print(json.dumps(info))
                name = sig.field_name
                for key in ("bottom_line", "intact", "valid", "trusted", "docmdp_ok"):
                    if info[key] is not True:
                        failures.append(f"{name}: {key} is {info[key]}")
                if st.modification_level != want_mod:
                    failures.append(f"{name}: modification level {info['modification_level']}, expected {want_mod.name}")
                if mod == "none" and st.coverage != SignatureCoverageLevel.ENTIRE_FILE:
                    failures.append(f"{name}: coverage {info['coverage']}, expected ENTIRE_FILE")
                if a.level == "T" and not (ts and ts.intact and ts.valid and ts.trusted):
                    failures.append(f"{name}: no intact, valid and trusted signature time-stamp: {info['timestamp']}")
                if a.level == "B" and ts is not None:
                    failures.append(f"{name}: a signature time-stamp in a B-B signature")
                if not info["subfilter"] == "/ETSI.CAdES.detached":
                    failures.append(f"{name}: /SubFilter {info['subfilter']}, expected /ETSI.CAdES.detached")
                if a.details:
                    print(st.pretty_print_details(), file=sys.stderr)
    except (OSError, ValueError, SigningError, Exception) as e:  # noqa: BLE001 (any failure to read is a rejection)
        print(f"pyhanko_peer: cannot validate {a.file}: {type(e).__name__}: {e}", file=sys.stderr)
        return 3
    for f in failures:
        print(f"pyhanko_peer: {f}", file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sign")
    s.add_argument("input")
    s.add_argument("output")
    s.add_argument("--key", required=True)
    s.add_argument("--cert", required=True)
    s.add_argument("--chain", action="append", default=[])
    s.add_argument("--tsa")
    s.add_argument("--certify", type=int, choices=[1, 2, 3])
    s.add_argument("--field", default="Signature1")
    s.add_argument("--lock-field")
    f = sub.add_parser("fill")
    f.add_argument("input")
    f.add_argument("output")
    f.add_argument("--field", required=True)
    f.add_argument("--value", required=True)
    v = sub.add_parser("validate")
    v.add_argument("file")
    v.add_argument("--trust", action="append", required=True)
    v.add_argument("--other-certs", action="append", default=[])
    v.add_argument("--level", choices=["B", "T"])
    v.add_argument("--modification", choices=["none", "form_filling"], action="append", default=[])
    v.add_argument("--signatures", type=int, default=1)
    v.add_argument("--details", action="store_true", help="pyHanko's pretty-printed report on stderr")
    a = p.parse_args()
    return {"sign": cmd_sign, "fill": cmd_fill, "validate": cmd_validate}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
