//! A PDF file as a list of revisions, with objects resolved as each revision sees them.
//!
//! A revision is what one save wrote: its cross-reference section(s) and the `%%EOF` that
//! ends it. A linearized original has two sections (the first-page one, whose `startxref`
//! is 0, and the main one at the end, whose `startxref` names the first): they make one
//! revision. Objects are looked up newest section first among the sections of revisions up
//! to the one asked for, so the analysis can compare what two revisions see.
//!
//! Spans of resolved objects are file offsets, so a signature's `/Contents` can be checked
//! against its `/ByteRange` by position.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::source::Source;
use super::syntax::{Dict, ObjRef, Object, Parser, Spanned};
use super::xref::{self, parse_at, Entry, Section, XrefLimits};
use crate::error::PdfError;

/// One save of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// 0 for the original file, then one per incremental update.
    pub number: usize,
    /// Its sections, as indexes into [`Document::sections`] (newest first).
    pub sections: Vec<usize>,
    /// The offset just after its `%%EOF` line (the end of line included).
    pub end: u64,
}

/// Where a resolved object was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// At this offset in the file (`n g obj`).
    File(u64),
    /// Inside the object stream with this number (spans are then not file offsets).
    ObjectStream(u32),
}

/// A stream's data, by position in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamData {
    /// Offset of the first data byte.
    pub offset: u64,
    /// `/Length`.
    pub len: u64,
}

/// An indirect object as one revision sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Its value (a stream's dictionary for a stream), spans as file offsets when
    /// [`Location::File`].
    pub value: Spanned,
    /// Where it was read.
    pub location: Location,
    /// For a stream, where its data is.
    pub stream: Option<StreamData>,
}

/// Most references followed to reach a direct value.
const MAX_INDIRECTION: usize = 32;
/// Most objects in one object stream.
const MAX_OBJSTM_OBJECTS: u64 = 100_000;
/// Most lookups in progress at once (object stream → its dictionary → its /Length ...).
const MAX_NESTED_LOOKUPS: usize = 16;

/// A PDF file opened for its structure.
pub struct Document<S: Source> {
    src: S,
    limits: XrefLimits,
    sections: Vec<Section>,
    revisions: Vec<Revision>,
    /// Decoded object streams by their file offset: the objects' (number, offset) and data.
    objstm: BTreeMap<u64, ObjStm>,
    /// Lookups in progress ([`Document::resolve`] within itself).
    depth: usize,
}

/// A decoded object stream: each object's number and offset in `data`.
struct ObjStm {
    index: Vec<(u32, usize)>,
    data: Vec<u8>,
}

impl<S: Source> core::fmt::Debug for Document<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Document")
            .field("revisions", &self.revisions)
            .finish_non_exhaustive()
    }
}

impl<S: Source> Document<S> {
    /// Reads the cross-reference chain and groups it into revisions.
    pub fn open(mut src: S, limits: XrefLimits) -> Result<Self, PdfError> {
        let sections = xref::chain(&mut src, &limits)?;
        let revisions = group(&mut src, &sections, &limits)?;
        Ok(Self {
            src,
            limits,
            sections,
            revisions,
            objstm: BTreeMap::new(),
            depth: 0,
        })
    }

    /// The revisions, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The cross-reference sections, newest first.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The file's length.
    pub fn len(&self) -> u64 {
        self.src.len()
    }

    /// Whether the file is empty (never, once opened).
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    /// The source, to read stream data and byte ranges.
    pub fn source(&mut self) -> &mut S {
        &mut self.src
    }

    /// The trailer of revision `rev` (its newest section's).
    pub fn trailer(&self, rev: usize) -> Option<&Dict> {
        let r = self.revisions.get(rev)?;
        let first = r.sections.iter().min()?;
        self.sections.get(*first).map(|s| &s.trailer)
    }

    /// The entry for object `num` as revision `rev` sees it.
    pub fn entry(&self, num: u32, rev: usize) -> Option<Entry> {
        let mut visible: Vec<usize> = self
            .revisions
            .iter()
            .filter(|r| r.number <= rev)
            .flat_map(|r| r.sections.iter().copied())
            .collect();
        visible.sort_unstable();
        visible
            .into_iter()
            .find_map(|i| self.sections.get(i).and_then(|s| s.entry(num)))
    }

