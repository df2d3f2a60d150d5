//! The one error space of the core: [`Error`], the domain errors it wraps, and their codes.
//!
//! An `Err` means "this input could not be processed"; a signature that was processed and
//! found wanting is also an `Err` at the crypto layer ([`Error::BadSignature`]), while the
//! document layers report such outcomes as data in a validation report.
//!
//! Each area keeps its own error enum, with a variant per check, and each converts into
//! [`Error`] with `From`, so `?` works across areas and the C ABI and the WASM bindings
//! pass one code and one message through unchanged. [`Error::code`] gives a stable number
//! from the area's block; [`describe`] gives a short generic description of any code.
//!
//! | Codes     | Area                                                   | Type                 |
//! |-----------|--------------------------------------------------------|----------------------|
//! | 100-199   | input not decodable, limits, content, format, reading  | [`Error`]            |
//! | 200-299   | algorithms, keys, policy                               | [`Error`]            |
//! | 300-399   | the signature does not verify                          | [`Error`]            |
//! | 400-499   | signing                                                | [`Error`]            |
//! | 500-599   | network transport                                      | [`Error`]            |
//! | 600-699   | smart cards and readers                                | [`CardError`]        |
//! | 700-799   | mobile ID                                              | [`MobileError`]      |
//! | 800-899   | certificate path validation                            | [`PathError`]        |
//! | 900-949   | OCSP responses                                         | [`OcspError`]        |
//! | 950-999   | CRLs                                                   | [`CrlError`]         |
//! | 1000-1099 | RFC 3161 time-stamp responses                          | [`TspError`]         |
//! | 1100-1149 | JOSE: JWS, JWK, JWT                                    | [`JoseError`]        |
//! | 1150-1199 | JWT / ID token claims                                  | [`ClaimError`]       |
//! | 1200-1249 | Web eID tokens                                         | [`WebEidError`]      |
//! | 1250-1299 | Web eID challenges                                     | [`ChallengeError`]   |
//! | 1300-1349 | XML: parsing, limits, canonicalization                 | [`XmlError`]         |
//! | 1350-1399 | ZIP containers (ASiC, UDF): structure, names, limits   | [`ContainerError`]   |
//! | 1400-1449 | PDF files: syntax, cross-references, limits            | [`PdfError`]         |
//!
//! Codes are never reused once released; a new variant gets a new code in its block.
//!
//! A domain error that wraps another area's error (an [`Error`] in
//! [`PathError::Malformed`], a [`PathError`] in [`WebEidError::NotTrusted`] or
//! [`MobileError::UntrustedCertificate`], an [`Error`] in [`JoseError::Crypto`] ...) keeps
//! its own variant's code: a code always lies in the block of the area that refused, and the
//! message carries the inner detail. The one exception is [`JoseError::Claim`], which gives
//! its [`ClaimError`]'s code: the claim checks are JOSE's own refinement, not another area.
//!
//! The domain enums live here so that this module depends on no area (the areas depend on
//! it); each area re-exports its own (`imza::card::CardError`, `imza::path::PathError` ...).

mod card;
pub(crate) mod challenge;
mod container;
mod crl;
mod jose;
mod mobile;
mod ocsp;
mod path;
mod pdf;
mod tsp;
mod webeid;
mod xml;

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

