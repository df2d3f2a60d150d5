//! The cryptographic check of one `SignerInfo`: which certificate signed, are the signed
//! attributes well-formed, does the content match the message digest, does the signature
//! verify, do the ESS signing-certificate attributes name that certificate.
//!
//! No trust, no time: this is ETSI EN 319 102-1's "cryptographic verification" and
//! "identification of the signing certificate" building blocks. [`crate::cades`] adds the
//! rest.
//!
//! [`check_signer`] reads as the list of checks it makes, each a function named after its
//! rule (as rustls-webpki's `verify_cert.rs` does):
//!
//! 1. `algorithms`: the digest and signature algorithms are ones imza can compute;
//! 2. with signed attributes, `check_signed_attributes`: no attribute twice, content-type
//!    names the eContentType, message-digest present, signing-time well-formed, the RFC 6211
//!    CMSAlgorithmProtection names the algorithms used, the ESS signing-certificate(-v2)
//!    identifiers read; without them, `check_no_signed_attributes`: the content is id-data
//!    (RFC 5652 §5.3) and it was supplied;
//! 3. `identify_signing_certificate`: the certificate the signer identifier names, narrowed
//!    by the ESS binding;
//! 4. `check_message_digest`: the content hashes to the message-digest attribute;
//! 5. `verify_signed_attributes`: the signature verifies over the DER encoding of the signed
//!    attributes (RFC 5652 §5.4); without them, `verify_content_signature`: over the content.
//!
//! # Signed attributes that are not DER
//!
//! RFC 5652 §5.4 defines the signature input as "the DER encoding of the SignedAttrs value"
//! (with a SET OF tag), whatever encoding the attributes were sent in. OpenSSL and
//! BouncyCastle re-encode the attributes to DER before verifying, so a signer that sends BER
//! (indefinite or long-form lengths, segmented strings, SET elements out of order) must sign
//! the DER form. imza follows them:
//!
//! - attributes sent in a non-DER encoding whose signature verifies over the DER form pass,
//!   with a warning naming the first departure from DER (BouncyCastle writes attribute sets
//!   unsorted and signs them sorted);
//! - a signature that verifies only over the attributes as sent, and not over their DER
//!   form, fails with FORMAT_FAILURE, and the message says exactly that: the encoding is not
//!   DER (and where), the signature covers the bytes as sent, and RFC 5652 requires the DER
//!   form, over which it does not verify. Accepting it would make imza the only verifier that
//!   passes such a signature; rejecting it with a plain "signature does not verify" would hide
//!   that the signature is mathematically intact over other bytes.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use const_oid::db::rfc5912;
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::attr::{self, CmsAlgorithmProtection, EssCertId, SigningTime};
use super::{oids, Attributes, SignerId, SignerInfo};
use crate::crypto::{self, DigestValue, HashAlgorithm, Message, SignatureAlgorithm};
use crate::error::Error;
use crate::path::ParsedCert;
use crate::report::{Indication, SubIndication};

/// Why a signer's cryptographic check did not pass. Each maps to one ETSI sub-indication
/// ([`Failure::indication`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// The structure breaks RFC 5652 / CAdES rules (FORMAT_FAILURE).
    Format(String),
    /// No certificate matches the signer identifier or the signing-certificate attribute
    /// (NO_SIGNING_CERTIFICATE_FOUND).
    NoSigningCertificate(String),
    /// The content was not supplied, so the message digest could not be checked
    /// (SIGNED_DATA_NOT_FOUND).
    SignedDataNotFound(String),
    /// The content does not match the message digest (HASH_FAILURE).
    Hash(String),
    /// The signature value does not verify (SIG_CRYPTO_FAILURE).
    SigCrypto(String),
    /// An algorithm imza cannot check (CRYPTO_CONSTRAINTS_FAILURE).
    Unsupported(String),
    /// The signed CMSAlgorithmProtection attribute (RFC 6211) names other algorithms than
    /// the `SignerInfo` uses: they were changed after signing (SIG_CRYPTO_FAILURE).
    AlgorithmProtection(Box<AlgorithmMismatch>),
}

