//! PDF objects (ISO 32000-1 §7.2-7.3) parsed from bytes, each with its byte span.
//!
//! Spans are what PAdES needs: a signature's `/Contents` must be exactly the bytes its
//! `/ByteRange` leaves out, so the parser keeps where every value starts and ends in the
//! file. Strings, names and numbers are decoded; nothing is resolved (an indirect reference
//! stays an [`ObjRef`]), and stream data is not read: an indirect object that is a stream
//! gives the offset where its data starts, and the caller, which knows `/Length`, reads it.
//!
//! Refused with [`PdfError`]: nesting deeper than [`Limits::max_depth`], more than
//! [`Limits::max_items`] values in one array or dictionary, strings longer than
//! [`Limits::max_string`], a dictionary key given twice, numbers that do not fit.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::error::PdfError;

/// Budgets for parsing one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Arrays and dictionaries nested at most this deep.
    pub max_depth: usize,
    /// At most this many values in one array, or entries in one dictionary.
    pub max_items: usize,
    /// The longest string, decoded (a signature's `/Contents` is a few KB to about 1 MB).
    pub max_string: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_items: 100_000,
            max_string: 16 << 20,
        }
    }
}

/// An indirect reference `n g R`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    /// Object number.
    pub num: u32,
    /// Generation.
    pub gen: u16,
}

/// A string: its decoded bytes, and whether it was written in hex (`<...>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfString {
    /// The bytes, escapes and hex decoded.
    pub bytes: Vec<u8>,
    /// Written as `<hex>` rather than `(literal)`.
    pub hex: bool,
}

/// A direct object.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A real number.
    Real(f64),
    /// A string.
    String(PdfString),
    /// A name, `#xx` decoded, without the slash.
    Name(Vec<u8>),
    /// An array.
    Array(Vec<Spanned>),
    /// A dictionary.
    Dict(Dict),
    /// An indirect reference.
    Ref(ObjRef),
}

/// An object and the bytes it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned {
    /// The object.
    pub object: Object,
    /// Its bytes in the input (for a string, the delimiters included).
    pub span: Range<usize>,
}

/// A dictionary, in file order; keys are unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dict {
    /// Key (a name without the slash) and value.
    pub entries: Vec<(Vec<u8>, Spanned)>,
}

impl Dict {
    /// The value of `key`.
    pub fn get(&self, key: &[u8]) -> Option<&Spanned> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_slice() == key)
            .map(|(_, v)| v)
    }

    /// The value of `key` if it is a name.
    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key).map(|s| &s.object) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    /// The value of `key` if it is an integer.
    pub fn integer(&self, key: &[u8]) -> Option<i64> {
        match self.get(key).map(|s| &s.object) {
            Some(Object::Integer(i)) => Some(*i),
            _ => None,
        }
    }
}

/// The head of an indirect object: `n g obj` and its value, and for a stream where its
/// data starts (after `stream` and its end of line).
#[derive(Clone, Debug, PartialEq)]
pub struct Indirect {
    /// Its number and generation.
    pub id: ObjRef,
    /// Its value (a stream's dictionary for a stream).
    pub value: Spanned,
    /// For a stream: the offset of its first data byte.
    pub stream_data: Option<usize>,
    /// The offset after `endobj`; for a stream, `None` (its end depends on `/Length`).
    pub end: Option<usize>,
}

/// PDF white-space characters (§7.2.2, Table 1).
pub fn is_space(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// PDF delimiters (§7.2.2, Table 2).
pub fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_space(b) && !is_delimiter(b)
}

/// Reads objects from `data`, starting at a given offset.
#[derive(Debug)]
pub struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
    limits: Limits,
    /// Added to offsets in errors (the window's place in the file).
    base: u64,
}

impl<'a> Parser<'a> {
    /// A parser over `data` (which starts at file offset `base`), positioned at `pos`.
    pub fn new(data: &'a [u8], pos: usize, base: u64, limits: Limits) -> Self {
        Self {
            data,
            pos,
            limits,
            base,
        }
    }

