//! Why a JOSE token or key was refused (`crate::jose`).

use alloc::string::String;
use core::fmt;

use super::Error;

/// Why a token or key was refused. Every check has its own variant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoseError {
    /// Not well-formed: `what` names the part (header, payload, signature, JWK member ...).
    Malformed {
        /// The part.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// A JWE (five parts) was given to the JWS verifier; they have separate entry points.
    NotAJws,
    /// Too large.
    TooLarge {
        /// Which limit.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// `alg: none`, or an algorithm not on the verifier's allow-list.
    AlgorithmNotAllowed(String),
    /// A `crit` entry the verifier does not implement, or a malformed `crit`.
    UnsupportedCritical(String),
    /// No configured key fits the token (kid / alg).
    NoMatchingKey,
    /// Several configured keys fit and the token does not say which (no `kid`).
    AmbiguousKey,
    /// The key does not fit the algorithm (an RSA key for ES256, a P-384 key for ES256 ...).
    KeyMismatch(String),
    /// The issuer's key set refuses the change: a `kid` already in use, retiring the key
    /// that signs.
    KeySet(String),
    /// The signature does not verify.
    BadSignature,
    /// The `x5c` certificate chain is not valid.
    Certificate(String),
    /// A claim is missing, malformed or fails its check (expired, wrong audience ...).
    Claim(ClaimError),
    /// Key material or crypto failed.
    Crypto(Error),
}

/// A JWT / ID token claim check that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimError {
    /// A claim has the wrong JSON type (`exp: "tomorrow"`): malformed, not absent.
    Malformed(&'static str),
    /// A required claim is absent.
    Missing(&'static str),
    /// `exp` has passed (beyond the leeway).
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// `iat` is in the future, or older than the maximum age.
    IssuedAt,
    /// `iss` is not the expected issuer.
    Issuer,
    /// `aud` does not contain an expected audience.
    Audience,
    /// `azp` missing with several audiences, or not the client.
    AuthorizedParty,
    /// `nonce` differs.
    Nonce,
    /// `auth_time` is older than the maximum authentication age.
    AuthTime,
    /// `at_hash` / `c_hash` do not match.
    Hash(&'static str),
    /// The header `typ` is not the expected one.
    Type,
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(c) => write!(f, "claim {c} is malformed"),
            Self::Missing(c) => write!(f, "claim {c} is missing"),
            Self::Expired => f.write_str("token expired (exp)"),
            Self::NotYetValid => f.write_str("token not yet valid (nbf)"),
            Self::IssuedAt => f.write_str("iat is in the future or older than allowed"),
            Self::Issuer => f.write_str("wrong issuer (iss)"),
            Self::Audience => f.write_str("wrong audience (aud)"),
            Self::AuthorizedParty => f.write_str("wrong or missing authorized party (azp)"),
            Self::Nonce => f.write_str("nonce does not match"),
            Self::AuthTime => f.write_str("authentication too old (auth_time)"),
            Self::Hash(c) => write!(f, "{c} does not match"),
            Self::Type => f.write_str("unexpected token type (typ)"),
        }
    }
}

impl fmt::Display for JoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { what, detail } => write!(f, "malformed {what}: {detail}"),
            Self::NotAJws => f.write_str("a JWE was given where a JWS is expected"),
            Self::TooLarge { what, limit } => write!(f, "{what} larger than {limit} bytes"),
            Self::AlgorithmNotAllowed(a) => write!(f, "algorithm {a:?} is not allowed"),
            Self::UnsupportedCritical(c) => write!(f, "critical header {c:?} is not supported"),
            Self::NoMatchingKey => f.write_str("no configured key matches the token"),
            Self::AmbiguousKey => {
                f.write_str("several configured keys match and the token has no kid")
            }
            Self::KeyMismatch(s) => write!(f, "key does not fit the algorithm: {s}"),
            Self::KeySet(s) => write!(f, "the issuer's key set: {s}"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::Certificate(s) => write!(f, "x5c certificate: {s}"),
            Self::Claim(c) => write!(f, "{c}"),
            Self::Crypto(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for JoseError {}

impl From<ClaimError> for JoseError {
    fn from(c: ClaimError) -> Self {
        Self::Claim(c)
    }
}

impl JoseError {
    /// A stable numeric code in the 1100-1149 block of [`crate::Error::code`], or, for
    /// [`JoseError::Claim`], the claim's code in the 1150-1199 block (the claim checks are
    /// JOSE's own refinement, and hosts branch on "expired" apart from "wrong audience").
    /// The [`Error`] in [`JoseError::Crypto`] keeps this variant's code (1111); its message
    /// carries the detail.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed { .. } => 1100,
            Self::NotAJws => 1101,
            Self::TooLarge { .. } => 1102,
            Self::AlgorithmNotAllowed(_) => 1103,
            Self::UnsupportedCritical(_) => 1104,
            Self::NoMatchingKey => 1105,
            Self::AmbiguousKey => 1106,
            Self::KeyMismatch(_) => 1107,
            Self::BadSignature => 1108,
            Self::Certificate(_) => 1109,
            Self::Claim(c) => c.code(),
            Self::Crypto(_) => 1111,
            Self::KeySet(_) => 1112,
        }
    }
}

impl ClaimError {
    /// A stable numeric code in the 1150-1199 block of [`crate::Error::code`].
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed(_) => 1150,
            Self::Missing(_) => 1151,
            Self::Expired => 1152,
            Self::NotYetValid => 1153,
            Self::IssuedAt => 1154,
            Self::Issuer => 1155,
            Self::Audience => 1156,
            Self::AuthorizedParty => 1157,
            Self::Nonce => 1158,
            Self::AuthTime => 1159,
            Self::Hash(_) => 1160,
            Self::Type => 1161,
        }
    }
}

impl From<JoseError> for Error {
    fn from(e: JoseError) -> Self {
        Self::Jose(alloc::boxed::Box::new(e))
    }
}

impl From<ClaimError> for Error {
    fn from(e: ClaimError) -> Self {
        Self::Jose(alloc::boxed::Box::new(JoseError::Claim(e)))
    }
}