impl Failure {
    /// The ETSI EN 319 102-1 indication and sub-indication this failure gives.
    pub fn indication(&self) -> (Indication, SubIndication) {
        match self {
            Self::Format(_) => (Indication::TOTAL_FAILED, SubIndication::FORMAT_FAILURE),
            Self::Hash(_) => (Indication::TOTAL_FAILED, SubIndication::HASH_FAILURE),
            Self::SigCrypto(_) | Self::AlgorithmProtection(_) => {
                (Indication::TOTAL_FAILED, SubIndication::SIG_CRYPTO_FAILURE)
            }
            Self::NoSigningCertificate(_) => (
                Indication::INDETERMINATE,
                SubIndication::NO_SIGNING_CERTIFICATE_FOUND,
            ),
            Self::SignedDataNotFound(_) => (
                Indication::INDETERMINATE,
                SubIndication::SIGNED_DATA_NOT_FOUND,
            ),
            Self::Unsupported(_) => (
                Indication::INDETERMINATE,
                SubIndication::CRYPTO_CONSTRAINTS_FAILURE,
            ),
        }
    }
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Format(s)
            | Self::NoSigningCertificate(s)
            | Self::SignedDataNotFound(s)
            | Self::Hash(s)
            | Self::SigCrypto(s)
            | Self::Unsupported(s) => f.write_str(s),
            Self::AlgorithmProtection(m) => write!(f, "{m}"),
        }
    }
}

/// Which algorithm of a CMSAlgorithmProtection attribute (RFC 6211) disagrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtectedAlgorithm {
    /// `digestAlgorithm`.
    Digest,
    /// `signatureAlgorithm` (absent in the attribute, or another algorithm).
    Signature,
    /// `macAlgorithm`, which a signature must not name.
    Mac,
}

/// A CMSAlgorithmProtection attribute that does not name the algorithms the `SignerInfo`
/// uses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AlgorithmMismatch {
    /// The field that disagrees.
    pub field: ProtectedAlgorithm,
    /// What the signed attribute says (`None`: absent).
    pub signed: Option<AlgorithmIdentifierOwned>,
    /// What the `SignerInfo` uses (`None` for `macAlgorithm`: a signature has none).
    pub used: Option<AlgorithmIdentifierOwned>,
}

impl core::fmt::Display for AlgorithmMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let name = |a: &Option<AlgorithmIdentifierOwned>| match a {
            Some(a) => crypto::alg::oid_name(&a.oid),
            None => String::from("none"),
        };
        let field = match self.field {
            ProtectedAlgorithm::Digest => "digest algorithm",
            ProtectedAlgorithm::Signature => "signature algorithm",
            ProtectedAlgorithm::Mac => "MAC algorithm",
        };
        let (signed, used) = (name(&self.signed), name(&self.used));
        if signed == used {
            // Same OID, other parameters (RSASSA-PSS salt, hash or MGF).
            write!(
                f,
                "the signed CMSAlgorithmProtection attribute (RFC 6211) names the {field} \
                 {signed} with other parameters than the SignerInfo uses: the algorithms were \
                 changed after signing"
            )
        } else {
            write!(
                f,
                "the signed CMSAlgorithmProtection attribute (RFC 6211) names the {field} \
                 {signed}, but the SignerInfo uses {used}: the algorithms were changed after \
                 signing"
            )
        }
    }
}

/// What the cryptographic check of one signer found.
#[derive(Clone, Debug)]
pub struct SignerCheck {
    /// The signing certificate, when identified.
    pub cert: Option<ParsedCert>,
    /// `digestAlgorithm`, when supported.
    pub digest_algorithm: Option<HashAlgorithm>,
    /// The signature algorithm, when supported.
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// `Ok` when the message digest and the signature value both verify.
    pub outcome: Result<(), Failure>,
    /// The claimed signing time.
    pub signing_time: Option<SigningTime>,
    /// Whether a signing-certificate(-v2) attribute was present and matched.
    pub signing_certificate_bound: bool,
    /// Notes that do not change the outcome.
    pub warnings: Vec<String>,
}

