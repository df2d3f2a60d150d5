"""signxml 5 as an interop peer (test tooling).

  signxml_tool.py sign KIND ALG IN.xml KEY.pem CERTS.pem OUT.xml
      KIND: xmldsig-enveloped | xades-enveloped; ALG: rsa-sha256 | ecdsa-sha256.
      CERTS.pem: the signer certificate first, then any intermediates; all go into X509Data.
  signxml_tool.py verify KIND FILE.xml (--ca ROOT.pem [--untrusted INTERMEDIATES.pem] | --cert SIGNER.pem)
      exit 0 valid, 1 invalid (signxml's message on stderr), 2 usage/tool error.
"""

import argparse
import sys
import tempfile

from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner, XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.xades import XAdESSignatureConfiguration, XAdESSigner, XAdESVerifier

ALGS = {"rsa-sha256": SignatureMethod.RSA_SHA256, "ecdsa-sha256": SignatureMethod.ECDSA_SHA256}
KINDS = ("xmldsig-enveloped", "xades-enveloped")


def sign(a):
    cls = XAdESSigner if a.kind == "xades-enveloped" else XMLSigner
    # signxml's default is C14N 1.1, which xmldsigjs/xadesjs do not implement; inclusive C14N 1.0
    # every peer has. Not exclusive C14N: signxml 5.2 digests the XAdES SignedProperties reference
    # (which has no Transforms) with the signer's c14n method, but its verifier (correctly) uses
    # inclusive C14N there, so exc-c14n XAdES from signxml fails signxml's own verification.
    signer = cls(
        signature_algorithm=ALGS[a.alg],
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    root = etree.parse(a.input).getroot()
    with open(a.key, "rb") as f:
        key = f.read()
    with open(a.certs) as f:
        certs = f.read()
    signed = signer.sign(root, key=key, cert=certs)
    with open(a.output, "wb") as f:
        f.write(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def verify(a):
    with open(a.file, "rb") as f:
        data = f.read()
    kwargs = {}
    if a.cert:
        # Trust exactly this certificate (signxml then ignores X509Data for trust).
        with open(a.cert) as f:
            kwargs["x509_cert"] = f.read()
    else:
        # signxml builds the path only from X509Data + ca_pem_file. Intermediates that the signature
        # does not carry can only be given by adding them to the trust file (they then act as anchors).
        ca = tempfile.NamedTemporaryFile(suffix=".pem")
        for path in (a.ca, a.untrusted):
            if path:
                with open(path, "rb") as f:
                    ca.write(f.read() + b"\n")
        ca.flush()
        kwargs["ca_pem_file"] = ca.name
    if a.kind == "xades-enveloped":
        # signxml's default XAdES config wants exactly 3 references (document, SignedProperties and
        # KeyInfo, as signxml signs). XAdES does not require signing KeyInfo (xadesjs and pyasice do
        # not), so accept any number here and check below that the whole document is covered.
        config = XAdESSignatureConfiguration(expect_references=True)
        results = XAdESVerifier().verify(data, expect_config=config, **kwargs)
        if not any(r.get("URI") == "" for r in etree.fromstring(data).iterfind(".//{*}SignedInfo/{*}Reference")):
            raise InvalidInput("no Reference with URI=\"\" (the signature does not cover the document)")
    else:
        results = [XMLVerifier().verify(data, **kwargs)]
    for r in results:
        print("signxml: valid reference, %d bytes signed" % len(r.signed_data))
    print("signxml: OK")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sign")
    for n in ("kind", "alg", "input", "key", "certs", "output"):
        s.add_argument(n)
    v = sub.add_parser("verify")
    v.add_argument("kind", choices=KINDS)
    v.add_argument("file")
    v.add_argument("--ca")
    v.add_argument("--untrusted")
    v.add_argument("--cert")
    a = p.parse_args()
    if a.cmd == "sign":
        if a.kind not in KINDS or a.alg not in ALGS:
            p.error("bad KIND or ALG")
        sign(a)
        return 0
    if not (a.ca or a.cert):
        p.error("verify needs --ca or --cert")
    try:
        verify(a)
    except (InvalidSignature, InvalidInput) as e:  # InvalidCertificate, InvalidDigest are InvalidSignature
        print("signxml: INVALID: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    except etree.XMLSyntaxError as e:
        print("signxml: INVALID (not well-formed XML): %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
