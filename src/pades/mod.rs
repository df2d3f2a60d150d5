//! PAdES verification (ETSI EN 319 142-1): each signature field of a PDF, judged by what its
//! `/ByteRange` covers ([`crate::pdf::coverage`]), its CMS over those bytes (the shared CAdES
//! engine), and what later revisions changed ([`crate::pdf::modification`]) against its
//! DocMDP permissions.
//!
//! - A ByteRange that does not cover its revision exactly (all but its own `/Contents`) is
//!   TOTAL_FAILED / FORMAT_FAILURE: the bytes the CMS covers are not the document.
//! - The CMS must be detached (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`) or a document
//!   time-stamp token (`ETSI.RFC3161`); an encapsulated eContent is FORMAT_FAILURE.
//! - Changes after the signature beyond what it permits (for an approval signature:
//!   anything "other"; for a certification signature: its `/P`) are TOTAL_FAILED /
//!   FORMAT_FAILURE with the changes listed; permitted ones are warnings.
//! - Certificates, OCSP responses and CRLs of the last revision's `/DSS` go to the engine
//!   (B-LT).

pub mod sign;

use alloc::string::String;
use alloc::vec::Vec;

use crate::cades::{self, VerifyOptions};
use crate::crypto::Hasher;
use crate::error::{Error, PdfError};
use crate::pdf::coverage::{self, Coverage};
use crate::pdf::modification::{self, Level as Changes};
use crate::pdf::source::Source;
use crate::pdf::syntax::{Dict, Object};
use crate::pdf::xref::XrefLimits;
use crate::pdf::{Document, SignatureValue};
use crate::report::{
    Format, Indication, Level, PdfFacts, Report, SignatureReport, SignatureScope, SubIndication,
};
use crate::time::UnixTime;

/// Most bytes of a `/DSS` stream read.
const MAX_DSS_ITEM: usize = 4 << 20;
/// Most `/DSS` items read.
const MAX_DSS_ITEMS: usize = 10_000;
/// Chunk size for hashing the signed ranges.
const CHUNK: usize = 64 * 1024;

/// Validates every signed signature field of the PDF in `src`.
pub fn verify<S: Source>(src: S, opts: &VerifyOptions<'_>) -> Result<Report, Error> {
    let mut doc = Document::open(src, XrefLimits::default())?;
    let last = doc.revisions().len().saturating_sub(1);
    let fields = doc.signature_fields(last)?;
    let mut o = opts.clone();
    let dss_revocation = dss(&mut doc, last, &mut o)?;
    let signed: Vec<(String, SignatureValue)> = fields
        .into_iter()
        .filter_map(|f| f.value.map(|v| (f.name, v)))
        .collect();
    let is_stamp = |v: &SignatureValue| v.dict.name(b"SubFilter") == Some(b"ETSI.RFC3161");
    // Document time-stamps first: they stand alone, and prove the revisions before them.
    let mut reports: Vec<Option<SignatureReport>> = alloc::vec![None; signed.len()];
    for (slot, (_, v)) in reports.iter_mut().zip(&signed) {
        if is_stamp(v) {
            *slot = Some(one(&mut doc, v, &o)?);
        }
    }
    // (revision, genTime) of each document time-stamp that passed.
    let stamps: Vec<(usize, UnixTime)> = reports
        .iter()
        .flatten()
        .filter(|s| s.indication == Indication::TOTAL_PASSED)
        .filter_map(|s| Some((s.pdf.as_ref()?.revision?, s.claimed_signing_time?)))
        .collect();
    for (slot, (_, v)) in reports.iter_mut().zip(&signed) {
        if slot.is_some() {
            continue;
        }
        // The earliest valid document time-stamp over this signature's revision is a proof
        // of existence for it (EN 319 142-1: B-T by a document time-stamp).
        let rev = coverage::check(v, doc.revisions(), doc.len()).revision;
        let after: Vec<UnixTime> = stamps
            .iter()
            .filter(|(r, _)| rev.is_some_and(|rev| *r > rev))
            .map(|(_, t)| *t)
            .collect();
        let mut so = o.clone();
        so.document_poe = after.iter().min().copied();
        let mut s = one(&mut doc, v, &so)?;
        let own_timestamp = matches!(s.level, Level::PadesT | Level::PadesLt | Level::PadesLta);
        if s.level == Level::PadesB && !after.is_empty() && s.indication != Indication::TOTAL_FAILED
        {
            s.level = Level::PadesT;
        }
        // B-LT: a time-stamped signature whose validation data is in /DSS.
        if s.level == Level::PadesT && dss_revocation {
            s.level = Level::PadesLt;
        }
        // B-LTA: a document time-stamp beyond the one that made it B-T.
        let needed = if own_timestamp { 1 } else { 2 };
        if s.level == Level::PadesLt && after.len() >= needed {
            s.level = Level::PadesLta;
        }
        *slot = Some(s);
    }
    let mut signatures = Vec::new();
    for (s, (name, _)) in reports.into_iter().zip(&signed) {
        let Some(mut s) = s else { continue };
        s.id = alloc::format!("S-{}", signatures.len() + 1);
        if let Some(p) = &mut s.pdf {
            p.field = name.clone();
        }
        signatures.push(s);
    }
    if signatures.is_empty() {
        return Err(Error::UnsupportedFormat {
            format: "PDF without a signed signature field",
        });
    }
    Ok(Report::new(opts.time, signatures))
}

