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

mod reader;
pub mod sign;
mod timestamps;

use alloc::string::String;
use alloc::vec::Vec;

use crate::cms::attr;
use crate::cms::verify::{check_signer, ContentRef, Failure, SignerCheck};
use crate::cms::{self, SignedData, SignerId, SignerInfo};
use crate::crypto::{self, DigestValue, HashAlgorithm, PublicKey};
use crate::engine::{fail, Engine, COMPUTE};
use crate::error::Error;
use crate::path::{ParsedCert, Purpose};
use crate::report::{
    CertRef, Format, Indication, LegacyLevel, Level, Report, SignatureReport, SignatureScope,
    SignerRef, SubIndication, TimestampKind,
};
use crate::time::UnixTime;

pub use crate::engine::{RevocationPolicy, ValidationPolicy, VerifyOptions};
#[cfg(feature = "std")]
pub use reader::verify_reader;
pub use reader::Streamed;

/// Deepest counter-signature nesting validated.
pub const MAX_COUNTER_SIGNATURE_DEPTH: usize = 4;
/// Most counter-signatures validated on one signature (each costs a signature check and a
/// path validation; more are reported as not validated).
pub const MAX_COUNTER_SIGNATURES: usize = 16;
/// Most time-stamps validated on one signature.
pub const MAX_TIMESTAMPS: usize = 16;

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

/// The digest algorithms the content must be hashed with to verify `sd`: the signers'
/// digest algorithms and those of content and archive time-stamps.
pub fn required_digests(sd: &SignedData<'_>) -> Vec<HashAlgorithm> {
    let mut out: Vec<HashAlgorithm> = Vec::new();
    let mut add = |h: HashAlgorithm| {
        if !out.contains(&h) {
            out.push(h);
        }
    };
    // A time-stamp token's imprint covers the detached content.
    if sd.content_type == cms::oids::TST_INFO {
        if let Some(Ok(info)) = sd.content.as_deref().map(crate::tsp::parse_tst_info) {
            add(info.hash);
        }
    }
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
    check_content(&sd, content)?;
    Ok(verify_parsed(&sd, content, opts))
}

/// A signature that carries its content is verified over that content only: detached
/// content given as well is refused rather than silently preferred (or ignored). A
/// time-stamp token (eContentType id-ct-TSTInfo) is the exception: it carries the TSTInfo,
/// and the detached content is what its message imprint covers.
pub fn check_content(sd: &SignedData<'_>, content: Content<'_>) -> Result<(), Error> {
    let attached = sd.content.is_some() && sd.content_type != cms::oids::TST_INFO;
    if attached && !matches!(content, Content::Attached) {
        return Err(Error::ContentGivenTwice);
    }
    Ok(())
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
    // The embedded content, whatever else was given: `check_content` refuses a second one,
    // and a caller who skipped it still gets the embedded content judged, never the other.
    // BER-chunked content is hashed segment by segment in place, not copied, unless a
    // signer signs the content itself (Ed25519 without signed attributes).
    let digests: Vec<DigestValue>;
    let content_ref = match (content, &sd.content) {
        (_, Some(c)) => match c.as_contiguous() {
            Some(b) => ContentRef::Bytes(b),
            None if !sd.signers.iter().any(cms::verify::needs_content_bytes) => {
                digests = c.digests(&required_digests(sd));
                ContentRef::Digests(&digests)
            }
            None => ContentRef::Bytes(c),
        },
        (Content::Attached, None) => ContentRef::Missing,
        (Content::Detached(b), None) => ContentRef::Bytes(b),
        (Content::DetachedDigests(d), None) => ContentRef::Digests(d),
    };
    let ctx = Context::new(sd, opts);
    let scope = content_scope(sd, content);
    let signatures = sd
        .signers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut rep = ctx.validate_signer(
                alloc::format!("S-{}", i + 1),
                s,
                Some(sd.content_type),
                content_ref,
                0,
            );
            if sd.content_type == cms::oids::TST_INFO {
                judge_document_timestamp(sd, content, &mut rep);
            }
            rep.scope = alloc::vec![scope.clone()];
            rep
        })
        .collect();
    Report::new(opts.time, signatures)
}

