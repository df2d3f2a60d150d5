#!/usr/bin/env python3
"""Writes the unsigned PDFs the PAdES tests sign (deterministic; run from anywhere):

  hello.pdf             one page, classic cross-reference table (PDF 1.7)
  hello-xrefstream.pdf  two pages; catalog, page tree and pages in a compressed object
                        stream, a Flate cross-reference stream (PDF 1.5 style)
  form.pdf              one page with a text field "name" in an AcroForm (no signature)

Written by hand (no PDF library), so the structure is exactly what is described here.
"""
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def content(text):
    return b"BT /F1 24 Tf 72 720 Td (" + text + b") Tj ET"


def classic(objs, root=1):
    """objs: list of bytes (a dictionary) or (dict_bytes, stream_data)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        if isinstance(o, tuple):
            d, data = o
            out += b"%d 0 obj\n" % i + d[:-2] + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream\nendobj\n"
        else:
            out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, root, x)
    return bytes(out)


def hello():
    return classic([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        (b"<< >>", content(b"Hello imza")),
        FONT,
    ])


def form():
    return classic([
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /DA (/Helv 0 Tf 0 g) >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
        (b"<< >>", content(b"Form")),
        FONT,
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [72 600 300 630] /P 3 0 R /F 4 /DA (/Helv 12 Tf 0 g) >>",
    ])


def xrefstream():
    # 1 catalog, 2 pages, 3-4 pages (in object stream 9), 5-6 contents, 7 font, 8 xref stream
    inner = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources << /Font << /F1 7 0 R >> >> >>",
    ]
    head, body = b"", b""
    for n, o in enumerate(inner, 1):
        head += b"%d %d " % (n, len(body))
        body += o + b"\n"
    objstm = zlib.compress(head + body)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = {}
    for num, d, data in [
        (5, b"<<", content(b"Page one")),
        (6, b"<<", content(b"Page two")),
    ]:
        offs[num] = len(out)
        out += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (num, len(data)) + data + b"\nendstream\nendobj\n"
    offs[7] = len(out)
    out += b"7 0 obj\n" + FONT + b"\nendobj\n"
    offs[9] = len(out)
    out += b"9 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(head), len(objstm)) + objstm + b"\nendstream\nendobj\n"
    offs[8] = len(out)
    rows = b"\x00\x00\x00\xff"  # 0: free
    for n in range(1, 10):
        if n in (1, 2, 3, 4):
            rows += b"\x02" + (9).to_bytes(2, "big") + bytes([n - 1])
        else:
            rows += b"\x01" + offs[n].to_bytes(2, "big") + b"\x00"
    data = zlib.compress(rows)
    out += b"8 0 obj\n<< /Type /XRef /Size 10 /W [1 2 1] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offs[8]
    return bytes(out)


for name, make in [("hello.pdf", hello), ("hello-xrefstream.pdf", xrefstream), ("form.pdf", form)]:
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(make())