/// The content a signature covers, as the caller can supply it.
#[derive(Clone, Copy, Debug)]
pub enum ContentRef<'c> {
    /// The bytes themselves.
    Bytes(&'c [u8]),
    /// Digests computed while streaming the content.
    Digests(&'c [DigestValue]),
    /// Nothing: a detached signature whose content was not given.
    Missing,
}

impl ContentRef<'_> {
    fn digest(&self, alg: HashAlgorithm) -> Option<DigestValue> {
        match self {
            Self::Bytes(b) => Some(crypto::digest(alg, b)),
            Self::Digests(ds) => ds.iter().find(|d| d.algorithm() == alg).cloned(),
            Self::Missing => None,
        }
    }
}

/// The signature algorithm a `SignerInfo` uses, from `signatureAlgorithm` and
/// `digestAlgorithm` (CMS allows the bare key algorithm, rsaEncryption or id-ecPublicKey,
/// with the hash taken from `digestAlgorithm`).
pub fn signature_algorithm(
    sig: &AlgorithmIdentifierOwned,
    digest: HashAlgorithm,
) -> Result<SignatureAlgorithm, Failure> {
    if sig.oid == rfc5912::RSA_ENCRYPTION {
        return Ok(SignatureAlgorithm::RsaPkcs1(digest));
    }
    if sig.oid == rfc5912::ID_EC_PUBLIC_KEY {
        return Ok(SignatureAlgorithm::Ecdsa {
            hash: digest,
            encoding: crypto::EcdsaEncoding::Der,
        });
    }
    let der = sig
        .to_der()
        .map_err(|e| Failure::Format(alloc::format!("signatureAlgorithm: {e}")))?;
    let alg = SignatureAlgorithm::from_algorithm_identifier_der(&der).map_err(|e| match e {
        Error::UnsupportedAlgorithm { what } => Failure::Unsupported(what),
        e => Failure::Format(alloc::format!("{e}")),
    })?;
    Ok(alg)
}

fn subject_key_id(c: &ParsedCert) -> Option<Vec<u8>> {
    use const_oid::AssociatedOid;
    c.cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == SubjectKeyIdentifier::OID)
        .and_then(|e| SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
        .map(|s| s.0.as_bytes().to_vec())
}

/// Whether `c` is the certificate `sid` names.
pub fn matches_sid(c: &ParsedCert, sid: &SignerId) -> bool {
    match sid {
        SignerId::IssuerSerial(is) => {
            is.serial_number.as_bytes() == c.serial()
                && is.issuer.to_der().is_ok_and(|d| d == c.issuer)
        }
        SignerId::SubjectKeyId(ski) => subject_key_id(c).is_some_and(|s| s == *ski),
    }
}

fn ess_matches(id: &EssCertId, c: &ParsedCert) -> bool {
    let hash_ok = crypto::digest(id.hash, &c.der).as_ref() == id.cert_hash.as_slice();
    let is_ok = id
        .issuer_serial
        .as_ref()
        .is_none_or(|(names, serial)| serial.as_slice() == c.serial() && names.contains(&c.issuer));
    hash_ok && is_ok
}

/// Whether checking `signer` needs the content's octets themselves, not only its digests
/// ([`ContentRef::Digests`]): only Ed25519 without signed attributes, which signs the whole
/// content (RFC 8419 §3.1). Streamed or BER-chunked content can be hashed in place for any
/// other signer.
pub fn needs_content_bytes(signer: &SignerInfo<'_>) -> bool {
    signer.signed_attrs.is_none()
        && signature_algorithm(&signer.signature_algorithm, HashAlgorithm::Sha512)
            .is_ok_and(|a| matches!(a, SignatureAlgorithm::Ed25519))
}