/// What the signers of `sd` cover. A time-stamp token (eContentType TSTInfo) covers the
/// detached content its imprint names, not the TSTInfo it carries.
fn content_scope(sd: &SignedData<'_>, content: Content<'_>) -> SignatureScope {
    let tst = sd.content_type == cms::oids::TST_INFO;
    let embedded = sd.content.as_ref().filter(|_| !tst);
    let name = if embedded.is_some() {
        "attached content"
    } else {
        "detached content"
    };
    let length = match (embedded, content) {
        (Some(c), _) => u64::try_from(c.len()).ok(),
        (None, Content::Detached(b)) => u64::try_from(b.len()).ok(),
        _ => None,
    };
    let content_type = if tst {
        None
    } else {
        Some(
            crate::util::short_name(&sd.content_type)
                .map_or_else(|| alloc::format!("{}", sd.content_type), String::from),
        )
    };
    SignatureScope {
        name: String::from(name),
        content_type,
        length,
    }
}

/// A time-stamp token given as the signature (eContentType id-ct-TSTInfo): its signer
/// signs the TSTInfo, and the TSTInfo's message imprint must be the hash of the detached
/// content, which it is over. Without that content nothing is proven.
fn judge_document_timestamp(sd: &SignedData<'_>, content: Content<'_>, rep: &mut SignatureReport) {
    let info = match sd.content.as_deref().map(crate::tsp::parse_tst_info) {
        Some(Ok(info)) => info,
        Some(Err(e)) => {
            rep.indication = Indication::TOTAL_FAILED;
            rep.sub_indication = Some(SubIndication::FORMAT_FAILURE);
            rep.errors.push(alloc::format!("{e}"));
            return;
        }
        None => {
            rep.indication = Indication::TOTAL_FAILED;
            rep.sub_indication = Some(SubIndication::FORMAT_FAILURE);
            rep.errors
                .push("a time-stamp token without its TSTInfo".into());
            return;
        }
    };
    rep.claimed_signing_time = Some(info.gen_time);
    let digest = match content {
        Content::Detached(b) => Some(crypto::digest(info.hash, b)),
        Content::DetachedDigests(ds) => ds.iter().find(|d| d.algorithm() == info.hash).cloned(),
        Content::Attached => None,
    };
    let Some(digest) = digest else {
        if rep.indication != Indication::TOTAL_FAILED {
            rep.indication = Indication::INDETERMINATE;
            rep.sub_indication = Some(SubIndication::SIGNED_DATA_NOT_FOUND);
            rep.errors
                .push("a time-stamp token: give the time-stamped content".into());
        }
        return;
    };
    if digest.as_ref() != info.imprint.as_slice() {
        rep.intact = false;
        rep.indication = Indication::TOTAL_FAILED;
        rep.sub_indication = Some(SubIndication::HASH_FAILURE);
        rep.errors
            .push("the time-stamp token's message imprint does not match the content".into());
    }
}

/// One SignedData's validation: the shared engine, filled with what the SignedData carries.
struct Context<'s, 'o> {
    sd: &'s SignedData<'s>,
    engine: Engine<'s, 'o>,
}

impl<'s, 'o> core::ops::Deref for Context<'s, 'o> {
    type Target = Engine<'s, 'o>;
    fn deref(&self) -> &Engine<'s, 'o> {
        &self.engine
    }
}

