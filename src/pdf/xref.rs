//! Cross-reference sections (ISO 32000-1 §7.5.4-7.5.8): classic `xref` tables, xref
//! streams, hybrid files (`/XRefStm`), and the `/Prev` chain that links the sections of
//! incremental updates, newest first. One section is one revision's view of which objects
//! it (re)defines: nothing is merged here, so the analysis can see what each update changed.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use super::source::Source;
use super::syntax::{Dict, Limits, Object, Parser};
use crate::error::PdfError;

/// Budgets for the structure of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XrefLimits {
    /// Object syntax limits.
    pub syntax: Limits,
    /// Most cross-reference sections (revisions, and the halves of hybrid files).
    pub max_sections: usize,
    /// Most entries in one section.
    pub max_entries: usize,
    /// The largest window read to parse one object or section.
    pub max_window: usize,
}

impl Default for XrefLimits {
    fn default() -> Self {
        Self {
            syntax: Limits::default(),
            max_sections: 1_000,
            max_entries: 1_000_000,
            max_window: 64 << 20,
        }
    }
}

/// Where an object is, by one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Deleted (type 0 / `f`).
    Free,
    /// At a byte offset, with its generation (type 1 / `n`).
    InFile {
        /// Offset of `n g obj`.
        offset: u64,
        /// Generation.
        gen: u16,
    },
    /// Inside an object stream (type 2).
    InStream {
        /// The object stream's number.
        stream: u32,
        /// Index within it.
        index: u32,
    },
}

/// One cross-reference section with its trailer.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Where it starts (what `startxref` or `/Prev` named).
    pub offset: u64,
    /// An xref stream rather than a table (a hybrid's table counts as a table).
    pub stream: bool,
    /// Object number and entry, in file order; a number appears once.
    pub entries: Vec<(u32, Entry)>,
    /// The trailer dictionary (the xref stream's dictionary for a stream).
    pub trailer: Dict,
    /// `/Prev`: the previous section.
    pub prev: Option<u64>,
    /// Where it ends: after the trailer dictionary, or after the stream's `endobj`.
    pub end: u64,
}

impl Section {
    /// This section's entry for object `num`.
    pub fn entry(&self, num: u32) -> Option<Entry> {
        self.entries
            .iter()
            .find(|(n, _)| *n == num)
            .map(|(_, e)| *e)
    }
}

/// Parses with `f` at `offset`, reading a window that grows (up to `max_window`) until the
/// parse succeeds or the window reaches the end of the file.
pub(crate) fn parse_at<T>(
    src: &mut dyn Source,
    offset: u64,
    limits: &XrefLimits,
    f: &mut dyn FnMut(&mut Parser<'_>) -> Result<T, PdfError>,
) -> Result<T, PdfError> {
    let mut size = 16 * 1024;
    loop {
        let window = src.window(offset, size)?;
        let whole = (offset + window.len() as u64) >= src.len();
        let mut p = Parser::new(&window, 0, offset, limits.syntax);
        match f(&mut p) {
            Ok(v) => return Ok(v),
            Err(e) if whole || size >= limits.max_window => return Err(e),
            Err(PdfError::Malformed { .. }) => size = (size * 4).min(limits.max_window),
            Err(e) => return Err(e),
        }
    }
}

/// The offset `startxref` gives at the end of the file (searched in its last 1024 bytes,
/// §7.5.5).
pub fn startxref(src: &mut dyn Source) -> Result<u64, PdfError> {
    let len = src.len();
    let from = len.saturating_sub(1024);
    let tail = src.window(from, 1024)?;
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| PdfError::Malformed {
            at: len,
            detail: "no startxref in the last 1024 bytes".into(),
        })?;
    let mut p = Parser::new(&tail, at + 9, from, Limits::default());
    let offset = p.unsigned(len)?;
    Ok(offset)
}

/// Reads the section at `offset`: a table (`xref`) with its trailer, or an xref stream.
pub fn section(
    src: &mut dyn Source,
    offset: u64,
    limits: &XrefLimits,
) -> Result<Section, PdfError> {
    let head = src.window(offset, 64)?;
    let mut probe = Parser::new(&head, 0, offset, limits.syntax);
    probe.skip_space();
    if probe.keyword(b"xref").is_ok() {
        let mut s = parse_at(src, offset, limits, &mut |p| table(p, offset, limits))?;
        if let Some(stm) = s.trailer.integer(b"XRefStm") {
            // Hybrid (§7.5.8.4): the table's entries first, then the stream's for the rest.
            let stm = u64::try_from(stm).map_err(|_| PdfError::Malformed {
                at: offset,
                detail: "a negative /XRefStm".into(),
            })?;
            let extra = stream_section(src, stm, limits)?;
            for (n, e) in extra.entries {
                if s.entry(n).is_none() {
                    s.entries.push((n, e));
                }
            }
        }
        Ok(s)
    } else {
        stream_section(src, offset, limits)
    }
}

