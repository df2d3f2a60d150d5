#!/usr/bin/env python3
"""Reads one `imza verify --json` report of a PDF and answers in the shape of an expectation.

    python3 check_imza.py REPORT.json EXIT WANT_EXIT WANT_INDICATION WANT_LEVEL WANT_MODIFICATION WANT_INTACT [WANT_SIGNATURES]

Standard library only. "-" for a WANT_* means "not checked". The level, modification and
intact checks are of the first signature in document order (signatures[0]); WANT_SIGNATURES
(default 1) is how many signatures the report must have. Prints:

    line 1   the answer in the shape of the expectation: "INDICATION[/SUB] LEVEL mod=MOD" with
             the parts that are checked (SUB only when the indication is not TOTAL_PASSED);
             EXIT and WANT_EXIT are compared by the caller
    line 2   the report's errors and warnings, for the log
    line 3+  one line per problem (nothing when every check holds)

Checked besides the fields named: the number of signatures; the report's indication is the
first signature's; for a valid file (WANT_INDICATION TOTAL_PASSED) every signature is
TOTAL_PASSED with format PAdES, /SubFilter ETSI.CAdES.detached, coverage "entire file" or
"entire revision" (its ByteRange covers its revision, the last one or not),
and each of its time-stamps TOTAL_PASSED; for level PAdES-BASELINE-T the first signature has
a signature time-stamp.
"""

import json
import sys


def main() -> None:
    report, code, want_code, want_ind, want_level, want_mod, want_intact = sys.argv[1:8]
    want_sigs = int(sys.argv[8]) if len(sys.argv) > 8 else 1
    problems = []
    try:
        r = json.load(open(report, encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"no report (exit {code})")
        print(f"no JSON report: {e}")
        return
    sigs = r.get("signatures") or []
    s = sigs[0] if sigs else {}
    pdf = s.get("pdf") or {}
    ind = r.get("indication", "?")
    got = ind
    if ind != "TOTAL_PASSED":
        got += "/" + str(s.get("sub_indication") or r.get("sub_indication"))
    if want_level != "-":
        got += " " + str(s.get("level"))
    if want_mod != "-":
        got += " mod=" + str(pdf.get("modification"))
    print(got)
    print("; ".join(f"{x.get('id')}: {x.get('indication')}/{x.get('sub_indication')}, errors {x.get('errors')}, "
                    f"warnings {x.get('warnings')}, pdf {x.get('pdf')}" for x in sigs) or "no signatures")

    if len(sigs) != want_sigs:
        problems.append(f"{len(sigs)} signatures in the report, expected {want_sigs}")
    if s and s.get("indication") != ind:
        problems.append(f"the signature's indication is {s.get('indication')}, the report's {ind}")
    if want_ind != "-" and ind != want_ind:
        problems.append(f"indication {ind}, expected {want_ind}")
    if want_level != "-" and s.get("level") != want_level:
        problems.append(f"level {s.get('level')}, expected {want_level}")
    if want_mod != "-" and pdf.get("modification") != want_mod:
        problems.append(f"modification {pdf.get('modification')!r}, expected {want_mod!r}")
    if want_intact != "-" and str(s.get("intact")).lower() != want_intact:
        problems.append(f"intact is {s.get('intact')}, expected {want_intact}")
    if want_ind == "TOTAL_PASSED":
        for x in sigs:
            i, xp = x.get("id"), x.get("pdf") or {}
            if x.get("indication") != "TOTAL_PASSED":
                problems.append(f"{i} is {x.get('indication')}/{x.get('sub_indication')}: {x.get('errors')}")
            if x.get("format") != "PAdES":
                problems.append(f"{i}: format {x.get('format')}, expected PAdES")
            if xp.get("sub_filter") != "ETSI.CAdES.detached":
                problems.append(f"{i}: sub_filter {xp.get('sub_filter')!r}, expected ETSI.CAdES.detached")
            if xp.get("coverage") not in ("entire file", "entire revision"):
                problems.append(f"{i}: coverage {xp.get('coverage')!r}, expected 'entire file' or 'entire revision'")
            for t in x.get("timestamps") or []:
                if t.get("indication") != "TOTAL_PASSED":
                    problems.append(f"{i}: a {t.get('kind')} time-stamp is {t.get('indication')}/{t.get('sub_indication')}: {t.get('errors')}")
    if want_level == "PAdES-BASELINE-T":
        if not any(t.get("kind") == "signature" for t in s.get("timestamps") or []):
            problems.append("no signature time-stamp in the report")
    for p in problems:
        print(p)


if __name__ == "__main__":
    main()
