//! Validation of an RFC 3161 time-stamp token, whatever signature format carries it: the
//! token's own signature, its algorithms when relied on, and the TSA's chain at genTime.
//! What the token covers (its message imprint) is the format's to check.

use alloc::vec::Vec;

use super::{At, Engine, COMPUTE};
use crate::cms;
use crate::cms::verify::{check_signer, ContentRef, SignerCheck};
use crate::crypto;
use crate::path::{ParsedCert, Purpose};
use crate::report::{CertRef, Indication, SubIndication, TimestampKind, TimestampReport};
use crate::time::UnixTime;

/// Validates one time-stamp token of `kind`. The format checks the message imprint
/// against what this kind covers (`imprint`), and says when the token is relied on
/// (`relied_at`, from its genTime: the validation time unless a later archive time-stamp
/// protects it).
pub(crate) fn validate_token(
    engine: &Engine<'_, '_>,
    kind: TimestampKind,
    token_der: &[u8],
    imprint: Imprint<'_>,
    relied_at: &dyn Fn(UnixTime) -> UnixTime,
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
    if let Err(Fault(ind, sub, msg)) = judge(engine, token_der, imprint, relied_at, &mut rep) {
        rep.indication = ind;
        rep.sub_indication = Some(sub);
        rep.errors.push(msg);
    }
    rep
}

/// Why a time-stamp does not pass.
pub(crate) struct Fault(
    pub(crate) Indication,
    pub(crate) SubIndication,
    pub(crate) alloc::string::String,
);

/// Checks a token's message imprint against what it covers, recording the outcome in the
/// report.
pub(crate) type Imprint<'f> =
    &'f mut dyn FnMut(&crate::tsp::Token<'_>, &mut TimestampReport) -> Result<(), Fault>;

/// A time-stamp's checks in order: the token parses, it is not a legacy kind imza does not
/// compute, it is not dated after the validation time, its imprint matches what it covers,
/// its signature verifies, its algorithms are acceptable when relied on, and the TSA's chain
/// is valid at genTime.
fn judge(
    ctx: &Engine<'_, '_>,
    token_der: &[u8],
    imprint: Imprint<'_>,
    relied_at: &dyn Fn(UnixTime) -> UnixTime,
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
        TimestampKind::ArchiveV2 | TimestampKind::References | TimestampKind::XadesArchive
    ) {
        // What these cover is not computed: say so rather than pass them.
        rep.checked = false;
        rep.indication = Indication::INDETERMINATE;
        rep.warnings.push(alloc::format!(
            "the message imprint of this {} time-stamp is not checked",
            rep.kind.name()
        ));
        return Ok(());
    }
    not_after_validation_time(ctx, &token)?;
    imprint(&token, rep)?;
    let (pool, check, cert) = check_token_signature(ctx, &token, rep)?;
    rep.tsa = Some(alloc::format!("{}", cert.cert.tbs_certificate.subject));
    // The algorithms, at the time the token is relied on: now, unless a later archive
    // time-stamp protects it (then `relied_at` lowers it).
    let relied_at = relied_at(token.info.gen_time);
    token_algorithms(ctx, &token, &check, &cert, relied_at).map_err(|why| {
        Fault(
            Indication::INDETERMINATE,
            SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
            alloc::format!("time-stamp: {why}"),
        )
    })?;
    // The TSA certificate, for time-stamping, at the token's time.
    let at = At {
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
    ctx: &Engine<'_, '_>,
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

/// The token's own CMS signature over its TSTInfo; returns the certificate pool (the
/// signature's and the token's certificates), the check and the TSA certificate.
fn check_token_signature(
    ctx: &Engine<'_, '_>,
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
        let (ind, sub) = f.indication();
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

/// The message imprint's hash, and the token's digest, signature algorithm and key, by
/// the policy at `at`: a weak one is no proof of existence.
fn token_algorithms(
    ctx: &Engine<'_, '_>,
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