fn one<S: Source>(
    doc: &mut Document<S>,
    v: &SignatureValue,
    opts: &VerifyOptions<'_>,
) -> Result<SignatureReport, Error> {
    let cov = coverage::check(v, doc.revisions(), doc.len());
    let sub_filter = v
        .dict
        .name(b"SubFilter")
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let mut facts = PdfFacts {
        field: String::new(),
        sub_filter: sub_filter.clone(),
        revision: cov.revision,
        // pyHanko's coverage levels: the whole file, or a revision that later ones follow.
        coverage: match &cov.ranges {
            Some(r) if cov.is_sound() && r[1].end == doc.len() => "entire file".into(),
            _ if cov.is_sound() => "entire revision".into(),
            _ => "unclear".into(),
        },
        modification: None,
        changes: Vec::new(),
    };
    if !cov.is_sound() {
        let mut r = refused(opts, facts, &cov);
        // A signature dictionary outside the bytes it signs was written after signing.
        if let (Some(crate::pdf::Location::File(at)), Some(end)) = (
            v.location,
            cov.ranges.as_ref().map(|r| r[1].end).or_else(|| {
                v.byte_range
                    .as_deref()
                    .and_then(|b| match b {
                        [_, _, start, len] => start.checked_add(*len),
                        _ => None,
                    })
                    .and_then(|end| u64::try_from(end).ok())
            }),
        ) {
            if at >= end {
                r.errors.push(alloc::format!(
                    "the signature dictionary is at byte {at}, after the {end} bytes its /ByteRange \
                     signs: it was (re)defined after signing"
                ));
            }
        }
        return Ok(r);
    }
    let (Some(rev), Some(ranges)) = (cov.revision, cov.ranges.clone()) else {
        return Ok(refused(opts, facts, &cov));
    };
    let cms = match v.dict.get(b"Contents").map(|c| &c.object) {
        Some(Object::String(s)) => der_prefix(&s.bytes),
        _ => None,
    };
    let Some(cms) = cms else {
        let mut r = SignatureReport::new(Format::PAdES, opts.time);
        fail(
            &mut r,
            "/Contents does not hold one DER-encoded CMS object".into(),
        );
        r.pdf = Some(facts);
        return Ok(r);
    };
    if !matches!(
        sub_filter.as_str(),
        "adbe.pkcs7.detached" | "ETSI.CAdES.detached" | "ETSI.RFC3161"
    ) {
        let mut r = SignatureReport::new(Format::PAdES, opts.time);
        r.indication = Indication::INDETERMINATE;
        r.sub_indication = Some(SubIndication::FORMAT_FAILURE);
        r.errors.push(alloc::format!(
            "the /SubFilter {sub_filter:?} is not supported"
        ));
        r.pdf = Some(facts);
        return Ok(r);
    }
    let report = if sub_filter == "ETSI.RFC3161" {
        match document_timestamp(doc, cms, &ranges, opts)? {
            Ok(report) => report,
            Err(why) => {
                let mut r = SignatureReport::new(Format::PAdES, opts.time);
                fail(&mut r, why);
                r.pdf = Some(facts);
                return Ok(r);
            }
        }
    } else {
        let mut streamed = match cades::Streamed::new(cms) {
            Ok(s) => s,
            Err(e) => {
                let mut r = SignatureReport::new(Format::PAdES, opts.time);
                fail(&mut r, alloc::format!("/Contents: {e}"));
                r.pdf = Some(facts);
                return Ok(r);
            }
        };
        if !streamed.needs_content() {
            let mut r = SignatureReport::new(Format::PAdES, opts.time);
            fail(
                &mut r,
                "the CMS in /Contents encapsulates its content; a PDF signature must be detached"
                    .into(),
            );
            r.pdf = Some(facts);
            return Ok(r);
        }
        streamed.update(&[])?;
        let mut err = None;
        read_ranges(doc, &ranges, &mut |chunk| {
            if err.is_none() {
                err = streamed.update(chunk).err();
            }
        })?;
        if let Some(e) = err {
            return Err(e);
        }
        streamed.verify(opts)?
    };
    let mut r = report
        .signatures
        .into_iter()
        .next()
        .unwrap_or_else(|| SignatureReport::new(Format::PAdES, opts.time));
    r.format = Format::PAdES;
    r.level = match r.level {
        Level::B => Level::PadesB,
        Level::T => Level::PadesT,
        Level::Lt => Level::PadesLt,
        Level::Lta => Level::PadesLta,
        other => other,
    };
    r.scope = alloc::vec![SignatureScope {
        name: alloc::format!(
            "the PDF as of revision {rev} (bytes 0..{}, without this signature's /Contents)",
            ranges[1].end
        ),
        content_type: None,
        length: Some(ranges[1].end),
    }];
    // Bytes after the last %%EOF belong to no revision: readers ignore them, but they are
    // not signed.
    let last_end = doc.revisions().last().map_or(0, |r| r.end);
    if doc.len() > last_end && rev + 1 == doc.revisions().len() {
        r.warnings.push(alloc::format!(
            "{} bytes after the last %%EOF are not part of any revision and not signed",
            doc.len() - last_end
        ));
    }
    // What changed afterwards, against what the signature permits.
    let m = modification::analyse(doc, rev)?;
    facts.modification = Some(m.level.name().into());
    facts.changes = m
        .changes
        .iter()
        .filter(|c| c.level > Changes::None)
        .map(|c| alloc::format!("revision {}: {} ({})", c.revision, c.what, c.level.name()))
        .collect();
    let (permitted, lock) = permissions(doc, v, rev)?;
    let locked: Vec<String> = m
        .changes
        .iter()
        .filter(|c| c.level > Changes::None)
        .filter(|c| c.field.as_deref().is_some_and(|f| lock.covers(f)))
        .map(|c| {
            alloc::format!(
                "revision {}: the field {:?}",
                c.revision,
                c.field.as_deref().unwrap_or_default()
            )
        })
        .collect();
    if !locked.is_empty() {
        fail(
            &mut r,
            alloc::format!(
                "the signature locks form fields (FieldMDP) that later revisions changed: {}",
                locked.join("; ")
            ),
        );
    }
    if m.level > permitted {
        fail(
            &mut r,
            alloc::format!(
                "the document was modified after signing beyond what the signature permits ({}): {}",
                permitted.name(),
                facts.changes.join("; ")
            ),
        );
    } else if m.level > Changes::None {
        r.warnings.push(alloc::format!(
            "later revisions changed the document ({}): {}",
            m.level.name(),
            facts.changes.join("; ")
        ));
    }
    r.pdf = Some(facts);
    Ok(r)
}

