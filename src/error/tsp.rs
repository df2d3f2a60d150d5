//! Why a time-stamp authority's answer was refused (`crate::tsp`).

use alloc::string::String;

use super::Error;

/// Why a TSA's answer was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TspError {
    /// The response is not a well-formed `TimeStampResp`.
    Malformed(Error),
    /// The TSA refused (PKIStatus and its failure bits, as text).
    Rejected(String),
    /// The token does not answer the request (imprint, nonce).
    Mismatch(&'static str),
    /// The request could not be sent or the HTTP exchange failed.
    Transport(Error),
}

impl core::fmt::Display for TspError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "malformed time-stamp response: {e}"),
            Self::Rejected(s) => write!(f, "the TSA refused: {s}"),
            Self::Mismatch(s) => write!(f, "the time-stamp does not answer the request: {s}"),
            Self::Transport(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for TspError {}

impl TspError {
    /// A stable numeric code in the 1000-1099 block of [`crate::Error::code`]. A wrapped [`Error`] keeps this
    /// variant's code; its message carries the detail.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed(_) => 1000,
            Self::Rejected(_) => 1001,
            Self::Mismatch(_) => 1002,
            Self::Transport(_) => 1003,
        }
    }
}

impl From<TspError> for Error {
    fn from(e: TspError) -> Self {
        Self::Timestamp(alloc::boxed::Box::new(e))
    }
}