pub use card::CardError;
pub use challenge::ChallengeError;
pub use container::ContainerError;
pub use crl::CrlError;
pub use jose::{ClaimError, JoseError};
pub use mobile::MobileError;
pub use ocsp::OcspError;
pub use path::{Constraint, PathError};
pub use pdf::PdfError;
pub use tsp::TspError;
pub use webeid::WebEidError;
pub use xml::XmlError;

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
        /// The algorithm asked for, by name ("ECDSA-SHA256", as
        /// [`crate::crypto::SignatureAlgorithm::name`] gives it).
        algorithm: String,
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
    /// The options cannot be used as given (a time-stamp level without a time-stamping
    /// service, long-term data without a root to validate against ...).
    InvalidOptions {
        /// What is missing or contradictory.
        reason: &'static str,
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
    /// The network transport failed (timeout, refused, HTTP status).
    Transport {
        /// What was being fetched and what went wrong; no credentials.
        reason: String,
    },
    /// A smart card or reader failed (wrong PIN, card removed ...); codes 600-699.
    Card(CardError),
    /// A mobile-ID session failed (the person cancelled, the service refused, the response
    /// did not verify ...); codes 700-799.
    Mobile(MobileError),
    // The domain errors below are boxed: several wrap an `Error` themselves, and boxing
    // keeps `Error` (and every `Result` carrying it) small.
    /// A certificate is not valid for the purpose at the time; codes 800-899.
    Path(Box<PathError>),
    /// An OCSP response cannot be used; codes 900-949.
    Ocsp(Box<OcspError>),
    /// A CRL cannot be used; codes 950-999.
    Crl(Box<CrlError>),
    /// A time-stamp authority's answer was refused; codes 1000-1099.
    Timestamp(Box<TspError>),
    /// A JOSE token or key was refused; codes 1100-1199.
    Jose(Box<JoseError>),
    /// A Web eID token was refused; codes 1200-1249.
    WebEid(Box<WebEidError>),
    /// A Web eID challenge could not be stored or taken; codes 1250-1299.
    Challenge(Box<ChallengeError>),
    /// An XML document was refused; codes 1300-1349.
    Xml(Box<XmlError>),
    /// A ZIP container (ASiC, UDF) was refused; codes 1350-1399.
    Container(Box<ContainerError>),
    /// A PDF file was refused; codes 1400-1449.
    Pdf(Box<PdfError>),
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
    /// Codes are grouped by area in blocks (the table in the [module docs](self)) and never
    /// reused once released; a wrapped domain error gives its own code.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed { .. } => 100,
            Self::LimitExceeded { .. } => 101,
            Self::ContentGivenTwice => 102,
            Self::UnsupportedFormat { .. } => 103,
            Self::Read { .. } => 104,
            Self::InvalidOptions { .. } => 105,
            Self::UnsupportedAlgorithm { .. } => 200,
            Self::UnsupportedByBackend { .. } => 201,
            Self::KeyMismatch { .. } => 202,
            Self::KeyRejected { .. } => 203,
            Self::PolicyViolation { .. } => 204,
            Self::BadSignature => 300,
            Self::SigningFailed { .. } => 400,
            Self::Transport { .. } => 500,
            Self::Card(e) => e.code(),
            Self::Mobile(e) => e.code(),
            Self::Path(e) => e.code(),
            Self::Ocsp(e) => e.code(),
            Self::Crl(e) => e.code(),
            Self::Timestamp(e) => e.code(),
            Self::Jose(e) => e.code(),
            Self::WebEid(e) => e.code(),
            Self::Challenge(e) => e.code(),
            Self::Xml(e) => e.code(),
            Self::Container(e) => e.code(),
            Self::Pdf(e) => e.code(),
        }
    }
}

impl From<crate::time::InvalidTime> for Error {
    fn from(e: crate::time::InvalidTime) -> Self {
        Self::Malformed {
            what: "RFC 3339 time",
            detail: e.detail().into(),
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
            Self::InvalidOptions { reason } => write!(f, "invalid options: {reason}"),
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
            Self::Path(e) => write!(f, "certificate validation: {e}"),
            Self::Ocsp(e) => write!(f, "revocation: {e}"),
            Self::Crl(e) => write!(f, "revocation: {e}"),
            Self::Timestamp(e) => write!(f, "time-stamp: {e}"),
            Self::Jose(e) => write!(f, "token: {e}"),
            Self::WebEid(e) => write!(f, "Web eID: {e}"),
            Self::Challenge(e) => write!(f, "Web eID challenge: {e}"),
            Self::Xml(e) => write!(f, "XML: {e}"),
            Self::Container(e) => write!(f, "container: {e}"),
            Self::Pdf(e) => write!(f, "PDF: {e}"),
        }
    }
}

impl core::error::Error for Error {}

/// A short generic description of a code from [`Error::code`] (any block), as the C
/// `imza_result_message` gives it; `None` for a code imza does not define. The message of
/// the error itself says more (which certificate, which field, which limit).
pub fn describe(code: u32) -> Option<&'static str> {
    CODES
        .binary_search_by_key(&code, |&(c, _)| c)
        .ok()
        .and_then(|i| CODES.get(i))
        .map(|&(_, d)| d)
}

