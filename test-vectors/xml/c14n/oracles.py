#!/usr/bin/env python3
"""Independent canonicalizers for the cases in manifest.json.

Three oracles, each a real implementation:

  libxml2-xpath  the system libxml2 (libxml2.so.2, via ctypes): the document
                 subset is an XPath node-set, exactly as the C14N
                 recommendations define it (the apex's descendants, their
                 attributes and namespace nodes; minus the excluded subtree),
                 handed to xmlC14NDocDumpMemory like libxml2's own testC14N.
  lxml-libxml2-xpath  the same XPath node-set method run against the libxml2
                 that the lxml wheel carries (statically linked into
                 lxml/etree*.so, whose xml* symbols are exported): a second,
                 much newer libxml2 (2.14 vs Debian 12's 2.9.14).
  lxml           lxml.etree.tostring(..., method="c14n"): whole document, or
                 one element ("fake root document"); exclusion is done by
                 removing the element (its tail text stays) first.
  xmllint        `xmllint --c14n | --c14n11 | --exc-c14n FILE`: whole
                 document, with comments only (xmllint has no switch for the
                 without-comments form).

Usage:
  oracles.py check [manifest.json]   re-run every oracle a case names in its
                                     "oracle" field; exit 1 on any mismatch,
                                     2 if a needed tool is missing (loud).
  oracles.py show NAME               print every oracle's output for a case.

Only the Python standard library is needed, plus lxml for the lxml oracle.
"""
import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

MODES = {"c14n10": 0, "exc-c14n10": 1, "c14n11": 2}
XMLLINT_FLAG = {"c14n10": "--c14n", "c14n11": "--c14n11", "exc-c14n10": "--exc-c14n"}


ORACLES = ("libxml2-xpath", "lxml-libxml2-xpath", "lxml", "xmllint")


class Missing(Exception):
    pass


def step_xpath(path):
    """'doc/e1/e2' -> /*[name()='doc']/*[name()='e1'][1]/*[name()='e2'][1]"""
    steps = path.split("/")
    xp = "/*[name()='%s']" % steps[0]
    for s in steps[1:]:
        xp += "/*[name()='%s'][1]" % s
    return xp


def subset_xpath(apex, exclude):
    """The XPath 1.0 node-set of a subtree (apex) less a subtree (exclude)."""
    conds = []
    inside = "count(ancestor-or-self::node() | %s) = count(ancestor-or-self::node())"
    if apex:
        conds.append(inside % step_xpath(apex))
    if exclude:
        conds.append("not(%s)" % (inside % step_xpath(exclude)))
    return "(//. | //@* | //namespace::*)[%s]" % " and ".join(conds)


# ---------------------------------------------------------------- libxml2 --
_libs = {}


def _lxml_so():
    try:
        import lxml.etree
    except ImportError as e:
        raise Missing("python module lxml (pip install lxml): %s" % e)
    return lxml.etree.__file__


def _libxml2(which="system"):
    if which in _libs:
        return _libs[which]
    if which == "system":
        name = ctypes.util.find_library("xml2") or "libxml2.so.2"
    else:  # the libxml2 that lxml's wheel links statically and exports
        name = _lxml_so()
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        raise Missing("libxml2 shared library (%s): %s" % (name, e))
    lib.xmlReadMemory.restype = ctypes.c_void_p
    lib.xmlReadMemory.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                  ctypes.c_char_p, ctypes.c_int]
    lib.xmlXPathNewContext.restype = ctypes.c_void_p
    lib.xmlXPathNewContext.argtypes = [ctypes.c_void_p]
    lib.xmlXPathEvalExpression.restype = ctypes.c_void_p
    lib.xmlXPathEvalExpression.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    lib.xmlC14NDocDumpMemory.restype = ctypes.c_int
    lib.xmlC14NDocDumpMemory.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_void_p)]
    lib.xmlFreeDoc.argtypes = [ctypes.c_void_p]
    _libs[which] = lib
    return lib


class _XPathObject(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("nodesetval", ctypes.c_void_p)]


def libxml2_version(which="system"):
    lib = _libxml2(which)
    return ctypes.c_char_p.in_dll(lib, "xmlParserVersion").value.decode()


def run_libxml2(data, method, comments, apex, exclude, prefixes, dtd=False, url=None,
                which="system"):
    lib = _libxml2(which)
    # XML_PARSE_NONET (2048); with dtd=True also NOENT|DTDLOAD|DTDATTR (2|4|8), which
    # is only used to reproduce the printed outputs of the W3C originals.
    opts = 2048 | (2 | 4 | 8 if dtd else 0)
    doc = lib.xmlReadMemory(data, len(data), (url or "input.xml").encode(), None, opts)
    if not doc:
        raise RuntimeError("libxml2 could not parse the input")
    nodes = None
    if apex or exclude:
        ctx = lib.xmlXPathNewContext(doc)
        obj = lib.xmlXPathEvalExpression(subset_xpath(apex, exclude).encode(), ctx)
        if not obj:
            raise RuntimeError("XPath failed")
        nodes = _XPathObject.from_address(obj).nodesetval
    arr = None
    if prefixes:
        arr = (ctypes.c_char_p * (len(prefixes) + 1))(*[p.encode() for p in prefixes], None)
    out = ctypes.c_void_p()
    n = lib.xmlC14NDocDumpMemory(doc, nodes, MODES[method], arr, 1 if comments else 0,
                                 ctypes.byref(out))
    if n < 0:
        raise RuntimeError("xmlC14NDocDumpMemory failed")
    res = ctypes.string_at(out, n)
    lib.xmlFreeDoc(doc)  # the XPath context/object are leaked: short-lived process
    return res


