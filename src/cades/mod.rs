//! CAdES (ETSI EN 319 122-1) validation and creation over CMS.
//!
//! [`verify`] runs the ETSI EN 319 102-1 process for every signer of a CMS `SignedData`:
//! identify the signing certificate, verify the content and the signature value
//! ([`crate::cms::verify`]), validate the signature time-stamps and take the earliest valid
//! one as the best-signature-time, validate the signer's chain (at the validation time, or
//! at the best-signature-time when the certificate expired or was revoked since), check
//! revocation with the data the signature embeds (B-LT) and, online, fetched data, and judge
//! the algorithms at the best-signature-time. The result is a [`Report`].
//!
//! [`sign`] makes CAdES-B-B, B-T and B-LT signatures with any [`crate::crypto::Signer`].

mod policy;
#[cfg(feature = "std")]
mod reader;
pub mod sign;
mod timestamps;

use alloc::string::String;
use alloc::vec::Vec;

use crate::cms::attr;
use crate::cms::verify::{check_signer, ContentRef, Failure, SignerCheck};
use crate::cms::{self, SignedData, SignerId, SignerInfo};
use crate::crl::Crl;
use crate::crypto::{self, DigestValue, HashAlgorithm, PublicKey};
use crate::error::Error;
use crate::path::{self, Indication, ParsedCert, PathError, Purpose, SubIndication, ValidPath};
use crate::report::{
    CertRef, Format, LegacyLevel, Level, Report, SignatureReport, SignerRef, TimestampKind,
};
use crate::revocation::{Checker, Evidence};
use crate::time::UnixTime;
use crate::transport::Transport;
use crate::trust::TrustStore;

pub use policy::ValidationPolicy;
#[cfg(feature = "std")]
pub use reader::{verify_reader, ReaderError};

/// Deepest counter-signature nesting validated.
pub const MAX_COUNTER_SIGNATURE_DEPTH: usize = 4;
/// Most counter-signatures validated on one signature (each costs a signature check and a
/// path validation; more are reported as not validated).
pub const MAX_COUNTER_SIGNATURES: usize = 16;
/// Most time-stamps validated on one signature.
pub const MAX_TIMESTAMPS: usize = 16;

/// What to do about revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationPolicy {
    /// Do not check (reported as a warning).
    Skip,
    /// Check with the data that is there (embedded, supplied, fetched when online); when
    /// none is found, warn instead of failing. What `openssl cms -verify` users expect.
    IfAvailable,
    /// A status must be found: without one the result is INDETERMINATE / TRY_LATER.
    Require,
}

/// Validation settings.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifyOptions<'a> {
    /// Trust anchors.
    pub trust: &'a TrustStore,
    /// The validation time ("now", or a past or future time to validate at).
    pub time: UnixTime,
    /// Extra certificates (DER) to build chains with, besides those in the signature.
    pub extra_certs: Vec<Vec<u8>>,
    /// Extra DER OCSP responses and CRLs, besides those in the signature.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// Extra DER CRLs.
    pub crls: Vec<Vec<u8>>,
    /// Revocation handling.
    pub revocation: RevocationPolicy,
    /// Fetch OCSP/CRL through this transport (online); `None` is offline.
    pub transport: Option<&'a dyn Transport>,
    /// Algorithm acceptance.
    pub policy: ValidationPolicy,
}

impl<'a> VerifyOptions<'a> {
    /// Offline validation at `time` against `trust`, revocation checked when data is there.
    pub fn new(trust: &'a TrustStore, time: UnixTime) -> Self {
        Self {
            trust,
            time,
            extra_certs: Vec::new(),
            ocsp_responses: Vec::new(),
            crls: Vec::new(),
            revocation: RevocationPolicy::IfAvailable,
            transport: None,
            policy: ValidationPolicy::default(),
        }
    }
}