fn table(p: &mut Parser<'_>, offset: u64, limits: &XrefLimits) -> Result<Section, PdfError> {
    p.keyword(b"xref")?;
    let mut entries: Vec<(u32, Entry)> = Vec::new();
    let mut seen = BTreeSet::new();
    loop {
        p.skip_space();
        if p.keyword(b"trailer").is_ok() {
            break;
        }
        let first = p.unsigned(u64::from(u32::MAX))?;
        let count = p.unsigned(limits.max_entries as u64)?;
        for i in 0..count {
            if entries.len() >= limits.max_entries {
                return Err(PdfError::Limit {
                    what: "entries in a cross-reference section",
                    limit: limits.max_entries as u64,
                });
            }
            let num = u32::try_from(first + i).map_err(|_| PdfError::Malformed {
                at: offset,
                detail: "an object number out of range".into(),
            })?;
            let field = p.unsigned(9_999_999_999)?;
            let gen = p.unsigned(u64::from(u16::MAX))?;
            p.skip_space();
            let entry = if p.keyword(b"n").is_ok() {
                Entry::InFile {
                    offset: field,
                    gen: u16::try_from(gen).unwrap_or(u16::MAX),
                }
            } else {
                p.keyword(b"f")?;
                Entry::Free
            };
            if !seen.insert(num) {
                return Err(PdfError::Malformed {
                    at: offset,
                    detail: alloc::format!("object {num} is listed twice in one xref table"),
                });
            }
            entries.push((num, entry));
        }
    }
    let trailer = match p.object()?.object {
        Object::Dict(d) => d,
        _ => {
            return Err(PdfError::Malformed {
                at: offset,
                detail: "the trailer is not a dictionary".into(),
            })
        }
    };
    let prev = prev_of(&trailer, offset)?;
    Ok(Section {
        offset,
        stream: false,
        entries,
        trailer,
        prev,
        end: offset + p.pos() as u64,
    })
}

fn prev_of(trailer: &Dict, offset: u64) -> Result<Option<u64>, PdfError> {
    match trailer.get(b"Prev").map(|s| &s.object) {
        None => Ok(None),
        Some(Object::Integer(p)) if *p >= 0 => Ok(u64::try_from(*p).ok()),
        Some(_) => Err(PdfError::Malformed {
            at: offset,
            detail: "/Prev is not a non-negative integer".into(),
        }),
    }
}

