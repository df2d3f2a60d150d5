//! PAdES creation (ETSI EN 319 142-1) by incremental update: the original bytes stay as they
//! are and each step appends a revision.
//!
//! - [`signature()`]: an invisible signature field on the first page whose `/V` holds a
//!   detached CAdES signature (`ETSI.CAdES.detached`) over the `/ByteRange`: B-B, and B-T
//!   when a time-stamp is added to it.
//! - [`dss`]: a `/DSS` dictionary with certificates, OCSP responses and CRLs (B-LT).
//! - [`document_timestamp`]: an `ETSI.RFC3161` document time-stamp (B-LTA).
//!
//! Each returns the bytes to append to what it was given (the file and the updates before).
//! `/Contents` is reserved before signing and the CMS must fit in it; the `/ByteRange`
//! numbers are written in place of a fixed-width placeholder.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use crate::cades;
use crate::crypto::Signer;
use crate::crypto::{DigestValue, HashAlgorithm, Hasher};
use crate::error::{Error, PdfError};
use crate::pdf::source::Source;
use crate::pdf::syntax::{Dict, ObjRef, Object, PdfString};
use crate::pdf::write::{self, set, v, Appended, Update};
use crate::pdf::xref::XrefLimits;
use crate::pdf::Document;
use crate::time::UnixTime;

/// Chunk size for hashing the file.
const CHUNK: usize = 64 * 1024;
/// The `/ByteRange` placeholder: four numbers of up to 10 digits fit in it.
const BYTE_RANGE_WIDTH: usize = 48;
/// Deepest `/Kids` nesting of the page tree followed to the first page.
const MAX_PAGE_DEPTH: usize = 64;

/// What a new signature says besides its CMS.
#[derive(Clone, Debug)]
pub struct Params<'a> {
    /// `/M`: the claimed signing time (the caller's clock).
    pub signing_time: UnixTime,
    /// Chain certificates (DER) to embed, without the signer's own.
    pub chain: &'a [Vec<u8>],
}

/// A time-stamp service: a DER time-stamp token over a digest.
pub type Stamp<'s> = &'s mut dyn FnMut(&DigestValue) -> Result<Vec<u8>, Error>;

/// Signs the PDF `base` followed by `before` (updates not yet written) with a new
/// invisible signature field; with `stamp`, the CMS gets a signature time-stamp (B-T).
/// Returns the update and the CMS.
pub fn signature<S: Source>(
    base: &mut S,
    before: &[u8],
    signer: &dyn Signer,
    cert_der: &[u8],
    params: &Params<'_>,
    stamp: Option<Stamp<'_>>,
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let hash = cades::sign::digest_algorithm(signer.algorithm());
    let chain_len: usize = params.chain.iter().map(Vec::len).sum();
    let reserve = 8192 + cert_der.len() + chain_len + if stamp.is_some() { 16384 } else { 0 };
    let mut sig = Dict::default();
    set(&mut sig, b"Type", Object::Name(b"Sig".to_vec()));
    set(&mut sig, b"Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    set(
        &mut sig,
        b"SubFilter",
        Object::Name(b"ETSI.CAdES.detached".to_vec()),
    );
    set(
        &mut sig,
        b"M",
        Object::String(PdfString {
            bytes: pdf_date(params.signing_time).into_bytes(),
            hex: false,
        }),
    );
    let mut placed = place(base, before, &sig, reserve)?;
    let digest = placed.digest(base, before, hash)?;
    let mut b = cades::sign::SignOptions::new(params.signing_time);
    b.detached = true;
    b.signing_time_attribute = false;
    let mut cms = cades::sign::sign(
        cades::sign::ToSign::Digest(&digest),
        signer,
        cert_der,
        params.chain,
        &b,
    )?;
    if let Some(stamp) = stamp {
        let d = cades::sign::signature_timestamp_digest(&cms, HashAlgorithm::Sha256)?;
        let token = stamp(&d)?;
        cms = cades::sign::add_signature_timestamp(&cms, &token)?;
    }
    placed.fill(&cms)?;
    Ok((placed.update, cms))
}

