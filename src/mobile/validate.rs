//! Checks what a session returned before anyone relies on it: the signature verifies over
//! the hash that was sent, with the certificate; the certificate chains to the configured
//! CAs for the purpose; the certificate is the person who was asked.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Completed, MobileError, Operation, Person};
use crate::cert;
use crate::crypto::{
    self, ecdsa_sig, DigestValue, EcdsaEncoding, HashAlgorithm, KeyKind, Message, PublicKey,
    SignatureAlgorithm,
};
use crate::path::{self, ParsedCert, Purpose, ValidPath};
use crate::revocation::Checker;
use crate::time::UnixTime;
use crate::trust::TrustStore;

/// The CAs a provider's certificates must chain to.
#[derive(Clone, Copy, Debug)]
pub struct Trust<'a> {
    /// The anchors (the provider's root CAs).
    pub store: &'a TrustStore,
    /// The provider's intermediate CAs (DER): Mobile-ID and Smart-ID return the leaf only.
    pub intermediates: &'a [Vec<u8>],
    /// The validation time.
    pub time: UnixTime,
    /// Acceptable algorithms and key sizes.
    pub policy: crypto::Policy,
}

/// What the relying party asked for.
#[derive(Clone, Copy, Debug)]
pub struct Expect<'a> {
    /// The operation.
    pub operation: Operation,
    /// The hash sent (not for a certificate query).
    pub hash: Option<&'a DigestValue>,
    /// The person asked.
    pub person: &'a Person,
    /// The certificate fetched before signing, when there was one.
    pub certificate: Option<&'a [u8]>,
}

/// Who a certificate names, and for Smart-ID the document that answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Identity {
    /// The names and the personal code from the certificate subject (flattened into this
    /// object in JSON).
    #[serde(flatten)]
    pub person: cert::Person,
    /// Smart-ID: the document number that answered.
    pub document_number: Option<String>,
}

/// A checked outcome.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Validated {
    /// The certificate (DER).
    pub certificate: Vec<u8>,
    /// The validated path (for a revocation check or a report).
    pub path: ValidPath,
    /// The signature as verified, with its algorithm (ECDSA as `r || s`); `None` for a
    /// certificate query.
    pub signature: Option<(SignatureAlgorithm, Vec<u8>)>,
    /// Who the certificate names.
    pub identity: Identity,
}

impl Validated {
    /// The certificate's `SubjectPublicKeyInfo` DER.
    pub fn leaf_spki(&self) -> &[u8] {
        self.path.certs.first().map_or(&[], |c| c.spki.as_slice())
    }

    /// The signature in the ECDSA encoding asked for (DER for CMS, `r || s` for JWS);
    /// RSA signatures are returned as they are.
    pub fn signature_as(&self, encoding: EcdsaEncoding) -> Result<Vec<u8>, MobileError> {
        let (alg, sig) = self
            .signature
            .as_ref()
            .ok_or_else(|| MobileError::malformed("result", "no signature"))?;
        let key = PublicKey::from_spki_der(self.leaf_spki())
            .map_err(|e| MobileError::malformed("certificate", e))?;
        match (alg, key.kind(), encoding) {
            (SignatureAlgorithm::Ecdsa { .. }, KeyKind::Ec(curve), EcdsaEncoding::Der) => {
                ecdsa_sig::fixed_to_der(curve, sig)
                    .map_err(|e| MobileError::malformed("signature", e))
            }
            _ => Ok(sig.clone()),
        }
    }
}

/// Reads a provider's algorithm name (`SHA256WithECEncryption`,
/// `sha256WithRSAEncryption`): the hash and whether it is EC.
fn parse_algorithm(name: &str) -> Option<(HashAlgorithm, bool)> {
    let lower = name.to_ascii_lowercase();
    let (hash, rest) = lower.split_once("with")?;
    let hash = match hash {
        "sha256" => HashAlgorithm::Sha256,
        "sha384" => HashAlgorithm::Sha384,
        "sha512" => HashAlgorithm::Sha512,
        _ => return None,
    };
    match rest {
        "ecencryption" | "ecdsaencryption" | "ecdsa" => Some((hash, true)),
        "rsaencryption" => Some((hash, false)),
        _ => None,
    }
}

/// Who `certificate` (DER) names.
pub fn identity(certificate: &[u8]) -> Result<Identity, MobileError> {
    let c = cert::parse_der(certificate).map_err(|e| MobileError::malformed("certificate", e))?;
    Ok(identity_of(&c))
}

fn identity_of(c: &x509_cert::Certificate) -> Identity {
    Identity {
        person: cert::Person::from_certificate(c),
        document_number: None,
    }
}