    /// Object `r` as revision `rev` sees it; `None` when it is free or not there (the null
    /// object, §7.3.10).
    pub fn resolve(&mut self, r: ObjRef, rev: usize) -> Result<Option<Resolved>, PdfError> {
        // An object stream's dictionary, an indirect /Length, ... each resolve another object:
        // bounded, as a cycle of them would otherwise recurse without end.
        if self.depth >= MAX_NESTED_LOOKUPS {
            return Err(PdfError::Limit {
                what: "nested object lookups (object streams, indirect /Length)",
                limit: MAX_NESTED_LOOKUPS as u64,
            });
        }
        self.depth += 1;
        let out = self.resolve_at_depth(r, rev);
        self.depth -= 1;
        out
    }

    fn resolve_at_depth(&mut self, r: ObjRef, rev: usize) -> Result<Option<Resolved>, PdfError> {
        match self.entry(r.num, rev) {
            None | Some(Entry::Free) => Ok(None),
            Some(Entry::InFile { offset, gen }) => {
                if gen != r.gen {
                    return Ok(None);
                }
                let ind = parse_at(&mut self.src, offset, &self.limits, &mut |p| p.indirect())?;
                if ind.id != r {
                    return Err(PdfError::Malformed {
                        at: offset,
                        detail: alloc::format!(
                            "the xref names object {} {} here, the file has {} {}",
                            r.num,
                            r.gen,
                            ind.id.num,
                            ind.id.gen
                        ),
                    });
                }
                let mut value = ind.value;
                shift(&mut value, offset);
                let stream = match ind.stream_data {
                    None => None,
                    Some(at) => {
                        let len = self.stream_length(&value, rev)?;
                        Some(StreamData {
                            offset: offset + at as u64,
                            len,
                        })
                    }
                };
                Ok(Some(Resolved {
                    value,
                    location: Location::File(offset),
                    stream,
                }))
            }
            Some(Entry::InStream { stream, index }) => {
                if r.gen != 0 {
                    return Ok(None);
                }
                self.in_object_stream(r, stream, index, rev).map(Some)
            }
        }
    }

    /// A stream's `/Length`: a direct integer or a reference to one.
    fn stream_length(&mut self, dict: &Spanned, rev: usize) -> Result<u64, PdfError> {
        let Object::Dict(d) = &dict.object else {
            return Err(malformed(
                dict.span.start as u64,
                "a stream without a dictionary",
            ));
        };
        let len = match d.get(b"Length").map(|s| &s.object) {
            Some(Object::Integer(n)) => *n,
            Some(Object::Ref(r)) => {
                let r = *r;
                match self.resolve(r, rev)?.map(|x| x.value.object) {
                    Some(Object::Integer(n)) => n,
                    _ => -1,
                }
            }
            _ => -1,
        };
        u64::try_from(len)
            .map_err(|_| malformed(dict.span.start as u64, "a stream without a usable /Length"))
    }

