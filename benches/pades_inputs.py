#!/usr/bin/env python3
"""Unsigned PDFs for benches/pades_verify.sh, written by hand (PDF 1.7, classic xref table).

    pades_inputs.py text PAGES OUT      PAGES pages, each with a text content stream of about
                                        4 KB (Helvetica, 60 lines of generated prose)
    pades_inputs.py big MIB OUT         MIB MiB of incompressible data: pages that each draw
                                        a 2048x2048 DeviceGray image XObject of random bytes
                                        (4 MiB, no filter), plus a line of text; the images
                                        come from os.urandom in 1 MiB pieces, never held whole
    pades_inputs.py attach MIB OUT      one page of text and one stream object of MIB MiB of
                                        random bytes: an attached file (/EmbeddedFiles)

Each object's offset is counted as it is written, so the xref table is exact; the trailer
carries /Size, /Root and an /ID.
"""
import hashlib
import os
import random
import sys

WORDS = (
    "signature document revision certificate validation digest stream object page "
    "catalog trailer reference incremental update field widget appearance timestamp "
    "policy chain anchor issuer subject serial algorithm content range byte offset "
    "the of and to in a is that for on with as by at from this be are"
).split()


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.pos = 0
        self.offsets = {}

    def raw(self, data):
        self.f.write(data)
        self.pos += len(data)

    def obj(self, num, body):
        self.offsets[num] = self.pos
        self.raw(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    def stream(self, num, dict_body, data_len, chunks):
        """dict_body without /Length; chunks yields exactly data_len bytes in total."""
        self.offsets[num] = self.pos
        self.raw(b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (num, dict_body, data_len))
        written = 0
        for c in chunks:
            self.raw(c)
            written += len(c)
        assert written == data_len, (written, data_len)
        self.raw(b"\nendstream\nendobj\n")

    def finish(self, root):
        size = max(self.offsets) + 1
        xref = self.pos
        self.raw(b"xref\n0 %d\n" % size)
        self.raw(b"0000000000 65535 f\r\n")
        for n in range(1, size):
            self.raw(b"%010d 00000 n\r\n" % self.offsets[n])
        ident = hashlib.md5(str(self.pos).encode()).hexdigest().encode()
        self.raw(b"trailer\n<< /Size %d /Root %d 0 R /ID [<%s> <%s>] >>\n" % (size, root, ident, ident))
        self.raw(b"startxref\n%d\n%%%%EOF\n" % xref)
        self.f.close()


def text_page(rng, page_no, lines=60):
    out = [b"BT /F1 10 Tf 12 TL 50 800 Td"]
    out.append(b"(Page %d) Tj T*" % page_no)
    for _ in range(lines):
        line = " ".join(rng.choice(WORDS) for _ in range(11))
        out.append(b"(" + line.encode() + b") Tj T*")
    out.append(b"ET")
    return b"\n".join(out) + b"\n"


def header(w):
    w.raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")


def text_pdf(pages, out):
    rng = random.Random(1)
    w = Writer(out)
    header(w)
    # 1 catalog, 2 pages, 3 font, then per page: page object, content stream
    kids = [4 + 2 * i for i in range(pages)]
    w.obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    w.obj(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids)))
    w.obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, k in enumerate(kids):
        w.obj(k, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                 b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (k + 1))
        data = text_page(rng, i + 1)
        w.stream(k + 1, b"", len(data), [data])
    w.finish(1)


def big_pdf(mib, out):
    side = 2048
    img = side * side  # 4 MiB per image
    pages = max(1, -(-mib * 1024 * 1024 // img))
    w = Writer(out)
    header(w)
    # 1 catalog, 2 pages, 3 font, then per page: page, content stream, image
    kids = [4 + 3 * i for i in range(pages)]
    w.obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    w.obj(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids)))
    w.obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    piece = 1 << 20
    for i, k in enumerate(kids):
        w.obj(k, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                 b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im0 %d 0 R >> >> "
                 b"/Contents %d 0 R >>" % (k + 2, k + 1))
        data = b"q 495 0 0 495 50 300 cm /Im0 Do Q\nBT /F1 12 Tf 50 820 Td (Scan %d of %d) Tj ET\n" % (i + 1, pages)
        w.stream(k + 1, b"", len(data), [data])
        w.stream(k + 2, b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8" % (side, side),
                 img, (os.urandom(piece) for _ in range(img // piece)))
    w.finish(1)


def attach_pdf(mib, out):
    rng = random.Random(2)
    w = Writer(out)
    header(w)
    w.obj(1, b"<< /Type /Catalog /Pages 2 0 R "
             b"/Names << /EmbeddedFiles << /Names [(data.bin) 6 0 R] >> >> >>")
    w.obj(2, b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>")
    w.obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    w.obj(4, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
             b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>")
    data = text_page(rng, 1)
    w.stream(5, b"", len(data), [data])
    w.obj(6, b"<< /Type /Filespec /F (data.bin) /UF (data.bin) /EF << /F 7 0 R >> >>")
    piece = 1 << 20
    w.stream(7, b"/Type /EmbeddedFile /Subtype /application#2Foctet-stream",
             mib * piece, (os.urandom(piece) for _ in range(mib)))
    w.finish(1)


def main():
    kinds = {"text": text_pdf, "big": big_pdf, "attach": attach_pdf}
    if len(sys.argv) != 4 or sys.argv[1] not in kinds:
        sys.exit(__doc__)
    kinds[sys.argv[1]](int(sys.argv[2]), sys.argv[3])


if __name__ == "__main__":
    main()
