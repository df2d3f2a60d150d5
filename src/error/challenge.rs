//! Why a Web eID challenge could not be stored or taken (`crate::webeid::challenge`).

use alloc::string::String;
use core::fmt;

use super::Error;
use crate::time::UnixTime;

/// Longest challenge store key, bytes.
pub const MAX_KEY_LEN: usize = 256;

/// Why a challenge could not be stored or taken.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChallengeError {
    /// No challenge under this key: never issued, already used, or a wrong key or nonce.
    NotFound,
    /// The challenge was found (and is now removed) but had expired.
    Expired {
        /// Its expiry.
        expired_at: UnixTime,
    },
    /// The key is empty or longer than [`MAX_KEY_LEN`].
    InvalidKey,
    /// The store is full of unexpired challenges.
    StoreFull {
        /// Its capacity.
        capacity: usize,
    },
    /// The store's backend failed (Redis unreachable ...).
    Store {
        /// What went wrong; no credentials.
        reason: String,
    },
}

impl ChallengeError {
    /// A stable snake_case name.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::NotFound => "challenge_not_found",
            Self::Expired { .. } => "challenge_expired",
            Self::InvalidKey => "challenge_invalid_key",
            Self::StoreFull { .. } => "challenge_store_full",
            Self::Store { .. } => "challenge_store",
        }
    }
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str(
                "no such challenge: never issued, already used, or a wrong key or nonce",
            ),
            Self::Expired { expired_at } => write!(f, "the challenge expired at {expired_at}"),
            Self::InvalidKey => write!(
                f,
                "challenge store key must be 1 to {MAX_KEY_LEN} bytes long"
            ),
            Self::StoreFull { capacity } => write!(
                f,
                "challenge store is full ({capacity} unexpired challenges)"
            ),
            Self::Store { reason } => write!(f, "challenge store failed: {reason}"),
        }
    }
}

impl core::error::Error for ChallengeError {}

impl ChallengeError {
    /// A stable numeric code in the 1250-1299 block of [`crate::Error::code`].
    pub const fn code(&self) -> u32 {
        match self {
            Self::NotFound => 1250,
            Self::Expired { .. } => 1251,
            Self::InvalidKey => 1252,
            Self::StoreFull { .. } => 1253,
            Self::Store { .. } => 1254,
        }
    }
}

impl From<ChallengeError> for Error {
    fn from(e: ChallengeError) -> Self {
        Self::Challenge(alloc::boxed::Box::new(e))
    }
}
