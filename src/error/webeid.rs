//! Why a Web eID token was refused (`crate::webeid`): one variant per check, in the order the
//! checks run.

use alloc::string::String;
use core::fmt;

use super::{Error, PathError};
use crate::time::UnixTime;

/// A Web eID token failed validation. Each check has its own variant; [`WebEidError::kind`]
/// gives a stable snake_case name for logs, JSON reports and tests.
///
/// Messages say what was wrong; they quote field names and certificate subjects, never the
/// challenge or the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebEidError {
    /// The token is shorter or longer than allowed (100 to 10 000 characters).
    TokenLength {
        /// Its length in characters (in bytes when it has over four times the maximum,
        /// too long to be worth counting).
        length: usize,
        /// Fewest characters allowed.
        min: usize,
        /// Most characters allowed.
        max: usize,
    },
    /// The token is not UTF-8 text.
    NotUtf8,
    /// The token is not a JSON object of the Web eID shape (syntax error, a field of the wrong
    /// JSON type, a duplicated field).
    Json {
        /// The JSON parser's message.
        detail: String,
    },
    /// A required field is absent, `null` or empty.
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// The `format` field is not `web-eid:1`, `web-eid:1.0`, `web-eid:1.1` or another
    /// `web-eid:1.N`.
    UnsupportedFormat {
        /// The format found.
        format: String,
    },
    /// A field that the token's format does not have (`unverifiedSigningCertificates` in a
    /// `web-eid:1.0` token).
    FieldNotAllowed {
        /// The field.
        field: &'static str,
        /// The token's format.
        format: String,
    },
    /// A field is not strict standard base64 (RFC 4648 §4, with padding).
    InvalidBase64 {
        /// The field.
        field: &'static str,
    },
    /// Too many or too large items (certificates, algorithm entries).
    LimitExceeded {
        /// What.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// `algorithm` is not one of ES256/384/512, PS256/384/512, RS256/384/512.
    UnsupportedAlgorithm {
        /// The algorithm named by the token.
        algorithm: String,
    },
    /// A `supportedSignatureAlgorithms` entry of a signing certificate is not supported.
    UnsupportedSigningAlgorithm {
        /// What was wrong with it.
        detail: String,
    },
    /// A certificate in the token does not parse.
    CertificateMalformed {
        /// The field holding it.
        field: &'static str,
        /// The parser's message.
        detail: String,
    },
    /// The authentication certificate has no keyUsage extension.
    MissingKeyUsage,
    /// The certificate is not for authentication: keyUsage lacks digitalSignature, or an
    /// extendedKeyUsage is present without clientAuth.
    WrongPurpose {
        /// Which of the two.
        reason: &'static str,
    },
    /// The certificate asserts a policy that must not log in this way (by default the
    /// Estonian mobile-ID policies: a mobile-ID certificate must not pass as an ID card).
    DisallowedPolicy {
        /// The policy OID.
        policy: String,
    },
    /// A certificate was not yet valid at the validation time.
    CertificateNotYetValid {
        /// Its subject.
        subject: String,
        /// Its notBefore.
        not_before: UnixTime,
    },
    /// A certificate had expired at the validation time.
    CertificateExpired {
        /// Its subject.
        subject: String,
        /// Its notAfter.
        not_after: UnixTime,
    },
    /// The certificate does not chain to a configured CA at the validation time (no issuer,
    /// a broken constraint, a refused algorithm ...).
    NotTrusted(PathError),
    /// The OCSP responder says the certificate was revoked.
    Revoked {
        /// The certificate's subject.
        subject: String,
        /// When.
        time: UnixTime,
        /// The CRL reason code, when given.
        reason: Option<u8>,
    },
    /// No usable OCSP status: none supplied or fetched, responder not authorised, status
    /// unknown, response too old or from the future.
    RevocationUnknown {
        /// Why.
        reason: String,
    },
    /// The origin is not of the form `https://host[:port]` as a browser serialises it.
    InvalidOrigin {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The challenge is empty or longer than allowed.
    InvalidChallenge {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The key in the certificate does not fit `algorithm` (an ES256 token with a P-384 key,
    /// an RSA key for ES384 ...).
    KeyMismatch {
        /// The token's algorithm.
        algorithm: String,
        /// The key found.
        key: String,
    },
    /// The signature algorithm or key is refused by the crypto policy (RSA below 2048 bits).
    SignatureRefused {
        /// Why.
        reason: String,
    },
    /// The signature does not verify over `H(origin) || H(challenge)`: a token made for
    /// another site or another challenge, or with another certificate's key.
    SignatureInvalid,
    /// A `web-eid:1.1` signing certificate does not belong with the authentication
    /// certificate (other subject or issuer, no nonRepudiation, not trusted).
    SigningCertificate {
        /// What is wrong.
        reason: String,
    },
    /// The options cannot be used (online revocation without a transport ...).
    InvalidOptions {
        /// What is wrong.
        reason: &'static str,
    },
}

impl WebEidError {
    /// A stable snake_case name of the check that failed.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::TokenLength { .. } => "token_length",
            Self::NotUtf8 => "not_utf8",
            Self::Json { .. } => "json",
            Self::MissingField { .. } => "missing_field",
            Self::UnsupportedFormat { .. } => "unsupported_format",
            Self::FieldNotAllowed { .. } => "field_not_allowed",
            Self::InvalidBase64 { .. } => "invalid_base64",
            Self::LimitExceeded { .. } => "limit_exceeded",
            Self::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Self::UnsupportedSigningAlgorithm { .. } => "unsupported_signing_algorithm",
            Self::CertificateMalformed { .. } => "certificate_malformed",
            Self::MissingKeyUsage => "missing_key_usage",
            Self::WrongPurpose { .. } => "wrong_purpose",
            Self::DisallowedPolicy { .. } => "disallowed_policy",
            Self::CertificateNotYetValid { .. } => "certificate_not_yet_valid",
            Self::CertificateExpired { .. } => "certificate_expired",
            Self::NotTrusted(_) => "not_trusted",
            Self::Revoked { .. } => "revoked",
            Self::RevocationUnknown { .. } => "revocation_unknown",
            Self::InvalidOrigin { .. } => "invalid_origin",
            Self::InvalidChallenge { .. } => "invalid_challenge",
            Self::KeyMismatch { .. } => "key_mismatch",
            Self::SignatureRefused { .. } => "signature_refused",
            Self::SignatureInvalid => "signature_invalid",
            Self::SigningCertificate { .. } => "signing_certificate",
            Self::InvalidOptions { .. } => "invalid_options",
        }
    }

    /// A stable numeric code in the 1200-1249 block of [`crate::Error::code`], one per check
    /// in the order the checks run. The path error in [`WebEidError::NotTrusted`] keeps this
    /// variant's code (1216); its message carries the detail.
    pub const fn code(&self) -> u32 {
        match self {
            Self::TokenLength { .. } => 1200,
            Self::NotUtf8 => 1201,
            Self::Json { .. } => 1202,
            Self::MissingField { .. } => 1203,
            Self::UnsupportedFormat { .. } => 1204,
            Self::FieldNotAllowed { .. } => 1205,
            Self::InvalidBase64 { .. } => 1206,
            Self::LimitExceeded { .. } => 1207,
            Self::UnsupportedAlgorithm { .. } => 1208,
            Self::UnsupportedSigningAlgorithm { .. } => 1209,
            Self::CertificateMalformed { .. } => 1210,
            Self::MissingKeyUsage => 1211,
            Self::WrongPurpose { .. } => 1212,
            Self::DisallowedPolicy { .. } => 1213,
            Self::CertificateNotYetValid { .. } => 1214,
            Self::CertificateExpired { .. } => 1215,
            Self::NotTrusted(_) => 1216,
            Self::Revoked { .. } => 1217,
            Self::RevocationUnknown { .. } => 1218,
            Self::InvalidOrigin { .. } => 1219,
            Self::InvalidChallenge { .. } => 1220,
            Self::KeyMismatch { .. } => 1221,
            Self::SignatureRefused { .. } => 1222,
            Self::SignatureInvalid => 1223,
            Self::SigningCertificate { .. } => 1224,
            Self::InvalidOptions { .. } => 1225,
        }
    }

    /// Maps a path-validation failure of the authentication certificate.
    pub(crate) fn from_path(e: PathError) -> Self {
        match e {
            PathError::Expired { subject, not_after } => {
                Self::CertificateExpired { subject, not_after }
            }
            PathError::NotYetValid {
                subject,
                not_before,
            } => Self::CertificateNotYetValid {
                subject,
                not_before,
            },
            PathError::Revoked {
                subject,
                time,
                reason,
            } => Self::Revoked {
                subject,
                time,
                reason,
            },
            PathError::RevocationUnknown { subject, reason } => Self::RevocationUnknown {
                reason: alloc::format!("{subject}: {reason}"),
            },
            other => Self::NotTrusted(other),
        }
    }
}

impl fmt::Display for WebEidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TokenLength { length, min, max } => write!(
                f,
                "token is {length} characters long; {min} to {max} are allowed"
            ),
            Self::NotUtf8 => f.write_str("token is not UTF-8 text"),
            Self::Json { detail } => write!(f, "token is not a Web eID JSON object: {detail}"),
            Self::MissingField { field } => {
                write!(f, "token field '{field}' is missing, null or empty")
            }
            Self::UnsupportedFormat { format } => write!(
                f,
                "token format {format:?} is not supported (expected web-eid:1, web-eid:1.0 or \
                 web-eid:1.1)"
            ),
            Self::FieldNotAllowed { field, format } => {
                write!(f, "token field '{field}' is not allowed in format {format}")
            }
            Self::InvalidBase64 { field } => {
                write!(f, "token field '{field}' is not strict standard base64")
            }
            Self::LimitExceeded { what, limit } => {
                write!(f, "token has too many or too large {what} (limit {limit})")
            }
            Self::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "signature algorithm {algorithm:?} is not supported (ES256/384/512, \
                 PS256/384/512, RS256/384/512)"
            ),
            Self::UnsupportedSigningAlgorithm { detail } => {
                write!(f, "unsupported signing-certificate algorithm: {detail}")
            }
            Self::CertificateMalformed { field, detail } => {
                write!(f, "certificate in '{field}' does not parse: {detail}")
            }
            Self::MissingKeyUsage => {
                f.write_str("the authentication certificate has no keyUsage extension")
            }
            Self::WrongPurpose { reason } => {
                write!(f, "the certificate is not for authentication: {reason}")
            }
            Self::DisallowedPolicy { policy } => write!(
                f,
                "the certificate asserts policy {policy}, which is not allowed to log in here"
            ),
            Self::CertificateNotYetValid {
                subject,
                not_before,
            } => write!(f, "certificate {subject} is not valid before {not_before}"),
            Self::CertificateExpired { subject, not_after } => {
                write!(f, "certificate {subject} expired at {not_after}")
            }
            Self::NotTrusted(e) => write!(f, "certificate not trusted: {e}"),
            Self::Revoked {
                subject,
                time,
                reason,
            } => match reason {
                Some(r) => write!(
                    f,
                    "certificate {subject} was revoked at {time} (reason {r})"
                ),
                None => write!(f, "certificate {subject} was revoked at {time}"),
            },
            Self::RevocationUnknown { reason } => {
                write!(f, "revocation status unknown: {reason}")
            }
            Self::InvalidOrigin { reason } => write!(f, "invalid origin: {reason}"),
            Self::InvalidChallenge { reason } => write!(f, "invalid challenge: {reason}"),
            Self::KeyMismatch { algorithm, key } => {
                write!(f, "the certificate's {key} key cannot verify {algorithm}")
            }
            Self::SignatureRefused { reason } => write!(f, "signature refused: {reason}"),
            Self::SignatureInvalid => f.write_str(
                "the token signature does not verify for this origin and challenge with the \
                 certificate's key",
            ),
            Self::SigningCertificate { reason } => write!(f, "signing certificate: {reason}"),
            Self::InvalidOptions { reason } => write!(f, "invalid options: {reason}"),
        }
    }
}

impl core::error::Error for WebEidError {}

impl From<WebEidError> for Error {
    fn from(e: WebEidError) -> Self {
        Self::WebEid(alloc::boxed::Box::new(e))
    }
}
