"""Flips one byte of a signed file, for negative checks (standard library only).

  tamper.py IN OUT [content|signing-time]

content (default): .xml: the first character of the document's first text node outside
ds:Signature (XOR 0x01, so it stays ASCII and the XML stays well-formed: "Interop" -> "Hnterop");
.asice: the first byte of the first data file (the ZIP is rewritten, mimetype first and stored).
signing-time: the last digit of the seconds of xades:SigningTime (inside SignedProperties,
so only the signature's own signed properties change); for .asice in the signature XML.
"""

import re
import sys
import zipfile


def flip_xml(data: bytes, mode: str) -> bytes:
    if mode == "signing-time":
        m = re.search(rb"SigningTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d(\d)", data)
        if not m:
            sys.exit("tamper: no SigningTime")
        i = m.start(1)
    else:
        sig = data.find(b"Signature")
        # first text character after a '>' that is before the first ds:Signature
        m = re.search(rb">([^<\s])", data[data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0:])
        if not m:
            sys.exit("tamper: no text node")
        i = m.start(1) + (data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0)
        if sig != -1 and i > sig:
            sys.exit("tamper: first text node is inside the signature")
    return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]


def main():
    src, dst = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "content"
    if not src.endswith(".asice"):
        with open(src, "rb") as f:
            data = flip_xml(f.read(), mode)
        with open(dst, "wb") as f:
            f.write(data)
        return
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        done = False
        for info in zin.infolist():
            data = zin.read(info)
            is_data = info.filename != "mimetype" and not info.filename.startswith("META-INF/")
            is_sig = info.filename.startswith("META-INF/") and "signatures" in info.filename
            if not done and ((mode == "content" and is_data and data) or (mode == "signing-time" and is_sig)):
                data = bytes([data[0] ^ 0x01]) + data[1:] if mode == "content" else flip_xml(data, mode)
                done = True
            zout.writestr(info, data, compress_type=info.compress_type)
        if not done:
            sys.exit("tamper: nothing to flip")


if __name__ == "__main__":
    main()
