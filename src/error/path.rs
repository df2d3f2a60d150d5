//! Why a certificate is not valid (`crate::path`).

use alloc::string::String;
use core::fmt;

use const_oid::ObjectIdentifier;

use super::Error;
use crate::time::UnixTime;

/// Which constraint a path broke.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Constraint {
    /// An issuing certificate is not a CA (basicConstraints cA false or absent).
    NotACa,
    /// An issuing certificate's keyUsage lacks keyCertSign.
    NoKeyCertSign,
    /// pathLenConstraint exceeded.
    PathLength {
        /// The constraint.
        limit: u8,
        /// Non-self-issued intermediates below it.
        found: usize,
    },
    /// A name outside the permitted or inside the excluded subtrees.
    NameConstraint {
        /// The offending name.
        name: String,
    },
    /// The leaf's keyUsage does not allow the purpose.
    KeyUsage,
    /// The leaf's extendedKeyUsage does not allow the purpose.
    ExtendedKeyUsage,
    /// No certificate policy is valid for the path, and one is required (the caller's
    /// policies, or a requireExplicitPolicy in the path).
    Policy,
    /// A policy extension breaks RFC 5280 policy processing.
    PolicyProcessing {
        /// What is wrong.
        reason: &'static str,
    },
    /// The anchor is not trusted for this purpose or at this time.
    AnchorConstraints,
    /// An end-entity certificate carries nameConstraints (RFC 5280 §4.2.1.10: CA only).
    NameConstraintsInEndEntity,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotACa => f.write_str("issuer is not a CA (basicConstraints)"),
            Self::NoKeyCertSign => f.write_str("issuer's keyUsage lacks keyCertSign"),
            Self::PathLength { limit, found } => write!(
                f,
                "pathLenConstraint {limit} exceeded by {found} intermediate(s)"
            ),
            Self::NameConstraint { name } => write!(f, "name {name} violates name constraints"),
            Self::KeyUsage => f.write_str("keyUsage does not allow this purpose"),
            Self::ExtendedKeyUsage => f.write_str("extendedKeyUsage does not allow this purpose"),
            Self::Policy => f.write_str("no required certificate policy is valid for the path"),
            Self::PolicyProcessing { reason } => write!(f, "certificate policies: {reason}"),
            Self::AnchorConstraints => {
                f.write_str("the trust anchor is not trusted for this purpose at this time")
            }
            Self::NameConstraintsInEndEntity => f.write_str(
                "nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)",
            ),
        }
    }
}

/// Why a certificate is not valid. Maps to ETSI EN 319 102-1 sub-indications through
/// [`PathError::sub_indication`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// A certificate could not be parsed.
    Malformed(Error),
    /// No path from the leaf to any anchor (no issuer found, or no issuer's signature fits).
    NoChainFound {
        /// The subject whose issuer was not found.
        subject: String,
    },
    /// A certificate had expired at the validation time.
    Expired {
        /// Its subject.
        subject: String,
        /// Its notAfter.
        not_after: UnixTime,
    },
    /// A certificate was not yet valid at the validation time.
    NotYetValid {
        /// Its subject.
        subject: String,
        /// Its notBefore.
        not_before: UnixTime,
    },
    /// A path constraint failed.
    ChainConstraints {
        /// The certificate at fault.
        subject: String,
        /// Which constraint.
        constraint: Constraint,
    },
    /// A critical extension imza does not understand.
    UnknownCriticalExtension {
        /// The certificate carrying it.
        subject: String,
        /// The extension OID.
        oid: ObjectIdentifier,
    },
    /// The algorithm or key size is refused by the crypto policy.
    CryptoConstraints {
        /// The certificate whose signature was refused.
        subject: String,
        /// Why.
        reason: String,
    },
    /// A certificate was revoked at or before the validation time.
    Revoked {
        /// The revoked certificate.
        subject: String,
        /// When.
        time: UnixTime,
        /// The CRL reason code, when given (RFC 5280 §5.3.1).
        reason: Option<u8>,
    },
    /// Revocation status could not be established (no fresh OCSP or CRL data).
    RevocationUnknown {
        /// The certificate whose status is unknown.
        subject: String,
        /// Why.
        reason: String,
    },
    /// The work budget ran out.
    BudgetExceeded {
        /// Which limit.
        what: &'static str,
    },
}

impl PathError {
    /// A stable numeric code in the 800-899 block of [`crate::Error::code`]. A wrapped
    /// [`Error`] (in [`PathError::Malformed`]) keeps this variant's code; its message carries
    /// the detail.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed(_) => 800,
            Self::NoChainFound { .. } => 801,
            Self::Expired { .. } => 802,
            Self::NotYetValid { .. } => 803,
            Self::ChainConstraints { .. } => 804,
            Self::UnknownCriticalExtension { .. } => 805,
            Self::CryptoConstraints { .. } => 806,
            Self::Revoked { .. } => 807,
            Self::RevocationUnknown { .. } => 808,
            Self::BudgetExceeded { .. } => 809,
        }
    }
}

impl PathError {
    /// How specific this failure is: higher ranks win when every candidate path fails.
    /// A failure on a complete path says more than "no path", and a revocation or a broken
    /// constraint says more than a crypto-policy refusal found while building.
    pub fn rank(&self) -> u8 {
        match self {
            Self::BudgetExceeded { .. } => 0,
            Self::NoChainFound { .. } => 1,
            Self::CryptoConstraints { .. } => 2,
            Self::Malformed(_) => 3,
            Self::RevocationUnknown { .. } => 4,
            Self::UnknownCriticalExtension { .. } => 5,
            Self::ChainConstraints { .. } => 6,
            Self::NotYetValid { .. } | Self::Expired { .. } => 7,
            Self::Revoked { .. } => 8,
        }
    }
}
impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "{e}"),
            Self::NoChainFound { subject } => {
                write!(
                    f,
                    "no chain to a trust anchor: no trusted issuer for {subject}"
                )
            }
            Self::Expired { subject, not_after } => {
                write!(f, "{subject} expired at {not_after}")
            }
            Self::NotYetValid {
                subject,
                not_before,
            } => {
                write!(f, "{subject} is not valid before {not_before}")
            }
            Self::ChainConstraints {
                subject,
                constraint,
            } => write!(f, "{subject}: {constraint}"),
            Self::UnknownCriticalExtension { subject, oid } => write!(
                f,
                "{subject}: unknown critical extension {}",
                crate::util::oid_name(oid)
            ),
            Self::CryptoConstraints { subject, reason } => {
                write!(f, "{subject}: signature refused: {reason}")
            }
            Self::Revoked {
                subject,
                time,
                reason,
            } => match reason {
                Some(r) => write!(f, "{subject} was revoked at {time} (reason {r})"),
                None => write!(f, "{subject} was revoked at {time}"),
            },
            Self::RevocationUnknown { subject, reason } => {
                write!(f, "revocation status of {subject} unknown: {reason}")
            }
            Self::BudgetExceeded { what } => write!(f, "path building gave up: {what} exhausted"),
        }
    }
}

impl core::error::Error for PathError {}

impl From<PathError> for Error {
    fn from(e: PathError) -> Self {
        Self::Path(alloc::boxed::Box::new(e))
    }
}