/// A document time-stamp (`ETSI.RFC3161`) over the PDF `base` followed by `before`.
pub fn document_timestamp<S: Source>(
    base: &mut S,
    before: &[u8],
    stamp: Stamp<'_>,
) -> Result<Vec<u8>, Error> {
    let mut sig = Dict::default();
    set(&mut sig, b"Type", Object::Name(b"DocTimeStamp".to_vec()));
    set(&mut sig, b"Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    set(
        &mut sig,
        b"SubFilter",
        Object::Name(b"ETSI.RFC3161".to_vec()),
    );
    let mut placed = place(base, before, &sig, 16384)?;
    let digest = placed.digest(base, before, HashAlgorithm::Sha256)?;
    let token = stamp(&digest)?;
    placed.fill(&token)?;
    Ok(placed.update)
}

/// A `/DSS` (EN 319 142-1 §5.4.2.2) in the catalog of the PDF `base` followed by `before`,
/// with these certificates, OCSP responses and CRLs (DER), plus what a `/DSS` there already
/// holds.
pub fn dss<S: Source>(
    base: &mut S,
    before: &[u8],
    certs: &[Vec<u8>],
    ocsp: &[Vec<u8>],
    crls: &[Vec<u8>],
) -> Result<Vec<u8>, Error> {
    let mut src = Appended { base, tail: before };
    let mut doc = Document::open(&mut src, XrefLimits::default())?;
    let last = doc.revisions().len().saturating_sub(1);
    let (root, mut catalog) = catalog(&mut doc, last)?;
    let mut up = Update::new(&mut doc)?;
    let mut old = Dict::default();
    if let Some(d) = catalog.get(b"DSS") {
        if let Object::Dict(d) = doc.direct(d, last)?.object {
            old = d;
        }
    }
    let mut dss = Dict::default();
    for (key, items) in [(&b"Certs"[..], certs), (b"OCSPs", ocsp), (b"CRLs", crls)] {
        let mut refs = match old.get(key) {
            Some(list) => match doc.direct(list, last)?.object {
                Object::Array(a) => a,
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        for item in items {
            let id = up.allocate();
            up.put_stream(id, &Dict::default(), item);
            refs.push(v(Object::Ref(id)));
        }
        if !refs.is_empty() {
            set(&mut dss, key, Object::Array(refs));
        }
    }
    let id = up.allocate();
    up.put(id, &Object::Dict(dss));
    set(&mut catalog, b"DSS", Object::Ref(id));
    up.put(root, &Object::Dict(catalog));
    Ok(up.finish())
}

/// An update with a new signature field whose `/V` is `sig` plus a `/ByteRange` placeholder
/// and `reserve` zero bytes of `/Contents`.
struct Placed {
    update: Vec<u8>,
    /// `<` to `>` of `/Contents` in `update`.
    contents: Range<usize>,
    /// The placeholder's bytes in `update`.
    byte_range: Range<usize>,
    /// The file length before `update`.
    start: u64,
}

fn place<S: Source>(
    base: &mut S,
    before: &[u8],
    sig: &Dict,
    reserve: usize,
) -> Result<Placed, Error> {
    let mut src = Appended { base, tail: before };
    let mut doc = Document::open(&mut src, XrefLimits::default())?;
    let last = doc.revisions().len().saturating_sub(1);
    let (root, mut catalog) = catalog(&mut doc, last)?;
    let page = first_page(&mut doc, &catalog, last)?;
    let names = field_names(&mut doc, &catalog, last)?;
    let mut up = Update::new(&mut doc)?;

    // The signature dictionary, written by hand for the placeholders.
    let sig_id = up.allocate();
    let mut text = Vec::from(&b"<<"[..]);
    for (k, val) in &sig.entries {
        write::name(&mut text, k);
        text.push(b' ');
        write::object(&mut text, &val.object);
    }
    text.extend_from_slice(b"/ByteRange ");
    let br_at = text.len();
    text.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    text.extend_from_slice(b"/Contents ");
    let c_at = text.len();
    text.push(b'<');
    text.resize(text.len() + 2 * reserve, b'0');
    text.push(b'>');
    let c_end = text.len();
    text.extend_from_slice(b">>");
    let at = up.put_raw(sig_id, &text);

    // The field, merged with its widget: invisible (a zero rectangle), printed, locked.
    let field_id = up.allocate();
    let mut n = 1;
    let field_name = loop {
        let candidate = alloc::format!("Signature{n}");
        if !names.contains(&candidate) {
            break candidate;
        }
        n += 1;
    };
    let mut field = Dict::default();
    set(&mut field, b"Type", Object::Name(b"Annot".to_vec()));
    set(&mut field, b"Subtype", Object::Name(b"Widget".to_vec()));
    set(&mut field, b"FT", Object::Name(b"Sig".to_vec()));
    set(
        &mut field,
        b"T",
        Object::String(PdfString {
            bytes: field_name.into_bytes(),
            hex: false,
        }),
    );
    set(&mut field, b"V", Object::Ref(sig_id));
    set(&mut field, b"F", Object::Integer(132));
    set(
        &mut field,
        b"Rect",
        Object::Array((0..4).map(|_| v(Object::Integer(0))).collect()),
    );
    set(&mut field, b"P", Object::Ref(page.0));
    up.put(field_id, &Object::Dict(field));

    // The page's /Annots gets the widget.
    let (page_id, mut page_dict) = page;
    match page_dict.get(b"Annots").map(|a| a.object.clone()) {
        Some(Object::Ref(r)) => {
            let mut annots = match doc.resolve(r, last)?.map(|x| x.value.object) {
                Some(Object::Array(a)) => a,
                _ => Vec::new(),
            };
            annots.push(v(Object::Ref(field_id)));
            up.put(r, &Object::Array(annots));
        }
        other => {
            let mut annots = match other {
                Some(Object::Array(a)) => a,
                _ => Vec::new(),
            };
            annots.push(v(Object::Ref(field_id)));
            set(&mut page_dict, b"Annots", Object::Array(annots));
            up.put(page_id, &Object::Dict(page_dict));
        }
    }

    // The form gets the field; SigFlags 3: signatures exist, append only.
    let form = catalog.get(b"AcroForm").map(|f| f.object.clone());
    let (form_id, mut form_dict) = match form {
        Some(Object::Ref(r)) => match doc.resolve(r, last)?.map(|x| x.value.object) {
            Some(Object::Dict(d)) => (Some(r), d),
            _ => (None, Dict::default()),
        },
        Some(Object::Dict(d)) => (None, d),
        _ => (None, Dict::default()),
    };
    match form_dict.get(b"Fields").map(|f| f.object.clone()) {
        Some(Object::Ref(r)) => {
            let mut fields = match doc.resolve(r, last)?.map(|x| x.value.object) {
                Some(Object::Array(a)) => a,
                _ => Vec::new(),
            };
            fields.push(v(Object::Ref(field_id)));
            up.put(r, &Object::Array(fields));
        }
        other => {
            let mut fields = match other {
                Some(Object::Array(a)) => a,
                _ => Vec::new(),
            };
            fields.push(v(Object::Ref(field_id)));
            set(&mut form_dict, b"Fields", Object::Array(fields));
        }
    }
    set(&mut form_dict, b"SigFlags", Object::Integer(3));
    match form_id {
        Some(r) => up.put(r, &Object::Dict(form_dict)),
        None => {
            set(&mut catalog, b"AcroForm", Object::Dict(form_dict));
            up.put(root, &Object::Dict(catalog));
        }
    }

    let start = up.offset() - up.bytes().len() as u64;
    let update = up.finish();
    Ok(Placed {
        update,
        contents: at + c_at..at + c_end,
        byte_range: at + br_at..at + br_at + BYTE_RANGE_WIDTH,
        start,
    })
}

impl Placed {
    /// Writes the `/ByteRange` and returns the digest of what it covers.
    fn digest<S: Source>(
        &mut self,
        base: &mut S,
        before: &[u8],
        hash: HashAlgorithm,
    ) -> Result<DigestValue, Error> {
        let c0 = self.start + self.contents.start as u64;
        let c1 = self.start + self.contents.end as u64;
        let total = self.start + self.update.len() as u64;
        let text = alloc::format!("[0 {c0} {c1} {}]", total - c1);
        let slot = self
            .update
            .get_mut(self.byte_range.clone())
            .ok_or_else(|| internal("the /ByteRange placeholder"))?;
        let dst = slot
            .get_mut(..text.len())
            .ok_or_else(|| internal("the /ByteRange does not fit its placeholder"))?;
        dst.copy_from_slice(text.as_bytes());
        let mut h = Hasher::new(hash);
        let mut at = 0u64;
        let len = base.len();
        while at < len {
            let chunk = base.window(at, CHUNK)?;
            if chunk.is_empty() {
                return Err(internal("the file ended early").into());
            }
            h.update(&chunk);
            at += chunk.len() as u64;
        }
        h.update(before);
        h.update(self.update.get(..self.contents.start).unwrap_or_default());
        h.update(self.update.get(self.contents.end..).unwrap_or_default());
        Ok(h.finish())
    }

    /// Writes `der` into `/Contents`, zero padded.
    fn fill(&mut self, der: &[u8]) -> Result<(), Error> {
        let room = (self.contents.len() - 2) / 2;
        if der.len() > room {
            return Err(PdfError::Limit {
                what: "bytes of the signature in the space reserved for /Contents",
                limit: room as u64,
            }
            .into());
        }
        let hex: String = der.iter().map(|b| alloc::format!("{b:02X}")).collect();
        let dst = self
            .update
            .get_mut(self.contents.start + 1..self.contents.start + 1 + hex.len())
            .ok_or_else(|| internal("/Contents"))?;
        dst.copy_from_slice(hex.as_bytes());
        Ok(())
    }
}

fn internal(what: &str) -> PdfError {
    PdfError::Malformed {
        at: 0,
        detail: alloc::format!("{what} (while writing the update)"),
    }
}

/// `/Root` of revision `rev` and the catalog dictionary.
fn catalog<S: Source>(doc: &mut Document<S>, rev: usize) -> Result<(ObjRef, Dict), Error> {
    let Some(Object::Ref(root)) = doc
        .trailer(rev)
        .and_then(|t| t.get(b"Root"))
        .map(|r| r.object.clone())
    else {
        return Err(PdfError::NotFound("/Root".into()).into());
    };
    match doc.resolve(root, rev)?.map(|x| x.value.object) {
        Some(Object::Dict(d)) => Ok((root, d)),
        _ => Err(PdfError::NotFound("the catalog dictionary".into()).into()),
    }
}

/// The first page (following the first `/Kids` down the page tree): its reference and
/// dictionary.
fn first_page<S: Source>(
    doc: &mut Document<S>,
    catalog: &Dict,
    rev: usize,
) -> Result<(ObjRef, Dict), Error> {
    let mut cur = catalog.get(b"Pages").map(|p| p.object.clone());
    for _ in 0..MAX_PAGE_DEPTH {
        let Some(Object::Ref(r)) = cur else { break };
        let Some(Object::Dict(d)) = doc.resolve(r, rev)?.map(|x| x.value.object) else {
            break;
        };
        match d.get(b"Kids").map(|k| k.object.clone()) {
            Some(kids) if d.name(b"Type") != Some(b"Page") => {
                let kids = doc.direct(&v(kids), rev)?.object;
                cur = match kids {
                    Object::Array(a) => a.into_iter().next().map(|k| k.object),
                    _ => None,
                };
            }
            _ => return Ok((r, d)),
        }
    }
    Err(PdfError::NotFound("a page to put the signature field on".into()).into())
}

/// The names of the form's top-level fields.
fn field_names<S: Source>(
    doc: &mut Document<S>,
    catalog: &Dict,
    rev: usize,
) -> Result<Vec<String>, Error> {
    let mut names = Vec::new();
    let Some(form) = catalog.get(b"AcroForm") else {
        return Ok(names);
    };
    let Object::Dict(form) = doc.direct(form, rev)?.object else {
        return Ok(names);
    };
    let Some(fields) = form.get(b"Fields") else {
        return Ok(names);
    };
    let Object::Array(fields) = doc.direct(fields, rev)?.object else {
        return Ok(names);
    };
    for f in fields.iter().take(10_000) {
        if let Object::Dict(d) = doc.direct(f, rev)?.object {
            if let Some(Object::String(s)) = d.get(b"T").map(|t| &t.object) {
                names.push(String::from_utf8_lossy(&s.bytes).into_owned());
            }
        }
    }
    Ok(names)
}

/// `D:YYYYMMDDHHmmSSZ` (ISO 32000-1 §7.9.4), in UTC.
fn pdf_date(t: UnixTime) -> String {
    let [y, mo, d, h, mi, s] = t.civil();
    alloc::format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let t = UnixTime::parse_rfc3339("2027-03-01T12:34:56Z").unwrap_or(UnixTime::from_secs(0));
        assert_eq!(pdf_date(t), "D:20270301123456Z");
        assert_eq!(pdf_date(UnixTime::from_secs(0)), "D:19700101000000Z");
    }
}
