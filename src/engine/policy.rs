//! Which algorithms and key sizes a validation accepts, and until when.
//!
//! Computing a signature and accepting it are separate questions: imza computes SHA-1 and
//! 1024-bit RSA to say whether a signature is intact, and this policy then says whether
//! such a signature is acceptable at its best-signature-time (ETSI EN 319 102-1 §5.2.8,
//! CRYPTO_CONSTRAINTS_FAILURE_NO_POE when it was made after the algorithm's end date).

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::{HashAlgorithm, KeyKind, SignatureAlgorithm};
use crate::time::UnixTime;

/// A validation policy for algorithms.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationPolicy {
    /// Digest algorithms and the time after which a signature using one is no longer
    /// acceptable (`None`: no end). Absent algorithms are refused.
    pub digests: Vec<(HashAlgorithm, Option<UnixTime>)>,
    /// RSA modulus sizes: (minimum bits, acceptable until). The first row the key meets
    /// decides; keys below every row are refused.
    pub rsa: Vec<(usize, Option<UnixTime>)>,
    /// Whether ECDSA and Ed25519 (P-256 and larger, Ed25519) are accepted.
    pub elliptic: bool,
}

impl Default for ValidationPolicy {
    /// SHA-1 until 2009-12-31 (the end-date DSS and ETSI TS 119 312 use for signatures),
    /// SHA-2 without end; RSA of 1900 bits and more without end, 1024 bits until 2013-12-31
    /// (TS 119 312); P-256, P-384, P-521 and Ed25519.
    fn default() -> Self {
        Self {
            digests: alloc::vec![
                (
                    HashAlgorithm::Sha1,
                    Some(UnixTime::from_secs(1_262_303_999))
                ),
                (HashAlgorithm::Sha256, None),
                (HashAlgorithm::Sha384, None),
                (HashAlgorithm::Sha512, None),
            ],
            rsa: alloc::vec![
                (1900, None),
                (1024, Some(UnixTime::from_secs(1_388_534_399)))
            ],
            elliptic: true,
        }
    }
}

impl ValidationPolicy {
    /// What certificate and revocation signatures may use at `at`: SHA-1 only while the
    /// policy accepts it, RSA from the smallest size still accepted.
    pub fn path_policy(&self, at: UnixTime) -> crate::crypto::Policy {
        let ok = |end: &Option<UnixTime>| end.is_none_or(|e| at <= e);
        crate::crypto::Policy {
            allow_sha1: self
                .digests
                .iter()
                .any(|(h, end)| *h == HashAlgorithm::Sha1 && ok(end)),
            min_rsa_bits: self
                .rsa
                .iter()
                .filter(|(_, end)| ok(end))
                .map(|(bits, _)| *bits)
                .min()
                .unwrap_or(usize::MAX),
        }
    }

    /// Checks a digest, signature algorithm and key for a signature that existed at `at`.
    /// `Err` says what is not acceptable.
    pub fn check(
        &self,
        digest: HashAlgorithm,
        sig: SignatureAlgorithm,
        key: KeyKind,
        at: UnixTime,
    ) -> Result<(), String> {
        let hashes = [Some(digest), sig.hash()];
        for h in hashes.into_iter().flatten() {
            match self.digests.iter().find(|(a, _)| *a == h) {
                None => return Err(alloc::format!("{h} is not accepted by the policy")),
                Some((_, Some(end))) if at > *end => {
                    return Err(alloc::format!("{h} is not accepted after {end}"))
                }
                _ => {}
            }
        }
        match key {
            KeyKind::Rsa { bits } => match self.rsa.iter().find(|(min, _)| bits >= *min) {
                None => Err(alloc::format!("RSA key of {bits} bits is too small")),
                Some((_, Some(end))) if at > *end => Err(alloc::format!(
                    "RSA key of {bits} bits is not accepted after {end}"
                )),
                _ => Ok(()),
            },
            _ if self.elliptic => Ok(()),
            k => Err(alloc::format!("{} keys are not accepted", k.describe())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Curve, HashAlgorithm as H};

    const Y2008: UnixTime = UnixTime::from_secs(1_210_000_000);
    const Y2026: UnixTime = UnixTime::from_secs(1_790_000_000);

    #[test]
    fn default_policy_judges_by_date() {
        let p = ValidationPolicy::default();
        let rsa = |bits| KeyKind::Rsa { bits };
        let sha1 = SignatureAlgorithm::RsaPkcs1(H::Sha1);
        let sha256 = SignatureAlgorithm::RsaPkcs1(H::Sha256);
        assert!(p.check(H::Sha1, sha1, rsa(2048), Y2008).is_ok());
        assert!(p.check(H::Sha1, sha1, rsa(2048), Y2026).is_err());
        assert!(p.check(H::Sha256, sha256, rsa(1024), Y2008).is_ok());
        assert!(p.check(H::Sha256, sha256, rsa(1024), Y2026).is_err());
        assert!(p.check(H::Sha256, sha256, rsa(512), Y2008).is_err());
        // A SHA-256 digest does not launder a SHA-1 signature algorithm.
        assert!(p.check(H::Sha256, sha1, rsa(2048), Y2026).is_err());
        let ec = SignatureAlgorithm::Ecdsa {
            hash: H::Sha256,
            encoding: crate::crypto::EcdsaEncoding::Der,
        };
        assert!(p
            .check(H::Sha256, ec, KeyKind::Ec(Curve::P256), Y2026)
            .is_ok());
    }

    #[test]
    fn path_policy_follows_the_dates() {
        let p = ValidationPolicy::default();
        let old = p.path_policy(Y2008);
        assert!(old.allow_sha1);
        assert_eq!(old.min_rsa_bits, 1024);
        let now = p.path_policy(Y2026);
        assert!(!now.allow_sha1);
        assert_eq!(now.min_rsa_bits, 1900);
    }
}