/// Feeds the bytes of `ranges` to `sink`, in chunks.
fn read_ranges<S: Source>(
    doc: &mut Document<S>,
    ranges: &[core::ops::Range<u64>],
    sink: &mut dyn FnMut(&[u8]),
) -> Result<(), Error> {
    for range in ranges {
        let mut at = range.start;
        while at < range.end {
            let n = usize::try_from((range.end - at).min(CHUNK as u64)).unwrap_or(CHUNK);
            let chunk = doc.source().window(at, n)?;
            if chunk.is_empty() {
                return Err(PdfError::Malformed {
                    at,
                    detail: "the file ended inside /ByteRange".into(),
                }
                .into());
            }
            sink(&chunk);
            at += chunk.len() as u64;
        }
    }
    Ok(())
}

/// An `ETSI.RFC3161` document time-stamp: a time-stamp token whose message imprint is the
/// hash of the ByteRange, validated by the shared engine as a token over detached
/// content. `Ok(Err(why))`: not a time-stamp token.
fn document_timestamp<S: Source>(
    doc: &mut Document<S>,
    cms: &[u8],
    ranges: &[core::ops::Range<u64>],
    opts: &VerifyOptions<'_>,
) -> Result<Result<Report, String>, Error> {
    let sd = match crate::cms::parse(cms) {
        Ok(sd) => sd,
        Err(e) => return Ok(Err(alloc::format!("/Contents: {e}"))),
    };
    if sd.content_type != crate::cms::oids::TST_INFO {
        return Ok(Err(
            "an ETSI.RFC3161 document time-stamp must hold a time-stamp token".into(),
        ));
    }
    let mut hashers: Vec<Hasher> = cades::required_digests(&sd)
        .into_iter()
        .map(Hasher::new)
        .collect();
    read_ranges(doc, ranges, &mut |chunk| {
        for h in &mut hashers {
            h.update(chunk);
        }
    })?;
    let digests: Vec<_> = hashers.into_iter().map(Hasher::finish).collect();
    Ok(Ok(cades::verify_parsed(
        &sd,
        cades::Content::DetachedDigests(&digests),
        opts,
    )))
}

