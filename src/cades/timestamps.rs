//! Validation of the time-stamps a CAdES signature carries.

use alloc::vec::Vec;

use super::{timestamp_kind, Context};
use crate::ber::{tag, Reader};
use crate::cms::attr;
use crate::cms::verify::ContentRef;
use crate::cms::SignerInfo;
use crate::crypto::{self, DigestValue, HashAlgorithm};
use crate::engine::timestamp::{validate_token, Fault};
use crate::report::{Indication, SubIndication};
use crate::report::{TimestampKind, TimestampReport};
use crate::time::UnixTime;

/// Validates every time-stamp of `si`; returns their reports and the earliest genTime of
/// a signature time-stamp that passed.
pub(super) fn validate_all(
    ctx: &Context<'_, '_>,
    si: &SignerInfo<'_>,
    content: ContentRef<'_>,
) -> (Vec<TimestampReport>, Option<UnixTime>) {
    let mut reports = Vec::new();
    let mut poe: Option<UnixTime> = None;
    let attrs = si
        .signed_attrs
        .iter()
        .chain(si.unsigned_attrs.iter())
        .flat_map(|a| a.list.iter());
    for a in attrs {
        let Some(kind) = timestamp_kind(&a.oid) else {
            continue;
        };
        for v in &a.values {
            if reports.len() >= super::MAX_TIMESTAMPS {
                // Reported through the signature's warnings by the caller.
                return (reports, poe);
            }
            let r = validate_token(
                ctx,
                kind,
                v,
                &mut |token, rep| check_imprint(ctx, si, content, token, rep),
                &|gen_time| relied_at(ctx, si, gen_time),
            );
            if kind == TimestampKind::Signature && r.indication == Indication::TOTAL_PASSED {
                if let Some(t) = r.gen_time {
                    poe = Some(poe.map_or(t, |p| p.min(t)));
                }
            }
            reports.push(r);
        }
    }
    (reports, poe)
}

/// The message imprint against the data this kind of time-stamp covers.
fn check_imprint(
    ctx: &Context<'_, '_>,
    si: &SignerInfo<'_>,
    content: ContentRef<'_>,
    token: &crate::tsp::Token<'_>,
    rep: &mut TimestampReport,
) -> Result<(), Fault> {
    let kind = rep.kind;
    let covered = match kind {
        TimestampKind::Signature => Ok(Some(crypto::digest(token.info.hash, &si.signature))),
        TimestampKind::Content => Ok(content_digest(content, token.info.hash)),
        TimestampKind::ArchiveV3 => archive_v3_digest(ctx, si, content, token),
        TimestampKind::ArchiveV2 | TimestampKind::References | TimestampKind::XadesArchive => {
            Ok(None)
        }
    };
    let hash_failure = |msg| Fault(Indication::TOTAL_FAILED, SubIndication::HASH_FAILURE, msg);
    match covered {
        Ok(Some(d)) => {
            let ok = d.as_ref() == token.info.imprint.as_slice();
            rep.imprint_intact = Some(ok);
            if !ok {
                return Err(hash_failure(alloc::format!(
                    "the message imprint does not match the {kind:?} data it covers"
                )));
            }
            Ok(())
        }
        Ok(None) if kind == TimestampKind::Content => Err(Fault(
            Indication::INDETERMINATE,
            SubIndication::SIGNED_DATA_NOT_FOUND,
            "the time-stamped content was not supplied".into(),
        )),
        Ok(None) => Ok(()),
        Err(msg) => {
            rep.imprint_intact = Some(false);
            Err(hash_failure(msg))
        }
    }
}

/// When a time-stamp made at `gen_time` is relied on: the validation time, or the earliest
/// later archive time-stamp (v3) of the same signer whose imprint matches, which proves the
/// token existed then.
fn relied_at(ctx: &Context<'_, '_>, si: &SignerInfo<'_>, gen_time: UnixTime) -> UnixTime {
    let mut at = ctx.opts.time;
    for a in si
        .unsigned_attrs
        .iter()
        .flat_map(|u| u.all(&attr::ARCHIVE_TIMESTAMP_V3))
    {
        for v in &a.values {
            if let Ok(t) = crate::tsp::parse_token(v) {
                if t.info.gen_time > gen_time && t.info.gen_time < at {
                    at = t.info.gen_time;
                }
            }
        }
    }
    at
}