/// The signed content, as the caller has it.
#[derive(Clone, Copy, Debug)]
pub enum Content<'c> {
    /// Use the content encapsulated in the signature (enveloping, `.p7m`).
    Attached,
    /// Detached content in memory.
    Detached(&'c [u8]),
    /// Digests of detached content, computed while streaming it ([`required_digests`] says
    /// which).
    DetachedDigests(&'c [DigestValue]),
}

/// What computing a signature needs: SHA-1 and small RSA are computed so that the policy
/// can judge them by date instead of calling them broken.
const COMPUTE: crypto::Policy = crypto::Policy {
    allow_sha1: true,
    min_rsa_bits: 1024,
};

/// The digest algorithms the content must be hashed with to verify `sd`: the signers'
/// digest algorithms and those of content and archive time-stamps.
pub fn required_digests(sd: &SignedData<'_>) -> Vec<HashAlgorithm> {
    let mut out: Vec<HashAlgorithm> = Vec::new();
    let mut add = |h: HashAlgorithm| {
        if !out.contains(&h) {
            out.push(h);
        }
    };
    for s in &sd.signers {
        if let Ok(h) = HashAlgorithm::from_oid(&s.digest_algorithm.oid) {
            add(h);
        }
        let attrs = s.signed_attrs.iter().chain(s.unsigned_attrs.iter());
        for a in attrs.flat_map(|a| a.list.iter()) {
            if a.oid == attr::CONTENT_TIMESTAMP || a.oid == attr::ARCHIVE_TIMESTAMP_V3 {
                for v in &a.values {
                    if let Ok(t) = crate::tsp::parse_token(v) {
                        add(t.info.hash);
                    }
                }
            }
        }
    }
    out
}

/// Validates every signature in a CMS `SignedData` (DER, BER or PEM-armoured).
///
/// `Err` only when the input is not a CMS `SignedData` at all; everything about the
/// signatures themselves is in the report.
pub fn verify(
    input: &[u8],
    content: Content<'_>,
    opts: &VerifyOptions<'_>,
) -> Result<Report, Error> {
    let der = unarmor(input)?;
    let sd = cms::parse(&der)?;
    Ok(verify_parsed(&sd, content, opts))
}

/// Strips PEM armour (`-----BEGIN PKCS7-----`, `CMS`, `SIGNED DATA`) when present.
pub fn unarmor(input: &[u8]) -> Result<alloc::borrow::Cow<'_, [u8]>, Error> {
    let trimmed = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .and_then(|i| input.get(i..))
        .unwrap_or(&[]);
    if !trimmed.starts_with(b"-----BEGIN ") {
        return Ok(alloc::borrow::Cow::Borrowed(input));
    }
    let (_label, der) = der::pem::decode_vec(trimmed).map_err(|e| Error::Malformed {
        what: "PEM",
        detail: alloc::format!("{e}"),
    })?;
    Ok(alloc::borrow::Cow::Owned(der))
}

/// [`verify`] for an already parsed `SignedData`.
pub fn verify_parsed(
    sd: &SignedData<'_>,
    content: Content<'_>,
    opts: &VerifyOptions<'_>,
) -> Report {
    let content_ref = match content {
        Content::Attached => match &sd.content {
            Some(c) => ContentRef::Bytes(c),
            None => ContentRef::Missing,
        },
        Content::Detached(b) => ContentRef::Bytes(b),
        Content::DetachedDigests(d) => ContentRef::Digests(d),
    };
    let ctx = Context::new(sd, opts);
    let signatures = sd
        .signers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            ctx.validate_signer(
                alloc::format!("S-{}", i + 1),
                s,
                Some(sd.content_type),
                content_ref,
                0,
            )
        })
        .collect();
    Report::new(opts.time, signatures)
}

/// Everything one validation shares across signers.
struct Context<'s, 'o> {
    sd: &'s SignedData<'s>,
    opts: &'s VerifyOptions<'o>,
    /// Certificates from the SignedData, certificate-values attributes and the caller.
    pool: Vec<ParsedCert>,
    /// Why some embedded certificates could not be used.
    unusable: Vec<String>,
    ocsp: Vec<Vec<u8>>,
    crls: Vec<Crl>,
}

