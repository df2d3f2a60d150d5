//! Mobile ID: signing and login with a phone (Estonian Mobile-ID, Smart-ID, and services
//! built the same way, such as Azerbaijan's ASAN Imza).
//!
//! The relying party sends a hash, the person compares a verification code and confirms
//! on the phone, and the relying party receives a signature and the certificate. The pieces:
//! - [`Provider`]: one service's API as pure request builders and response parsers
//!   ([`mid::MobileId`], [`smartid::SmartId`]); a new service is one module implementing it;
//! - [`Session`]: the sans-IO state machine (start, long poll, retries, deadline,
//!   cancellation) that says what to send and when, and never sleeps;
//! - [`run`]: drives a session over a [`Transport`](crate::transport::Transport) and a
//!   [`Clock`]; `SystemClock` is the blocking clock (with the `http` feature);
//! - [`validate`]: checks the outcome (signature over the hash sent, chain to the
//!   configured CAs for the purpose, the person asked for);
//! - [`MobileSigner`]: the [`Signer`](crate::crypto::Signer) for CAdES (and later XAdES and
//!   PAdES); [`authenticate`]: a login;
//! - [`code`], [`display`]: verification codes and display-text rules.

pub mod code;
pub mod display;
pub mod mid;
mod session;
mod signer;
pub mod smartid;
mod validate;

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

pub use crate::error::MobileError;
pub use code::VerificationCode;
#[cfg(feature = "http")]
pub use session::SystemClock;
pub use session::{run, Action, CancelToken, Clock, Config, Session};
pub use signer::{authenticate, Authenticated, Client, LoginReport, MobileSigner, SignerOptions};
pub use validate::{identity, validate, Expect, Identity, Trust, Validated};

use crate::crypto::{DigestValue, HashAlgorithm};
use crate::transport::{Method, Request, Response};

/// Who is asked to sign or log in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Person {
    /// Mobile-ID: the phone number (`+372...`) and the national identity number.
    Phone {
        /// E.164 with the leading `+`.
        phone: String,
        /// The national identity number registered with the phone.
        national_id: String,
    },
    /// Smart-ID: an ETSI EN 319 412-1 semantics identifier (`PNOEE-30303039914`).
    Etsi(String),
    /// Smart-ID: a document number (`PNOEE-30303039914-MOCK-Q`), as returned by an earlier
    /// certificate choice.
    Document(String),
}

impl Person {
    /// Checks the identifiers' shape, so that nothing odd reaches a URL or a request body.
    pub fn check(&self) -> Result<(), MobileError> {
        let ident = |what: &'static str, s: &str, max: usize| {
            let ok = !s.is_empty()
                && s.len() <= max
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if ok {
                Ok(())
            } else {
                Err(MobileError::InvalidInput {
                    what,
                    detail: alloc::format!(
                        "expected 1 to {max} ASCII letters, digits or hyphens, got {} characters",
                        s.chars().count()
                    ),
                })
            }
        };
        match self {
            Self::Phone { phone, national_id } => {
                let digits = phone.strip_prefix('+').unwrap_or("");
                if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(MobileError::InvalidInput {
                        what: "phone number",
                        detail: "expected + and 7 to 15 digits (E.164)".into(),
                    });
                }
                ident("national identity number", national_id, 32)
            }
            Self::Etsi(s) => ident("semantics identifier", s, 64),
            Self::Document(s) => ident("document number", s, 64),
        }
    }

    /// The identifier as the person knows it, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Phone { national_id, .. } => national_id.clone(),
            Self::Etsi(s) | Self::Document(s) => s.clone(),
        }
    }
}

/// The relying party's credentials. The UUID is a shared secret with the provider: it is
/// zeroized on drop and never appears in `Debug` output, errors or URLs.
#[derive(Clone)]
pub struct RelyingParty {
    uuid: zeroize::Zeroizing<String>,
    name: String,
}

impl RelyingParty {
    /// The relying party's UUID and registered name.
    pub fn new(uuid: &str, name: &str) -> Result<Self, MobileError> {
        let uuid_ok = uuid.len() == 36
            && uuid.bytes().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if !uuid_ok {
            return Err(MobileError::InvalidInput {
                what: "relying-party UUID",
                detail: "expected 8-4-4-4-12 hexadecimal digits".into(),
            });
        }
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(MobileError::InvalidInput {
                what: "relying-party name",
                detail: "expected 1 to 100 characters without control characters".into(),
            });
        }
        Ok(Self {
            uuid: zeroize::Zeroizing::new(uuid.into()),
            name: name.into(),
        })
    }

    pub(crate) fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The registered name (public: it is shown to the person).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl core::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RelyingParty")
            .field("uuid", &"<redacted>")
            .field("name", &self.name)
            .finish()
    }
}

