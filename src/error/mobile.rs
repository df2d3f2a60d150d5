//! What can go wrong in a mobile-ID session (`crate::mobile`), in words a portal can show to
//! the person.

use alloc::string::String;
use core::fmt;

use super::{Error, PathError};

/// A mobile-ID failure. The first group are the person's or the account's outcomes (show
/// them to the person); then the relying party's and the service's problems (log them, show
/// "try again later"); then responses imza refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MobileError {
    /// The person pressed Cancel (Mobile-ID `USER_CANCELLED`, Smart-ID `USER_REFUSED`).
    UserCancelled,
    /// The person refused on one Smart-ID screen (`USER_REFUSED_DISPLAYTEXTANDPIN`,
    /// `USER_REFUSED_VC_CHOICE`, `USER_REFUSED_CONFIRMATIONMESSAGE`, ...).
    UserRefused {
        /// The provider's result, naming the screen.
        result: String,
    },
    /// The person did not answer in time (the provider's `TIMEOUT`).
    Timeout,
    /// The person has no mobile ID with this provider (Mobile-ID `NOT_MID_CLIENT` or
    /// certificate `NOT_FOUND`, Smart-ID HTTP 404 for the person).
    NotMobileIdClient,
    /// The person's mobile-ID certificate exists but is not active (Mobile-ID certificate
    /// query `NOT_ACTIVE`).
    CertificateNotActive,
    /// The phone is off or out of coverage (Mobile-ID `PHONE_ABSENT`).
    PhoneAbsent,
    /// The SMS could not be delivered (Mobile-ID `DELIVERY_ERROR`).
    DeliveryError,
    /// The SIM card failed (Mobile-ID `SIM_ERROR`).
    SimError,
    /// The phone signed with a certificate other than the one the service has on record
    /// (Mobile-ID `SIGNATURE_HASH_MISMATCH`): the SIM needs replacing.
    SignatureHashMismatch,
    /// The person chose the wrong verification code (Smart-ID `WRONG_VC`).
    WrongVerificationCode,
    /// The Smart-ID account cannot be used (`DOCUMENT_UNUSABLE`).
    DocumentUnusable,
    /// The person's app cannot show the interaction asked for
    /// (`REQUIRED_INTERACTION_NOT_SUPPORTED_BY_APP`).
    InteractionNotSupported,
    /// The person has no account of the requested level (Smart-ID HTTP 471).
    NoSuitableAccount,
    /// The person must first open the Smart-ID app or portal (Smart-ID HTTP 472).
    ViewApp,
    /// The provider refuses this client version (Smart-ID HTTP 480).
    ClientTooOld,
    /// The service is under maintenance (Smart-ID HTTP 580).
    Maintenance,
    /// A terminal result imza does not know; never treated as success.
    UnknownResult {
        /// The result as sent.
        result: String,
    },
    /// The provider refused the request as malformed (HTTP 400).
    BadRequest {
        /// The provider's message.
        detail: String,
    },
    /// The relying party is not authorised (HTTP 401 or 403): wrong UUID or name, or the
    /// contract does not cover this operation.
    Unauthorized,
    /// The provider does not know the session (HTTP 404 while polling).
    SessionNotFound,
    /// The provider failed (HTTP 5xx) on every attempt.
    ServerError {
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// An HTTP status the provider's API does not define.
    UnexpectedStatus {
        /// The status.
        status: u16,
    },
    /// The exchange failed (connection refused, timeout, response too large).
    Transport {
        /// What happened; never credentials.
        reason: String,
    },
    /// The caller's overall deadline passed before the session ended.
    DeadlineExceeded,
    /// The caller cancelled.
    Cancelled,
    /// A request parameter is not acceptable (phone number, personal code, hash length).
    InvalidInput {
        /// Which parameter.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The display text is longer than the provider allows.
    DisplayTextTooLong {
        /// Its length in the encoding's units.
        length: usize,
        /// The limit.
        max: usize,
        /// The encoding (`GSM-7`, `UCS-2`, `UTF-8`).
        encoding: &'static str,
    },
    /// The display text has a character the encoding cannot carry (or a control character).
    DisplayTextNotEncodable {
        /// The character.
        character: char,
        /// The encoding.
        encoding: &'static str,
    },
    /// The provider's response could not be understood (not JSON, a field missing or of
    /// the wrong type, bad base64, a state out of order).
    Malformed {
        /// What was being read.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The returned signature does not verify over the hash sent, with the certificate.
    BadSignature,
    /// The returned signature is of another kind than the certificate's key or the hash sent.
    AlgorithmMismatch {
        /// What the response named.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// The certificate does not chain to the configured CAs for the purpose, or is not
    /// valid at the time.
    UntrustedCertificate(alloc::boxed::Box<PathError>),
    /// The certificate is not the person asked for.
    SubjectMismatch {
        /// Who was asked for.
        expected: String,
        /// Who the certificate names.
        found: String,
    },
    /// The signature came with another certificate than the one the signed attributes
    /// were built for.
    CertificateChanged,
}

impl MobileError {
    /// Whether this is the person's (or their account's) outcome rather than a fault of
    /// the relying party, the service or the response.
    pub fn is_person_outcome(&self) -> bool {
        matches!(
            self,
            Self::UserCancelled
                | Self::UserRefused { .. }
                | Self::Timeout
                | Self::NotMobileIdClient
                | Self::CertificateNotActive
                | Self::PhoneAbsent
                | Self::DeliveryError
                | Self::SimError
                | Self::SignatureHashMismatch
                | Self::WrongVerificationCode
                | Self::DocumentUnusable
                | Self::InteractionNotSupported
                | Self::NoSuitableAccount
                | Self::ViewApp
        )
    }

    /// A stable numeric code in the 700-799 block of [`crate::Error::code`]: 701-729 the
    /// person's or the account's outcomes, 730-739 the relying party's and the service's
    /// problems, 740-749 refused input, 750-769 responses imza refused. The path error in
    /// [`MobileError::UntrustedCertificate`] keeps this variant's code (762).
    pub const fn code(&self) -> u32 {
        match self {
            Self::UserCancelled => 701,
            Self::UserRefused { .. } => 702,
            Self::Timeout => 703,
            Self::NotMobileIdClient => 704,
            Self::PhoneAbsent => 705,
            Self::DeliveryError => 706,
            Self::SimError => 707,
            Self::SignatureHashMismatch => 708,
            Self::WrongVerificationCode => 709,
            Self::DocumentUnusable => 710,
            Self::InteractionNotSupported => 711,
            Self::NoSuitableAccount => 712,
            Self::ViewApp => 713,
            Self::ClientTooOld => 714,
            Self::Maintenance => 715,
            Self::UnknownResult { .. } => 716,
            Self::CertificateNotActive => 717,
            Self::BadRequest { .. } => 730,
            Self::Unauthorized => 731,
            Self::SessionNotFound => 732,
            Self::ServerError { .. } => 733,
            Self::UnexpectedStatus { .. } => 734,
            Self::Transport { .. } => 735,
            Self::DeadlineExceeded => 736,
            Self::Cancelled => 737,
            Self::InvalidInput { .. } => 740,
            Self::DisplayTextTooLong { .. } => 741,
            Self::DisplayTextNotEncodable { .. } => 742,
            Self::Malformed { .. } => 750,
            Self::BadSignature => 760,
            Self::AlgorithmMismatch { .. } => 761,
            Self::UntrustedCertificate(_) => 762,
            Self::SubjectMismatch { .. } => 763,
            Self::CertificateChanged => 764,
        }
    }

    pub(crate) fn malformed(what: &'static str, detail: impl fmt::Display) -> Self {
        Self::Malformed {
            what,
            detail: alloc::format!("{detail}"),
        }
    }
}

impl fmt::Display for MobileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UserCancelled => f.write_str("the person cancelled on the phone"),
            Self::UserRefused { result } => write!(f, "the person refused on the phone ({result})"),
            Self::Timeout => f.write_str("the person did not answer on the phone in time"),
            Self::NotMobileIdClient => f.write_str("the person has no mobile ID with this service"),
            Self::CertificateNotActive => f.write_str(
                "the person's mobile-ID certificate is not active; they should contact their operator",
            ),
            Self::PhoneAbsent => f.write_str("the phone is off or out of coverage"),
            Self::DeliveryError => f.write_str("the request could not be delivered to the phone"),
            Self::SimError => f.write_str("the SIM card failed; the person should contact their operator"),
            Self::SignatureHashMismatch => f.write_str(
                "the phone signed with another certificate than the service has on record; \
                 the SIM card must be replaced",
            ),
            Self::WrongVerificationCode => f.write_str("the person chose the wrong verification code"),
            Self::DocumentUnusable => f.write_str("the person's Smart-ID account cannot be used; they should check the app"),
            Self::InteractionNotSupported => f.write_str("the person's app cannot show this request; it may need an update"),
            Self::NoSuitableAccount => f.write_str("the person has no account of the requested level"),
            Self::ViewApp => f.write_str("the person must open the Smart-ID app or portal first"),
            Self::ClientTooOld => f.write_str("the service refuses this client version"),
            Self::Maintenance => f.write_str("the service is under maintenance; try again later"),
            Self::UnknownResult { result } => write!(f, "the service ended the session with an unknown result {result:?}"),
            Self::BadRequest { detail } => write!(f, "the service refused the request as malformed (HTTP 400): {detail}"),
            Self::Unauthorized => f.write_str("the service does not accept this relying party (HTTP 401/403): check the relying-party UUID and name"),
            Self::SessionNotFound => f.write_str("the service does not know the session (HTTP 404)"),
            Self::ServerError { status, attempts } => {
                write!(f, "the service failed with HTTP {status} ({attempts} attempts); try again later")
            }
            Self::UnexpectedStatus { status } => write!(f, "the service answered with unexpected HTTP {status}"),
            Self::Transport { reason } => write!(f, "could not reach the service: {reason}"),
            Self::DeadlineExceeded => f.write_str("gave up waiting for the phone (deadline passed)"),
            Self::Cancelled => f.write_str("cancelled"),
            Self::InvalidInput { what, detail } => write!(f, "invalid {what}: {detail}"),
            Self::DisplayTextTooLong { length, max, encoding } => {
                write!(f, "display text is {length} {encoding} units long; at most {max} fit")
            }
            Self::DisplayTextNotEncodable { character, encoding } => {
                write!(f, "display text character {character:?} (U+{:04X}) cannot be sent as {encoding}", u32::from(*character))
            }
            Self::Malformed { what, detail } => write!(f, "malformed {what} from the service: {detail}"),
            Self::BadSignature => f.write_str("the returned signature does not verify over the hash sent with the certificate"),
            Self::AlgorithmMismatch { found, expected } => {
                write!(f, "the returned signature is {found}, expected {expected}")
            }
            Self::UntrustedCertificate(e) => write!(f, "the returned certificate is not trusted: {e}"),
            Self::SubjectMismatch { expected, found } => {
                write!(f, "the certificate is for {found:?}, not the person asked for ({expected:?})")
            }
            Self::CertificateChanged => f.write_str("the signature came with another certificate than the one fetched before signing"),
        }
    }
}

impl core::error::Error for MobileError {}

impl From<MobileError> for Error {
    fn from(e: MobileError) -> Self {
        Self::Mobile(e)
    }
}
