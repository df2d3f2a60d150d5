#!/usr/bin/env python3
"""Copies a signed PDF with one byte flipped inside what its signature covers.

    python3 tamper.py SIGNED.pdf OUT.pdf

Standard library only. The byte is the "1" of "page 1" in page 1's content stream (written
by make_source.py, uncompressed), changed to "0" (XOR 0x01): the file stays a well-formed PDF
with the same length and offsets, only the signed bytes differ. The script checks that the
byte lies inside the /ByteRange of every signature in the file (so it is signed content,
not the /Contents hole) and fails (exit 1) otherwise.
"""

import re
import sys

MARKER = b"(imza interop: PAdES page 1)"


def main() -> int:
    if len(sys.argv) != 3:
        sys.exit("usage: tamper.py SIGNED.pdf OUT.pdf")
    data = bytearray(open(sys.argv[1], "rb").read())
    at = data.find(MARKER)
    if at < 0 or data.find(MARKER, at + 1) >= 0:
        print(f"tamper.py: {MARKER!r} is not in {sys.argv[1]} exactly once", file=sys.stderr)
        return 1
    pos = at + len(MARKER) - 2  # the "1"
    ranges = [tuple(map(int, m.groups())) for m in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)]
    if not ranges:
        print(f"tamper.py: no /ByteRange in {sys.argv[1]}", file=sys.stderr)
        return 1
    for a, b, c, d in ranges:
        if not (a <= pos < a + b or c <= pos < c + d):
            print(f"tamper.py: offset {pos} is outside /ByteRange [{a} {b} {c} {d}]", file=sys.stderr)
            return 1
    data[pos] ^= 0x01
    open(sys.argv[2], "wb").write(data)
    print(f"flipped byte {pos} (0x{data[pos] ^ 1:02x} -> 0x{data[pos]:02x}), inside {len(ranges)} /ByteRange(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