    fn in_object_stream(
        &mut self,
        r: ObjRef,
        stream: u32,
        index: u32,
        rev: usize,
    ) -> Result<Resolved, PdfError> {
        // §7.5.7: an object stream is not itself in an object stream.
        if !matches!(self.entry(stream, rev), Some(Entry::InFile { .. })) {
            return Err(malformed(
                0,
                "an object stream that is not an object of the file itself",
            ));
        }
        let host = self
            .resolve(
                ObjRef {
                    num: stream,
                    gen: 0,
                },
                rev,
            )?
            .ok_or_else(|| PdfError::NotFound(alloc::format!("object stream {stream}")))?;
        let Some(data_ref) = host.stream else {
            return Err(malformed(0, "an object stream that is not a stream"));
        };
        let key = data_ref.offset;
        if !self.objstm.contains_key(&key) {
            let Object::Dict(d) = &host.value.object else {
                return Err(malformed(key, "an object stream without a dictionary"));
            };
            if d.name(b"Type") != Some(b"ObjStm") {
                return Err(malformed(key, "an object stream without /Type /ObjStm"));
            }
            let n = d
                .integer(b"N")
                .and_then(|n| u64::try_from(n).ok())
                .filter(|n| *n <= MAX_OBJSTM_OBJECTS)
                .ok_or_else(|| malformed(key, "an object stream with a bad /N"))?;
            let first = d
                .integer(b"First")
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| malformed(key, "an object stream without /First"))?;
            let len = usize::try_from(data_ref.len)
                .ok()
                .filter(|l| *l <= self.limits.max_window)
                .ok_or(PdfError::Limit {
                    what: "bytes in an object stream",
                    limit: self.limits.max_window as u64,
                })?;
            let raw = self.src.window(data_ref.offset, len)?;
            let data = match d.name(b"Filter") {
                Some(b"FlateDecode") => xref::inflate(&raw, self.limits.max_window, key)?,
                None => raw,
                Some(_) => {
                    return Err(PdfError::Unsupported(
                        "an object stream filter other than FlateDecode".into(),
                    ))
                }
            };
            let mut p = Parser::new(&data, 0, 0, self.limits.syntax);
            let mut index_table = Vec::new();
            for _ in 0..n {
                let num = u32::try_from(p.unsigned(u64::from(u32::MAX))?).unwrap_or(0);
                let off = usize::try_from(p.unsigned(data.len() as u64)?).unwrap_or(0);
                index_table.push((num, first.saturating_add(off)));
            }
            self.objstm.insert(
                key,
                ObjStm {
                    index: index_table,
                    data,
                },
            );
        }
        let ObjStm { index: table, data } = self
            .objstm
            .get(&key)
            .ok_or_else(|| PdfError::NotFound(alloc::format!("object stream {stream}")))?;
        let (num, at) = table
            .get(usize::try_from(index).unwrap_or(usize::MAX))
            .copied()
            .ok_or_else(|| {
                PdfError::NotFound(alloc::format!("object {} in object stream {stream}", r.num))
            })?;
        if num != r.num {
            return Err(malformed(
                key,
                "the object stream holds another object at the xref's index",
            ));
        }
        let mut p = Parser::new(data, at, 0, self.limits.syntax);
        let value = p.object()?;
        Ok(Resolved {
            value,
            location: Location::ObjectStream(stream),
            stream: None,
        })
    }

    /// `v` with references followed (as revision `rev` sees them) to a direct value; a
    /// dangling reference is the null object.
    pub fn direct(&mut self, v: &Spanned, rev: usize) -> Result<Spanned, PdfError> {
        let mut cur = v.clone();
        for _ in 0..MAX_INDIRECTION {
            let Object::Ref(r) = cur.object else {
                return Ok(cur);
            };
            cur = match self.resolve(r, rev)? {
                Some(x) => x.value,
                None => Spanned {
                    object: Object::Null,
                    span: cur.span,
                },
            };
        }
        Err(PdfError::Limit {
            what: "references followed in a row",
            limit: MAX_INDIRECTION as u64,
        })
    }
}

fn malformed(at: u64, detail: &str) -> PdfError {
    PdfError::Malformed {
        at,
        detail: detail.into(),
    }
}

/// Adds `base` to every span in `v` (spans from a window become file offsets).
fn shift(v: &mut Spanned, base: u64) {
    let b = usize::try_from(base).unwrap_or(usize::MAX);
    v.span = v.span.start.saturating_add(b)..v.span.end.saturating_add(b);
    match &mut v.object {
        Object::Array(items) => items.iter_mut().for_each(|i| shift(i, base)),
        Object::Dict(d) => d.entries.iter_mut().for_each(|(_, x)| shift(x, base)),
        _ => {}
    }
}

