//! A small BER reader for the outer layers of CMS.
//!
//! Signers in the wild (OpenSSL with `-stream`, Java, Italian and Turkish tools) write CMS
//! with indefinite lengths and constructed OCTET STRINGs, which the strict DER decoders of
//! the `der` crate refuse. This reader walks such input, keeps the exact bytes of every
//! element (signed attributes must be hashed as encoded), and hands DER leaves
//! (certificates, algorithm identifiers, names) to the `der`-based types.
//!
//! Limits: nesting depth [`MAX_DEPTH`], single-byte tags only (CMS uses no others), and a
//! length may not exceed what is left of the input.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::error::Error;

/// Deepest nesting accepted (CMS with a timestamp inside a counter-signature is about 20).
pub(crate) const MAX_DEPTH: usize = 48;

/// Universal and context tags used by CMS.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// `[n]` constructed.
    pub(crate) const fn context(n: u8) -> u8 {
        0xA0 | n
    }
    /// `[n]` primitive.
    pub(crate) const fn context_primitive(n: u8) -> u8 {
        0x80 | n
    }
}

/// One element: its tag, its content and its whole encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The whole element, header and end-of-contents included.
    pub raw: &'a [u8],
    /// The content octets (for an indefinite length, without the end-of-contents octets).
    pub content: &'a [u8],
    /// Whether the length was indefinite.
    pub indefinite: bool,
    /// Offset of the element in the outermost input, for messages.
    pub offset: usize,
    depth: usize,
}

/// Reads consecutive elements from a slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
    what: &'static str,
}

fn err(what: &'static str, offset: usize, detail: &str) -> Error {
    Error::Malformed {
        what,
        detail: alloc::format!("{detail} at byte {offset}"),
    }
}

impl<'a> Reader<'a> {
    /// A reader over a whole input; `what` names the structure in messages.
    pub(crate) fn new(data: &'a [u8], what: &'static str) -> Self {
        Self {
            data,
            pos: 0,
            base: 0,
            depth: 0,
            what,
        }
    }

    /// Whether all input was consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The absolute offset of the next element.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The tag of the next element, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Reads the next element.
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>, Error> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        let (tlv, len) = parse_one(rest, self.base + self.pos, self.depth, self.what)?;
        self.pos += len;
        Ok(tlv)
    }

    /// Reads the next element, which must have tag `t`.
    pub(crate) fn expect(&mut self, t: u8, name: &str) -> Result<Tlv<'a>, Error> {
        let at = self.offset();
        match self.peek_tag() {
            Some(found) if found == t => self.read(),
            Some(found) => Err(err(
                self.what,
                at,
                &alloc::format!("{name}: expected tag 0x{t:02x}, found 0x{found:02x}"),
            )),
            None => Err(err(self.what, at, &alloc::format!("{name} is missing"))),
        }
    }

    /// Reads the next element if it has tag `t`.
    pub(crate) fn optional(&mut self, t: u8) -> Result<Option<Tlv<'a>>, Error> {
        if self.peek_tag() == Some(t) {
            self.read().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails if anything is left.
    pub(crate) fn finish(&self, name: &str) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(err(
                self.what,
                self.offset(),
                &alloc::format!("unexpected data after {name}"),
            ))
        }
    }
}