/// Checks `signer`. `content_type` is the eContentType the content-type attribute must
/// name (`None` for a counter-signature, which has none). `pool` holds the candidate
/// certificates (the SignedData's and the caller's); `policy` decides which algorithms may be
/// computed at all (the validation policy judges acceptability separately).
pub fn check_signer(
    content_type: Option<ObjectIdentifier>,
    signer: &SignerInfo<'_>,
    pool: &[ParsedCert],
    content: ContentRef<'_>,
    policy: &crypto::Policy,
) -> SignerCheck {
    let mut out = SignerCheck {
        cert: None,
        digest_algorithm: None,
        signature_algorithm: None,
        outcome: Ok(()),
        signing_time: None,
        signing_certificate_bound: false,
        warnings: Vec::new(),
    };
    out.outcome = check_into(content_type, signer, pool, content, policy, &mut out);
    out
}

/// The checks of [`check_signer`], in the order the module documentation lists them.
fn check_into(
    content_type: Option<ObjectIdentifier>,
    signer: &SignerInfo<'_>,
    pool: &[ParsedCert],
    content: ContentRef<'_>,
    policy: &crypto::Policy,
    out: &mut SignerCheck,
) -> Result<(), Failure> {
    let (digest_alg, sig_alg) = algorithms(signer, out)?;
    let signed = match &signer.signed_attrs {
        Some(attrs) => Some((
            attrs,
            check_signed_attributes(attrs, signer, content_type, out)?,
        )),
        None => {
            check_no_signed_attributes(content_type, sig_alg, content)?;
            None
        }
    };
    let ess = signed.as_ref().map_or(&[][..], |(_, s)| s.ess.as_slice());
    let cert = identify_signing_certificate(signer, pool, ess, out)?;
    match signed {
        Some((attrs, s)) => {
            check_message_digest(content, digest_alg, s.message_digest)?;
            verify_signed_attributes(attrs, sig_alg, cert, signer, policy, out)
        }
        None => verify_content_signature(content, digest_alg, sig_alg, cert, signer, policy),
    }
}

/// The digest and signature algorithms, when imza can compute them.
fn algorithms(
    signer: &SignerInfo<'_>,
    out: &mut SignerCheck,
) -> Result<(HashAlgorithm, SignatureAlgorithm), Failure> {
    let digest_alg = HashAlgorithm::from_oid(&signer.digest_algorithm.oid).map_err(|_| {
        Failure::Unsupported(alloc::format!(
            "digest algorithm {}",
            crypto::alg::oid_name(&signer.digest_algorithm.oid)
        ))
    })?;
    out.digest_algorithm = Some(digest_alg);
    let sig_alg = signature_algorithm(&signer.signature_algorithm, digest_alg)?;
    out.signature_algorithm = Some(sig_alg);
    Ok((digest_alg, sig_alg))
}

/// What the signed attributes say that the later checks need.
struct SignedAttributes<'a> {
    message_digest: &'a [u8],
    /// The first identifier of each ESS signing-certificate(-v2) attribute.
    ess: Vec<EssCertId>,
}

fn format(e: Error) -> Failure {
    Failure::Format(alloc::format!("{e}"))
}

/// The structure of the signed attributes, checked before the signature so that a
/// malformed set is reported as such.
fn check_signed_attributes<'a>(
    attrs: &'a Attributes<'a>,
    signer: &SignerInfo<'_>,
    content_type: Option<ObjectIdentifier>,
    out: &mut SignerCheck,
) -> Result<SignedAttributes<'a>, Failure> {
    check_no_duplicate_attribute(attrs)?;
    check_content_type_attribute(attrs, content_type)?;
    let message_digest = message_digest_attribute(attrs)?;
    out.signing_time = signing_time_attribute(attrs, &mut out.warnings)?;
    check_algorithm_protection(attrs, signer)?;
    let ess = ess_signing_certificates(attrs)?;
    Ok(SignedAttributes {
        message_digest,
        ess,
    })
}

/// Each attribute type at most once (RFC 5652 §5.3 for the CMS ones; CAdES for the rest).
fn check_no_duplicate_attribute(attrs: &Attributes<'_>) -> Result<(), Failure> {
    match attrs.duplicate() {
        Some(dup) => Err(Failure::Format(alloc::format!(
            "signed attribute {} occurs more than once",
            crypto::alg::oid_name(&dup)
        ))),
        None => Ok(()),
    }
}