/// What follows a section: `startxref N %%EOF` and the offset after that line.
fn tail(src: &mut dyn Source, section: &Section) -> Result<(u64, u64), PdfError> {
    let window = src.window(section.end, 4096)?;
    let at = window
        .windows(9)
        .position(|w| w == b"startxref")
        .ok_or_else(|| malformed(section.end, "no startxref after a cross-reference section"))?;
    let mut p = Parser::new(&window, at + 9, section.end, Default::default());
    let n = p.unsigned(u64::MAX)?;
    let mut i = p.pos();
    while window
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0c))
    {
        i += 1;
    }
    if window.get(i..i + 5) != Some(b"%%EOF") {
        return Err(malformed(
            section.end + i as u64,
            "startxref is not followed by %%EOF",
        ));
    }
    i += 5;
    match (window.get(i), window.get(i + 1)) {
        (Some(b'\r'), Some(b'\n')) => i += 2,
        (Some(b'\r' | b'\n'), _) => i += 1,
        _ => {}
    }
    Ok((n, section.end + i as u64))
}

/// Groups sections into revisions (see the module documentation), oldest first.
fn group(
    src: &mut dyn Source,
    sections: &[Section],
    limits: &XrefLimits,
) -> Result<Vec<Revision>, PdfError> {
    let _ = limits;
    let tails: Vec<(u64, u64)> = sections
        .iter()
        .map(|s| tail(src, s))
        .collect::<Result<_, _>>()?;
    let index_of = |offset: u64| sections.iter().position(|s| s.offset == offset);
    // owner: the section that stands for the revision.
    let mut groups: BTreeMap<usize, (Vec<usize>, Option<u64>)> = BTreeMap::new();
    for (i, (s, (n, eof))) in sections.iter().zip(&tails).enumerate() {
        let owner = if *n == s.offset || *n == 0 {
            i
        } else {
            let named = index_of(*n).ok_or_else(|| {
                malformed(
                    *eof,
                    "startxref names no cross-reference section of the chain",
                )
            })?;
            // Only a linearized file's main section joins another: the first-page section
            // just before it in the chain (whose /Prev names it), followed by `startxref 0`.
            // Any other section is a revision of its own: one joined to an older revision
            // would put its objects in the signed revision's view, where no change is seen.
            let first_page =
                i.checked_sub(1) == Some(named) && tails.get(named).is_some_and(|t| t.0 == 0);
            if first_page {
                named
            } else {
                i
            }
        };
        let g = groups.entry(owner).or_default();
        g.0.push(i);
        if *n != 0 {
            g.1 = Some(g.1.map_or(*eof, |e: u64| e.max(*eof)));
        }
    }
    let mut revs: Vec<Revision> = Vec::new();
    for (_, (mut members, end)) in groups {
        let end = end.ok_or_else(|| {
            malformed(
                0,
                "a first-page cross-reference section without its main section",
            )
        })?;
        members.sort_unstable();
        revs.push(Revision {
            number: 0,
            sections: members,
            end,
        });
    }
    revs.sort_by_key(|r| r.end);
    for (i, r) in revs.iter_mut().enumerate() {
        r.number = i;
    }
    if revs
        .windows(2)
        .any(|w| matches!(w, [a, b] if a.end == b.end))
    {
        return Err(malformed(0, "two revisions end at the same %%EOF"));
    }
    Ok(revs)
}

/// A signature field and its value, as the last revision sees them.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureField {
    /// The fully qualified field name (`/T` of it and its parents, joined by `.`).
    pub name: String,
    /// The field object.
    pub field: ObjRef,
    /// The signature dictionary (`/V`), when the field is signed.
    pub value: Option<SignatureValue>,
}

/// A signature dictionary.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureValue {
    /// Its object (a direct `/V` has none).
    pub id: Option<ObjRef>,
    /// The dictionary.
    pub dict: Dict,
    /// Where it was read (`None` for a direct `/V`).
    pub location: Option<Location>,
    /// `/Contents` as a span of the file: `<` to `>` included. `None` when the dictionary
    /// is not in the file itself (an object stream) or has no string `/Contents`.
    pub contents_span: Option<Range<u64>>,
    /// `/ByteRange`, as written.
    pub byte_range: Option<Vec<i64>>,
}

/// Most fields visited in the form tree.
const MAX_FIELDS: usize = 10_000;
/// Deepest `/Kids` nesting.
const MAX_FIELD_DEPTH: usize = 32;

