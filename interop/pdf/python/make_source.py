#!/usr/bin/env python3
"""Writes the unsigned source PDF of the PDF interop tests, byte for byte the same every run.

    python3 make_source.py OUT.pdf

Standard library only (no peer needed). The file is a classic PDF 1.7 (one revision, an xref
table, no object streams, uncompressed content) with:

  * two A4 pages, each with a text content stream in Helvetica; page 1 says
    "imza interop: PAdES page 1", the string tamper.py flips a byte of;
  * an AcroForm with one text field "Name" (merged field/widget on page 1, /DA, an empty
    appearance stream) and /DR naming the font, so that a form filler has what it needs;
  * no signature field: the signers add their own;
  * a fixed /ID and /Info without dates, so that the output never changes.
"""

import sys

FIELD_W, FIELD_H = 250, 22


def stream(dict_body: bytes, data: bytes) -> bytes:
    return b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def page_content(n: int) -> bytes:
    lines = [
        b"BT /F1 18 Tf 72 770 Td (imza interop: PAdES page %d) Tj ET" % n,
        b"BT /F1 11 Tf 72 740 Td (A two-page document for signing by imza and pyHanko.) Tj ET",
    ]
    if n == 1:
        lines += [
            b"BT /F1 11 Tf 72 697 Td (Name:) Tj ET",
            # the field's frame
            b"0.5 G 150 690 %d %d re S" % (FIELD_W, FIELD_H),
        ]
    else:
        lines.append(b"BT /F1 11 Tf 72 710 Td (The second page has no field.) Tj ET")
    return b"\n".join(lines) + b"\n"


def build() -> bytes:
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 7 0 R >> >> /Contents 5 0 R /Annots [9 0 R] >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 7 0 R >> >> /Contents 6 0 R >>",
        5: stream(b"", page_content(1)),
        6: stream(b"", page_content(2)),
        7: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        8: b"<< /Fields [9 0 R] /DR << /Font << /Helv 7 0 R >> >> /DA (/Helv 0 Tf 0 g) >>",
        9: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Name) /F 4 /P 3 0 R "
        b"/Rect [150 690 %d %d] /DA (/Helv 10 Tf 0 g) /AP << /N 10 0 R >> >>"
        % (150 + FIELD_W, 690 + FIELD_H),
        10: stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Resources << /Font << /Helv 7 0 R >> >>"
            % (FIELD_W, FIELD_H),
            b"/Tx BMC EMC",
        ),
        11: b"<< /Title (imza PDF interop source) /Producer (imza interop/pdf/python/make_source.py) >>",
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n" % size + b"0000000000 65535 f \n"
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    file_id = b"<696d7a612d7064662d696e7465726f70>"  # "imza-pdf-interop"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 11 0 R /ID [%s %s] >>\n" % (size, file_id, file_id)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_source.py OUT.pdf")
    with open(sys.argv[1], "wb") as f:
        f.write(build())


if __name__ == "__main__":
    main()