/// An xref stream (§7.5.8): `/Type /XRef`, `/W`, `/Index`, Flate with a PNG predictor.
fn stream_section(
    src: &mut dyn Source,
    offset: u64,
    limits: &XrefLimits,
) -> Result<Section, PdfError> {
    let bad = |detail: &str| PdfError::Malformed {
        at: offset,
        detail: detail.into(),
    };
    let ind = parse_at(src, offset, limits, &mut |p| p.indirect())?;
    let (Object::Dict(dict), Some(data_at)) = (ind.value.object, ind.stream_data) else {
        return Err(bad("neither an xref table nor an xref stream"));
    };
    if dict.name(b"Type") != Some(b"XRef") {
        return Err(bad("a cross-reference stream without /Type /XRef"));
    }
    let length = dict
        .integer(b"Length")
        .and_then(|l| usize::try_from(l).ok())
        .ok_or_else(|| bad("an xref stream needs a direct /Length"))?;
    if length > limits.max_window {
        return Err(PdfError::Limit {
            what: "bytes in an xref stream",
            limit: limits.max_window as u64,
        });
    }
    let raw = src.window(offset + data_at as u64, length)?;
    if raw.len() != length {
        return Err(bad("the xref stream runs past the end of the file"));
    }
    let widths = int_array(&dict, b"W").ok_or_else(|| bad("an xref stream needs /W"))?;
    let [w0, w1, w2] = widths.as_slice() else {
        return Err(bad("/W must have three entries"));
    };
    let w: [usize; 3] = [*w0, *w1, *w2].map(|v| usize::try_from(v).unwrap_or(usize::MAX));
    if w.iter().any(|v| *v > 8) {
        return Err(bad("a /W field wider than 8 bytes"));
    }
    let row = w[0] + w[1] + w[2];
    if row == 0 {
        return Err(bad("/W is all zero"));
    }
    let size = dict
        .integer(b"Size")
        .and_then(|s| u64::try_from(s).ok())
        .ok_or_else(|| bad("an xref stream needs /Size"))?;
    let index: Vec<i64> = int_array(&dict, b"Index").unwrap_or_else(|| alloc::vec![0, size as i64]);
    if index.len() % 2 != 0 {
        return Err(bad("/Index must hold pairs"));
    }
    let total: u64 = index
        .chunks(2)
        .map(|c| u64::try_from(c.get(1).copied().unwrap_or(0)).unwrap_or(u64::MAX))
        .fold(0u64, u64::saturating_add);
    if total > limits.max_entries as u64 {
        return Err(PdfError::Limit {
            what: "entries in a cross-reference section",
            limit: limits.max_entries as u64,
        });
    }
    // `total` is at most `max_entries`, a usize.
    let total = usize::try_from(total).unwrap_or(limits.max_entries);
    let data = decode(&dict, &raw, row, total.saturating_mul(row), offset)?;
    let mut rows = data.chunks_exact(row);
    let mut entries = Vec::with_capacity(total);
    let mut seen = BTreeSet::new();
    for pair in index.chunks(2) {
        let (first, count) = match pair {
            [f, c] if *f >= 0 && *c >= 0 => (*f as u64, *c as u64),
            _ => return Err(bad("a negative /Index value")),
        };
        for i in 0..count {
            let r = rows
                .next()
                .ok_or_else(|| bad("the xref stream is shorter than /Index"))?;
            let (a, rest) = r.split_at(w[0]);
            let (b, c) = rest.split_at(w[1]);
            // A zero-width type field means type 1 (§7.5.8.2, Table 17).
            let kind = if w[0] == 0 { 1 } else { be(a) };
            let num = u32::try_from(first + i).map_err(|_| bad("an object number out of range"))?;
            let entry = match kind {
                0 => Entry::Free,
                1 => Entry::InFile {
                    offset: be(b),
                    gen: u16::try_from(be(c)).unwrap_or(u16::MAX),
                },
                2 => Entry::InStream {
                    stream: u32::try_from(be(b))
                        .map_err(|_| bad("an object stream number out of range"))?,
                    index: u32::try_from(be(c))
                        .map_err(|_| bad("an object stream index out of range"))?,
                },
                // Unknown types are references to the null object (§7.5.8.3): skipped.
                _ => continue,
            };
            if !seen.insert(num) {
                return Err(bad("an object is listed twice in one xref stream"));
            }
            entries.push((num, entry));
        }
    }
    let prev = prev_of(&dict, offset)?;
    let after = offset + data_at as u64 + length as u64;
    let tail = parse_at(src, after, limits, &mut |p| {
        p.keyword(b"endstream")?;
        p.keyword(b"endobj")?;
        Ok(p.pos())
    })?;
    Ok(Section {
        offset,
        stream: true,
        entries,
        trailer: dict,
        prev,
        end: after + tail as u64,
    })
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b))
}