# ------------------------------------------------------------------- lxml --
def _etree():
    try:
        from lxml import etree
    except ImportError as e:
        raise Missing("python module lxml (pip install lxml): %s" % e)
    return etree


def _find(root, path):
    steps = path.split("/")
    el = root
    if _qname(el) != steps[0]:
        raise RuntimeError("root is %s, not %s" % (_qname(el), steps[0]))
    for s in steps[1:]:
        el = next(c for c in el if isinstance(c.tag, str) and _qname(c) == s)
    return el


def _qname(el):
    etree = _etree()
    q = etree.QName(el)
    return "%s:%s" % (el.prefix, q.localname) if el.prefix else q.localname


def _remove_keep_tail(el):
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def run_lxml(data, method, comments, apex, exclude, prefixes):
    etree = _etree()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.ElementTree(etree.fromstring(data, parser))
    root = tree.getroot()
    if exclude:
        _remove_keep_tail(_find(root, exclude))
    target = _find(root, apex) if apex else tree
    kw = {"method": "c14n", "exclusive": method == "exc-c14n10", "with_comments": comments}
    if method == "c14n11":
        raise NotApplicable("lxml.etree.tostring has no C14N 1.1 mode")
    if prefixes:
        kw["inclusive_ns_prefixes"] = prefixes
    return etree.tostring(target, **kw)


class NotApplicable(Exception):
    pass


def lxml_version():
    etree = _etree()
    return "lxml %s (libxml2 %s)" % (".".join(map(str, etree.LXML_VERSION)),
                                     ".".join(map(str, etree.LIBXML_VERSION)))


# ---------------------------------------------------------------- xmllint --
def run_xmllint(path, method, comments, apex, exclude, prefixes):
    if apex or exclude or prefixes or not comments:
        raise NotApplicable("xmllint canonicalizes whole documents, with comments, only")
    exe = shutil.which("xmllint")
    if not exe:
        raise Missing("xmllint (Debian: apt-get install libxml2-utils)")
    r = subprocess.run([exe, "--nonet", XMLLINT_FLAG[method], path], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("xmllint failed: %s" % r.stderr.decode(errors="replace"))
    return r.stdout


def xmllint_version():
    exe = shutil.which("xmllint")
    if not exe:
        raise Missing("xmllint")
    r = subprocess.run([exe, "--version"], capture_output=True, text=True)
    return (r.stderr or r.stdout).splitlines()[0]


# ------------------------------------------------------------------ cases --
def run_oracle(oracle, case, base=HERE):
    path = os.path.join(base, case["input"])
    data = open(path, "rb").read()
    args = (case["method"], case["comments"], case.get("apex"), case.get("exclude"),
            case.get("inclusive_prefixes") or [])
    if oracle == "libxml2-xpath":
        return run_libxml2(data, *args)
    if oracle == "lxml-libxml2-xpath":
        return run_libxml2(data, *args, which="lxml")
    if oracle == "lxml":
        return run_lxml(data, *args)
    if oracle == "xmllint":
        return run_xmllint(path, *args)
    raise ValueError("unknown oracle %s" % oracle)


def check(manifest_path):
    base = os.path.dirname(os.path.abspath(manifest_path))
    cases = json.load(open(manifest_path))
    ci = os.environ.get("CI") == "true"
    bad, ok, missing = [], 0, set()
    for case in cases:
        if case.get("refused"):
            continue
        expected = open(os.path.join(base, case["expected"]), "rb").read()
        for oracle in case["oracle"].split("+"):
            if oracle == "w3c-spec":
                continue
            try:
                got = run_oracle(oracle, case, base)
            except Missing as e:
                missing.add(str(e))
                continue
            except NotApplicable as e:
                bad.append("%s: oracle %s is listed but not applicable: %s" % (case["name"], oracle, e))
                continue
            if got == expected:
                ok += 1
            else:
                bad.append("%s: %s gives %r, expected %r" % (case["name"], oracle, got, expected))
    for m in sorted(missing):
        print("!" * 72, file=sys.stderr)
        print("!!! ORACLE MISSING: %s -- its checks were NOT run" % m, file=sys.stderr)
        print("!" * 72, file=sys.stderr)
    for b in bad:
        print("MISMATCH " + b)
    print("%d passed, %d failed" % (ok, len(bad)))
    if bad:
        return 1
    if missing:
        return 2 if ci else 0
    return 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "manifest.json")))
    if len(sys.argv) == 3 and sys.argv[1] == "show":
        case = next(c for c in json.load(open(os.path.join(HERE, "manifest.json")))
                    if c["name"] == sys.argv[2])
        for o in ORACLES:
            try:
                print(o, repr(run_oracle(o, case)))
            except (Missing, NotApplicable, RuntimeError) as e:
                print(o, "--", e)
        return
    print(__doc__)
    sys.exit(64)


if __name__ == "__main__":
    main()