/// What a session does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Fetch the person's signing certificate (needed to build signed attributes).
    Certificate,
    /// Sign a hash with the signing key.
    Sign,
    /// Sign a random hash with the authentication key.
    Authenticate,
}

/// The language of the prompt (Mobile-ID sends it; Smart-ID apps use their own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// Estonian.
    Est,
    /// English.
    #[default]
    Eng,
    /// Russian.
    Rus,
    /// Lithuanian.
    Lit,
}

impl Language {
    /// The API spelling (`EST`, `ENG`, `RUS`, `LIT`).
    pub const fn api_name(self) -> &'static str {
        match self {
            Self::Est => "EST",
            Self::Eng => "ENG",
            Self::Rus => "RUS",
            Self::Lit => "LIT",
        }
    }
}

/// What to start.
#[derive(Clone, Debug)]
pub struct Start {
    /// The operation.
    pub operation: Operation,
    /// The hash to sign (not for [`Operation::Certificate`]).
    pub hash: Option<DigestValue>,
    /// The text shown on the phone.
    pub display_text: Option<String>,
    /// The prompt language.
    pub language: Language,
}

impl Start {
    /// Fetch the signing certificate.
    pub fn certificate() -> Self {
        Self {
            operation: Operation::Certificate,
            hash: None,
            display_text: None,
            language: Language::default(),
        }
    }

    /// Sign `hash`.
    pub fn sign(hash: DigestValue) -> Self {
        Self {
            operation: Operation::Sign,
            hash: Some(hash),
            display_text: None,
            language: Language::default(),
        }
    }

    /// Authenticate over `hash`: random bytes of the hash's length (see [`random_hash`]).
    pub fn authenticate(hash: DigestValue) -> Self {
        Self {
            operation: Operation::Authenticate,
            hash: Some(hash),
            display_text: None,
            language: Language::default(),
        }
    }

    /// With a display text.
    pub fn with_display_text(mut self, text: impl Into<String>) -> Self {
        self.display_text = Some(text.into());
        self
    }

    /// With a prompt language.
    pub fn with_language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }
}

/// Wraps a hash computed elsewhere (`bytes` must be `alg.output_len()` long).
pub fn hash_value(alg: HashAlgorithm, bytes: &[u8]) -> Result<DigestValue, MobileError> {
    if bytes.len() != alg.output_len() || alg == HashAlgorithm::Sha1 {
        return Err(MobileError::InvalidInput {
            what: "hash",
            detail: alloc::format!(
                "{} bytes of {alg}; mobile ID takes SHA-256, SHA-384 or SHA-512 values",
                bytes.len()
            ),
        });
    }
    Ok(DigestValue::from_precomputed(alg, bytes))
}

/// A random value to authenticate over: the challenge of a mobile-ID login (fresh for every
/// login, so a signature cannot be replayed).
#[cfg(feature = "rand")]
pub fn random_hash(alg: HashAlgorithm) -> Result<DigestValue, MobileError> {
    let mut buf = zeroize::Zeroizing::new([0u8; 64]);
    let n = alg.output_len();
    let slot = buf.get_mut(..n).unwrap_or_default();
    getrandom::getrandom(slot).map_err(|e| MobileError::InvalidInput {
        what: "randomness",
        detail: alloc::format!("no randomness for a challenge: {e}"),
    })?;
    hash_value(alg, slot)
}

/// One HTTP request a provider built, owned by the session until it is sent. `Debug`
/// shows the method and URL only: the body carries the relying-party UUID.
#[derive(Clone)]
pub struct Outgoing {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// JSON body (empty for GET).
    pub body: zeroize::Zeroizing<Vec<u8>>,
    /// Time allowed for the exchange.
    pub timeout: Duration,
}

/// JSON in, JSON out.
const JSON_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/json; charset=UTF-8"),
    ("Accept", "application/json"),
];

/// Largest provider response accepted: a certificate and a signature fit in a few KiB.
pub const MAX_RESPONSE_LEN: usize = 64 * 1024;

impl Outgoing {
    /// The request for a [`Transport`](crate::transport::Transport).
    pub fn request(&self) -> Request<'_> {
        Request {
            method: self.method,
            url: &self.url,
            headers: if self.method == Method::Post {
                JSON_HEADERS
            } else {
                JSON_HEADERS.get(1..).unwrap_or_default()
            },
            body: &self.body,
            timeout: self.timeout,
            max_response_len: MAX_RESPONSE_LEN,
        }
    }
}

impl Outgoing {
    /// A GET (a poll).
    pub(crate) fn get(url: String, timeout: Duration) -> Self {
        Self {
            method: Method::Get,
            url,
            body: zeroize::Zeroizing::new(Vec::new()),
            timeout,
        }
    }

