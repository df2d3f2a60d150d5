//! Incremental updates (ISO 32000-1 §7.5.6): new and redefined objects written after the
//! file's last byte, then a cross-reference section chained to the previous one by `/Prev`.
//! The original bytes are never changed, so signatures over them stay intact.
//!
//! The section is a table, or a cross-reference stream when the file's newest section is
//! one (readers of a stream-only file need not read tables). Values are written from the
//! parsed [`Object`] model; streams only as new objects.

use alloc::vec::Vec;

use super::document::Document;
use super::source::Source;
use super::syntax::{Dict, ObjRef, Object, Spanned};
use crate::error::PdfError;

/// Writes `o` in PDF syntax.
pub fn object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(alloc::format!("{i}").as_bytes()),
        Object::Real(r) => real(out, *r),
        Object::String(s) => string(out, &s.bytes, s.hex),
        Object::Name(n) => name(out, n),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                object(out, &item.object);
            }
            out.push(b']');
        }
        Object::Dict(d) => dict(out, d),
        Object::Ref(r) => out.extend_from_slice(alloc::format!("{} {} R", r.num, r.gen).as_bytes()),
    }
}

/// Writes `d` as `<< /Key value ... >>`.
pub fn dict(out: &mut Vec<u8>, d: &Dict) {
    out.extend_from_slice(b"<<");
    for (k, v) in &d.entries {
        name(out, k);
        out.push(b' ');
        object(out, &v.object);
    }
    out.extend_from_slice(b">>");
}

/// A real without an exponent (PDF has none), at most 10 decimals.
fn real(out: &mut Vec<u8>, r: f64) {
    if !r.is_finite() {
        out.push(b'0');
        return;
    }
    let s = alloc::format!("{r:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    out.extend_from_slice(if s.is_empty() || s == "-" { "0" } else { s }.as_bytes());
}

/// A name with `#xx` for anything but regular characters (§7.3.5).
pub fn name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if (0x21..=0x7e).contains(&b) && !super::syntax::is_delimiter(b) && b != b'#' {
            out.push(b);
        } else {
            out.extend_from_slice(alloc::format!("#{b:02X}").as_bytes());
        }
    }
}