    /// The current position in `data`.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn err(&self, at: usize, detail: impl Into<String>) -> PdfError {
        PdfError::Malformed {
            at: self.base + at as u64,
            detail: detail.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A regular-character token (a keyword or a number) at the position, not consumed.
    fn word(&self) -> &'a [u8] {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = rest.iter().take_while(|b| is_regular(**b)).count();
        rest.get(..n).unwrap_or_default()
    }

    /// Consumes the keyword `kw` (after white space) or fails.
    pub fn keyword(&mut self, kw: &[u8]) -> Result<(), PdfError> {
        self.skip_space();
        if self.word() == kw {
            self.pos += kw.len();
            Ok(())
        } else {
            Err(self.err(
                self.pos,
                alloc::format!("expected {:?}", String::from_utf8_lossy(kw)),
            ))
        }
    }

    /// One direct object.
    pub fn object(&mut self) -> Result<Spanned, PdfError> {
        self.value(0)
    }

    fn value(&mut self, depth: usize) -> Result<Spanned, PdfError> {
        self.skip_space();
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(self.err(start, "an object was expected, the input ended"));
        };
        let object = match b {
            b'/' => Object::Name(self.name()?),
            b'(' => Object::String(self.literal()?),
            b'<' if self.data.get(start + 1) == Some(&b'<') => Object::Dict(self.dict(depth)?),
            b'<' => Object::String(self.hex()?),
            b'[' => Object::Array(self.array(depth)?),
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number_or_ref()?,
            _ => {
                let w = self.word();
                let o = match w {
                    b"null" => Object::Null,
                    b"true" => Object::Bool(true),
                    b"false" => Object::Bool(false),
                    _ => {
                        return Err(self.err(
                            start,
                            alloc::format!(
                                "unexpected {:?}",
                                String::from_utf8_lossy(w.get(..w.len().min(16)).unwrap_or(&[b]))
                            ),
                        ))
                    }
                };
                self.pos += w.len();
                o
            }
        };
        Ok(Spanned {
            object,
            span: start..self.pos,
        })
    }

    fn deeper(&self, depth: usize) -> Result<usize, PdfError> {
        if depth >= self.limits.max_depth {
            return Err(PdfError::Limit {
                what: "nesting depth",
                limit: self.limits.max_depth as u64,
            });
        }
        Ok(depth + 1)
    }

    fn too_many(&self) -> PdfError {
        PdfError::Limit {
            what: "values in one array or dictionary",
            limit: self.limits.max_items as u64,
        }
    }

    fn array(&mut self, depth: usize) -> Result<Vec<Spanned>, PdfError> {
        let depth = self.deeper(depth)?;
        self.pos += 1; // [
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                None => return Err(self.err(self.pos, "an array is not closed")),
                _ => {}
            }
            if items.len() >= self.limits.max_items {
                return Err(self.too_many());
            }
            items.push(self.value(depth)?);
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Dict, PdfError> {
        let depth = self.deeper(depth)?;
        self.pos += 2; // <<
        let mut d = Dict::default();
        loop {
            self.skip_space();
            let at = self.pos;
            match self.peek() {
                Some(b'>') if self.data.get(at + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Ok(d);
                }
                Some(b'/') => {}
                None => return Err(self.err(at, "a dictionary is not closed")),
                _ => return Err(self.err(at, "a dictionary key must be a name")),
            }
            if d.entries.len() >= self.limits.max_items {
                return Err(self.too_many());
            }
            let key = self.name()?;
            if d.get(&key).is_some() {
                return Err(PdfError::DuplicateKey {
                    at: self.base + at as u64,
                    key: String::from_utf8_lossy(&key).into_owned(),
                });
            }
            let value = self.value(depth)?;
            d.entries.push((key, value));
        }
    }

    /// `/Name`, with `#xx` decoded (§7.3.5).
    fn name(&mut self) -> Result<Vec<u8>, PdfError> {
        self.pos += 1; // /
        let start = self.pos;
        let raw = self.word();
        self.pos += raw.len();
        if raw.len() > 127 * 3 {
            return Err(PdfError::Limit {
                what: "bytes in a name",
                limit: 127 * 3,
            });
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while let Some(&c) = raw.get(i) {
            if c == b'#' {
                let h = raw
                    .get(i + 1..i + 3)
                    .and_then(hex_byte)
                    .ok_or_else(|| self.err(start + i, "a bad #xx escape in a name"))?;
                out.push(h);
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        }
        Ok(out)
    }

    /// `(literal)` with balanced parentheses and escapes (§7.3.4.2).
    fn literal(&mut self) -> Result<PdfString, PdfError> {
        let start = self.pos;
        self.pos += 1; // (
        let mut out = Vec::new();
        let mut nesting = 1usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(start, "a string is not closed"));
            };
            self.pos += 1;
            match c {
                b'(' => {
                    nesting += 1;
                    out.push(c);
                }
                b')' => {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.err(start, "a string is not closed"));
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            // High-order overflow is ignored (§7.3.4.2).
                            out.push((v & 0xff) as u8);
                        }
                        // A line continuation: the backslash and the end of line vanish.
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        // `\(`, `\)`, `\\`, and any other character stands for itself.
                        other => out.push(other),
                    }
                }
                // An end of line in a string is read as a single LF (§7.3.4.2).
                b'\r' => {
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                other => out.push(other),
            }
            if out.len() > self.limits.max_string {
                return Err(self.string_limit());
            }
        }
        Ok(PdfString {
            bytes: out,
            hex: false,
        })
    }

    fn string_limit(&self) -> PdfError {
        PdfError::Limit {
            what: "bytes in a string",
            limit: self.limits.max_string as u64,
        }
    }

    /// `<hex>`; white space ignored, an odd final digit is followed by 0 (§7.3.4.3).
    fn hex(&mut self) -> Result<PdfString, PdfError> {
        let start = self.pos;
        self.pos += 1; // <
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(start, "a hex string is not closed"));
            };
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if is_space(c) {
                continue;
            }
            let v = hex_digit(c)
                .ok_or_else(|| self.err(self.pos - 1, "a non-hex character in a hex string"))?;
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
            if out.len() > self.limits.max_string {
                return Err(self.string_limit());
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(PdfString {
            bytes: out,
            hex: true,
        })
    }

    /// A number, or `n g R` when two non-negative integers are followed by `R`.
    fn number_or_ref(&mut self) -> Result<Object, PdfError> {
        let start = self.pos;
        let first = self.number()?;
        if let Object::Integer(n) = first {
            let save = self.pos;
            self.skip_space();
            if matches!(self.peek(), Some(b'0'..=b'9')) {
                let w = self.word();
                if w.iter().all(u8::is_ascii_digit) {
                    let g_pos = self.pos;
                    self.pos += w.len();
                    self.skip_space();
                    if self.word() == b"R" {
                        self.pos += 1;
                        let num = u32::try_from(n)
                            .map_err(|_| self.err(start, "an object number out of range"))?;
                        let gen = parse_decimal(w)
                            .and_then(|g| u16::try_from(g).ok())
                            .ok_or_else(|| self.err(g_pos, "a generation out of range"))?;
                        return Ok(Object::Ref(ObjRef { num, gen }));
                    }
                }
            }
            self.pos = save;
        }
        Ok(first)
    }

    fn number(&mut self) -> Result<Object, PdfError> {
        let start = self.pos;
        let w = self.word();
        self.pos += w.len();
        let (neg, digits) = match w.first() {
            Some(b'-') => (true, w.get(1..).unwrap_or_default()),
            Some(b'+') => (false, w.get(1..).unwrap_or_default()),
            _ => (false, w),
        };
        if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
            let v = parse_decimal(digits)
                .and_then(|v| i64::try_from(v).ok())
                .ok_or_else(|| self.err(start, "an integer out of range"))?;
            return Ok(Object::Integer(if neg { -v } else { v }));
        }
        let dots = digits.iter().filter(|b| **b == b'.').count();
        let valid = dots == 1
            && digits.len() > 1
            && digits.iter().all(|b| b.is_ascii_digit() || *b == b'.');
        if !valid {
            return Err(self.err(start, "a malformed number"));
        }
        let text =
            core::str::from_utf8(digits).map_err(|_| self.err(start, "a malformed number"))?;
        let v: f64 = text
            .parse()
            .map_err(|_| self.err(start, "a malformed number"))?;
        Ok(Object::Real(if neg { -v } else { v }))
    }

    /// An indirect object's head: `n g obj`, its value, then `endobj`, or `stream` and its
    /// end of line (CRLF or LF, §7.3.8.1), in which case the data offset is returned and
    /// `endobj` is left for the caller, who knows the length.
    pub fn indirect(&mut self) -> Result<Indirect, PdfError> {
        self.skip_space();
        let start = self.pos;
        let num = self.unsigned(u64::from(u32::MAX))?;
        self.skip_space();
        let gen = self.unsigned(u64::from(u16::MAX))?;
        self.keyword(b"obj")?;
        let id = ObjRef {
            num: u32::try_from(num)
                .map_err(|_| self.err(start, "an object number out of range"))?,
            gen: u16::try_from(gen).map_err(|_| self.err(start, "a generation out of range"))?,
        };
        let value = self.object()?;
        self.skip_space();
        match self.word() {
            b"endobj" => {
                self.pos += 6;
                Ok(Indirect {
                    id,
                    value,
                    stream_data: None,
                    end: Some(self.pos),
                })
            }
            b"stream" if matches!(value.object, Object::Dict(_)) => {
                self.pos += 6;
                match (self.peek(), self.data.get(self.pos + 1)) {
                    (Some(b'\r'), Some(b'\n')) => self.pos += 2,
                    (Some(b'\n'), _) => self.pos += 1,
                    _ => return Err(self.err(self.pos, "`stream` must be followed by CRLF or LF")),
                }
                Ok(Indirect {
                    id,
                    value,
                    stream_data: Some(self.pos),
                    end: None,
                })
            }
            _ => Err(self.err(self.pos, "expected endobj or stream")),
        }
    }

    /// A non-negative integer token not above `max`.
    pub fn unsigned(&mut self, max: u64) -> Result<u64, PdfError> {
        self.skip_space();
        let at = self.pos;
        let w = self.word();
        let v = (!w.is_empty() && w.iter().all(u8::is_ascii_digit))
            .then(|| parse_decimal(w))
            .flatten()
            .filter(|v| *v <= max)
            .ok_or_else(|| self.err(at, "a non-negative integer was expected"))?;
        self.pos += w.len();
        Ok(v)
    }
}

