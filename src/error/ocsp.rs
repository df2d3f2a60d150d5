//! Why an OCSP response cannot be used (`crate::revocation::ocsp`).

use alloc::string::String;
use core::fmt;

use super::Error;

/// Why a response cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspError {
    /// Not a well-formed OCSP response.
    Malformed(Error),
    /// The responder answered with an error status (malformedRequest, tryLater ...).
    NotSuccessful(&'static str),
    /// A response type other than id-pkix-ocsp-basic.
    UnsupportedResponseType(String),
    /// No SingleResponse for this certificate.
    NoMatchingResponse,
    /// The signer is neither the CA nor a responder the CA authorised.
    UnauthorizedResponder(String),
    /// The signature does not verify (or its algorithm is refused).
    BadSignature(Error),
    /// The response does not speak for the validation time: it is older than it and past
    /// its nextUpdate, or older than the maximum age.
    NotFresh(String),
    /// The nonce sent is not echoed.
    NonceMismatch,
    /// thisUpdate or producedAt is later than the current time (plus skew): RFC 6960
    /// §4.2.2.1 calls such a response unreliable.
    IssuedInFuture(String),
}

impl fmt::Display for OcspError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "OCSP response: {e}"),
            Self::NotSuccessful(s) => write!(f, "OCSP responder answered {s}"),
            Self::UnsupportedResponseType(t) => {
                write!(f, "OCSP response type {t} is not supported")
            }
            Self::NoMatchingResponse => {
                f.write_str("the OCSP response does not cover this certificate")
            }
            Self::UnauthorizedResponder(s) => {
                write!(
                    f,
                    "OCSP response signed by {s}, who is not authorised by the issuing CA"
                )
            }
            Self::BadSignature(e) => write!(f, "OCSP response signature: {e}"),
            Self::NotFresh(s) => write!(f, "OCSP response not fresh: {s}"),
            Self::NonceMismatch => f.write_str("OCSP response does not echo the request nonce"),
            Self::IssuedInFuture(s) => write!(f, "OCSP response dated in the future: {s}"),
        }
    }
}

impl core::error::Error for OcspError {}

impl OcspError {
    /// A stable numeric code in the 900-949 block of [`crate::Error::code`]. A wrapped [`Error`] keeps this
    /// variant's code; its message carries the detail.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed(_) => 900,
            Self::NotSuccessful(_) => 901,
            Self::UnsupportedResponseType(_) => 902,
            Self::NoMatchingResponse => 903,
            Self::UnauthorizedResponder(_) => 904,
            Self::BadSignature(_) => 905,
            Self::NotFresh(_) => 906,
            Self::NonceMismatch => 907,
            Self::IssuedInFuture(_) => 908,
        }
    }
}

impl From<OcspError> for Error {
    fn from(e: OcspError) -> Self {
        Self::Ocsp(alloc::boxed::Box::new(e))
    }
}
