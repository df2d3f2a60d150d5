//! Validation of the time-stamps a CAdES signature carries.

use alloc::vec::Vec;

use super::{failure_indication, timestamp_kind, Context, COMPUTE};
use crate::ber::{tag, Reader};
use crate::cms::attr;
use crate::cms::verify::{check_signer, ContentRef, SignerCheck};
use crate::cms::{self, SignerInfo};
use crate::crypto::{self, DigestValue, HashAlgorithm};
use crate::path::{ParsedCert, Purpose};
use crate::report::{CertRef, TimestampKind, TimestampReport};
use crate::report::{Indication, SubIndication};
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
            let r = validate_one(ctx, si, content, kind, v);
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

fn validate_one(
    ctx: &Context<'_, '_>,
    si: &SignerInfo<'_>,
    content: ContentRef<'_>,
    kind: TimestampKind,
    token_der: &[u8],
) -> TimestampReport {
    let mut rep = TimestampReport {
        kind,
        gen_time: None,
        tsa: None,
        digest_algorithm: None,
        imprint_intact: None,
        checked: true,
        indication: Indication::TOTAL_PASSED,
        sub_indication: None,
        chain: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    if let Err(Fault(ind, sub, msg)) = judge(ctx, si, content, token_der, &mut rep) {
        rep.indication = ind;
        rep.sub_indication = Some(sub);
        rep.errors.push(msg);
    }
    rep
}

/// Why a time-stamp does not pass.
struct Fault(Indication, SubIndication, alloc::string::String);

/// A time-stamp's checks in order: the token parses, it is not a legacy kind imza does not
/// compute, it is not dated after the validation time, its imprint matches what it covers,
/// its signature verifies, its algorithms are acceptable when relied on, and the TSA's chain
/// is valid at genTime.
fn judge(
    ctx: &Context<'_, '_>,
    si: &SignerInfo<'_>,
    content: ContentRef<'_>,
    token_der: &[u8],
    rep: &mut TimestampReport,
) -> Result<(), Fault> {
    let token = crate::tsp::parse_token(token_der).map_err(|e| {
        Fault(
            Indication::TOTAL_FAILED,
            SubIndication::FORMAT_FAILURE,
            alloc::format!("{e}"),
        )
    })?;
    rep.gen_time = Some(token.info.gen_time);
    rep.digest_algorithm = Some(token.info.hash);
    if matches!(
        rep.kind,
        TimestampKind::ArchiveV2 | TimestampKind::References
    ) {
        // What these cover is not computed: say so rather than pass them.
        rep.checked = false;
        rep.indication = Indication::INDETERMINATE;
        rep.warnings
            .push("the message imprint of this legacy time-stamp is not checked".into());
        return Ok(());
    }
    not_after_validation_time(ctx, &token)?;
    check_imprint(ctx, si, content, &token, rep)?;
    let (pool, check, cert) = check_token_signature(ctx, &token, rep)?;
    rep.tsa = Some(alloc::format!("{}", cert.cert.tbs_certificate.subject));
    // The algorithms, at the time the token is relied on: now, unless a later archive
    // time-stamp protects it (then `relied_at` lowers it).
    let relied_at = relied_at(ctx, si, token.info.gen_time);
    token_algorithms(ctx, &token, &check, &cert, relied_at).map_err(|why| {
        Fault(
            Indication::INDETERMINATE,
            SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
            alloc::format!("time-stamp: {why}"),
        )
    })?;
    // The TSA certificate, for time-stamping, at the token's time.
    let at = super::At {
        validity: token.info.gen_time,
        status: token.info.gen_time,
        crypto: relied_at,
    };
    let result = ctx.chain_in(&pool, &cert, Purpose::Timestamping, at, &mut rep.warnings);
    let (path, _) = result.map_err(|f| {
        Fault(
            f.error.indication(),
            f.error.sub_indication(),
            alloc::format!("TSA: {}", f.error),
        )
    })?;
    rep.chain = path.chain().map(CertRef::new).collect();
    Ok(())
}

/// A time-stamp dated after the validation time (or the current time) did not exist then.
fn not_after_validation_time(
    ctx: &Context<'_, '_>,
    token: &crate::tsp::Token<'_>,
) -> Result<(), Fault> {
    let latest = ctx.opts.time.min(ctx.opts.now);
    if token.info.gen_time.as_secs() > latest.as_secs().saturating_add(TIME_SKEW) {
        return Err(Fault(
            Indication::TOTAL_FAILED,
            SubIndication::NOT_YET_VALID,
            alloc::format!(
                "the time-stamp's genTime {} is after the validation time {latest}",
                token.info.gen_time
            ),
        ));
    }
    Ok(())
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
        TimestampKind::ArchiveV2 | TimestampKind::References => Ok(None),
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

/// The token's own CMS signature over its TSTInfo; returns the certificate pool (the
/// signature's and the token's certificates), the check and the TSA certificate.
fn check_token_signature(
    ctx: &Context<'_, '_>,
    token: &crate::tsp::Token<'_>,
    rep: &mut TimestampReport,
) -> Result<(Vec<ParsedCert>, SignerCheck, ParsedCert), Fault> {
    let mut pool: Vec<ParsedCert> = ctx.pool.clone();
    for c in &token.signed_data.certificates {
        if !pool.iter().any(|p| p.der == *c) {
            if let Ok(p) = ParsedCert::from_der(c) {
                pool.push(p);
            }
        }
    }
    let Some(tsi) = token.signed_data.signers.first() else {
        return Err(Fault(
            Indication::TOTAL_FAILED,
            SubIndication::FORMAT_FAILURE,
            "no signer".into(),
        ));
    };
    let tst = token.signed_data.content.as_deref().unwrap_or(&[]);
    let check = check_signer(
        Some(cms::oids::TST_INFO),
        tsi,
        &pool,
        ContentRef::Bytes(tst),
        &COMPUTE,
    );
    if let Err(f) = &check.outcome {
        let (ind, sub) = failure_indication(f);
        return Err(Fault(ind, sub, alloc::format!("time-stamp token: {f}")));
    }
    if !check.signing_certificate_bound {
        rep.warnings.push(
            "the token has no signing-certificate attribute binding the TSA certificate (RFC 3161 §2.4.2)"
                .into(),
        );
    }
    let cert = check.cert.clone().ok_or_else(|| {
        Fault(
            Indication::INDETERMINATE,
            SubIndication::NO_SIGNING_CERTIFICATE_FOUND,
            "time-stamp token: no TSA certificate".into(),
        )
    })?;
    Ok((pool, check, cert))
}

/// Tolerated clock difference between a TSA and the validator, seconds.
const TIME_SKEW: u64 = 300;

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

/// The message imprint's hash, and the token's digest, signature algorithm and key, by
/// the policy at `at`: a weak one is no proof of existence.
fn token_algorithms(
    ctx: &Context<'_, '_>,
    token: &crate::tsp::Token<'_>,
    check: &SignerCheck,
    cert: &ParsedCert,
    at: UnixTime,
) -> Result<(), alloc::string::String> {
    let policy = &ctx.opts.policy;
    let key = crypto::PublicKey::from_spki_der(&cert.spki)
        .map(|k| k.kind())
        .map_err(|e| alloc::format!("{e}"))?;
    let (Some(d), Some(s)) = (check.digest_algorithm, check.signature_algorithm) else {
        return Err("the token's algorithms are unknown".into());
    };
    policy.check(d, s, key, at)?;
    policy
        .check(token.info.hash, s, key, at)
        .map_err(|why| alloc::format!("message imprint: {why}"))
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