/// A string: literal when it is printable ASCII and was not hex, else hex.
pub fn string(out: &mut Vec<u8>, bytes: &[u8], hex: bool) {
    if hex || bytes.iter().any(|b| !(0x20..=0x7e).contains(b)) {
        out.push(b'<');
        for b in bytes {
            out.extend_from_slice(alloc::format!("{b:02X}").as_bytes());
        }
        out.push(b'>');
        return;
    }
    out.push(b'(');
    for &b in bytes {
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
}

/// A value with no span (for objects built here).
pub fn v(object: Object) -> Spanned {
    Spanned { object, span: 0..0 }
}

/// Sets `key` in `d`, replacing its value or appending it.
pub fn set(d: &mut Dict, key: &[u8], value: Object) {
    match d.entries.iter_mut().find(|(k, _)| k.as_slice() == key) {
        Some((_, slot)) => *slot = v(value),
        None => d.entries.push((key.to_vec(), v(value))),
    }
}

/// An incremental update being built: its bytes start right after the file's last byte.
#[derive(Debug)]
pub struct Update {
    /// The file's length: offsets in the update are relative to it.
    base: u64,
    /// The newest section's offset (`/Prev`).
    prev: u64,
    /// Write a cross-reference stream rather than a table.
    stream: bool,
    /// The next free object number (`/Size`).
    size: u32,
    /// `/Root`, `/Info` and `/ID` of the newest trailer.
    carried: Dict,
    bytes: Vec<u8>,
    /// Each object written: number, generation, offset in the file.
    written: Vec<(u32, u16, u64)>,
}

impl Update {
    /// Starts an update of `doc` as its newest revision sees it. Encrypted files are
    /// refused: their strings would have to be encrypted.
    pub fn new<S: Source>(doc: &mut Document<S>) -> Result<Self, PdfError> {
        let newest = doc
            .sections()
            .first()
            .ok_or_else(|| PdfError::NotFound("a cross-reference section".into()))?;
        let (prev, stream) = (newest.offset, newest.stream);
        let trailer = newest.trailer.clone();
        if trailer.get(b"Encrypt").is_some() {
            return Err(PdfError::Unsupported("signing an encrypted PDF".into()));
        }
        let size = trailer
            .integer(b"Size")
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| PdfError::NotFound("the trailer's /Size".into()))?;
        let mut carried = Dict::default();
        for key in [&b"Root"[..], b"Info", b"ID"] {
            if let Some(val) = trailer.get(key) {
                carried.entries.push((key.to_vec(), val.clone()));
            }
        }
        let base = doc.len();
        let last = doc.source().window(base.saturating_sub(1), 1)?;
        let mut bytes = Vec::new();
        // The update starts on a line of its own.
        if !matches!(last.first(), Some(b'\n' | b'\r')) {
            bytes.push(b'\n');
        }
        Ok(Self {
            base,
            prev,
            stream,
            size,
            carried,
            bytes,
            written: Vec::new(),
        })
    }

    /// A new object number.
    pub fn allocate(&mut self) -> ObjRef {
        let r = ObjRef {
            num: self.size,
            gen: 0,
        };
        self.size += 1;
        r
    }

    /// The file offset the next byte written will have.
    pub fn offset(&self) -> u64 {
        self.base + self.bytes.len() as u64
    }

    /// The bytes so far.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Writes object `id` (new, or redefining an older one) with the value `value`, already
    /// in PDF syntax; returns where `value` starts in [`Update::bytes`].
    pub fn put_raw(&mut self, id: ObjRef, value: &[u8]) -> usize {
        self.written.push((id.num, id.gen, self.offset()));
        self.bytes
            .extend_from_slice(alloc::format!("{} {} obj\n", id.num, id.gen).as_bytes());
        let at = self.bytes.len();
        self.bytes.extend_from_slice(value);
        self.bytes.extend_from_slice(b"\nendobj\n");
        at
    }

    /// Writes object `id` with the value `value`.
    pub fn put(&mut self, id: ObjRef, value: &Object) {
        let mut buf = Vec::new();
        object(&mut buf, value);
        self.put_raw(id, &buf);
    }

    /// Writes a new stream object with `extra` in its dictionary and `data` unfiltered.
    pub fn put_stream(&mut self, id: ObjRef, extra: &Dict, data: &[u8]) {
        let mut d = extra.clone();
        set(&mut d, b"Length", Object::Integer(data.len() as i64));
        let mut buf = Vec::new();
        dict(&mut buf, &d);
        buf.extend_from_slice(b"\nstream\n");
        buf.extend_from_slice(data);
        buf.extend_from_slice(b"\nendstream");
        self.put_raw(id, &buf);
    }

    /// Ends the update: the cross-reference section, the trailer, `startxref` and `%%EOF`.
    /// Returns the bytes to append to the file.
    pub fn finish(mut self) -> Vec<u8> {
        if self.stream {
            self.finish_stream();
        } else {
            self.finish_table();
        }
        self.bytes
    }

    /// Consecutive runs of the written object numbers, each entry's (gen, offset).
    fn runs(&self) -> Vec<(u32, Vec<(u16, u64)>)> {
        let mut entries = self.written.clone();
        entries.sort_by_key(|e| e.0);
        // A number written twice: the last definition counts.
        let mut dedup: Vec<(u32, u16, u64)> = Vec::new();
        for e in entries {
            match dedup.last_mut() {
                Some(l) if l.0 == e.0 => *l = e,
                _ => dedup.push(e),
            }
        }
        let mut runs: Vec<(u32, Vec<(u16, u64)>)> = Vec::new();
        for (num, gen, off) in dedup {
            match runs.last_mut() {
                Some((start, items))
                    if u64::from(*start) + items.len() as u64 == u64::from(num) =>
                {
                    items.push((gen, off));
                }
                _ => runs.push((num, alloc::vec![(gen, off)])),
            }
        }
        runs
    }

    fn trailer(&self) -> Dict {
        let mut t = Dict::default();
        set(&mut t, b"Size", Object::Integer(i64::from(self.size)));
        for (k, val) in &self.carried.entries {
            t.entries.push((k.clone(), val.clone()));
        }
        set(&mut t, b"Prev", Object::Integer(self.prev as i64));
        t
    }

    fn finish_table(&mut self) {
        let xref_at = self.offset();
        let runs = self.runs();
        let mut out = Vec::from(&b"xref\n"[..]);
        for (start, items) in runs {
            out.extend_from_slice(alloc::format!("{start} {}\n", items.len()).as_bytes());
            for (gen, off) in items {
                out.extend_from_slice(alloc::format!("{off:010} {gen:05} n\r\n").as_bytes());
            }
        }
        out.extend_from_slice(b"trailer\n");
        dict(&mut out, &self.trailer());
        out.extend_from_slice(alloc::format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
        self.bytes.extend_from_slice(&out);
    }

    fn finish_stream(&mut self) {
        let id = self.allocate();
        let xref_at = self.offset();
        // Its own entry too (§7.5.8.3).
        self.written.push((id.num, id.gen, xref_at));
        let width: usize = if xref_at + 4096 > u64::from(u32::MAX) {
            8
        } else {
            4
        };
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (start, items) in self.runs() {
            index.push(v(Object::Integer(i64::from(start))));
            index.push(v(Object::Integer(items.len() as i64)));
            for (gen, off) in items {
                data.push(1u8);
                data.extend_from_slice(off.to_be_bytes().get(8 - width..).unwrap_or_default());
                data.extend_from_slice(&gen.to_be_bytes());
            }
        }
        let mut d = self.trailer();
        set(&mut d, b"Type", Object::Name(b"XRef".to_vec()));
        set(&mut d, b"Index", Object::Array(index));
        set(
            &mut d,
            b"W",
            Object::Array(alloc::vec![
                v(Object::Integer(1)),
                v(Object::Integer(width as i64)),
                v(Object::Integer(2)),
            ]),
        );
        set(&mut d, b"Length", Object::Integer(data.len() as i64));
        let mut buf = alloc::format!("{} {} obj\n", id.num, id.gen).into_bytes();
        dict(&mut buf, &d);
        buf.extend_from_slice(b"\nstream\n");
        buf.extend_from_slice(&data);
        buf.extend_from_slice(b"\nendstream\nendobj\n");
        buf.extend_from_slice(alloc::format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
        self.bytes.extend_from_slice(&buf);
    }
}

/// A file and the update bytes written after it, read as one file.
#[derive(Debug)]
pub struct Appended<'a, S> {
    /// The original file.
    pub base: &'a mut S,
    /// What follows it.
    pub tail: &'a [u8],
}

impl<S: Source> Source for Appended<'_, S> {
    fn len(&self) -> u64 {
        self.base.len() + self.tail.len() as u64
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PdfError> {
        let base = self.base.len();
        if offset < base {
            let n = usize::try_from(base - offset).map_or(buf.len(), |r| r.min(buf.len()));
            return self
                .base
                .read_at(offset, buf.get_mut(..n).unwrap_or_default());
        }
        let mut tail = self.tail;
        tail.read_at(offset - base, buf)
    }
}