impl<S: Source> Document<S> {
    /// The signature fields of revision `rev` (`/Root /AcroForm /Fields`, `/FT /Sig`,
    /// inherited through `/Kids`).
    pub fn signature_fields(&mut self, rev: usize) -> Result<Vec<SignatureField>, PdfError> {
        let root = self
            .trailer(rev)
            .and_then(|t| t.get(b"Root"))
            .cloned()
            .ok_or_else(|| PdfError::NotFound("/Root".into()))?;
        let Object::Dict(catalog) = self.direct(&root, rev)?.object else {
            return Err(malformed(0, "/Root is not a dictionary"));
        };
        let Some(form) = catalog.get(b"AcroForm") else {
            return Ok(Vec::new());
        };
        let Object::Dict(form) = self.direct(form, rev)?.object else {
            return Ok(Vec::new());
        };
        let Some(fields) = form.get(b"Fields") else {
            return Ok(Vec::new());
        };
        let Object::Array(fields) = self.direct(fields, rev)?.object else {
            return Err(malformed(0, "/AcroForm /Fields is not an array"));
        };
        let mut out = Vec::new();
        let mut visited = 0usize;
        let mut stack: Vec<(Spanned, String, Option<Vec<u8>>, usize)> = fields
            .into_iter()
            .rev()
            .map(|f| (f, String::new(), None, 0))
            .collect();
        while let Some((f, parent_name, parent_ft, depth)) = stack.pop() {
            visited += 1;
            if visited > MAX_FIELDS || depth > MAX_FIELD_DEPTH {
                return Err(PdfError::Limit {
                    what: "form fields or their nesting",
                    limit: MAX_FIELDS as u64,
                });
            }
            let id = match f.object {
                Object::Ref(r) => Some(r),
                _ => None,
            };
            let Object::Dict(d) = self.direct(&f, rev)?.object else {
                continue;
            };
            let partial = match d.get(b"T").map(|t| &t.object) {
                Some(Object::String(s)) => String::from_utf8_lossy(&s.bytes).into_owned(),
                _ => String::new(),
            };
            let name = match (parent_name.is_empty(), partial.is_empty()) {
                (true, _) => partial,
                (false, true) => parent_name.clone(),
                (false, false) => alloc::format!("{parent_name}.{partial}"),
            };
            let ft = d.name(b"FT").map(<[u8]>::to_vec).or(parent_ft);
            if let Some(kids) = d.get(b"Kids") {
                if let Object::Array(kids) = self.direct(kids, rev)?.object {
                    for k in kids.into_iter().rev() {
                        stack.push((k, name.clone(), ft.clone(), depth + 1));
                    }
                }
            }
            if ft.as_deref() != Some(b"Sig") {
                continue;
            }
            let value = match d.get(b"V") {
                None => None,
                Some(v) => self.signature_value(v, rev)?,
            };
            if let Some(field) = id {
                out.push(SignatureField { name, field, value });
            }
        }
        Ok(out)
    }

    fn signature_value(
        &mut self,
        v: &Spanned,
        rev: usize,
    ) -> Result<Option<SignatureValue>, PdfError> {
        let (id, value, location) = match v.object {
            Object::Ref(r) => match self.resolve(r, rev)? {
                Some(x) => (Some(r), x.value, Some(x.location)),
                None => return Ok(None),
            },
            // A direct /V (not what ISO 32000 expects): no position is claimed for it.
            _ => (None, v.clone(), None),
        };
        let Object::Dict(dict) = value.object else {
            return Ok(None);
        };
        let in_file = matches!(location, Some(Location::File(_)));
        let contents_span = match dict.get(b"Contents") {
            Some(c) if in_file && matches!(c.object, Object::String(_)) => {
                Some(c.span.start as u64..c.span.end as u64)
            }
            _ => None,
        };
        let byte_range = match dict.get(b"ByteRange").map(|b| &b.object) {
            Some(Object::Array(items)) => items
                .iter()
                .map(|i| match i.object {
                    Object::Integer(n) => Some(n),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        Ok(Some(SignatureValue {
            id,
            dict,
            location,
            contents_span,
            byte_range,
        }))
    }
}