impl<'a> Tlv<'a> {
    /// Whether the element is constructed.
    pub(crate) fn constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// A reader over the content (for constructed elements).
    pub(crate) fn reader(&self, what: &'static str) -> Result<Reader<'a>, Error> {
        if !self.constructed() {
            return Err(err(what, self.offset, "expected a constructed element"));
        }
        Ok(Reader {
            data: self.content,
            pos: 0,
            base: self.offset + (self.raw.len() - self.content.len() - self.eoc_len()),
            depth: self.depth + 1,
            what,
        })
    }

    fn eoc_len(&self) -> usize {
        if self.indefinite {
            2
        } else {
            0
        }
    }

    /// The children of a constructed element, at most `max` of them.
    pub(crate) fn children(&self, what: &'static str, max: usize) -> Result<Vec<Tlv<'a>>, Error> {
        let mut r = self.reader(what)?;
        let mut out = Vec::new();
        while !r.is_empty() {
            if out.len() >= max {
                return Err(Error::LimitExceeded { what, limit: max });
            }
            out.push(r.read()?);
        }
        Ok(out)
    }

    /// The value of an OCTET STRING, primitive or constructed (BER segments joined).
    pub(crate) fn octets(&self, what: &'static str) -> Result<Cow<'a, [u8]>, Error> {
        match self.tag {
            tag::OCTET_STRING => Ok(Cow::Borrowed(self.content)),
            tag::OCTET_STRING_CONSTRUCTED => {
                let mut out = Vec::new();
                self.append_segments(what, &mut out)?;
                Ok(Cow::Owned(out))
            }
            t => Err(err(
                what,
                self.offset,
                &alloc::format!("expected an OCTET STRING, found tag 0x{t:02x}"),
            )),
        }
    }

    /// The value of an OCTET STRING as slices of the input, in order, without copying: one
    /// slice for a primitive string, the primitive segments of a constructed one (BER).
    pub(crate) fn octet_segments(&self, what: &'static str) -> Result<Vec<&'a [u8]>, Error> {
        match self.tag {
            tag::OCTET_STRING => Ok(alloc::vec![self.content]),
            tag::OCTET_STRING_CONSTRUCTED => {
                let mut out = Vec::new();
                self.collect_segments(what, &mut |s| out.push(s))?;
                Ok(out)
            }
            t => Err(err(
                what,
                self.offset,
                &alloc::format!("expected an OCTET STRING, found tag 0x{t:02x}"),
            )),
        }
    }

    fn append_segments(&self, what: &'static str, out: &mut Vec<u8>) -> Result<(), Error> {
        self.collect_segments(what, &mut |s| out.extend_from_slice(s))
    }

    fn collect_segments(
        &self,
        what: &'static str,
        sink: &mut dyn FnMut(&'a [u8]),
    ) -> Result<(), Error> {
        let mut r = self.reader(what)?;
        while !r.is_empty() {
            let seg = r.read()?;
            match seg.tag {
                tag::OCTET_STRING => sink(seg.content),
                tag::OCTET_STRING_CONSTRUCTED => seg.collect_segments(what, sink)?,
                _ => return Err(err(what, seg.offset, "OCTET STRING segment expected")),
            }
        }
        Ok(())
    }

    /// Length of the identifier and length octets as encoded.
    fn header_len(&self) -> usize {
        self.raw.len() - self.content.len() - self.eoc_len()
    }

    /// The DER form of this element (X.690 §10), with the first place where the encoding
    /// departs from it. Re-encodes every length in its shortest definite form, joins
    /// constructed OCTET STRINGs into primitive ones and sorts the elements of every SET by
    /// their encodings (§10.3, §11.6). It does not rewrite the contents of primitive values
    /// (non-minimal INTEGERs, BOOLEAN true other than 0xFF): those stay as encoded.
    pub(crate) fn der_form(self, what: &'static str) -> Result<(Vec<u8>, Option<NotDer>), Error> {
        let mut first = None;
        let der = self.canonical(what, &mut first)?;
        Ok((der, first))
    }

    fn canonical(self, what: &'static str, first: &mut Option<NotDer>) -> Result<Vec<u8>, Error> {
        let mut note = |n: NotDer| {
            if first.is_none() {
                *first = Some(n);
            }
        };
        if self.indefinite {
            note(NotDer::IndefiniteLength {
                offset: self.offset,
            });
        } else {
            let mut minimal = Vec::new();
            push_len(&mut minimal, self.content.len());
            if self.header_len() != 1 + minimal.len() {
                note(NotDer::LongLength {
                    offset: self.offset,
                    length: self.content.len(),
                    octets: self.header_len().saturating_sub(1),
                });
            }
        }
        if !self.constructed() {
            return Ok(tlv(self.tag, self.content));
        }
        if self.tag == tag::OCTET_STRING_CONSTRUCTED {
            note(NotDer::ConstructedString {
                offset: self.offset,
            });
            let mut joined = Vec::new();
            self.append_segments(what, &mut joined)?;
            return Ok(tlv(tag::OCTET_STRING, &joined));
        }
        let mut parts = Vec::new();
        let mut r = self.reader(what)?;
        while !r.is_empty() {
            let child = r.read()?;
            let (der, inner) = child.der_form(what)?;
            if let Some(n) = inner {
                note(n);
            }
            parts.push(der);
        }
        if self.tag == tag::SET && !parts.is_sorted() {
            note(NotDer::SetOrder {
                offset: self.offset,
            });
            parts.sort();
        }
        Ok(tlv(self.tag, &parts.concat()))
    }

    /// The element as DER for the `der`-based decoders: its raw bytes when it has definite
    /// lengths throughout, else an error naming it.
    pub(crate) fn der(&self, what: &'static str) -> Result<&'a [u8], Error> {
        if self.indefinite {
            return Err(err(
                what,
                self.offset,
                "indefinite length where DER is needed",
            ));
        }
        Ok(self.raw)
    }
}

/// Where an encoding departs from DER (X.690 §10-11), for messages that say exactly what
/// is wrong. Offsets are from the start of the outermost input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotDer {
    /// An indefinite length (BER §8.1.3.6); DER requires definite lengths.
    IndefiniteLength {
        /// Where the element starts.
        offset: usize,
    },
    /// A definite length written in more octets than needed (DER §10.1).
    LongLength {
        /// Where the element starts.
        offset: usize,
        /// The length.
        length: usize,
        /// How many length octets were used (the short form has one).
        octets: usize,
    },
    /// A constructed OCTET STRING (BER segments); DER requires the primitive form (§10.2).
    ConstructedString {
        /// Where the element starts.
        offset: usize,
    },
    /// The elements of a SET not in ascending order of their encodings (§11.6).
    SetOrder {
        /// Where the SET starts.
        offset: usize,
    },
}

impl NotDer {
    /// The same fault with its offset moved by `by` (for an element parsed from a copy).
    pub(crate) fn shifted(self, by: usize) -> Self {
        match self {
            Self::IndefiniteLength { offset } => Self::IndefiniteLength {
                offset: offset + by,
            },
            Self::LongLength {
                offset,
                length,
                octets,
            } => Self::LongLength {
                offset: offset + by,
                length,
                octets,
            },
            Self::ConstructedString { offset } => Self::ConstructedString {
                offset: offset + by,
            },
            Self::SetOrder { offset } => Self::SetOrder {
                offset: offset + by,
            },
        }
    }
}

impl core::fmt::Display for NotDer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::IndefiniteLength { offset } => {
                write!(f, "an indefinite length (BER) at byte {offset}")
            }
            Self::LongLength {
                offset,
                length,
                octets,
            } => write!(
                f,
                "the length {length} written in {octets} length octets at byte {offset} \
                 (DER uses the shortest form)"
            ),
            Self::ConstructedString { offset } => {
                write!(f, "a constructed (segmented) OCTET STRING at byte {offset}")
            }
            Self::SetOrder { offset } => write!(
                f,
                "SET elements not sorted by their encodings (X.690 §11.6) at byte {offset}"
            ),
        }
    }
}

/// Parses one element at the start of `input`; returns it and its encoded length.
fn parse_one<'a>(
    input: &'a [u8],
    offset: usize,
    depth: usize,
    what: &'static str,
) -> Result<(Tlv<'a>, usize), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::LimitExceeded {
            what: "BER nesting depth",
            limit: MAX_DEPTH,
        });
    }
    let [t, first, ..] = *input else {
        return Err(err(what, offset, "truncated element header"));
    };
    if t & 0x1f == 0x1f {
        return Err(err(what, offset, "multi-byte tags are not supported"));
    }
    if t == 0 {
        return Err(err(what, offset, "unexpected end-of-contents"));
    }
    let constructed = t & 0x20 != 0;
    let mut header = 2usize;
    let definite: Option<usize> = match first {
        0x80 => None,
        l if l < 0x80 => Some(usize::from(l)),
        l => {
            let n = usize::from(l & 0x7f);
            if n > 4 {
                return Err(err(what, offset, "length longer than 4 bytes"));
            }
            let bytes = input
                .get(2..2 + n)
                .ok_or_else(|| err(what, offset, "truncated length"))?;
            header += n;
            Some(
                bytes
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
            )
        }
    };
    match definite {
        Some(len) => {
            let end = header
                .checked_add(len)
                .filter(|e| *e <= input.len())
                .ok_or_else(|| err(what, offset, "length runs past the end of the input"))?;
            let raw = input.get(..end).unwrap_or(&[]);
            let content = input.get(header..end).unwrap_or(&[]);
            Ok((
                Tlv {
                    tag: t,
                    raw,
                    content,
                    indefinite: false,
                    offset,
                    depth,
                },
                end,
            ))
        }
        None => {
            if !constructed {
                return Err(err(
                    what,
                    offset,
                    "indefinite length on a primitive element",
                ));
            }
            // Walk the children up to the end-of-contents octets.
            let mut pos = header;
            loop {
                let rest = input.get(pos..).unwrap_or(&[]);
                match rest {
                    [0, 0, ..] => break,
                    [] | [_] => return Err(err(what, offset, "missing end-of-contents")),
                    _ => {
                        let (_, len) = parse_one(rest, offset + pos, depth + 1, what)?;
                        pos += len;
                    }
                }
            }
            let content = input.get(header..pos).unwrap_or(&[]);
            let end = pos + 2;
            Ok((
                Tlv {
                    tag: t,
                    raw: input.get(..end).unwrap_or(&[]),
                    content,
                    indefinite: true,
                    offset,
                    depth,
                },
                end,
            ))
        }
    }
}

