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