fn parse_decimal(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?
            .checked_add(u64::from(d.checked_sub(b'0')?))
    })
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    match two {
        [h, l] => Some(hex_digit(*h)? << 4 | hex_digit(*l)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Spanned, PdfError> {
        Parser::new(s.as_bytes(), 0, 0, Limits::default()).object()
    }

    fn obj(s: &str) -> Object {
        parse(s).unwrap().object
    }

    #[test]
    fn scalars() {
        assert_eq!(obj("null"), Object::Null);
        assert_eq!(obj(" true "), Object::Bool(true));
        assert_eq!(obj("-42"), Object::Integer(-42));
        assert_eq!(obj("+17"), Object::Integer(17));
        assert_eq!(obj("-.5"), Object::Real(-0.5));
        assert_eq!(obj("4."), Object::Real(4.0));
        assert_eq!(obj("/A#20B"), Object::Name(b"A B".to_vec()));
        assert_eq!(obj("/"), Object::Name(Vec::new()));
        assert!(parse("1.2.3").is_err());
        assert!(parse("99999999999999999999").is_err());
        assert!(parse("/A#2").is_err());
    }

    #[test]
    fn strings() {
        let s = |x: &str| match obj(x) {
            Object::String(s) => s.bytes,
            o => panic!("{o:?}"),
        };
        assert_eq!(s("(a (b) c)"), b"a (b) c");
        assert_eq!(s(r"(\n\r\t\b\f\(\)\\\q)"), b"\n\r\t\x08\x0c()\\q");
        assert_eq!(s(r"(\0053\53\053a)"), b"\x053++a");
        assert_eq!(s("(a\\\r\nb\\\nc)"), b"abc");
        assert_eq!(s("(a\r\nb\rc)"), b"a\nb\nc");
        assert_eq!(s("<48 65 6C6c6F>"), b"Hello");
        assert_eq!(s("<901FA>"), [0x90, 0x1f, 0xa0]);
        assert!(parse("(open").is_err());
        assert!(parse("<4G>").is_err());
    }

    #[test]
    fn references_and_containers() {
        assert_eq!(obj("12 0 R"), Object::Ref(ObjRef { num: 12, gen: 0 }));
        match obj("[1 2 R 3 4 5 0 R /X]") {
            Object::Array(a) => {
                let got: Vec<Object> = a.into_iter().map(|s| s.object).collect();
                assert_eq!(
                    got,
                    [
                        Object::Ref(ObjRef { num: 1, gen: 2 }),
                        Object::Integer(3),
                        Object::Integer(4),
                        Object::Ref(ObjRef { num: 5, gen: 0 }),
                        Object::Name(b"X".to_vec()),
                    ]
                );
            }
            o => panic!("{o:?}"),
        }
        let src = "<</Type/Sig/Contents <0A0B> % comment\n/ByteRange[0 10 20 30]>>";
        let d = match parse(src).unwrap().object {
            Object::Dict(d) => d,
            o => panic!("{o:?}"),
        };
        assert_eq!(d.name(b"Type"), Some(&b"Sig"[..]));
        let c = d.get(b"Contents").unwrap();
        assert_eq!(&src[c.span.clone()], "<0A0B>");
        assert!(matches!(
            parse("<</A 1/A 2>>"),
            Err(PdfError::DuplicateKey { .. })
        ));
        assert!(parse("<</A 1").is_err());
        assert!(parse("<<1 2>>").is_err());
    }

    #[test]
    fn limits() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(matches!(parse(&deep), Err(PdfError::Limit { .. })));
        let mut p = Parser::new(
            b"[1 2 3 4]",
            0,
            0,
            Limits {
                max_items: 3,
                ..Limits::default()
            },
        );
        assert!(matches!(p.object(), Err(PdfError::Limit { .. })));
        let mut p = Parser::new(
            b"(abcdef)",
            0,
            0,
            Limits {
                max_string: 3,
                ..Limits::default()
            },
        );
        assert!(matches!(p.object(), Err(PdfError::Limit { .. })));
    }

    #[test]
    fn indirect_objects_and_streams() {
        let src = b"7 0 obj\n<</Length 5>>\nstream\r\nhello\nendstream\nendobj";
        let mut p = Parser::new(src, 0, 100, Limits::default());
        let i = p.indirect().unwrap();
        assert_eq!(i.id, ObjRef { num: 7, gen: 0 });
        let at = i.stream_data.unwrap();
        assert_eq!(&src[at..at + 5], b"hello");
        let mut p = Parser::new(b" 3 1 obj (x) endobj", 0, 0, Limits::default());
        let i = p.indirect().unwrap();
        assert_eq!(i.end, Some(19));
        assert!(Parser::new(b"3 0 obj 1 stream\n", 0, 0, Limits::default())
            .indirect()
            .is_err());
        let e = Parser::new(b"3 0 obj (x) endobk", 0, 1000, Limits::default())
            .indirect()
            .unwrap_err();
        assert!(matches!(e, PdfError::Malformed { at: 1012, .. }), "{e:?}");
    }
}