/// Encodes a DER length.
pub(crate) fn push_len(out: &mut Vec<u8>, len: usize) {
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or(&[]);
    match significant {
        [b] if *b < 0x80 => out.push(*b),
        [] => out.push(0),
        s => {
            // At most 8 length bytes on 64-bit targets.
            out.push(0x80 | u8::try_from(s.len()).unwrap_or(0x7f));
            out.extend_from_slice(s);
        }
    }
}

/// Encodes a TLV with a definite length.
pub(crate) fn tlv(t: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(t);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn indefinite_and_constructed_octets() {
        // SEQUENCE(indef) { OCTET STRING(constructed, indef) { "ab", "c" } }
        let data = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0,
        ];
        let mut r = Reader::new(&data, "test");
        let seq = r.read().unwrap();
        assert!(seq.indefinite);
        assert_eq!(seq.raw.len(), data.len());
        r.finish("seq").unwrap();
        let kids = seq.children("test", 4).unwrap();
        assert_eq!(kids.len(), 1);
        assert_eq!(&*kids[0].octets("test").unwrap(), b"abc");
        assert!(seq.der("test").is_err());
    }

    #[test]
    fn refuses_bad_lengths_and_depth() {
        assert!(Reader::new(&[0x30, 0x05, 0x01], "t").read().is_err());
        assert!(Reader::new(&[0x04, 0x80, 0, 0], "t").read().is_err());
        assert!(Reader::new(&[0x30, 0x80, 0x04, 0x00], "t").read().is_err());
        assert!(Reader::new(&[0x1f, 0x01, 0x00], "t").read().is_err());
        let mut deep = Vec::new();
        for _ in 0..200 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..200 {
            deep.extend_from_slice(&[0, 0]);
        }
        assert!(matches!(
            Reader::new(&deep, "t").read(),
            Err(Error::LimitExceeded { .. })
        ));
    }

    fn der_of(input: &[u8]) -> (Vec<u8>, Option<NotDer>) {
        Reader::new(input, "t")
            .read()
            .unwrap()
            .der_form("t")
            .unwrap()
    }

    #[test]
    fn der_input_is_its_own_der_form() {
        let input = [0x31, 0x06, 0x04, 0x01, b'a', 0x04, 0x01, b'b'];
        assert_eq!(der_of(&input), (input.to_vec(), None));
    }

    #[test]
    fn to_der_names_the_first_departure_from_der_and_repairs_it() {
        // SEQUENCE { OCTET STRING "ab" } with the inner length in two octets.
        let long = [0x30, 0x05, 0x04, 0x81, 0x02, b'a', b'b'];
        assert_eq!(
            der_of(&long),
            (
                alloc::vec![0x30, 0x04, 0x04, 0x02, b'a', b'b'],
                Some(NotDer::LongLength {
                    offset: 2,
                    length: 2,
                    octets: 2
                })
            )
        );
        // Indefinite SEQUENCE holding a constructed OCTET STRING.
        let indefinite = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x01, b'a', 0x04, 0x01, b'b', 0, 0, 0, 0,
        ];
        assert_eq!(
            der_of(&indefinite),
            (
                alloc::vec![0x30, 0x04, 0x04, 0x02, b'a', b'b'],
                Some(NotDer::IndefiniteLength { offset: 0 })
            )
        );
        // A SET out of order: sorted by encoding.
        let unsorted = [0x31, 0x06, 0x04, 0x01, b'b', 0x04, 0x01, b'a'];
        assert_eq!(
            der_of(&unsorted),
            (
                alloc::vec![0x31, 0x06, 0x04, 0x01, b'a', 0x04, 0x01, b'b'],
                Some(NotDer::SetOrder { offset: 0 })
            )
        );
        let message = NotDer::LongLength {
            offset: 2,
            length: 2,
            octets: 2,
        };
        let message = alloc::format!("{message}");
        assert!(message.contains("length 2 written in 2 length octets at byte 2"));
    }

    #[test]
    fn constructed_octets_are_borrowed_segments() {
        let data = [0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0];
        let t = Reader::new(&data, "t").read().unwrap();
        let segs = t.octet_segments("t").unwrap();
        assert_eq!(segs, alloc::vec![&data[4..6], &data[8..9]]);
    }

    #[test]
    fn lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 65_536, 1 << 24] {
            let content = alloc::vec![7u8; len];
            let enc = tlv(tag::OCTET_STRING, &content);
            let t = Reader::new(&enc, "t").read().unwrap();
            assert_eq!(t.content.len(), len);
        }
    }
}
