//! Why a CRL cannot be used (`crate::revocation::crl`).

use alloc::string::String;
use core::fmt;

use super::Error;

/// Why a CRL cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CrlError {
    /// Not a well-formed CRL.
    Malformed(Error),
    /// A CRL feature imza does not implement (delta, indirect, partial by reason).
    Unsupported(String),
    /// The CRL's issuer is not the certificate's issuer.
    WrongIssuer,
    /// The issuer's keyUsage does not include cRLSign.
    IssuerCannotSignCrls,
    /// The signature does not verify.
    BadSignature(Error),
    /// The CRL does not speak for the validation time.
    NotFresh(String),
    /// The CRL's scope (issuing distribution point) excludes this certificate.
    OutOfScope,
    /// thisUpdate is later than the current time (plus skew): OpenSSL's "CRL is not yet
    /// valid".
    IssuedInFuture(String),
}

impl fmt::Display for CrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "CRL: {e}"),
            Self::Unsupported(s) => write!(f, "CRL: {s} is not supported"),
            Self::WrongIssuer => f.write_str("CRL issued by another CA than the certificate"),
            Self::IssuerCannotSignCrls => f.write_str("CRL issuer's keyUsage lacks cRLSign"),
            Self::BadSignature(e) => write!(f, "CRL signature: {e}"),
            Self::NotFresh(s) => write!(f, "CRL not fresh: {s}"),
            Self::OutOfScope => {
                f.write_str("the CRL's distribution point does not cover this certificate")
            }
            Self::IssuedInFuture(s) => write!(f, "CRL dated in the future: {s}"),
        }
    }
}

impl core::error::Error for CrlError {}

impl CrlError {
    /// A stable numeric code in the 950-999 block of [`crate::Error::code`]. A wrapped [`Error`] keeps this
    /// variant's code; its message carries the detail.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed(_) => 950,
            Self::Unsupported(_) => 951,
            Self::WrongIssuer => 952,
            Self::IssuerCannotSignCrls => 953,
            Self::BadSignature(_) => 954,
            Self::NotFresh(_) => 955,
            Self::OutOfScope => 956,
            Self::IssuedInFuture(_) => 957,
        }
    }
}

impl From<CrlError> for Error {
    fn from(e: CrlError) -> Self {
        Self::Crl(alloc::boxed::Box::new(e))
    }
}