fn content_digest(content: ContentRef<'_>, h: HashAlgorithm) -> Option<DigestValue> {
    match content {
        ContentRef::Bytes(b) => Some(crypto::digest(h, b)),
        ContentRef::Digests(ds) => ds.iter().find(|d| d.algorithm() == h).cloned(),
        ContentRef::Missing => None,
    }
}

/// The data an archive-time-stamp-v3 covers (EN 319 122-1 §5.5.3): eContentType, the
/// content's hash, the signer's fields up to the signature, and the ats-hash-index-v3;
/// the index itself must name only elements that are present.
fn archive_v3_digest(
    ctx: &Context<'_, '_>,
    si: &SignerInfo<'_>,
    content: ContentRef<'_>,
    token: &crate::tsp::Token<'_>,
) -> Result<Option<DigestValue>, alloc::string::String> {
    let h = token.info.hash;
    let tsi = token
        .signed_data
        .signers
        .first()
        .ok_or("no signer in the token")?;
    let index = tsi
        .unsigned_attrs
        .as_ref()
        .and_then(|u| {
            u.get(&attr::ATS_HASH_INDEX_V3)
                .or_else(|| u.get(&attr::ATS_HASH_INDEX))
        })
        .ok_or("the archive time-stamp has no ats-hash-index-v3 attribute")?;
    let index_value = index
        .single("ats-hash-index-v3")
        .map_err(|e| alloc::format!("{e}"))?;
    check_hash_index(ctx, si, index_value.raw)?;
    let Some(content_hash) = content_digest(content, h) else {
        return Ok(None);
    };
    let mut hasher = crypto::Hasher::new(h);
    hasher.update(ctx.sd.content_type_raw);
    hasher.update(content_hash.as_ref());
    hasher.update(&si.signed_fields);
    hasher.update(index_value.raw);
    Ok(Some(hasher.finish()))
}

/// Every hash in the ATSHashIndexV3 must be that of a certificate, revocation value or
/// unsigned attribute present now: an entry that matches nothing means something covered
/// was changed or removed.
fn check_hash_index(
    ctx: &Context<'_, '_>,
    si: &SignerInfo<'_>,
    value: &[u8],
) -> Result<(), alloc::string::String> {
    let e = |x: crate::Error| alloc::format!("ats-hash-index-v3: {x}");
    let mut top = Reader::new(value, "ats-hash-index-v3");
    let seq = top.expect(tag::SEQUENCE, "ATSHashIndexV3").map_err(e)?;
    let mut r = seq.reader("ats-hash-index-v3").map_err(e)?;
    let h = match r.optional(tag::SEQUENCE).map_err(e)? {
        Some(ai) => {
            let oid_tlv = ai
                .reader("hashIndAlgorithm")
                .and_then(|mut x| x.read())
                .map_err(e)?;
            let oid = attr::object_identifier(&oid_tlv, "hashIndAlgorithm").map_err(e)?;
            HashAlgorithm::from_oid(&oid).map_err(e)?
        }
        None => HashAlgorithm::Sha256,
    };
    let unsigned: Vec<&[u8]> = si
        .unsigned_attrs
        .iter()
        .flat_map(|u| u.list.iter().map(|a| a.raw))
        .collect();
    let groups: [(&str, Vec<&[u8]>); 3] = [
        ("certificate", ctx.sd.certificate_choices.clone()),
        ("revocation value", ctx.sd.revocation_choices.clone()),
        ("unsigned attribute", unsigned),
    ];
    for (name, present) in groups {
        let list = r.expect(tag::SEQUENCE, name).map_err(e)?;
        let present: Vec<DigestValue> = present.iter().map(|p| crypto::digest(h, p)).collect();
        for item in list.children("ats-hash-index-v3", 1024).map_err(e)? {
            if !present.iter().any(|p| p.as_ref() == item.content) {
                return Err(alloc::format!(
                    "ats-hash-index-v3 lists a {name} hash that matches nothing in the signature"
                ));
            }
        }
    }
    Ok(())
}