    /// A POST of `body` as JSON.
    pub(crate) fn post_json(
        url: String,
        body: &impl serde::Serialize,
        timeout: Duration,
    ) -> Result<Self, MobileError> {
        let body = serde_json::to_vec(body).map_err(|e| MobileError::malformed("request", e))?;
        Ok(Self {
            method: Method::Post,
            url,
            body: zeroize::Zeroizing::new(body),
            timeout,
        })
    }
}

impl core::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Outgoing")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body", &alloc::format!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// What starting an operation gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Started {
    /// A session to poll.
    Session(String),
    /// The answer itself (Mobile-ID's certificate query).
    Done(Completed),
}

/// What one poll gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Polled {
    /// Still waiting for the person.
    Running,
    /// Finished successfully; failures are [`MobileError`]s.
    Done(Completed),
}

/// A successful end of a session, as the provider sent it, before [`validate`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Completed {
    /// The certificate (DER), when the provider returned one.
    pub certificate: Option<Vec<u8>>,
    /// The signature value as sent, when there is one.
    pub signature: Option<Vec<u8>>,
    /// The provider's name for the signature algorithm.
    pub signature_algorithm: Option<String>,
    /// Smart-ID: the document number that answered.
    pub document_number: Option<String>,
}

/// One mobile-ID service's API: request builders and response parsers, no I/O.
///
/// A session asks the provider for the start request, then for polls while the answer is
/// [`Polled::Running`]. Terminal failures, HTTP errors included, come back as the
/// provider's mapping to [`MobileError`].
pub trait Provider {
    /// The service's name, for messages.
    fn name(&self) -> &'static str;

    /// The request starting `start` for `person`. Checks the display text and the person's
    /// identifiers first.
    fn start(
        &self,
        rp: &RelyingParty,
        person: &Person,
        start: &Start,
        timeout: Duration,
    ) -> Result<Outgoing, MobileError>;

    /// Reads the answer to the start request.
    fn parse_start(&self, operation: Operation, resp: &Response) -> Result<Started, MobileError>;

    /// The long-poll request for `session`, asking the server to hold it up to
    /// `server_timeout`; the HTTP exchange is allowed `http_timeout` (longer).
    fn poll(
        &self,
        operation: Operation,
        session: &str,
        server_timeout: Duration,
        http_timeout: Duration,
    ) -> Outgoing;

    /// Reads one poll answer.
    fn parse_poll(&self, operation: Operation, resp: &Response) -> Result<Polled, MobileError>;

    /// The verification code for `hash`.
    fn verification_code(&self, hash: &[u8]) -> VerificationCode;

    /// Shortest and longest server-side long-poll the API accepts.
    fn poll_bounds(&self) -> (Duration, Duration) {
        (Duration::from_secs(1), Duration::from_secs(120))
    }
}

/// The base URL without a trailing slash, checked to be http(s) and free of credentials
/// and queries (a base URL is logged in errors).
pub(crate) fn check_base_url(url: &str) -> Result<String, MobileError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let bad = |d: &str| MobileError::InvalidInput {
        what: "service URL",
        detail: d.into(),
    };
    let rest = rest.ok_or_else(|| bad("expected an http:// or https:// URL"))?;
    if rest.is_empty()
        || rest.contains(['@', '?', '#'])
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(
            "expected scheme://host[:port]/path without user info, query or fragment",
        ));
    }
    Ok(url.trim_end_matches('/').into())
}

/// The `hashType` both Estonian APIs use.
pub(crate) fn hash_type(alg: HashAlgorithm, service: &str) -> Result<&'static str, MobileError> {
    match alg {
        HashAlgorithm::Sha256 => Ok("SHA256"),
        HashAlgorithm::Sha384 => Ok("SHA384"),
        HashAlgorithm::Sha512 => Ok("SHA512"),
        other => Err(MobileError::InvalidInput {
            what: "hash",
            detail: alloc::format!("{service} does not sign {other}"),
        }),
    }
}

/// A terminal result no mapping knows, kept short and printable for messages.
pub(crate) fn unknown_result(result: &str) -> MobileError {
    MobileError::UnknownResult {
        result: result
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect(),
    }
}

/// Reads a `{"sessionID": ...}` answer. The ID goes into a URL path, so only what the APIs
/// issue (a UUID) is accepted.
pub(crate) fn session_started(what: &'static str, resp: &Response) -> Result<Started, MobileError> {
    #[derive(serde::Deserialize)]
    struct SessionId {
        #[serde(rename = "sessionID")]
        session_id: String,
    }
    let r: SessionId = json(what, resp)?;
    let id = r.session_id;
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(MobileError::malformed(
            "session ID",
            "expected up to 64 letters, digits or hyphens",
        ));
    }
    Ok(Started::Session(id))
}