/// A counter-signature has no content-type (RFC 5652 §11.1); any other signer's names the
/// eContentType (§11.1, §5.3).
fn check_content_type_attribute(
    attrs: &Attributes<'_>,
    content_type: Option<ObjectIdentifier>,
) -> Result<(), Failure> {
    match (attrs.get(&attr::CONTENT_TYPE), content_type) {
        (Some(_), None) => Err(Failure::Format(
            "a counter-signature must not have a content-type attribute".into(),
        )),
        (None, Some(_)) => Err(Failure::Format(
            "signed attributes lack content-type".into(),
        )),
        (Some(ct), Some(expected)) => {
            let ct = attr::object_identifier(
                &ct.single("content-type").map_err(format)?,
                "content-type",
            )
            .map_err(format)?;
            if ct == expected {
                Ok(())
            } else {
                Err(Failure::Format(alloc::format!(
                    "content-type attribute {} differs from eContentType {}",
                    crypto::alg::oid_name(&ct),
                    crypto::alg::oid_name(&expected)
                )))
            }
        }
        (None, None) => Ok(()),
    }
}

/// The message-digest attribute is required with signed attributes (RFC 5652 §5.3).
fn message_digest_attribute<'a>(attrs: &'a Attributes<'a>) -> Result<&'a [u8], Failure> {
    let md = attrs
        .get(&attr::MESSAGE_DIGEST)
        .ok_or_else(|| Failure::Format("signed attributes lack message-digest".into()))?;
    attr::octet_string(
        &md.single("message-digest").map_err(format)?,
        "message-digest",
    )
    .map_err(format)
}

/// The claimed signing time, when present; a GeneralizedTime before 2050 is worth a warning
/// (RFC 5652 §11.3 wants UTCTime there).
fn signing_time_attribute(
    attrs: &Attributes<'_>,
    warnings: &mut Vec<String>,
) -> Result<Option<SigningTime>, Failure> {
    let Some(st) = attrs.get(&attr::SIGNING_TIME) else {
        return Ok(None);
    };
    let t = attr::signing_time(&st.single("signing-time").map_err(format)?).map_err(format)?;
    if t.generalized && t.time.as_secs() < 2_524_608_000 {
        warnings.push(
            "signing-time is a GeneralizedTime before 2050; RFC 5652 §11.3 requires UTCTime".into(),
        );
    }
    Ok(Some(t))
}

/// RFC 6211: a signed CMSAlgorithmProtection attribute names the digest and signature
/// algorithms the `SignerInfo` uses, and no MAC algorithm. Absent, nothing is checked (it is
/// optional); present and different, the `SignerInfo`'s algorithms were changed after
/// signing (an algorithm-substitution attempt), and the signature fails.
///
/// Algorithm identifiers are compared as RFC 6211 §3 says, by value; absent parameters and
/// NULL parameters count as equal (RFC 5754 §2 allows both for the SHA-2 digests).
fn check_algorithm_protection(
    attrs: &Attributes<'_>,
    signer: &SignerInfo<'_>,
) -> Result<(), Failure> {
    let Some(a) = attrs.get(&attr::CMS_ALGORITHM_PROTECTION) else {
        return Ok(());
    };
    let p: CmsAlgorithmProtection =
        attr::cms_algorithm_protection(&a.single("CMSAlgorithmProtection").map_err(format)?)
            .map_err(format)?;
    let mismatch = |field, signed: &Option<AlgorithmIdentifierOwned>, used| {
        Failure::AlgorithmProtection(Box::new(AlgorithmMismatch {
            field,
            signed: signed.clone(),
            used,
        }))
    };
    if !same_algorithm(&p.digest_algorithm, &signer.digest_algorithm) {
        return Err(mismatch(
            ProtectedAlgorithm::Digest,
            &Some(p.digest_algorithm.clone()),
            Some(signer.digest_algorithm.clone()),
        ));
    }
    if p.mac_algorithm.is_some() {
        return Err(mismatch(ProtectedAlgorithm::Mac, &p.mac_algorithm, None));
    }
    match &p.signature_algorithm {
        Some(s) if same_algorithm(s, &signer.signature_algorithm) => Ok(()),
        signed => Err(mismatch(
            ProtectedAlgorithm::Signature,
            signed,
            Some(signer.signature_algorithm.clone()),
        )),
    }
}