/// The form fields a signature locks (FieldMDP, ISO 32000-1 §12.8.2.4).
#[derive(Debug, Default)]
struct Lock {
    /// `/Action /All`.
    all: bool,
    /// `/Include`: these fields; with `exclude`, all but these.
    fields: Vec<String>,
    exclude: bool,
    any: bool,
}

impl Lock {
    fn covers(&self, field: &str) -> bool {
        if !self.any {
            return false;
        }
        if self.all {
            return true;
        }
        // A listed name covers its descendants (`a` locks `a.b`).
        let listed = self.fields.iter().any(|f| {
            field == f
                || field
                    .strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        });
        listed != self.exclude
    }
}

/// What changes a signature permits, and which fields it locks. A certification
/// signature's DocMDP `/P` (1: none but validation data and time-stamps; 2: also form
/// filling and signing; 3: also annotations); an approval signature anything short of
/// "other". The `/Reference` entries are followed when indirect.
fn permissions<S: Source>(
    doc: &mut Document<S>,
    v: &SignatureValue,
    rev: usize,
) -> Result<(Changes, Lock), Error> {
    let mut permitted = Changes::Annotations;
    let mut lock = Lock::default();
    let Some(refs) = v.dict.get(b"Reference") else {
        return Ok((permitted, lock));
    };
    let Object::Array(refs) = doc.direct(refs, rev)?.object else {
        return Ok((permitted, lock));
    };
    for r in refs.iter().take(16) {
        let Object::Dict(d) = doc.direct(r, rev)?.object else {
            continue;
        };
        let params = match d.get(b"TransformParams") {
            Some(t) => match doc.direct(t, rev)?.object {
                Object::Dict(t) => t,
                _ => Dict::default(),
            },
            None => Dict::default(),
        };
        match d.name(b"TransformMethod") {
            Some(b"DocMDP") => {
                permitted = permitted.min(match params.integer(b"P").unwrap_or(2) {
                    1 => Changes::DssAndTimestamps,
                    2 => Changes::FormFilling,
                    _ => Changes::Annotations,
                });
            }
            Some(b"FieldMDP") => {
                lock.any = true;
                match params.name(b"Action") {
                    Some(b"Include") | Some(b"Exclude") => {
                        lock.exclude = params.name(b"Action") == Some(b"Exclude");
                        if let Some(f) = params.get(b"Fields") {
                            if let Object::Array(names) = doc.direct(f, rev)?.object {
                                for n in names.iter().take(10_000) {
                                    if let Object::String(s) = doc.direct(n, rev)?.object {
                                        lock.fields
                                            .push(String::from_utf8_lossy(&s.bytes).into_owned());
                                    }
                                }
                            }
                        }
                    }
                    // /All, and anything unknown: every field (the strict reading).
                    _ => lock.all = true,
                }
            }
            _ => {}
        }
    }
    Ok((permitted, lock))
}