impl<'s, 'o> Context<'s, 'o> {
    fn new(sd: &'s SignedData<'s>, opts: &'s VerifyOptions<'o>) -> Self {
        let mut pool: Vec<ParsedCert> = Vec::new();
        let mut unusable: Vec<String> = Vec::new();
        let mut add = |der: &[u8]| {
            if pool.len() < cms::MAX_CERTIFICATES && !pool.iter().any(|c| c.der == der) {
                match ParsedCert::from_der(der) {
                    Ok(c) => pool.push(c),
                    Err(e) => {
                        unusable.push(alloc::format!("an embedded certificate is unusable: {e}"))
                    }
                }
            }
        };
        for c in &sd.certificates {
            add(c);
        }
        for c in &opts.extra_certs {
            add(c);
        }
        let mut ocsp: Vec<Vec<u8>> = sd.ocsp_responses.iter().map(|r| r.to_vec()).collect();
        ocsp.extend(opts.ocsp_responses.iter().cloned());
        let mut crl_ders: Vec<&[u8]> = sd.crls.clone();
        crl_ders.extend(opts.crls.iter().map(|c| c.as_slice()));
        // CAdES certificate-values and revocation-values (B-LT, XL).
        for s in &sd.signers {
            for a in s.unsigned_attrs.iter().flat_map(|u| u.list.iter()) {
                if a.oid == attr::CERTIFICATE_VALUES {
                    for v in &a.value_tlvs {
                        for c in attr::certificate_values(v).unwrap_or_default() {
                            add(c);
                        }
                    }
                } else if a.oid == attr::REVOCATION_VALUES {
                    for v in &a.value_tlvs {
                        if let Ok((c, o)) = attr::revocation_values(v) {
                            crl_ders.extend(c);
                            ocsp.extend(o.iter().map(|b| attr::wrap_basic_ocsp(b)));
                        }
                    }
                }
            }
        }
        // Certificates inside time-stamp tokens help build the TSA chains.
        let crls = crl_ders.iter().filter_map(|d| Crl::parse(d).ok()).collect();
        Self {
            sd,
            opts,
            pool,
            unusable,
            ocsp,
            crls,
        }
    }