/// Whether two algorithm identifiers are the same, absent and NULL parameters alike.
fn same_algorithm(a: &AlgorithmIdentifierOwned, b: &AlgorithmIdentifierOwned) -> bool {
    let null = |p: &Option<der::Any>| {
        p.as_ref()
            .is_none_or(|p| der::Tagged::tag(p) == der::Tag::Null && p.value().is_empty())
    };
    a.oid == b.oid && (a.parameters == b.parameters || (null(&a.parameters) && null(&b.parameters)))
}

/// The first identifier of each ESS signing-certificate attribute (RFC 5035 §3: the first
/// names the signing certificate), v2 first.
fn ess_signing_certificates(attrs: &Attributes<'_>) -> Result<Vec<EssCertId>, Failure> {
    let mut ess = Vec::new();
    for (oid, v2) in [
        (attr::SIGNING_CERTIFICATE_V2, true),
        (attr::SIGNING_CERTIFICATE, false),
    ] {
        if let Some(a) = attrs.get(&oid) {
            let ids =
                attr::signing_certificate(&a.single("signing-certificate").map_err(format)?, v2)
                    .map_err(|e| match e {
                        Error::UnsupportedAlgorithm { what } => Failure::Unsupported(what),
                        e => format(e),
                    })?;
            if let Some(first) = ids.into_iter().next() {
                ess.push(first);
            }
        }
    }
    Ok(ess)
}

/// Without signed attributes nothing binds the content type, so the content must be
/// id-data (RFC 5652 §5.3: "if the content type is not id-data, signedAttrs MUST be
/// present"); and the signature is over the content itself, so it must have been supplied
/// (Ed25519 aside, which reports the missing content when verifying).
fn check_no_signed_attributes(
    content_type: Option<ObjectIdentifier>,
    sig_alg: SignatureAlgorithm,
    content: ContentRef<'_>,
) -> Result<(), Failure> {
    if let Some(ct) = content_type.filter(|ct| *ct != oids::DATA) {
        return Err(Failure::Format(alloc::format!(
            "eContentType is {} and there are no signed attributes: RFC 5652 §5.3 requires \
             signed attributes (with a content-type attribute) for any content other than \
             id-data",
            crypto::alg::oid_name(&ct)
        )));
    }
    if !matches!(sig_alg, SignatureAlgorithm::Ed25519) && matches!(content, ContentRef::Missing) {
        return Err(content_not_supplied());
    }
    Ok(())
}

fn content_not_supplied() -> Failure {
    Failure::SignedDataNotFound("the signed content was not supplied".into())
}

/// Which certificate signed: every candidate the identifier names, narrowed by the ESS
/// binding when there is one.
fn identify_signing_certificate<'p>(
    signer: &SignerInfo<'_>,
    pool: &'p [ParsedCert],
    ess: &[EssCertId],
    out: &mut SignerCheck,
) -> Result<&'p ParsedCert, Failure> {
    let named: Vec<&ParsedCert> = pool
        .iter()
        .filter(|c| matches_sid(c, &signer.sid))
        .collect();
    let Some(first) = named.first() else {
        return Err(Failure::NoSigningCertificate(
            "no certificate matches the signer identifier".into(),
        ));
    };
    if ess.is_empty() {
        out.cert = Some((*first).clone());
        return Ok(first);
    }
    match named
        .iter()
        .find(|c| ess.iter().all(|id| ess_matches(id, c)))
    {
        Some(c) => {
            out.signing_certificate_bound = true;
            out.cert = Some((*c).clone());
            Ok(c)
        }
        None => {
            out.cert = Some((*first).clone());
            Err(Failure::NoSigningCertificate(
                "the signing-certificate attribute does not match the signer's certificate".into(),
            ))
        }
    }
}