fn int_array(d: &Dict, key: &[u8]) -> Option<Vec<i64>> {
    match &d.get(key)?.object {
        Object::Array(items) => items
            .iter()
            .map(|i| match i.object {
                Object::Integer(v) => Some(v),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The stream's data after `/Filter` (none or FlateDecode) and a PNG `/Predictor` (10-15)
/// with `/Columns` = `row`; at most `max` bytes.
fn decode(d: &Dict, raw: &[u8], row: usize, max: usize, at: u64) -> Result<Vec<u8>, PdfError> {
    let data = match d.get(b"Filter").map(|s| &s.object) {
        None => raw.to_vec(),
        Some(Object::Name(n)) if n.as_slice() == b"FlateDecode" => {
            inflate(raw, max + max / row.max(1) + 1, at)?
        }
        Some(Object::Array(a))
            if a.len() == 1
                && matches!(&a.first().map(|s| &s.object), Some(Object::Name(n)) if n.as_slice() == b"FlateDecode") =>
        {
            inflate(raw, max + max / row.max(1) + 1, at)?
        }
        Some(_) => {
            return Err(PdfError::Unsupported(
                "an xref stream filter other than FlateDecode".into(),
            ))
        }
    };
    let parms = match d.get(b"DecodeParms").map(|s| &s.object) {
        Some(Object::Dict(p)) => Some(p),
        Some(Object::Array(a)) => match a.first().map(|s| &s.object) {
            Some(Object::Dict(p)) => Some(p),
            _ => None,
        },
        _ => None,
    };
    let predictor = parms.and_then(|p| p.integer(b"Predictor")).unwrap_or(1);
    match predictor {
        1 => Ok(data),
        10..=15 => {
            let columns = parms
                .and_then(|p| p.integer(b"Columns"))
                .and_then(|c| usize::try_from(c).ok())
                .unwrap_or(1);
            if columns != row {
                return Err(PdfError::Malformed {
                    at,
                    detail: "/Columns differs from the /W row width".into(),
                });
            }
            unpredict_png(&data, row, at)
        }
        _ => Err(PdfError::Unsupported(alloc::format!(
            "predictor {predictor} in an xref stream"
        ))),
    }
}

pub(crate) fn inflate(raw: &[u8], max: usize, at: u64) -> Result<Vec<u8>, PdfError> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(raw, max).map_err(|e| {
        PdfError::Malformed {
            at,
            detail: alloc::format!("FlateDecode failed ({:?})", e.status),
        }
    })
}

/// PNG row filters (RFC 2083 §6), one filter byte before each row of `row` bytes; the
/// "previous pixel" is the previous byte (one byte per pixel).
fn unpredict_png(data: &[u8], row: usize, at: u64) -> Result<Vec<u8>, PdfError> {
    let stride = row + 1;
    if data.len() % stride != 0 {
        return Err(PdfError::Malformed {
            at,
            detail: "the predicted xref data is not whole rows".into(),
        });
    }
    let mut out: Vec<u8> = Vec::with_capacity(data.len() / stride * row);
    let mut prev = alloc::vec![0u8; row];
    for chunk in data.chunks_exact(stride) {
        let (filter, bytes) = chunk.split_first().unwrap_or((&0, &[]));
        let mut cur = alloc::vec![0u8; row];
        for i in 0..row {
            let x = bytes.get(i).copied().unwrap_or(0);
            let a = if i > 0 {
                cur.get(i - 1).copied().unwrap_or(0)
            } else {
                0
            };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i > 0 {
                prev.get(i - 1).copied().unwrap_or(0)
            } else {
                0
            };
            let v = match filter {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(u8::try_from((u16::from(a) + u16::from(b)) / 2).unwrap_or(0)),
                4 => x.wrapping_add(paeth(a, b, c)),
                _ => {
                    return Err(PdfError::Malformed {
                        at,
                        detail: alloc::format!("PNG filter type {filter}"),
                    })
                }
            };
            if let Some(slot) = cur.get_mut(i) {
                *slot = v;
            }
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Every section from the newest (`startxref`) back along `/Prev`, newest first. A loop
/// in the chain, or more than `max_sections` sections, is refused.
pub fn chain(src: &mut dyn Source, limits: &XrefLimits) -> Result<Vec<Section>, PdfError> {
    let mut at = Some(startxref(src)?);
    let mut out: Vec<Section> = Vec::new();
    let mut seen = BTreeSet::new();
    while let Some(offset) = at {
        if !seen.insert(offset) {
            return Err(PdfError::Malformed {
                at: offset,
                detail: "the /Prev chain loops".into(),
            });
        }
        if out.len() >= limits.max_sections {
            return Err(PdfError::Limit {
                what: "cross-reference sections",
                limit: limits.max_sections as u64,
            });
        }
        let s = section(src, offset, limits)?;
        at = s.prev;
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::{String, ToString};

    /// A minimal one-page PDF with a classic xref table; returns it and its xref offset.
    pub(crate) fn minimal() -> (Vec<u8>, u64) {
        let mut f = String::from("%PDF-1.7\n");
        let mut offs = Vec::new();
        for body in [
            "<</Type/Catalog/Pages 2 0 R>>",
            "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>",
        ] {
            offs.push(f.len());
            f.push_str(&alloc::format!("{} 0 obj\n{body}\nendobj\n", offs.len()));
        }
        let xref = f.len() as u64;
        f.push_str("xref\n0 4\n0000000000 65535 f \n");
        for o in &offs {
            f.push_str(&alloc::format!("{o:010} 00000 n \n"));
        }
        f.push_str(&alloc::format!(
            "trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n"
        ));
        (f.into_bytes(), xref)
    }

    #[test]
    fn a_table_and_its_trailer() {
        let (pdf, xref) = minimal();
        let mut src: &[u8] = &pdf;
        assert_eq!(startxref(&mut src).unwrap(), xref);
        let sections = chain(&mut src, &XrefLimits::default()).unwrap();
        assert_eq!(sections.len(), 1);
        let s = &sections[0];
        assert!(!s.stream);
        assert_eq!(s.entries.len(), 4);
        assert_eq!(s.entry(0), Some(Entry::Free));
        assert!(matches!(s.entry(1), Some(Entry::InFile { gen: 0, .. })));
        assert_eq!(s.prev, None);
    }

    #[test]
    fn an_incremental_update_is_a_second_section() {
        let (mut pdf, xref) = minimal();
        let obj4 = pdf.len();
        pdf.extend_from_slice(b"4 0 obj\n(added)\nendobj\n");
        let x2 = pdf.len();
        pdf.extend_from_slice(
            alloc::format!(
                "xref\n4 1\n{obj4:010} 00000 n \ntrailer\n<</Size 5/Root 1 0 R/Prev {xref}>>\nstartxref\n{x2}\n%%EOF\n"
            )
            .as_bytes(),
        );
        let mut src: &[u8] = &pdf;
        let sections = chain(&mut src, &XrefLimits::default()).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(
            sections[0].entries,
            [(
                4,
                Entry::InFile {
                    offset: obj4 as u64,
                    gen: 0
                }
            )]
        );
        assert_eq!(sections[0].prev, Some(xref));
        // A /Prev that points at itself loops.
        let mut looped = pdf.clone();
        looped.extend_from_slice(
            alloc::format!(
                "xref\n0 0\ntrailer\n<</Size 5/Prev {}>>\nstartxref\n{}\n%%EOF\n",
                pdf.len(),
                pdf.len()
            )
            .as_bytes(),
        );
        let mut src: &[u8] = &looped;
        let e = chain(&mut src, &XrefLimits::default()).unwrap_err();
        assert!(e.to_string().contains("loops"), "{e}");
    }

    #[test]
    fn an_xref_stream_with_a_png_predictor() {
        // Rows of W [1 2 1]: type, offset, generation; PNG "Up" filter (2) on each row.
        let rows: [[u8; 4]; 3] = [[0, 0, 0, 0xff], [1, 0x00, 0x0f, 0], [2, 0x00, 0x05, 3]];
        let mut predicted = Vec::new();
        let mut prev = [0u8; 4];
        for r in rows {
            predicted.push(2);
            for i in 0..4 {
                predicted.push(r[i].wrapping_sub(prev[i]));
            }
            prev = r;
        }
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&predicted, 6);
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let at = pdf.len();
        pdf.extend_from_slice(
            alloc::format!(
                "9 0 obj\n<</Type/XRef/Size 3/W[1 2 1]/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>/Length {}>>\nstream\n",
                z.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(&z);
        pdf.extend_from_slice(
            alloc::format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes(),
        );
        let mut src: &[u8] = &pdf;
        let s = &chain(&mut src, &XrefLimits::default()).unwrap()[0];
        assert!(s.stream);
        assert_eq!(
            s.entries,
            [
                (0, Entry::Free),
                (1, Entry::InFile { offset: 15, gen: 0 }),
                (
                    2,
                    Entry::InStream {
                        stream: 5,
                        index: 3
                    }
                ),
            ]
        );
    }

    #[test]
    fn broken_structures_are_refused() {
        let mut src: &[u8] = b"%PDF-1.7\nnothing here";
        assert!(startxref(&mut src).is_err());
        let (pdf, _) = minimal();
        let text = String::from_utf8(pdf).unwrap();
        // Object 1 listed twice in one table: which offset counts would be a reader's guess.
        let at = text.find("trailer").unwrap();
        let second = text.lines().nth(text[..at].lines().count() - 3).unwrap();
        let dup = alloc::format!("{}1 1\n{second}\n{}", &text[..at], &text[at..]);
        let mut src: &[u8] = dup.as_bytes();
        let e = chain(&mut src, &XrefLimits::default()).unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
        let bad_prev = text.replace("/Root 1 0 R>>", "/Root 1 0 R/Prev (x)>>");
        let mut src: &[u8] = bad_prev.as_bytes();
        assert!(chain(&mut src, &XrefLimits::default()).is_err());
    }
}