/// A session `state`: `false` for RUNNING, `true` for COMPLETE, anything else malformed.
pub(crate) fn complete(what: &'static str, state: &str) -> Result<bool, MobileError> {
    match state {
        "RUNNING" => Ok(false),
        "COMPLETE" => Ok(true),
        other => Err(MobileError::malformed(
            what,
            alloc::format!(
                "unknown state {:?}",
                other.chars().take(32).collect::<String>()
            ),
        )),
    }
}

/// Decodes standard base64 from a response field.
pub(crate) fn b64(what: &'static str, s: &str) -> Result<Vec<u8>, MobileError> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(s.trim()).map_err(|e| MobileError::malformed(what, e))
}

/// Encodes standard base64.
pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// Parses a JSON body of a successful response.
pub(crate) fn json<'a, T: serde::Deserialize<'a>>(
    what: &'static str,
    resp: &'a Response,
) -> Result<T, MobileError> {
    serde_json::from_slice(&resp.body).map_err(|e| MobileError::malformed(what, e))
}

/// The HTTP statuses both Estonian APIs share; `not_found` is what a 404 means where it
/// came (an unknown session while polling, an unknown person when starting).
pub(crate) fn http_error(resp: &Response, not_found: MobileError) -> MobileError {
    match resp.status {
        400 => MobileError::BadRequest {
            detail: error_detail(resp),
        },
        401 | 403 => MobileError::Unauthorized,
        404 => not_found,
        s @ 500..=599 => MobileError::ServerError {
            status: s,
            attempts: 1,
        },
        s => MobileError::UnexpectedStatus { status: s },
    }
}

/// The `error`/`message` of an error body, shortened, for [`MobileError::BadRequest`].
pub(crate) fn error_detail(resp: &Response) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        error: Option<String>,
        message: Option<String>,
    }
    let text = serde_json::from_slice::<Body>(&resp.body)
        .ok()
        .and_then(|b| b.error.or(b.message))
        .unwrap_or_default();
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "5d1c7a3e-0b4f-4c55-9e1a-2f9d3c4b5a6e";

    #[test]
    fn relying_party_uuid_checked_and_never_shown() {
        assert!(RelyingParty::new("not-a-uuid", "DEMO").is_err());
        assert!(RelyingParty::new(UUID, "").is_err());
        assert!(RelyingParty::new(UUID, "a\nb").is_err());
        let rp = RelyingParty::new(UUID, "DEMO").unwrap();
        assert!(!alloc::format!("{rp:?}").contains(UUID));
        let p = mid::MobileId::new("https://mid.example/mid-api/").unwrap();
        let person = Person::Phone {
            phone: "+37200000766".into(),
            national_id: "60001019906".into(),
        };
        let out = p
            .start(&rp, &person, &Start::certificate(), Duration::from_secs(5))
            .unwrap();
        assert_eq!(out.url, "https://mid.example/mid-api/certificate");
        // The body carries the UUID (the API wants it there); Debug output does not.
        assert!(core::str::from_utf8(&out.body).unwrap().contains(UUID));
        assert!(!alloc::format!("{out:?}").contains(UUID));
        assert!(!alloc::format!("{:?}", out.request()).contains(UUID));
    }

    #[test]
    fn identifiers_checked_before_they_reach_a_url() {
        let ok = Person::Phone {
            phone: "+37200000766".into(),
            national_id: "60001019906".into(),
        };
        assert!(ok.check().is_ok());
        for (phone, id) in [
            ("37200000766", "60001019906"),
            ("+372", "60001019906"),
            ("+3720000076a", "60001019906"),
            ("+37200000766", ""),
            ("+37200000766", "6000/../x"),
        ] {
            let p = Person::Phone {
                phone: phone.into(),
                national_id: id.into(),
            };
            assert!(p.check().is_err(), "{phone} {id}");
        }
        assert!(Person::Etsi("PNOEE-30303039914".into()).check().is_ok());
        assert!(Person::Etsi("PNOEE-3030?x=1".into()).check().is_err());
        assert!(Person::Document("a/b".into()).check().is_err());
    }

    #[test]
    fn base_urls() {
        assert!(check_base_url("https://sid.example/v2").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/mid-api").is_ok());
        for bad in [
            "ftp://x",
            "https://user:pw@x/v2",
            "https://x/v2?key=1",
            "https://",
            "x",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hashes() {
        assert!(hash_value(HashAlgorithm::Sha256, &[0; 32]).is_ok());
        assert!(hash_value(HashAlgorithm::Sha256, &[0; 31]).is_err());
        assert!(hash_value(HashAlgorithm::Sha1, &[0; 20]).is_err());
    }
}