/// The content hashes to the message-digest attribute.
fn check_message_digest(
    content: ContentRef<'_>,
    digest_alg: HashAlgorithm,
    message_digest: &[u8],
) -> Result<(), Failure> {
    let d = content
        .digest(digest_alg)
        .ok_or_else(content_not_supplied)?;
    if d.as_ref() == message_digest {
        Ok(())
    } else {
        Err(Failure::Hash(alloc::format!(
            "the content's {digest_alg} digest does not match the message-digest attribute"
        )))
    }
}

/// The signature verifies over the DER encoding of the signed attributes (RFC 5652 §5.4);
/// see the module documentation for attributes that were sent in another encoding.
fn verify_signed_attributes(
    attrs: &Attributes<'_>,
    sig_alg: SignatureAlgorithm,
    cert: &ParsedCert,
    signer: &SignerInfo<'_>,
    policy: &crypto::Policy,
    out: &mut SignerCheck,
) -> Result<(), Failure> {
    let (der, not_der) = attrs.to_be_signed_der().map_err(format)?;
    let verify = |msg: &[u8]| {
        crypto::verify_with(
            None,
            policy,
            sig_alg,
            &cert.spki,
            Message::Data(msg),
            &signer.signature,
        )
    };
    match (verify(&der), not_der) {
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(fault)) => {
            out.warnings.push(alloc::format!(
                "the signed attributes were sent in a non-DER encoding ({fault}); the \
                 signature covers their DER encoding, as RFC 5652 §5.4 requires, and verifies"
            ));
            Ok(())
        }
        (Err(Error::BadSignature), Some(fault)) if verify(&attrs.to_be_signed()).is_ok() => {
            Err(Failure::Format(alloc::format!(
                "the signed attributes are not DER-encoded ({fault}) and the signature covers \
                 them as sent; RFC 5652 §5.4 requires the signature over their DER encoding, \
                 over which it does not verify (OpenSSL and BouncyCastle reject this signature \
                 too)"
            )))
        }
        (Err(e), _) => Err(signature_failure(e, sig_alg)),
    }
}

/// Without signed attributes, the signature verifies over the content itself (or its digest,
/// for streamed content).
fn verify_content_signature(
    content: ContentRef<'_>,
    digest_alg: HashAlgorithm,
    sig_alg: SignatureAlgorithm,
    cert: &ParsedCert,
    signer: &SignerInfo<'_>,
    policy: &crypto::Policy,
) -> Result<(), Failure> {
    let digest: Vec<u8>;
    let msg = match content {
        ContentRef::Bytes(b) => Message::Data(b),
        ContentRef::Digests(_) if matches!(sig_alg, SignatureAlgorithm::Ed25519) => {
            return Err(Failure::Unsupported(
                "Ed25519 without signed attributes over streamed content".into(),
            ))
        }
        _ => {
            digest = content
                .digest(digest_alg)
                .map(|d| d.as_ref().to_vec())
                .ok_or_else(content_not_supplied)?;
            Message::Digest(&digest)
        }
    };
    crypto::verify_with(None, policy, sig_alg, &cert.spki, msg, &signer.signature)
        .map_err(|e| signature_failure(e, sig_alg))
}

/// What a failed signature verification means for the signer.
fn signature_failure(e: Error, sig_alg: SignatureAlgorithm) -> Failure {
    match e {
        Error::BadSignature => Failure::SigCrypto(alloc::format!(
            "the {} signature value does not verify with the signer's key",
            sig_alg.name()
        )),
        Error::UnsupportedAlgorithm { what } | Error::UnsupportedByBackend { what, .. } => {
            Failure::Unsupported(what)
        }
        Error::PolicyViolation { reason } | Error::KeyRejected { reason } => {
            Failure::Unsupported(reason)
        }
        e => Failure::SigCrypto(alloc::format!("{e}")),
    }
}