impl<'s, 'o> Context<'s, 'o> {
    fn new(sd: &'s SignedData<'s>, opts: &'s VerifyOptions<'o>) -> Self {
        let mut engine = Engine::new(opts);
        // The SignedData's own certificates first, then the caller's: the pool keeps the
        // first copy (the order only decides which copy is kept, not any verdict).
        let supplied = core::mem::take(&mut engine.pool);
        for c in &sd.certificates {
            engine.add_certificate(c);
        }
        for c in supplied {
            if !engine.pool.iter().any(|p| p.der == c.der) {
                engine.pool.push(c);
            }
        }
        for r in &sd.ocsp_responses {
            engine.add_ocsp(r.to_vec());
        }
        for c in &sd.crls {
            engine.add_crl(c);
        }
        // CAdES certificate-values and revocation-values (B-LT, XL).
        for s in &sd.signers {
            for a in s.unsigned_attrs.iter().flat_map(|u| u.list.iter()) {
                if a.oid == attr::CERTIFICATE_VALUES {
                    for v in &a.value_tlvs {
                        for c in attr::certificate_values(v).unwrap_or_default() {
                            engine.add_certificate(c);
                        }
                    }
                } else if a.oid == attr::REVOCATION_VALUES {
                    for v in &a.value_tlvs {
                        if let Ok((c, o)) = attr::revocation_values(v) {
                            for crl in c {
                                engine.add_crl(crl);
                            }
                            for b in o {
                                engine.add_ocsp(attr::wrap_basic_ocsp(b));
                            }
                        }
                    }
                }
            }
        }
        Self { sd, engine }
    }

    /// EN 319 102-1 for one signer, in the standard's order: identify the signing
    /// certificate and check the signature value (format, hash, signature), then the
    /// time-stamps (proof of existence), issuance against that proof, the chain with
    /// revocation, the algorithms at the best-signature-time, and the counter-signatures.
    fn validate_signer(
        &self,
        id: String,
        si: &SignerInfo<'_>,
        content_type: Option<const_oid::ObjectIdentifier>,
        content: ContentRef<'_>,
        depth: usize,
    ) -> SignatureReport {
        let check = check_signer(content_type, si, &self.pool, content, &COMPUTE);
        let mut rep = self.initial_report(id, si, &check);
        if let Err(f) = &check.outcome {
            let (ind, sub) = failure_indication(f);
            fail(&mut rep, ind, sub, alloc::format!("{f}"));
            if matches!(f, Failure::NoSigningCertificate(_)) {
                rep.errors.extend(self.unusable.iter().cloned());
            }
            return rep;
        }
        let Some(cert) = check.cert.as_ref() else {
            return rep;
        };

        let poe = self.judge_timestamps(si, content, &mut rep);
        // The signature provably existed before its certificate: no later data can help.
        if let Some(p) = poe.filter(|p| *p < cert.not_before) {
            let msg = alloc::format!(
                "the signature time-stamp {p} is before the signing certificate's notBefore {}",
                cert.not_before
            );
            fail(
                &mut rep,
                Indication::TOTAL_FAILED,
                SubIndication::NOT_YET_VALID,
                msg,
            );
            return rep;
        }

        let purpose = match content_type {
            // A time-stamp token (RFC 3161) is signed by a TSA, for time-stamping.
            Some(ct) if ct == cms::oids::TST_INFO => Purpose::Timestamping,
            _ => Purpose::DocumentSigning,
        };
        match self.judge_signer_chain(cert, purpose, poe, &mut rep.warnings) {
            Ok((path, evidence)) => {
                rep.chain = path.chain().map(CertRef::new).collect();
                rep.revocation = evidence;
            }
            Err(v) => {
                rep.revocation = v.evidence;
                fail(&mut rep, v.indication, v.sub_indication, v.message);
            }
        }

        if rep.indication == Indication::TOTAL_PASSED {
            self.judge_algorithms(&check, cert, &mut rep);
        }
        if depth < MAX_COUNTER_SIGNATURE_DEPTH {
            self.validate_counter_signatures(si, depth, &mut rep);
        }
        rep
    }

    /// The report before any judgement: what the structure and the signer check say.
    fn initial_report(
        &self,
        id: String,
        si: &SignerInfo<'_>,
        check: &SignerCheck,
    ) -> SignatureReport {
        let mut rep = SignatureReport {
            id,
            format: Format::CAdES,
            level: level(self.sd, si),
            legacy_level: legacy_level(si),
            indication: Indication::TOTAL_PASSED,
            sub_indication: None,
            intact: check.outcome.is_ok(),
            signer: signer_ref(check, si),
            claimed_signing_time: check.signing_time.map(|t| t.time),
            best_signature_time: self.opts.time,
            digest_algorithm: check.digest_algorithm,
            signature_algorithm: check.signature_algorithm.map(|a| a.name()),
            signature_policy: signature_policy(si),
            scope: Vec::new(),
            chain: Vec::new(),
            timestamps: Vec::new(),
            revocation: Vec::new(),
            counter_signatures: Vec::new(),
            errors: Vec::new(),
            warnings: check.warnings.clone(),
            pdf: None,
        };
        if rep.level == Level::Cms {
            rep.warnings.push(
                "not a CAdES baseline signature: no signed signing-certificate(-v2) attribute"
                    .into(),
            );
        }
        rep
    }

