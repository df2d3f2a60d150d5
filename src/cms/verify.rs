//! The cryptographic check of one `SignerInfo`: which certificate signed, are the signed
//! attributes well-formed, does the content match the message digest, does the signature
//! verify, do the ESS signing-certificate attributes name that certificate.
//!
//! No trust, no time: this is ETSI EN 319 102-1's "cryptographic verification" and
//! "identification of the signing certificate" building blocks. [`crate::cades`] adds the
//! rest.

use alloc::string::String;
use alloc::vec::Vec;

use const_oid::db::rfc5912;
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::attr::{self, EssCertId, SigningTime};
use const_oid::ObjectIdentifier;

use super::{SignerId, SignerInfo};
use crate::crypto::{self, DigestValue, HashAlgorithm, Message, SignatureAlgorithm};
use crate::error::Error;
use crate::path::ParsedCert;

/// Why a signer's cryptographic check did not pass. Each maps to one ETSI sub-indication.
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

/// Checks `signer`. `content_type` is the eContentType the content-type attribute must
/// name (`None` for a counter-signature, which has none). `pool` holds the candidate certificates (the SignedData's and
/// the caller's); `policy` decides which algorithms may be computed at all (the validation
/// policy judges acceptability separately).
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

fn check_into(
    content_type: Option<ObjectIdentifier>,
    signer: &SignerInfo<'_>,
    pool: &[ParsedCert],
    content: ContentRef<'_>,
    policy: &crypto::Policy,
    out: &mut SignerCheck,
) -> Result<(), Failure> {
    let digest_alg = HashAlgorithm::from_oid(&signer.digest_algorithm.oid).map_err(|_| {
        Failure::Unsupported(alloc::format!(
            "digest algorithm {}",
            crypto::alg::oid_name(&signer.digest_algorithm.oid)
        ))
    })?;
    out.digest_algorithm = Some(digest_alg);
    let sig_alg = signature_algorithm(&signer.signature_algorithm, digest_alg)?;
    out.signature_algorithm = Some(sig_alg);

    // Signed attributes: structure first, so that a malformed set is reported as such.
    let mut ess: Vec<EssCertId> = Vec::new();
    let mut message_digest: Option<&[u8]> = None;
    if let Some(attrs) = &signer.signed_attrs {
        if let Some(dup) = attrs.duplicate() {
            return Err(Failure::Format(alloc::format!(
                "signed attribute {} occurs more than once",
                crypto::alg::oid_name(&dup)
            )));
        }
        let fmt = |e: Error| Failure::Format(alloc::format!("{e}"));
        // A counter-signature has no content-type (RFC 5652 §11.1); any other signer must
        // name the eContentType.
        match (attrs.get(&attr::CONTENT_TYPE), content_type) {
            (Some(_), None) => {
                return Err(Failure::Format(
                    "a counter-signature must not have a content-type attribute".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(Failure::Format(
                    "signed attributes lack content-type".into(),
                ))
            }
            (Some(ct), Some(expected)) => {
                let ct = attr::object_identifier(
                    &ct.single("content-type").map_err(fmt)?,
                    "content-type",
                )
                .map_err(fmt)?;
                if ct != expected {
                    return Err(Failure::Format(alloc::format!(
                        "content-type attribute {} differs from eContentType {}",
                        crypto::alg::oid_name(&ct),
                        crypto::alg::oid_name(&expected)
                    )));
                }
            }
            (None, None) => {}
        }
        let md = attrs
            .get(&attr::MESSAGE_DIGEST)
            .ok_or_else(|| Failure::Format("signed attributes lack message-digest".into()))?;
        message_digest = Some(
            attr::octet_string(&md.single("message-digest").map_err(fmt)?, "message-digest")
                .map_err(fmt)?,
        );
        if let Some(st) = attrs.get(&attr::SIGNING_TIME) {
            let t = attr::signing_time(&st.single("signing-time").map_err(fmt)?).map_err(fmt)?;
            if t.generalized && t.time.as_secs() < 2_524_608_000 {
                out.warnings.push(
                    "signing-time is a GeneralizedTime before 2050; RFC 5652 §11.3 requires UTCTime"
                        .into(),
                );
            }
            out.signing_time = Some(t);
        }
        for (oid, v2) in [
            (attr::SIGNING_CERTIFICATE_V2, true),
            (attr::SIGNING_CERTIFICATE, false),
        ] {
            if let Some(a) = attrs.get(&oid) {
                let ids =
                    attr::signing_certificate(&a.single("signing-certificate").map_err(fmt)?, v2)
                        .map_err(|e| match e {
                        Error::UnsupportedAlgorithm { what } => Failure::Unsupported(what),
                        e => fmt(e),
                    })?;
                // The first identifier is the signing certificate (RFC 5035 §3).
                if let Some(first) = ids.into_iter().next() {
                    ess.push(first);
                }
            }
        }
    } else if !matches!(sig_alg, SignatureAlgorithm::Ed25519) && content_missing(&content) {
        return Err(Failure::SignedDataNotFound(
            "the signed content was not supplied".into(),
        ));
    }

    // Which certificate? Every candidate the identifier names, narrowed by the ESS binding.
    let named: Vec<&ParsedCert> = pool
        .iter()
        .filter(|c| matches_sid(c, &signer.sid))
        .collect();
    let cert = match (named.first(), ess.is_empty()) {
        (None, _) => {
            return Err(Failure::NoSigningCertificate(
                "no certificate matches the signer identifier".into(),
            ))
        }
        (Some(first), true) => *first,
        (Some(_), false) => match named
            .iter()
            .find(|c| ess.iter().all(|id| ess_matches(id, c)))
        {
            Some(c) => {
                out.signing_certificate_bound = true;
                c
            }
            None => {
                out.cert = named.first().map(|c| (*c).clone());
                return Err(Failure::NoSigningCertificate(
                    "the signing-certificate attribute does not match the signer's certificate"
                        .into(),
                ));
            }
        },
    };
    out.cert = Some(cert.clone());

    // Content against message-digest.
    let tbs: Vec<u8>;
    let msg = match (&signer.signed_attrs, message_digest) {
        (Some(attrs), Some(md)) => {
            let Some(d) = content.digest(digest_alg) else {
                return Err(Failure::SignedDataNotFound(
                    "the signed content was not supplied".into(),
                ));
            };
            if d.as_ref() != md {
                return Err(Failure::Hash(alloc::format!(
                    "the content's {digest_alg} digest does not match the message-digest attribute"
                )));
            }
            tbs = attrs.to_be_signed();
            Message::Data(&tbs)
        }
        _ => match content {
            ContentRef::Bytes(b) => Message::Data(b),
            ContentRef::Digests(_) if matches!(sig_alg, SignatureAlgorithm::Ed25519) => {
                return Err(Failure::Unsupported(
                    "Ed25519 without signed attributes over streamed content".into(),
                ))
            }
            _ => {
                tbs = content
                    .digest(digest_alg)
                    .map(|d| d.as_ref().to_vec())
                    .ok_or_else(|| {
                        Failure::SignedDataNotFound("the signed content was not supplied".into())
                    })?;
                Message::Digest(&tbs)
            }
        },
    };
    let mut result = crypto::verify_with(None, policy, sig_alg, &cert.spki, msg, &signer.signature);
    if result == Err(Error::BadSignature) {
        if let Some(sorted) = signer
            .signed_attrs
            .as_ref()
            .and_then(|a| a.to_be_signed_sorted())
        {
            result = crypto::verify_with(
                None,
                policy,
                sig_alg,
                &cert.spki,
                Message::Data(&sorted),
                &signer.signature,
            );
            if result.is_ok() {
                out.warnings.push(
                    "the signed attributes are not in DER order; the signature covers their DER \
                     (sorted) encoding"
                        .into(),
                );
            }
        }
    }
    match result {
        Ok(()) => Ok(()),
        Err(Error::BadSignature) => Err(Failure::SigCrypto(alloc::format!(
            "the {} signature value does not verify with the signer's key",
            sig_alg.name()
        ))),
        Err(Error::UnsupportedAlgorithm { what })
        | Err(Error::UnsupportedByBackend { what, .. }) => Err(Failure::Unsupported(what)),
        Err(Error::PolicyViolation { reason }) | Err(Error::KeyRejected { reason }) => {
            Err(Failure::Unsupported(reason))
        }
        Err(e) => Err(Failure::SigCrypto(alloc::format!("{e}"))),
    }
}

fn content_missing(c: &ContentRef<'_>) -> bool {
    matches!(c, ContentRef::Missing)
}