/// Checks `completed` against what was asked, under `trust`. With `revocation`, the path's
/// revocation status is checked too (OCSP or CRL through the checker's transport).
pub fn validate(
    completed: &Completed,
    expect: &Expect<'_>,
    trust: &Trust<'_>,
    revocation: Option<&mut Checker<'_>>,
) -> Result<Validated, MobileError> {
    let certificate = match (completed.certificate.as_deref(), expect.certificate) {
        (Some(got), Some(had)) if got != had => return Err(MobileError::CertificateChanged),
        (Some(c), _) | (None, Some(c)) => c.to_vec(),
        (None, None) => return Err(MobileError::malformed("result", "no certificate")),
    };
    // Parsed once: for the key, the path and the person.
    let leaf =
        ParsedCert::from_der(&certificate).map_err(|e| MobileError::malformed("certificate", e))?;

    let signature = match expect.operation {
        Operation::Certificate => None,
        _ => {
            let hash = expect
                .hash
                .ok_or_else(|| MobileError::malformed("result", "no hash to check against"))?;
            let sig = completed
                .signature
                .as_ref()
                .ok_or_else(|| MobileError::malformed("result", "no signature"))?;
            let name = completed.signature_algorithm.as_deref().unwrap_or("");
            let key = PublicKey::from_spki_der(&leaf.spki)
                .map_err(|e| MobileError::malformed("certificate key", e))?;
            let expected = || {
                alloc::format!(
                    "{} with the certificate's {} key",
                    hash.algorithm(),
                    key.kind().describe()
                )
            };
            let mismatch = || MobileError::AlgorithmMismatch {
                found: name.chars().filter(|c| !c.is_control()).take(64).collect(),
                expected: expected(),
            };
            let (h, ec) = parse_algorithm(name).ok_or_else(mismatch)?;
            let alg = match (ec, key.kind()) {
                _ if h != hash.algorithm() => return Err(mismatch()),
                (true, KeyKind::Ec(_)) => SignatureAlgorithm::Ecdsa {
                    hash: h,
                    encoding: EcdsaEncoding::Fixed,
                },
                (false, KeyKind::Rsa { .. }) => SignatureAlgorithm::RsaPkcs1(h),
                _ => return Err(mismatch()),
            };
            crypto::verify_key(
                None,
                &trust.policy,
                alg,
                &key,
                Message::Digest(hash.as_ref()),
                sig,
            )
            .map_err(|e| match e {
                crate::Error::PolicyViolation { reason } | crate::Error::KeyRejected { reason } => {
                    MobileError::AlgorithmMismatch {
                        found: reason,
                        expected: "an algorithm and key size the policy accepts".into(),
                    }
                }
                _ => MobileError::BadSignature,
            })?;
            Some((alg, sig.clone()))
        }
    };

    let purpose = match expect.operation {
        Operation::Authenticate => Purpose::Authentication,
        _ => Purpose::DocumentSigning,
    };
    let mut identity = identity_of(&leaf.cert);
    identity.document_number = completed.document_number.clone();
    // An unparsable intermediate is skipped, as `path::validate` does.
    let pool: Vec<ParsedCert> = trust
        .intermediates
        .iter()
        .filter_map(|d| ParsedCert::from_der(d).ok())
        .collect();
    let mut opts = path::Options::new(trust.time, purpose);
    opts.crypto_policy = trust.policy;
    let path = path::validate_parsed(leaf, &pool, trust.store, &opts)
        .map_err(|e| MobileError::UntrustedCertificate(alloc::boxed::Box::new(e)))?;
    if let Some(checker) = revocation {
        checker
            .check(&path, trust.time)
            .map_err(|e| MobileError::UntrustedCertificate(alloc::boxed::Box::new(e)))?;
    }

    check_person(expect.person, &identity)?;
    Ok(Validated {
        certificate,
        path,
        signature,
        identity,
    })
}

/// The certificate (and, for Smart-ID, the answering document) must be the person asked.
fn check_person(person: &Person, id: &Identity) -> Result<(), MobileError> {
    let found = || {
        id.person
            .serial_number
            .clone()
            .or_else(|| id.document_number.clone())
            .unwrap_or_else(|| "no serialNumber".into())
    };
    let ok = match person {
        // Mobile-ID certificates carry `PNOEE-<code>` (newer) or the bare code (older).
        Person::Phone { national_id, .. } => {
            id.person.personal_code.as_deref() == Some(national_id.as_str())
                || id.person.serial_number.as_deref() == Some(national_id.as_str())
        }
        Person::Etsi(sem) => id.person.serial_number.as_deref() == Some(sem.as_str()),
        Person::Document(doc) => id.document_number.as_deref() == Some(doc.as_str()),
    };
    if ok {
        Ok(())
    } else {
        Err(MobileError::SubjectMismatch {
            expected: person.describe(),
            found: found(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names() {
        assert_eq!(
            parse_algorithm("SHA256WithECEncryption"),
            Some((HashAlgorithm::Sha256, true))
        );
        assert_eq!(
            parse_algorithm("sha512WithRSAEncryption"),
            Some((HashAlgorithm::Sha512, false))
        );
        assert_eq!(parse_algorithm("sha1WithRSAEncryption"), None);
        assert_eq!(parse_algorithm("SHA256"), None);
        assert_eq!(parse_algorithm(""), None);
    }
}