/// Every code and its description, in ascending order (so [`describe`] can search it).
const CODES: &[(u32, &str)] = &[
    (100, "the input is malformed"),
    (101, "a size, depth, count or work limit was exceeded"),
    (102, "content given twice (the signature carries it too)"),
    (103, "not a signature format imza verifies"),
    (104, "reading the content failed"),
    (105, "the options cannot be used as given"),
    (200, "unsupported algorithm"),
    (
        201,
        "no crypto backend in this build supports the operation",
    ),
    (202, "the key does not fit the algorithm"),
    (203, "the key was rejected"),
    (204, "refused by policy"),
    (300, "signature does not verify"),
    (400, "signing failed"),
    (500, "transport failed"),
    // Smart cards.
    (600, "the smart-card layer (PC/SC) failed"),
    (601, "no smart-card reader found"),
    (602, "no card in the reader"),
    (603, "the card was removed during the operation"),
    (604, "the card was reset by another application"),
    (605, "another application is using the card exclusively"),
    (606, "timed out waiting for the reader or card"),
    (607, "PC/SC is not installed (install pcscd)"),
    (610, "wrong PIN"),
    (611, "the PIN is blocked"),
    (
        612,
        "only one PIN try is left and spending it was not allowed",
    ),
    (613, "the PIN does not fit the card's rules"),
    (614, "no PIN was entered on the PIN pad in time"),
    (615, "PIN entry was cancelled on the PIN pad"),
    (616, "the PIN entered on the PIN pad has a wrong length"),
    (617, "the PIN entry was cancelled"),
    (620, "the card requires a verified PIN"),
    (621, "the card's conditions of use are not met"),
    (622, "file or application not found on the card"),
    (623, "the card reported a wrong length"),
    (624, "the card or reader does not support this"),
    (625, "the card answered an unexpected status"),
    (630, "unexpected card answer"),
    (631, "the card is not a supported kind"),
    (632, "the card has no key for this purpose"),
    // Mobile ID.
    (701, "mobile ID: the person cancelled"),
    (702, "mobile ID: the person refused"),
    (703, "mobile ID: the person did not answer in time"),
    (
        704,
        "mobile ID: the person has no mobile ID with this service",
    ),
    (705, "mobile ID: the phone is off or out of coverage"),
    (
        706,
        "mobile ID: the request could not be delivered to the phone",
    ),
    (707, "mobile ID: the SIM card failed"),
    (
        708,
        "mobile ID: the phone signed with another certificate than on record",
    ),
    (
        709,
        "mobile ID: the person chose the wrong verification code",
    ),
    (710, "mobile ID: the account cannot be used"),
    (711, "mobile ID: the app cannot show this request"),
    (712, "mobile ID: no account of the requested level"),
    (713, "mobile ID: the person must open the app first"),
    (714, "mobile ID: the service refuses this client version"),
    (715, "mobile ID: the service is under maintenance"),
    (716, "mobile ID: unknown result"),
    (717, "mobile ID: the certificate is not active"),
    (
        730,
        "mobile ID: the service refused the request as malformed",
    ),
    (731, "mobile ID: the relying party is not authorised"),
    (732, "mobile ID: the service does not know the session"),
    (733, "mobile ID: the service failed"),
    (734, "mobile ID: unexpected HTTP status"),
    (735, "mobile ID: could not reach the service"),
    (736, "mobile ID: the deadline passed"),
    (737, "mobile ID: cancelled"),
    (740, "mobile ID: invalid request parameter"),
    (741, "mobile ID: display text too long"),
    (742, "mobile ID: display text not encodable"),
    (750, "mobile ID: malformed response"),
    (760, "mobile ID: the returned signature does not verify"),
    (
        761,
        "mobile ID: the returned signature is of another algorithm",
    ),
    (762, "mobile ID: the returned certificate is not trusted"),
    (
        763,
        "mobile ID: the certificate is not the person asked for",
    ),
    (764, "mobile ID: the certificate changed during the session"),
    // Certificate paths.
    (800, "certificate validation: a certificate is malformed"),
    (801, "certificate validation: no chain to a trust anchor"),
    (802, "certificate validation: a certificate had expired"),
    (
        803,
        "certificate validation: a certificate was not yet valid",
    ),
    (804, "certificate validation: a path constraint failed"),
    (805, "certificate validation: unknown critical extension"),
    (
        806,
        "certificate validation: algorithm or key refused by policy",
    ),
    (807, "certificate validation: a certificate was revoked"),
    (808, "certificate validation: revocation status unknown"),
    (809, "certificate validation: work budget exhausted"),
    // OCSP.
    (900, "OCSP: malformed response"),
    (901, "OCSP: the responder answered an error status"),
    (902, "OCSP: unsupported response type"),
    (903, "OCSP: the response does not cover the certificate"),
    (904, "OCSP: the responder is not authorised"),
    (905, "OCSP: the response signature does not verify"),
    (906, "OCSP: the response is not fresh"),
    (907, "OCSP: the nonce is not echoed"),
    (908, "OCSP: the response is dated in the future"),
    // CRLs.
    (950, "CRL: malformed"),
    (951, "CRL: unsupported feature"),
    (952, "CRL: issued by another CA than the certificate"),
    (953, "CRL: the issuer may not sign CRLs"),
    (954, "CRL: the signature does not verify"),
    (955, "CRL: not fresh"),
    (956, "CRL: does not cover the certificate"),
    (957, "CRL: dated in the future"),
    // Time-stamps.
    (1000, "time-stamp: malformed response"),
    (1001, "time-stamp: the TSA refused"),
    (1002, "time-stamp: the token does not answer the request"),
    (1003, "time-stamp: the exchange with the TSA failed"),
    // JOSE.
    (1100, "token: malformed"),
    (1101, "token: a JWE where a JWS is expected"),
    (1102, "token: too large"),
    (1103, "token: algorithm not allowed"),
    (1104, "token: unsupported critical header"),
    (1105, "token: no configured key matches"),
    (1106, "token: several configured keys match"),
    (1107, "token: the key does not fit the algorithm"),
    (1108, "token: signature does not verify"),
    (1109, "token: x5c certificate not valid"),
    (1111, "token: key material or crypto failed"),
    (1112, "token: the issuer's key set refuses the change"),
    // JWT claims.
    (1150, "token claim: malformed"),
    (1151, "token claim: missing"),
    (1152, "token claim: expired (exp)"),
    (1153, "token claim: not yet valid (nbf)"),
    (
        1154,
        "token claim: issued in the future or too long ago (iat)",
    ),
    (1155, "token claim: wrong issuer (iss)"),
    (1156, "token claim: wrong audience (aud)"),
    (1157, "token claim: wrong or missing authorized party (azp)"),
    (1158, "token claim: nonce does not match"),
    (1159, "token claim: authentication too old (auth_time)"),
    (1160, "token claim: hash does not match (at_hash, c_hash)"),
    (1161, "token claim: unexpected type (typ)"),
    // Web eID.
    (1200, "Web eID: token length out of range"),
    (1201, "Web eID: token is not UTF-8"),
    (1202, "Web eID: token is not a Web eID JSON object"),
    (1203, "Web eID: a required field is missing"),
    (1204, "Web eID: unsupported token format"),
    (1205, "Web eID: field not allowed in this format"),
    (1206, "Web eID: field is not strict base64"),
    (1207, "Web eID: too many or too large items"),
    (1208, "Web eID: unsupported signature algorithm"),
    (1209, "Web eID: unsupported signing-certificate algorithm"),
    (1210, "Web eID: a certificate does not parse"),
    (1211, "Web eID: the certificate has no keyUsage"),
    (1212, "Web eID: the certificate is not for authentication"),
    (1213, "Web eID: the certificate asserts a disallowed policy"),
    (1214, "Web eID: the certificate is not yet valid"),
    (1215, "Web eID: the certificate has expired"),
    (1216, "Web eID: the certificate is not trusted"),
    (1217, "Web eID: the certificate was revoked"),
    (1218, "Web eID: revocation status unknown"),
    (1219, "Web eID: invalid origin"),
    (1220, "Web eID: invalid challenge"),
    (1221, "Web eID: the key does not fit the algorithm"),
    (1222, "Web eID: signature refused by policy"),
    (1223, "Web eID: the signature does not verify"),
    (
        1224,
        "Web eID: the signing certificate does not belong with the token",
    ),
    (1225, "Web eID: invalid options"),
    // Web eID challenges.
    (
        1250,
        "Web eID challenge: not found (never issued or already used)",
    ),
    (1251, "Web eID challenge: expired"),
    (1252, "Web eID challenge: invalid store key"),
    (1253, "Web eID challenge: the store is full"),
    (1254, "Web eID challenge: the store failed"),
    // XML.
    (1300, "XML: not well-formed"),
    (
        1301,
        "XML: a document type declaration (DTD) is not accepted",
    ),
    (1302, "XML: a size, depth or count limit was exceeded"),
    (1303, "XML: an ID is carried by more than one element"),
    (1304, "XML: an XML feature imza does not implement"),
    (
        1305,
        "XML signature: elements missing, repeated or out of order",
    ),
    (1306, "XML signature: a reference names nothing"),
    (1307, "XML signature: a target is referenced more than once"),
    // ZIP containers.
    (1350, "container: malformed ZIP"),
    (1351, "container: unsafe entry name"),
    (1352, "container: duplicate entry name"),
    (
        1353,
        "container: a size, count or compression-ratio limit was exceeded",
    ),
    (1354, "container: an entry's CRC-32 does not match"),
    (
        1355,
        "container: unsupported ZIP feature (encryption, compression method)",
    ),
    (1356, "container: no such entry"),
    (1357, "container: malformed manifest"),
    (
        1358,
        "container: an entry's size differs from the directory's",
    ),
    (1359, "container: reading the container failed"),
    (1400, "PDF: malformed"),
    (1401, "PDF: a limit was exceeded"),
    (1402, "PDF: a feature that is not supported"),
    (1403, "PDF: a referenced object is missing"),
    (1404, "PDF: a dictionary key appears twice"),
];

#[cfg(test)]
mod tests;