    /// The signer's digest, signature algorithm and key, by the policy at the
    /// best-signature-time.
    fn judge_algorithms(&self, check: &SignerCheck, cert: &ParsedCert, rep: &mut SignatureReport) {
        if let (Some(d), Some(s), Ok(k)) = (
            check.digest_algorithm,
            check.signature_algorithm,
            PublicKey::from_spki_der(&cert.spki).map(|k| k.kind()),
        ) {
            if let Err(why) = self.opts.policy.check(d, s, k, rep.best_signature_time) {
                let sub = SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE;
                fail(rep, Indication::INDETERMINATE, sub, why);
            }
        }
    }

    /// Counter-signatures sign this signature's value; each is validated as a signature.
    fn validate_counter_signatures(
        &self,
        si: &SignerInfo<'_>,
        depth: usize,
        rep: &mut SignatureReport,
    ) {
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
                    Ok(csi) => {
                        let mut c = self.validate_signer(
                            cid,
                            &csi,
                            None,
                            ContentRef::Bytes(&si.signature),
                            depth + 1,
                        );
                        c.scope = alloc::vec![SignatureScope {
                            name: alloc::format!("the signature value of {}", rep.id),
                            content_type: None,
                            length: u64::try_from(si.signature.len()).ok(),
                        }];
                        rep.counter_signatures.push(c);
                    }
                    Err(e) => rep
                        .warnings
                        .push(alloc::format!("counter-signature {cid}: {e}")),
                }
            }
        }
    }

    /// Validates the time-stamps of `si` into `rep` and returns the best-signature-time's
    /// proof of existence: the earliest signature time-stamp that passed.
    fn judge_timestamps(
        &self,
        si: &SignerInfo<'_>,
        content: ContentRef<'_>,
        rep: &mut SignatureReport,
    ) -> Option<UnixTime> {
        let (timestamps, poe) = timestamps::validate_all(self, si, content);
        rep.timestamps = timestamps;
        if rep.timestamps.len() >= MAX_TIMESTAMPS {
            rep.warnings.push(alloc::format!(
                "only the first {MAX_TIMESTAMPS} time-stamps are validated"
            ));
        }
        if poe.is_none() && matches!(rep.level, Level::T | Level::Lt | Level::Lta) {
            // The structure has a signature time-stamp, but none proves anything.
            rep.level = Level::B;
        }
        // A document time-stamp over the signed revision proves existence as well.
        let poe = match (poe, self.opts.document_poe) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = poe {
            rep.best_signature_time = t;
        }
        for t in &rep.timestamps {
            if !t.checked {
                rep.warnings.push(alloc::format!(
                    "a {} time-stamp was not checked; it proves nothing",
                    t.kind.name()
                ));
            } else if t.indication != Indication::TOTAL_PASSED {
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
        poe
    }
}

fn failure_indication(f: &Failure) -> (Indication, SubIndication) {
    f.indication()
}

fn signer_ref(check: &SignerCheck, si: &SignerInfo<'_>) -> Option<SignerRef> {
    if let Some(c) = &check.cert {
        return Some(SignerRef {
            subject: alloc::format!("{}", c.cert.tbs_certificate.subject),
            issuer: alloc::format!("{}", c.cert.tbs_certificate.issuer),
            serial: crate::util::hex(c.serial()),
        });
    }
    match &si.sid {
        SignerId::IssuerSerial(is) => Some(SignerRef {
            subject: String::new(),
            issuer: alloc::format!("{}", is.issuer),
            serial: crate::util::hex(is.serial_number.as_bytes()),
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