fn fail(r: &mut SignatureReport, why: String) {
    r.indication = Indication::TOTAL_FAILED;
    r.sub_indication = Some(SubIndication::FORMAT_FAILURE);
    r.errors.push(why);
}

fn refused(opts: &VerifyOptions<'_>, facts: PdfFacts, cov: &Coverage) -> SignatureReport {
    let mut r = SignatureReport::new(Format::PAdES, opts.time);
    for a in &cov.anomalies {
        r.errors.push(alloc::format!("{a}"));
    }
    r.indication = Indication::TOTAL_FAILED;
    r.sub_indication = Some(SubIndication::FORMAT_FAILURE);
    r.pdf = Some(facts);
    r
}

/// The CMS object at the start of `bytes` (DER, or BER with indefinite lengths as some
/// signers write it), when the rest is zero padding (as signers reserve `/Contents` larger
/// than the CMS).
fn der_prefix(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let tlv = crate::ber::Reader::new(bytes, "PDF /Contents")
        .read()
        .ok()?;
    let padding = bytes.get(tlv.raw.len()..)?;
    padding.iter().all(|b| *b == 0).then_some(tlv.raw)
}

/// Adds the last revision's `/DSS` certificates, OCSP responses and CRLs to `opts`;
/// whether it holds revocation data.
fn dss<S: Source>(
    doc: &mut Document<S>,
    rev: usize,
    opts: &mut VerifyOptions<'_>,
) -> Result<bool, Error> {
    let Some(root) = doc.trailer(rev).and_then(|t| t.get(b"Root")).cloned() else {
        return Ok(false);
    };
    let Object::Dict(catalog) = doc.direct(&root, rev)?.object else {
        return Ok(false);
    };
    let Some(d) = catalog.get(b"DSS") else {
        return Ok(false);
    };
    let Object::Dict(d) = doc.direct(d, rev)?.object else {
        return Ok(false);
    };
    let before = opts.ocsp_responses.len() + opts.crls.len();
    let mut count = 0usize;
    for (key, into) in [
        (&b"Certs"[..], 0usize),
        (&b"OCSPs"[..], 1),
        (&b"CRLs"[..], 2),
    ] {
        let Some(list) = d.get(key) else { continue };
        let Object::Array(items) = doc.direct(list, rev)?.object else {
            continue;
        };
        for item in items {
            count += 1;
            if count > MAX_DSS_ITEMS {
                return Err(PdfError::Limit {
                    what: "items in /DSS",
                    limit: MAX_DSS_ITEMS as u64,
                }
                .into());
            }
            let Object::Ref(r) = item.object else {
                continue;
            };
            let Some(res) = doc.resolve(r, rev)? else {
                continue;
            };
            let (Some(data), Object::Dict(sd)) = (res.stream, &res.value.object) else {
                continue;
            };
            let len = usize::try_from(data.len).unwrap_or(usize::MAX);
            if len > MAX_DSS_ITEM {
                continue;
            }
            let raw = doc.source().window(data.offset, len)?;
            let bytes = match sd.name(b"Filter") {
                None => raw,
                Some(b"FlateDecode") => crate::pdf::xref::inflate(&raw, MAX_DSS_ITEM, data.offset)?,
                Some(_) => continue,
            };
            match into {
                0 => opts.extra_certs.push(bytes),
                1 => opts.ocsp_responses.push(bytes),
                _ => opts.crls.push(bytes),
            }
        }
    }
    Ok(opts.ocsp_responses.len() + opts.crls.len() > before)
}
