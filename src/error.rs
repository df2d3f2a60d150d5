//! The one error type of the core.
//!
//! An `Err` means "this input could not be processed"; a signature that was processed and
//! found wanting is also an `Err` at the crypto layer ([`Error::BadSignature`]), while the
//! document layers report such outcomes as data in a validation report.

use alloc::string::String;
use core::fmt;

use crate::crypto::SignatureAlgorithm;

/// Everything that can go wrong in imza's core.
///
/// Messages say what was wrong and where; they never contain key material or PINs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed: `what` names the structure, `detail` the fault and,
    /// for DER, the byte offset.
    Malformed {
        /// The structure being decoded, e.g. "certificate" or "SubjectPublicKeyInfo".
        what: &'static str,
        /// What was wrong, with the position when known.
        detail: String,
    },
    /// An algorithm imza does not implement (or deliberately refuses, such as JOSE `none`).
    UnsupportedAlgorithm {
        /// The algorithm as named by the input.
        what: String,
    },
    /// The chosen backend cannot do this operation; another backend may.
    UnsupportedByBackend {
        /// The backend asked.
        backend: &'static str,
        /// The operation it lacks.
        what: String,
    },
    /// The key does not fit the algorithm (an RSA key for ECDSA, a P-384 key for ES256 ...).
    KeyMismatch {
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
        /// The key type found.
        key: String,
    },
    /// The key was parsed but is refused: wrong size, off the curve, below the policy minimum.
    KeyRejected {
        /// Why.
        reason: String,
    },
    /// The policy does not allow this algorithm (SHA-1 without a legacy policy, ...).
    PolicyViolation {
        /// What the policy refused.
        reason: String,
    },
    /// The signature does not verify: wrong key, tampered data, or a malformed signature value.
    BadSignature,
    /// The signature carries its content and other content was given too: which of the two
    /// was signed is not for the verifier to guess.
    ContentGivenTwice,
    /// The bytes are not a signature format imza knows, or one it recognises but does not
    /// verify yet (XAdES, ASiC and PDF are detected and named).
    UnsupportedFormat {
        /// What was recognised ("XML", "ZIP container", "PDF") or "unknown".
        format: &'static str,
    },
    /// Reading the content (a file, a stream, a host callback) failed.
    Read {
        /// What failed.
        reason: String,
    },
    /// A size, depth, count or work limit was exceeded.
    LimitExceeded {
        /// Which limit.
        what: &'static str,
        /// The limit's value.
        limit: usize,
    },
    /// Randomness or a signing primitive failed.
    SigningFailed {
        /// Why.
        reason: String,
    },
    /// A smart card or reader failed (wrong PIN, card removed ...).
    Card(crate::card::CardError),
    /// A mobile-ID session failed (the person cancelled, the service refused, the response
    /// did not verify ...); [`crate::mobile::MobileError::code`] refines the code.
    Mobile(crate::mobile::MobileError),
    /// The network transport failed (timeout, refused, HTTP status).
    Transport {
        /// What was being fetched and what went wrong; no credentials.
        reason: String,
    },
}

impl Error {
    /// Builds [`Error::Malformed`] from a DER error, keeping its position.
    pub(crate) fn malformed(what: &'static str, e: der::Error) -> Self {
        Self::Malformed {
            what,
            detail: alloc::format!("{e}"),
        }
    }

    /// A stable numeric code, shared by the C ABI and the WASM bindings.
    ///
    /// Codes are grouped by area in blocks of 100 and never reused once released.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed { .. } => 100,
            Self::LimitExceeded { .. } => 101,
            Self::ContentGivenTwice => 102,
            Self::UnsupportedFormat { .. } => 103,
            Self::Read { .. } => 104,
            Self::UnsupportedAlgorithm { .. } => 200,
            Self::UnsupportedByBackend { .. } => 201,
            Self::KeyMismatch { .. } => 202,
            Self::KeyRejected { .. } => 203,
            Self::PolicyViolation { .. } => 204,
            Self::BadSignature => 300,
            Self::SigningFailed { .. } => 400,
            Self::Transport { .. } => 500,
            Self::Card(_) => 600,
            Self::Mobile(e) => e.code(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { what, detail } => write!(f, "malformed {what}: {detail}"),
            Self::UnsupportedAlgorithm { what } => write!(f, "unsupported algorithm: {what}"),
            Self::ContentGivenTwice => f.write_str(
                "the signature carries its content; detached content may not be given as well",
            ),
            Self::UnsupportedFormat { format } => {
                write!(f, "not a signature format imza verifies: {format}")
            }
            Self::Read { reason } => write!(f, "reading the content failed: {reason}"),
            Self::UnsupportedByBackend { backend, what } => {
                write!(f, "the {backend} backend does not support {what}")
            }
            Self::KeyMismatch { algorithm, key } => {
                write!(f, "the {key} key cannot be used with {algorithm}")
            }
            Self::KeyRejected { reason } => write!(f, "key rejected: {reason}"),
            Self::PolicyViolation { reason } => write!(f, "refused by policy: {reason}"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::LimitExceeded { what, limit } => {
                write!(f, "limit exceeded: {what} (limit {limit})")
            }
            Self::SigningFailed { reason } => write!(f, "signing failed: {reason}"),
            Self::Transport { reason } => write!(f, "transport failed: {reason}"),
            Self::Card(e) => write!(f, "smart card: {e}"),
            Self::Mobile(e) => write!(f, "mobile ID: {e}"),
        }
    }
}

impl core::error::Error for Error {}
