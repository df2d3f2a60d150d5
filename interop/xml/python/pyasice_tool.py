"""pyasice as an interop peer for ASiC-E containers with XAdES (test tooling).

  pyasice_tool.py sign KEY.pem CERT.pem OUT.asice FILE [FILE...]
      One XAdES signature (META-INF/signatures1.xml, pyasice numbers from 1) over all FILEs, at B-level: pyasice's only
      finishing step, finalize_signature(), always queries an OCSP responder (and a TSA for LT-TS);
      there is no network here, so the signature is left unfinalized and its empty
      UnsignedProperties template (SignatureTimeStamp, CertificateValues, RevocationValues) removed.
  pyasice_tool.py verify FILE.asice [--ca ROOT.pem [--untrusted PEM] | --cert SIGNER.pem]
      exit 0 valid, 1 invalid, 2 usage/tool error.
"""

import argparse
import base64
import hashlib
import mimetypes
import os
import subprocess
import sys
import tempfile
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pyasice import Container, PyAsiceError, SignatureVerificationError

NS = {"ds": "http://www.w3.org/2000/09/xmldsig#", "xades": "http://uri.etsi.org/01903/v1.3.2#"}
DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashlib.sha384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashlib.sha512,
}


def sign(a):
    with open(a.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(a.cert, "rb") as f:
        cert_der = x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)
    container = Container()
    for path in a.files:
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as f:
            container.add_file(os.path.basename(path), f.read(), mime)
    xml_sig = container.prepare_signature(cert_der)  # rsa-sha256 or ecdsa-sha256 from the certificate
    signed_info = xml_sig.signed_data()  # exc-c14n SignedInfo
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(signed_info, ec.ECDSA(hashes.SHA256())))
        n = (key.curve.key_size + 7) // 8
        value = r.to_bytes(n, "big") + s.to_bytes(n, "big")  # XMLDSig ECDSA is r||s, not DER
    else:
        value = key.sign(signed_info, padding.PKCS1v15(), hashes.SHA256())
    xml_sig.set_signature_value(value)
    unsigned = xml_sig.xml.find(".//xades:UnsignedProperties", NS)
    unsigned.getparent().remove(unsigned)
    xml_sig.verify()
    container.add_signature(xml_sig).save(a.output)
    print("pyasice: wrote %s" % a.output)


def check_chain(cert_der, ca, untrusted):
    """pyasice has no path validation (it relies on the OCSP step); the harness asks openssl."""
    with tempfile.NamedTemporaryFile(suffix=".der") as leaf:
        leaf.write(cert_der)
        leaf.flush()
        cmd = ["openssl", "verify", "-CAfile", ca, "-purpose", "any"]
        if untrusted:
            cmd += ["-untrusted", untrusted]
        pem = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", leaf.name], capture_output=True, check=True)
        r = subprocess.run(cmd, input=pem.stdout, capture_output=True)
        if r.returncode != 0:
            raise SignatureVerificationError("certificate path: " + (r.stdout + r.stderr).decode().strip())


def verify(a):
    container = Container.open(a.file)  # checks mimetype, manifest vs. files
    n = 0
    for xml_sig, name in container.iter_signatures_with_filenames():
        # pyasice's own check: SignedProperties digest and SignatureValue over SignedInfo
        # with the certificate in KeyInfo.
        xml_sig.verify()
        # pyasice never compares the data files with the Reference digests; the harness does.
        for ref in xml_sig.xml.findall("./ds:Signature/ds:SignedInfo/ds:Reference", NS):
            if ref.get("Type", "") not in ("",):
                continue
            uri = unquote(ref.get("URI"))
            algo = ref.find("ds:DigestMethod", NS).get("Algorithm")
            with container.open_file(uri) as f:
                got = DIGESTS[algo](f.read()).digest()
            if got != base64.b64decode(ref.find("ds:DigestValue", NS).text):
                raise SignatureVerificationError("digest mismatch for data file %r (harness check)" % uri)
        cert_der = xml_sig.get_certificate_value()
        if a.cert:
            with open(a.cert, "rb") as f:
                trusted = x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)
            if trusted != cert_der:
                raise SignatureVerificationError("signer certificate is not the trusted --cert")
        elif a.ca:
            check_chain(cert_der, a.ca, a.untrusted)
        print("pyasice: %s OK, signed %s" % (name, ", ".join(container.data_file_names)))
        n += 1
    if n == 0:
        raise SignatureVerificationError("no signatures in container")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sign")
    s.add_argument("key")
    s.add_argument("cert")
    s.add_argument("output")
    s.add_argument("files", nargs="+")
    v = sub.add_parser("verify")
    v.add_argument("file")
    v.add_argument("--ca")
    v.add_argument("--untrusted")
    v.add_argument("--cert")
    a = p.parse_args()
    if a.cmd == "sign":
        sign(a)
        return 0
    try:
        verify(a)
    except (PyAsiceError, ValueError, KeyError) as e:
        # SignatureVerificationError, ContainerError; ValueError("The XML signature is not prepared")
        # is how pyasice reports a SignedProperties digest mismatch; KeyError a missing data file.
        print("pyasice: INVALID: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