    fn checker(&self) -> Checker<'o> {
        let mut c = match self.opts.transport {
            Some(t) => Checker::online(t),
            None => Checker::offline(),
        };
        c.ocsp_responses = self.ocsp.clone();
        c.crls = self.crls.clone();
        c
    }

    fn validate_signer(
        &self,
        id: String,
        si: &SignerInfo<'_>,
        content_type: Option<const_oid::ObjectIdentifier>,
        content: ContentRef<'_>,
        depth: usize,
    ) -> SignatureReport {
        let check = check_signer(content_type, si, &self.pool, content, &COMPUTE);
        let mut rep = SignatureReport {
            id,
            format: Format::CAdES,
            level: level(self.sd, si),
            legacy_level: legacy_level(si),
            indication: Indication::TOTAL_PASSED,
            sub_indication: None,
            intact: check.outcome.is_ok(),
            signer: signer_ref(&check, si),
            claimed_signing_time: check.signing_time.map(|t| t.time),
            best_signature_time: self.opts.time,
            digest_algorithm: check.digest_algorithm,
            signature_algorithm: check.signature_algorithm.map(|a| a.name()),
            signature_policy: signature_policy(si),
            chain: Vec::new(),
            timestamps: Vec::new(),
            revocation: Vec::new(),
            counter_signatures: Vec::new(),
            errors: Vec::new(),
            warnings: check.warnings.clone(),
        };
        if rep.level == Level::Cms {
            rep.warnings.push(
                "not a CAdES baseline signature: no signed signing-certificate(-v2) attribute"
                    .into(),
            );
        }
        if let Err(f) = &check.outcome {
            let (ind, sub) = failure_indication(f);
            rep.indication = ind;
            rep.sub_indication = Some(sub);
            rep.errors.push(alloc::format!("{f}"));
            if matches!(f, Failure::NoSigningCertificate(_)) {
                rep.errors.extend(self.unusable.iter().cloned());
            }
            return rep;
        }
        let Some(cert) = check.cert.as_ref() else {
            return rep;
        };

        // Time-stamps: the earliest valid signature time-stamp is the proof of existence.
        let (timestamps, poe) = timestamps::validate_all(self, si, content);
        rep.timestamps = timestamps;
        if rep.timestamps.len() >= MAX_TIMESTAMPS {
            rep.warnings.push(alloc::format!(
                "only the first {MAX_TIMESTAMPS} time-stamps are validated"
            ));
        }
        if let Some(t) = poe {
            rep.best_signature_time = t;
        }
        for t in &rep.timestamps {
            if t.indication != Indication::TOTAL_PASSED {
                rep.warnings.push(alloc::format!(
                    "a {} time-stamp did not pass ({}); it proves nothing",
                    t.kind.name(),
                    t.errors.first().map(String::as_str).unwrap_or("")
                ));
            }
        }
        if let (Some(claimed), Some(p)) = (rep.claimed_signing_time, poe) {
            if claimed.as_secs() > p.as_secs().saturating_add(300) {
                rep.warnings.push(alloc::format!(
                    "the claimed signing time {claimed} is after the signature time-stamp {p}"
                ));
            }
        }

        // The signer's chain and revocation.
        match self.validate_chain(cert, Purpose::DocumentSigning, poe, &mut rep.warnings) {
            Ok((path, evidence)) => {
                rep.chain = path.chain().map(CertRef::new).collect();
                rep.revocation = evidence;
            }
            Err(e) => {
                rep.indication = e.indication();
                rep.sub_indication = Some(e.sub_indication());
                // Revoked, and the signature is not proven to predate the revocation.
                if matches!(e, PathError::Revoked { .. }) && poe.is_none() {
                    rep.indication = Indication::INDETERMINATE;
                    rep.sub_indication = Some(SubIndication::REVOKED_NO_POE);
                }
                rep.errors.push(alloc::format!("{e}"));
            }
        }

        // Algorithms, judged at the best-signature-time.
        if rep.indication == Indication::TOTAL_PASSED {
            if let (Some(d), Some(s), Ok(k)) = (
                check.digest_algorithm,
                check.signature_algorithm,
                PublicKey::from_spki_der(&cert.spki).map(|k| k.kind()),
            ) {
                if let Err(why) = self.opts.policy.check(d, s, k, rep.best_signature_time) {
                    rep.indication = Indication::INDETERMINATE;
                    rep.sub_indication = Some(SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
                    rep.errors.push(why);
                }
            }
        }

        // Counter-signatures sign this signature's value.
        if depth < MAX_COUNTER_SIGNATURE_DEPTH {
            let mut n = 0;
            for a in si
                .unsigned_attrs
                .iter()
                .flat_map(|u| u.all(&attr::COUNTER_SIGNATURE))
            {
                for v in &a.value_tlvs {
                    n += 1;
                    if n > MAX_COUNTER_SIGNATURES {
                        rep.warnings.push(alloc::format!(
                            "more than {MAX_COUNTER_SIGNATURES} counter-signatures; the rest are not validated"
                        ));
                        break;
                    }
                    let cid = alloc::format!("{}-C-{n}", rep.id);
                    match cms::signer_info(v) {
                        Ok(csi) => rep.counter_signatures.push(self.validate_signer(
                            cid,
                            &csi,
                            None,
                            ContentRef::Bytes(&si.signature),
                            depth + 1,
                        )),
                        Err(e) => rep
                            .warnings
                            .push(alloc::format!("counter-signature {cid}: {e}")),
                    }
                }
            }
        }
        rep
    }

    /// Validates `cert`'s chain for `purpose` at the validation time; when that fails on
    /// expiry or revocation and `poe` proves an earlier existence, again at `poe`.
    /// Revocation follows the options' policy.
    fn validate_chain(
        &self,
        cert: &ParsedCert,
        purpose: Purpose,
        poe: Option<UnixTime>,
        warnings: &mut Vec<String>,
    ) -> Result<(ValidPath, Vec<Evidence>), PathError> {
        let first = self.chain_in(&self.pool, cert, purpose, self.opts.time, warnings);
        match (&first, poe) {
            (
                Err(PathError::Expired { .. })
                | Err(PathError::Revoked { .. })
                | Err(PathError::RevocationUnknown { .. }),
                Some(t),
            ) if t < self.opts.time => {
                let second = self.chain_in(&self.pool, cert, purpose, t, warnings);
                if second.is_ok() {
                    return second;
                }
                first
            }
            _ => first,
        }
    }

    /// Validates `cert`'s chain through `pool` at `time`, with revocation per the policy.
    fn chain_in(
        &self,
        pool: &[ParsedCert],
        cert: &ParsedCert,
        purpose: Purpose,
        time: UnixTime,
        warnings: &mut Vec<String>,
    ) -> Result<(ValidPath, Vec<Evidence>), PathError> {
        let mut popts = path::Options::new(time, purpose);
        // Chains are judged by the policy at the time they are validated for: SHA-1
        // certificates pass only when the policy still accepts SHA-1 then.
        popts.crypto_policy = self.opts.policy.path_policy(time);
        let path = path::validate_parsed(cert.clone(), pool, self.opts.trust, &popts)?;
        if self.opts.revocation == RevocationPolicy::Skip {
            warnings.push("revocation not checked (disabled)".into());
            return Ok((path, Vec::new()));
        }
        let mut checker = self.checker();
        let mut evidence = Vec::new();
        for r in checker.check_each(&path, time) {
            match r {
                Ok(ev) => evidence.push(ev),
                Err(PathError::RevocationUnknown { subject, reason })
                    if self.opts.revocation == RevocationPolicy::IfAvailable =>
                {
                    warnings.push(alloc::format!(
                        "revocation status of {subject} not checked: {reason}"
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        Ok((path, evidence))
    }
}

fn failure_indication(f: &Failure) -> (Indication, SubIndication) {
    match f {
        Failure::Format(_) => (Indication::TOTAL_FAILED, SubIndication::FORMAT_FAILURE),
        Failure::Hash(_) => (Indication::TOTAL_FAILED, SubIndication::HASH_FAILURE),
        Failure::SigCrypto(_) => (Indication::TOTAL_FAILED, SubIndication::SIG_CRYPTO_FAILURE),
        Failure::NoSigningCertificate(_) => (
            Indication::INDETERMINATE,
            SubIndication::NO_SIGNING_CERTIFICATE_FOUND,
        ),
        Failure::SignedDataNotFound(_) => (
            Indication::INDETERMINATE,
            SubIndication::SIGNED_DATA_NOT_FOUND,
        ),
        Failure::Unsupported(_) => (
            Indication::INDETERMINATE,
            SubIndication::CRYPTO_CONSTRAINTS_FAILURE,
        ),
        #[allow(unreachable_patterns)]
        _ => (Indication::INDETERMINATE, SubIndication::FORMAT_FAILURE),
    }
}

fn signer_ref(check: &SignerCheck, si: &SignerInfo<'_>) -> Option<SignerRef> {
    if let Some(c) = &check.cert {
        return Some(SignerRef {
            subject: alloc::format!("{}", c.cert.tbs_certificate.subject),
            issuer: alloc::format!("{}", c.cert.tbs_certificate.issuer),
            serial: crate::report::hex(c.serial()),
        });
    }
    match &si.sid {
        SignerId::IssuerSerial(is) => Some(SignerRef {
            subject: String::new(),
            issuer: alloc::format!("{}", is.issuer),
            serial: crate::report::hex(is.serial_number.as_bytes()),
        }),
        SignerId::SubjectKeyId(_) => None,
    }
}

fn has_unsigned(si: &SignerInfo<'_>, oid: &const_oid::ObjectIdentifier) -> bool {
    si.unsigned_attrs
        .as_ref()
        .is_some_and(|u| u.get(oid).is_some())
}

fn has_signed(si: &SignerInfo<'_>, oid: &const_oid::ObjectIdentifier) -> bool {
    si.signed_attrs
        .as_ref()
        .is_some_and(|u| u.get(oid).is_some())
}

/// The baseline level the structure reaches (EN 319 122-1 §6).
fn level(sd: &SignedData<'_>, si: &SignerInfo<'_>) -> Level {
    let b =
        has_signed(si, &attr::SIGNING_CERTIFICATE_V2) || has_signed(si, &attr::SIGNING_CERTIFICATE);
    if !b {
        return Level::Cms;
    }
    if !has_unsigned(si, &attr::SIGNATURE_TIMESTAMP) {
        return Level::B;
    }
    let values = !sd.crls.is_empty()
        || !sd.ocsp_responses.is_empty()
        || has_unsigned(si, &attr::REVOCATION_VALUES);
    if !values {
        return Level::T;
    }
    if has_unsigned(si, &attr::ARCHIVE_TIMESTAMP_V3) {
        Level::Lta
    } else {
        Level::Lt
    }
}

/// The ETSI TS 101 733 form.
fn legacy_level(si: &SignerInfo<'_>) -> Option<LegacyLevel> {
    si.signed_attrs.as_ref()?;
    let u = |o| has_unsigned(si, o);
    Some(
        if u(&attr::ARCHIVE_TIMESTAMP_V2)
            || u(&attr::ARCHIVE_TIMESTAMP_V3)
            || u(&attr::ARCHIVE_TIMESTAMP_V1)
        {
            LegacyLevel::A
        } else if u(&attr::CERTIFICATE_REFS)
            && u(&attr::CERTIFICATE_VALUES)
            && u(&attr::REVOCATION_VALUES)
        {
            LegacyLevel::Xl
        } else if u(&attr::ESC_TIMESTAMP) || u(&attr::CERT_CRL_TIMESTAMP) {
            LegacyLevel::X
        } else if u(&attr::CERTIFICATE_REFS) || u(&attr::REVOCATION_REFS) {
            LegacyLevel::C
        } else if u(&attr::SIGNATURE_TIMESTAMP) {
            LegacyLevel::T
        } else if has_signed(si, &attr::SIGNATURE_POLICY_IDENTIFIER) {
            LegacyLevel::Epes
        } else {
            LegacyLevel::Bes
        },
    )
}

/// The signature policy OID of an EPES signature.
fn signature_policy(si: &SignerInfo<'_>) -> Option<String> {
    let a = si
        .signed_attrs
        .as_ref()?
        .get(&attr::SIGNATURE_POLICY_IDENTIFIER)?;
    let v = a.value_tlvs.first()?;
    // SignaturePolicyIdentifier ::= CHOICE { signaturePolicyId SEQUENCE { sigPolicyId OID ...},
    // signaturePolicyImplied NULL }
    if v.tag == crate::ber::tag::SEQUENCE {
        let mut r = v.reader("signature-policy-identifier").ok()?;
        let oid = r.read().ok()?;
        attr::object_identifier(&oid, "sigPolicyId")
            .ok()
            .map(|o| alloc::format!("{o}"))
    } else {
        Some("implied".into())
    }
}

/// Timestamp kinds by attribute, for [`timestamps`].
pub(crate) fn timestamp_kind(oid: &const_oid::ObjectIdentifier) -> Option<TimestampKind> {
    Some(match *oid {
        o if o == attr::SIGNATURE_TIMESTAMP => TimestampKind::Signature,
        o if o == attr::CONTENT_TIMESTAMP => TimestampKind::Content,
        o if o == attr::ARCHIVE_TIMESTAMP_V3 => TimestampKind::ArchiveV3,
        o if o == attr::ARCHIVE_TIMESTAMP_V2 || o == attr::ARCHIVE_TIMESTAMP_V1 => {
            TimestampKind::ArchiveV2
        }
        o if o == attr::ESC_TIMESTAMP || o == attr::CERT_CRL_TIMESTAMP => TimestampKind::References,
        _ => return None,
    })
}
