#!/usr/bin/env python3
"""Writes manifest.json and every expected output from the case list below.

Run once by hand (it was run as `/tmp/c14nvenv/bin/python build.py` with the
tool versions named in ../PROVENANCE.md); CI only re-checks with
check-with-oracles.sh. For each case every applicable oracle of oracles.py is
run; the expected bytes are the W3C recommendation's printed output where one
applies (w3c/spec-printed/), else the libxml2-xpath oracle's output (the
XPath node-set definition of the recommendations). The "oracle" field lists
every oracle that gave exactly those bytes; the disagreeing ones are named in
"note" and in disagreements.txt.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracles  # noqa: E402

METHODS = ("c14n10", "c14n11", "exc-c14n10")
SHORT = {"c14n10": "c14n10", "c14n11": "c14n11", "exc-c14n10": "exc"}

cases = []


def add(name, inp, method, comments=False, apex=None, exclude=None, prefixes=(),
        spec=None, note="", refused=False):
    cases.append({
        "name": name, "input": inp, "method": method, "comments": comments,
        "apex": apex, "exclude": exclude, "inclusive_prefixes": list(prefixes),
        "expected": None, "refused": refused, "oracle": None, "note": note,
        "_spec": spec,
    })


def all_methods(prefix, inp, apex=None, exclude=None, comments=(False, True), spec=None,
                note="", spec_methods=METHODS):
    for m in METHODS:
        for c in comments:
            s = None
            if spec and m in spec_methods:
                s = spec[1] if c and isinstance(spec, tuple) else (spec[0] if isinstance(spec, tuple) else spec)
            add("%s-%s%s" % (prefix, SHORT[m], "-comments" if c else ""), inp, m, c, apex,
                exclude, spec=s, note=note)


# ------------------------------------------------------------ W3C, refused --
DOCTYPE_NOTE = "has a DOCTYPE: refused by design (no DTD processing); see the .nodtd variant"
for stem, sec in (("3.1", "c14n10"), ("3.3", "c14n10"), ("3.4", "c14n10"), ("3.5", "c14n10"),
                  ("3.7", "c14n10"), ("c14n11-3.8", "c14n11")):
    add("w3c-%s-doctype-refused" % stem, "w3c/%s.xml" % stem, sec, refused=True,
        note="W3C example as printed; " + DOCTYPE_NOTE)
add("w3c-3.5-doctype-refused-comments", "w3c/3.5.xml", "c14n11", True, refused=True,
    note="W3C example 3.5 (entities, external entity, NOTATION); " + DOCTYPE_NOTE)

# ------------------------------------------------------- W3C, whole document --
all_methods("w3c-3.1-pis-comments-nodtd", "w3c/3.1.nodtd.xml",
            spec=("w3c/spec-printed/3.1.out", "w3c/spec-printed/3.1.comments.out"),
            note="C14N 1.0/1.1 section 3.1 with the DOCTYPE line (and the blank line after it) removed; "
                 "the printed output is unchanged")
all_methods("w3c-3.2-whitespace", "w3c/3.2.xml", spec="w3c/spec-printed/3.2.out",
            note="C14N 1.0/1.1 section 3.2, no DOCTYPE in the original")
all_methods("w3c-3.3-tags-nodtd", "w3c/3.3.nodtd.xml",
            note="C14N 1.0/1.1 section 3.3 without its internal subset: e9 gets no attr=\"default\" "
                 "(the printed output has it from the ATTLIST default)")
all_methods("w3c-3.4-chars-nodtd", "w3c/3.4.nodtd.xml",
            note="C14N 1.0/1.1 section 3.4 without its internal subset: normNames/@attr (NMTOKENS) and "
                 "normId/@id (ID) are now CDATA, so their values are not whitespace-collapsed as in the "
                 "printed output")
all_methods("w3c-3.5-entities-nodtd", "w3c/3.5.nodtd.xml",
            spec=("w3c/spec-printed/3.5.out", "w3c/spec-printed/3.5.comments.out"),
            note="C14N 1.0/1.1 section 3.5 without its internal subset: &ent1; and &ent2; replaced by their "
                 "text (Hello, world); attrExtEnt is a plain CDATA attribute; printed output unchanged")
all_methods("w3c-3.6-utf8", "w3c/3.6.xml", spec="w3c/spec-printed/3.6.out",
            note="C14N 1.0/1.1 section 3.6 (encoding=\"ISO-8859-1\" declared, ASCII-only bytes), no DOCTYPE")
all_methods("w3c-3.7-nodtd", "w3c/3.7.nodtd.xml",
            note="C14N 1.0 section 3.7 input without its internal subset, whole document (the section's "
                 "XPath subset is not expressible as apex/exclude)")
all_methods("w3c-c14n11-3.8-nodtd", "w3c/c14n11-3.8.nodtd.xml",
            note="C14N 1.1 section 3.8 input without its internal subset, whole document")

# ------------------------------------------------------ W3C, subtrees (apex) --
for stem, what in (("3.7.nodtd", "section 3.7 input, no DTD (so no xml:space on e2)"),
                   ("3.7.explicit", "section 3.7 input, the DTD default xml:space=\"preserve\" written on e2"),
                   ("c14n11-3.8.nodtd", "C14N 1.1 section 3.8 input, no DTD"),
                   ("c14n11-3.8.explicit", "C14N 1.1 section 3.8 input, xml:space=\"preserve\" written on e2")):
    for apex, tag in (("doc/e1", "e1"), ("doc/e1/e2/e3", "e3")):
        all_methods("w3c-%s-apex-%s" % (stem, tag), "w3c/%s.xml" % stem, apex=apex, comments=(False,),
                    note="%s; document subset = the %s subtree (its ancestors omitted)" % (what, tag))

for n in ("1", "2"):
    root = "n0:local" if n == "1" else "n2:pdu"
    all_methods("w3c-exc-2.2-%s-elem2" % n, "w3c/exc-2.2-%s.xml" % n, apex=root + "/n1:elem2",
                comments=(False,), spec_methods=("c14n10", "exc-c14n10"),
                spec=None,
                note="Exclusive C14N section 2.2 example %s (layout of the start tags re-indented); "
                     "subset = the n1:elem2 subtree" % n)
    for c in cases:
        if c["name"] == "w3c-exc-2.2-%s-elem2-c14n10" % n:
            c["_spec"] = "w3c/spec-printed/exc-2.2-%s.c14n10.out" % n
        if c["name"] == "w3c-exc-2.2-%s-elem2-exc" % n:
            c["_spec"] = "w3c/spec-printed/exc-2.2.exc.out"

# ------------------------------------------------------------------ extras --
EXTRA = {
    "ns-redeclare": "superfluous redeclarations (same prefix, same URI) vanish; a real rebinding stays",
    "default-undeclare": "xmlns=\"\" undeclaring a default namespace, nested redeclarations",
    "default-ns-subtree": "default namespace in scope of a prefixed element",
    "attr-sort": "attribute order: unqualified first, then by namespace URI, then local name; xmlns:* by prefix",
    "text-escape": "text escaping: & < > and &#13; / literal CR and CRLF (normalized to LF by the parser)",
    "attr-escape": "attribute escaping: & < \" and TAB/LF/CR references; literal TAB/LF/CRLF normalized to spaces",
    "cdata": "CDATA sections become escaped text, including ]]> split over two sections",
    "charrefs": "character references (BMP, astral, markup characters) in text and attributes",
    "comments-outside": "comments and PIs before and after the document element, XML declaration dropped",
    "pi": "processing instructions with and without data, whitespace after the target",
    "whitespace-outside": "whitespace and CRLF outside the document element",
    "empty-elements": "empty-element tags become start/end tag pairs; whitespace inside tags",
    "xml-attrs-inherit": "xml:lang, xml:space, xml:id, xml:base inheritance into a subtree",
    "exc-attr-prefix": "exclusive: a prefix used only in an attribute is visibly utilized",
    "exc-prefixlist": "exclusive with an InclusiveNamespaces PrefixList",
    "unicode": "non-ASCII names, astral-plane characters, combining mark (no normalization)",
    "ns-unused-decl": "unused namespace declarations at the root",
    "ns-same-uri": "two prefixes bound to the same URI",
    "default-switch": "default namespace switching back and forth",
    "mixed-content": "mixed content and whitespace-only text nodes",
    "exc-default-undeclare": "xmlns=\"\" under exclusive canonicalization",
    "xml-prefix-decl": "an explicit xmlns:xml declaration is never output",
    "bom": "UTF-8 byte order mark and XML declaration dropped",
    "deep-prefix-shadow": "one prefix bound three times; the nearest binding wins",
    "subtree-comments": "comments inside and beside a subtree",
    "attr-ns-default-noapply": "default namespace does not apply to unprefixed attributes",
}
for stem, what in EXTRA.items():
    all_methods("extra-%s" % stem, "extra/%s.xml" % stem, note=what + "; whole document")

APEX = [
    ("default-undeclare", "r/x", ()), ("default-undeclare", "r/x/z", ()),
    ("default-ns-subtree", "r/p:x", ()),
    ("xml-attrs-inherit", "r/m/leaf", ()), ("xml-attrs-inherit", "r/m", ()), ("xml-attrs-inherit", "r/m/k", ()),
    ("exc-attr-prefix", "r/s", ()),
    ("exc-prefixlist", "r/p:x", ()),
    ("ns-redeclare", "a:r/a:x", ()),
    ("default-switch", "r/a/b/c", ()), ("default-switch", "r/a/b", ()),
    ("exc-default-undeclare", "r/x", ()), ("exc-default-undeclare", "r/p:z", ()),
    ("exc-default-undeclare", "r/p:z/w", ()),
    ("deep-prefix-shadow", "p:a/p:b/c", ()),
    ("subtree-comments", "r/p:s", (False, True)),
    ("ns-same-uri", "r/a:x", ()),
    ("xml-prefix-decl", "r/s", ()),
    ("attr-ns-default-noapply", "r/e", ()),
    ("mixed-content", "r/i", ()),
]
for stem, apex, com in APEX:
    all_methods("extra-%s-apex-%s" % (stem, apex.split("/")[-1].replace(":", "_")), "extra/%s.xml" % stem,
                apex=apex, comments=com or (False,),
                note="%s; subset = the %s subtree" % (EXTRA[stem], apex))

for stem, apex, prefixes in (("exc-attr-prefix", "r/s", ["u"]), ("exc-attr-prefix", "r/s", ["q", "p"]),
                             ("exc-prefixlist", "r/p:x", ["q"]), ("exc-prefixlist", "r/p:x", ["#default"]),
                             ("exc-prefixlist", "r/p:x", ["#default", "q", "nosuch"]),
                             ("exc-default-undeclare", "r/p:z/w", ["#default"])):
    add("extra-%s-apex-%s-exc-prefixes-%s" % (stem, apex.split("/")[-1].replace(":", "_"),
                                              "_".join(p.replace("#", "") for p in prefixes)),
        "extra/%s.xml" % stem, "exc-c14n10", False, apex, None, prefixes,
        note="%s; subset = the %s subtree; InclusiveNamespaces PrefixList %r" % (EXTRA[stem], apex, " ".join(prefixes)))

# ------------------------------------------------- enveloped-signature shape --
ENV = "enveloped-signature transform: the ds:Signature subtree removed, its tail text kept"
for m, c in (("c14n10", False), ("c14n10", True), ("c14n11", False), ("exc-c14n10", False), ("exc-c14n10", True)):
    add("enveloped-1-whole-%s%s" % (SHORT[m], "-comments" if c else ""), "extra/enveloped-1.xml", m, c,
        None, "doc/ds:Signature", note=ENV + "; whole document")
for m, p in (("c14n10", ()), ("c14n11", ()), ("exc-c14n10", ()), ("exc-c14n10", ("x",))):
    add("enveloped-2-body-%s%s" % (SHORT[m], "-prefixes-x" if p else ""), "extra/enveloped-2.xml", m, False,
        "env:Envelope/env:Body", "env:Envelope/env:Body/ds:Signature", p,
        note=ENV + "; subset = env:Body (Id=\"body\"), inherits xml:lang under inclusive c14n")
for m, c, p in (("c14n10", True, ()), ("c14n11", False, ()), ("exc-c14n10", True, ("#default",)),
                ("exc-c14n10", False, ())):
    add("enveloped-3-%s%s%s" % (SHORT[m], "-comments" if c else "", "-prefixes-default" if p else ""),
        "extra/enveloped-3.xml", m, c, None, "r:Root/Signature", p,
        note=ENV + "; Signature is the first child and uses a default namespace; whole document")


# ------------------------------------------------------------------- build --
def main():
    disagreements = []
    names = set()
    for c in cases:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        spec = c.pop("_spec")
        if c["refused"]:
            c["oracle"] = "design"
            continue
        results = {}
        for o in oracles.ORACLES:
            try:
                results[o] = oracles.run_oracle(o, c)
            except oracles.NotApplicable:
                pass
        expected = open(os.path.join(HERE, spec), "rb").read() if spec else results["libxml2-xpath"]
        agree = (["w3c-spec"] if spec else []) + [o for o, r in results.items() if r == expected]
        differ = {o: r for o, r in results.items() if r != expected}
        c["oracle"] = "+".join(agree)
        for o, r in differ.items():
            c["note"] += "; DISAGREES: %s gives %r" % (o, r.decode("utf-8", "replace"))
            disagreements.append("%s\n  expected (%s) %r\n  %s %r" % (c["name"], c["oracle"], expected, o, r))
        rel = os.path.join(os.path.dirname(c["input"]), "out", c["name"] + ".out")
        os.makedirs(os.path.join(HERE, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(HERE, rel), "wb") as f:
            f.write(expected)
        c["expected"] = rel
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(HERE, "disagreements.txt"), "w") as f:
        f.write("Generated by build.py: every case where an oracle differs from the expected bytes.\n\n")
        f.write("\n".join(disagreements) + "\n")
    counts = {}
    for c in cases:
        k = (c["method"], c["refused"])
        counts[k] = counts.get(k, 0) + 1
    print(len(cases), "cases", counts, len(disagreements), "disagreements")


if __name__ == "__main__":
    main()
