//! Certificate login tokens in the Web eID format (`web-eid:1.0` and `web-eid:1.1`): an
//! ID card in a browser signs a challenge from the portal, and the portal learns who logged
//! in.
//!
//! The token is JSON, not a JWS ([`WebEidToken`] describes it). What the card signs
//! is `H(origin) || H(challenge)`, `H` the hash named by the algorithm's last three digits,
//! the origin as text (`https://host[:port]`) and the challenge as its base64 text. Neither
//! is in the token: a signature that verifies proves both.
//!
//! [`validate`] runs the checks in this order, each failure its own [`WebEidError`]
//! variant:
//!
//! 1. origin and challenge well formed (the caller's inputs);
//! 2. token length 100 to 10 000 characters, JSON shape, `format` `web-eid:1[.N]`,
//!    required fields, strict base64, size limits ([`parse`]);
//! 3. the certificate parses;
//! 4. keyUsage present with digitalSignature; extendedKeyUsage, when present, has
//!    clientAuth;
//! 5. no certificate policy from [`WebEidOptions::disallowed_policies`] (by default the
//!    Estonian mobile-ID policies, as the Web eID reference validators);
//! 6. the certificate valid at the validation time and chaining to a trusted CA then
//!    ([`crate::path`], purpose [`Purpose::Authentication`]; format 1.1 may bring the
//!    intermediates);
//! 7. OCSP through [`crate::revocation`], per [`RevocationMode`]: responder authorised by
//!    the CA, nonce echoed when one was sent, `thisUpdate` at most 15 minutes after and at
//!    most 2 minutes before the validation time, status good;
//! 8. the signature (ECDSA as raw `r || s`, RSA PKCS#1 v1.5 or PSS), through
//!    [`crypto::verify_jose`], which also binds `ES256`/`ES384`/`ES512` to their curves;
//! 9. format 1.1: each signing certificate has the same subject and issuing CA key as the
//!    authentication certificate, nonRepudiation, and a chain to a trusted CA.
//!
//! The result, [`AuthenticatedPerson`], gives the names and the personal code from the
//! certificate subject (a [`Person`]).
//!
//! Challenges are made and kept single use by [`challenge`]: [`Challenge`],
//! [`ChallengeStore`], [`MemoryChallengeStore`] and, with the `redis` feature,
//! `RedisChallengeStore`.
//!
//! ```no_run
//! use imza::time::UnixTime;
//! use imza::trust::TrustStore;
//! use imza::webeid::{self, Challenge, ChallengeStore, MemoryChallengeStore, RevocationMode,
//!                    WebEidOptions};
//!
//! # fn demo(random: [u8; 32], now: UnixTime, session: &str, token_json: &[u8],
//! #         trust: &TrustStore, ocsp_response: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryChallengeStore::new();
//! // Login page: a fresh challenge for this session, sent to the browser.
//! let challenge = Challenge::from_random(&random, now);
//! store.put(session, &challenge)?;
//! // The token comes back: take the challenge (once) and validate.
//! let challenge = store.take(session, now)?;
//! let opts = WebEidOptions::new(now, RevocationMode::Offline { ocsp_responses: vec![ocsp_response] });
//! let login = webeid::validate(token_json, "https://portal.example", &challenge.nonce, trust, &opts)?;
//! let who = &login.person;
//! println!("{:?} {:?}: {:?}", who.given_name, who.surname, who.personal_code);
//! # Ok(()) }
//! ```

pub mod challenge;
#[cfg(feature = "redis")]
mod redis_store;
mod token;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use const_oid::db::rfc5280 as o5280;
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::Decode;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, KeyUsages};

pub use crate::error::WebEidError;
pub use challenge::{Challenge, ChallengeError, ChallengeStore, MemoryChallengeStore};
#[cfg(feature = "redis")]
pub use redis_store::RedisChallengeStore;
pub use token::{
    parse, SigningCertificate, SupportedSignatureAlgorithm, WebEidToken, ALGORITHMS,
    MAX_INTERMEDIATES, MAX_SIGNING_CERTIFICATES, MAX_SUPPORTED_ALGORITHMS, MAX_TOKEN_CERT_LEN,
    TOKEN_MAX_LEN, TOKEN_MIN_LEN,
};

use crate::cert::{person, Person};
use crate::crypto::{self, SignatureAlgorithm};
use crate::error::Error;
use crate::path::{self, subject_of, ParsedCert, Purpose, ValidPath};
use crate::revocation::{self, Evidence, Source};
use crate::time::UnixTime;
use crate::transport::Transport;
use crate::trust::TrustStore;

/// The Estonian mobile-ID certificate policies (SK ID Solutions, `1.3.6.1.4.1.10015.1.3`
/// and its versions 1-3). A mobile-ID authentication certificate has the same key usage as
/// an ID card's; the Web eID reference validators refuse these policies by default so that
/// a mobile-ID certificate cannot log in as a card, and so does [`WebEidOptions::new`].
pub const ESTEID_MOBILE_ID_POLICIES: [ObjectIdentifier; 4] = [
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.10015.1.3"),
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.10015.1.3.1"),
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.10015.1.3.2"),
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.10015.1.3.3"),
];

/// Longest challenge accepted, bytes. Web eID challenges are 44 characters.
pub const MAX_CHALLENGE_LEN: usize = 1024;
/// Longest origin accepted, bytes.
pub const MAX_ORIGIN_LEN: usize = 2048;

/// How the certificate's revocation status is established.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationMode {
    /// Not checked; the result says [`RevocationCheck::NotChecked`]. For tests with
    /// recorded tokens whose responders cannot be asked again, or when the portal checks
    /// elsewhere.
    Off,
    /// OCSP responses the caller supplies (DER, `application/ocsp-response`), nothing
    /// fetched. No nonce can be checked: the responses must be fresh by `thisUpdate`.
    Offline {
        /// The responses; the one for the certificate is picked by CertID.
        ocsp_responses: Vec<Vec<u8>>,
    },
    /// Ask the OCSP responder the certificate names (AIA), through the transport given to
    /// [`validate_with_transport`], with a request nonce when one is given (1 to 32 random
    /// bytes from the caller; the response must echo it).
    Online {
        /// The request nonce.
        nonce: Option<Vec<u8>>,
    },
}

impl RevocationMode {
    /// [`RevocationMode::Online`] with a 32-byte nonce from the operating system's generator.
    #[cfg(feature = "rand")]
    pub fn online_with_random_nonce() -> Result<Self, Error> {
        let mut nonce = alloc::vec![0u8; 32];
        getrandom::getrandom(&mut nonce).map_err(|e| Error::SigningFailed {
            reason: alloc::format!("no randomness for an OCSP nonce: {e}"),
        })?;
        Ok(Self::Online { nonce: Some(nonce) })
    }
}

/// How to validate a token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WebEidOptions {
    /// The validation time (usually now; the core reads no clock).
    pub time: UnixTime,
    /// How revocation is checked.
    pub revocation: RevocationMode,
    /// Certificate policies that must not log in ([`ESTEID_MOBILE_ID_POLICIES`] by default).
    pub disallowed_policies: Vec<ObjectIdentifier>,
    /// How far after the validation time an OCSP `thisUpdate` may be (clock skew), seconds.
    /// Default 900 (15 minutes).
    pub ocsp_time_skew_secs: u64,
    /// How far before the validation time an OCSP `thisUpdate` may be, seconds. Default 120:
    /// a login wants the status now, not a cached one.
    pub ocsp_max_this_update_age_secs: u64,
    /// Acceptable algorithms and key sizes for the chain and OCSP.
    pub crypto_policy: crypto::Policy,
    /// Path-building work limits.
    pub budget: path::Budget,
}

impl WebEidOptions {
    /// Validation at `time` with `revocation`, the default disallowed policies, OCSP skew
    /// 15 minutes and maximum age 2 minutes (as the Web eID reference validators), and the
    /// strict crypto policy.
    pub fn new(time: UnixTime, revocation: RevocationMode) -> Self {
        Self {
            time,
            revocation,
            disallowed_policies: ESTEID_MOBILE_ID_POLICIES.to_vec(),
            ocsp_time_skew_secs: 15 * 60,
            ocsp_max_this_update_age_secs: 2 * 60,
            crypto_policy: crypto::Policy::STRICT,
            budget: path::Budget::default(),
        }
    }
}

/// What the revocation check found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
#[non_exhaustive]
pub enum RevocationCheck {
    /// [`RevocationMode::Off`]: not checked.
    NotChecked,
    /// An OCSP responder said "good" at the validation time.
    Good {
        /// The response's details.
        evidence: Evidence,
    },
}

/// The authentication certificate, as validated.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CertificateInfo {
    /// Subject (RFC 4514).
    pub subject: String,
    /// Issuer (RFC 4514).
    pub issuer: String,
    /// Serial number, upper-case hex.
    pub serial_number: String,
    /// notBefore.
    pub not_before: UnixTime,
    /// notAfter.
    pub not_after: UnixTime,
    /// The trust anchor the chain ended in (subject).
    pub trust_anchor: String,
    /// The certificate, DER (base64 in JSON).
    #[serde(serialize_with = "token::ser_base64")]
    pub der: Vec<u8>,
}

/// The token's own fields.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TokenInfo {
    /// `format`.
    pub format: String,
    /// `algorithm`.
    pub algorithm: String,
    /// `appVersion`, when given.
    pub app_version: Option<String>,
}

/// Who logged in: the result of [`validate`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AuthenticatedPerson {
    /// The names and the personal code from the certificate subject (flattened into this
    /// object in JSON).
    #[serde(flatten)]
    pub person: Person,
    /// The authentication certificate.
    pub certificate: CertificateInfo,
    /// The token.
    pub token: TokenInfo,
    /// The validation time.
    pub validation_time: UnixTime,
    /// The revocation check.
    pub revocation: RevocationCheck,
    /// `web-eid:1.1`: the card's signing certificates, checked to belong to the same person
    /// and CA.
    pub signing_certificates: Vec<SigningCertificate>,
}

/// A certificate that passed steps 3-7 of [`validate`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CertificateCheck {
    /// The authentication certificate.
    pub certificate: ParsedCert,
    /// The validated path, leaf first.
    pub path: ValidPath,
    /// The revocation check.
    pub revocation: RevocationCheck,
}

/// Validates a Web eID token for `origin` and `challenge` (the nonce the portal issued and
/// has just taken out of its [`ChallengeStore`]) against the CAs in `trust`, at
/// `opts.time`. Revocation per `opts.revocation`; [`RevocationMode::Online`] needs
/// [`validate_with_transport`].
pub fn validate(
    token_json: &[u8],
    origin: &str,
    challenge: &str,
    trust: &TrustStore,
    opts: &WebEidOptions,
) -> Result<AuthenticatedPerson, WebEidError> {
    validate_inner(token_json, origin, challenge, trust, opts, None)
}

/// [`validate`] with a transport for [`RevocationMode::Online`].
pub fn validate_with_transport(
    token_json: &[u8],
    origin: &str,
    challenge: &str,
    trust: &TrustStore,
    opts: &WebEidOptions,
    transport: &dyn Transport,
) -> Result<AuthenticatedPerson, WebEidError> {
    validate_inner(token_json, origin, challenge, trust, opts, Some(transport))
}

fn validate_inner(
    token_json: &[u8],
    origin: &str,
    challenge: &str,
    trust: &TrustStore,
    opts: &WebEidOptions,
    transport: Option<&dyn Transport>,
) -> Result<AuthenticatedPerson, WebEidError> {
    check_origin(origin)?;
    check_challenge(challenge)?;
    let token = parse(token_json)?;
    validate_token(&token, origin, challenge, trust, opts, transport)
}

/// [`validate`] for a token already [`parse`]d.
pub fn validate_token(
    token: &WebEidToken,
    origin: &str,
    challenge: &str,
    trust: &TrustStore,
    opts: &WebEidOptions,
    transport: Option<&dyn Transport>,
) -> Result<AuthenticatedPerson, WebEidError> {
    check_origin(origin)?;
    check_challenge(challenge)?;
    let intermediates: Vec<&[u8]> = token
        .intermediate_certificates
        .iter()
        .map(Vec::as_slice)
        .collect();
    let checked = check_certificate_inner(
        &token.certificate,
        &intermediates,
        "unverifiedIntermediateCertificates",
        trust,
        opts,
        transport,
    )?;
    let leaf = &checked.certificate;
    verify_with_cert(token, leaf, origin, challenge)?;
    for sc in &token.signing_certificates {
        check_signing_certificate(leaf, sc, trust, opts)?;
    }
    Ok(person(token, leaf, &checked, opts.time))
}

/// Checks only the signature of a parsed token over `origin` and `challenge` with the key
/// of its own (unverified) certificate. This proves nothing about who signed: use
/// [`validate`] for a login. For diagnosing tokens and for test vectors without their CA.
pub fn verify_signature(
    token: &WebEidToken,
    origin: &str,
    challenge: &str,
) -> Result<(), WebEidError> {
    check_origin(origin)?;
    check_challenge(challenge)?;
    let cert = parse_cert(&token.certificate, "unverifiedCertificate")?;
    verify_with_cert(token, &cert, origin, challenge)
}

/// Steps 3-7 of [`validate`] for an authentication certificate (DER) and untrusted
/// intermediates: purpose, policies, validity, chain and revocation, without a token.
pub fn check_certificate(
    cert_der: &[u8],
    intermediates: &[&[u8]],
    trust: &TrustStore,
    opts: &WebEidOptions,
    transport: Option<&dyn Transport>,
) -> Result<CertificateCheck, WebEidError> {
    check_certificate_inner(
        cert_der,
        intermediates,
        "intermediates",
        trust,
        opts,
        transport,
    )
}

fn check_certificate_inner(
    cert_der: &[u8],
    intermediates: &[&[u8]],
    intermediates_field: &'static str,
    trust: &TrustStore,
    opts: &WebEidOptions,
    transport: Option<&dyn Transport>,
) -> Result<CertificateCheck, WebEidError> {
    // 3. The certificate parses.
    let cert = parse_cert(cert_der, "unverifiedCertificate")?;
    // 4. Purpose.
    let ku = cert
        .key_usage
        .as_ref()
        .ok_or(WebEidError::MissingKeyUsage)?;
    if !ku.0.contains(KeyUsages::DigitalSignature) {
        return Err(WebEidError::WrongPurpose {
            reason: "keyUsage lacks digitalSignature",
        });
    }
    if let Some((ekus, _)) = &cert.ext_key_usage {
        // An empty or absent EKU: an authentication certificate (Luxembourg's cards).
        if !ekus.is_empty() && !ekus.contains(&o5280::ID_KP_CLIENT_AUTH) {
            return Err(WebEidError::WrongPurpose {
                reason: "extendedKeyUsage lacks clientAuth",
            });
        }
    }
    // 5. Policies.
    if let Some(p) = cert
        .policies
        .iter()
        .find(|p| opts.disallowed_policies.contains(p))
    {
        return Err(WebEidError::DisallowedPolicy {
            policy: p.to_string(),
        });
    }
    // 6. Validity of the certificate itself first, for a plain message; then the chain,
    // which checks every certificate's validity again, the CA's included.
    if opts.time < cert.not_before {
        return Err(WebEidError::CertificateNotYetValid {
            subject: subject_of(&cert),
            not_before: cert.not_before,
        });
    }
    if opts.time > cert.not_after {
        return Err(WebEidError::CertificateExpired {
            subject: subject_of(&cert),
            not_after: cert.not_after,
        });
    }
    let pool = intermediates
        .iter()
        .map(|d| parse_cert(d, intermediates_field))
        .collect::<Result<Vec<_>, _>>()?;
    let mut path_opts = path::Options::new(opts.time, Purpose::Authentication);
    path_opts.crypto_policy = opts.crypto_policy;
    path_opts.budget = opts.budget;
    let path = path::validate_parsed(cert.clone(), &pool, trust, &path_opts)
        .map_err(WebEidError::from_path)?;
    // 7. Revocation.
    let revocation = check_revocation(&path, opts, transport)?;
    Ok(CertificateCheck {
        certificate: cert,
        path,
        revocation,
    })
}

/// Parses a certificate from the token.
fn parse_cert(der: &[u8], field: &'static str) -> Result<ParsedCert, WebEidError> {
    ParsedCert::from_der(der).map_err(|e| WebEidError::CertificateMalformed {
        field,
        detail: e.to_string(),
    })
}

fn check_revocation(
    path: &ValidPath,
    opts: &WebEidOptions,
    transport: Option<&dyn Transport>,
) -> Result<RevocationCheck, WebEidError> {
    let mut checker = match &opts.revocation {
        RevocationMode::Off => return Ok(RevocationCheck::NotChecked),
        RevocationMode::Offline { ocsp_responses } => {
            let mut c = revocation::Checker::offline();
            c.ocsp_responses.clone_from(ocsp_responses);
            c
        }
        RevocationMode::Online { nonce } => {
            let transport = transport.ok_or(WebEidError::InvalidOptions {
                reason: "online revocation checking needs a transport \
                         (validate_with_transport)",
            })?;
            let mut c = revocation::Checker::online(transport);
            c.ocsp.nonce.clone_from(nonce);
            c
        }
    };
    // The user's certificate only, as Web eID checks it; its CA is configured as trusted.
    checker.check_intermediates = false;
    checker.ocsp.skew = opts.ocsp_time_skew_secs;
    checker.ocsp.max_age = opts.ocsp_max_this_update_age_secs;
    checker.ocsp.crypto_policy = opts.crypto_policy;
    let evidence = checker
        .check(path, opts.time)
        .map_err(WebEidError::from_path)?
        .into_iter()
        .next()
        .ok_or_else(|| WebEidError::RevocationUnknown {
            reason: "no status for the certificate".into(),
        })?;
    let Source::Ocsp { this_update, .. } = &evidence.source else {
        return Err(WebEidError::RevocationUnknown {
            reason: "a login needs an OCSP status; only a CRL answered".into(),
        });
    };
    ocsp_window(*this_update, opts)?;
    Ok(RevocationCheck::Good { evidence })
}

/// Web eID's freshness rule: `thisUpdate` within [time − max age, time + skew]. A
/// `nextUpdate` before `thisUpdate` is refused by the OCSP layer, so `nextUpdate` is then
/// also after time − skew, Web eID's other rule.
fn ocsp_window(this_update: UnixTime, opts: &WebEidOptions) -> Result<(), WebEidError> {
    let t = opts.time.as_secs();
    let this = this_update.as_secs();
    if this > t.saturating_add(opts.ocsp_time_skew_secs) {
        return Err(WebEidError::RevocationUnknown {
            reason: alloc::format!(
                "OCSP thisUpdate {this_update} is more than {} s after the validation time {}",
                opts.ocsp_time_skew_secs,
                opts.time
            ),
        });
    }
    if this < t.saturating_sub(opts.ocsp_max_this_update_age_secs) {
        return Err(WebEidError::RevocationUnknown {
            reason: alloc::format!(
                "OCSP thisUpdate {this_update} is more than {} s before the validation time {}",
                opts.ocsp_max_this_update_age_secs,
                opts.time
            ),
        });
    }
    Ok(())
}

/// Makes a `web-eid:1.0` certificate login token: `signer` (an ID card's authentication
/// key, r‖s ECDSA or RSA) signs `H(origin) || H(challenge)`; `cert_der` is its certificate.
/// What a Web eID browser extension sends, made by any [`crypto::Signer`].
pub fn create_token(
    signer: &dyn crypto::Signer,
    cert_der: &[u8],
    origin: &str,
    challenge: &str,
    app_version: &str,
) -> Result<String, Error> {
    use base64ct::{Base64, Encoding};
    let alg = signer.algorithm();
    let name = alg
        .jose_name()
        .filter(|n| ALGORITHMS.contains(n))
        .ok_or_else(|| Error::UnsupportedAlgorithm {
            what: alloc::format!(
                "{} in a Web eID token (r||s ECDSA or RSA needed)",
                alg.name()
            ),
        })?;
    check_origin(origin).map_err(|e| Error::Malformed {
        what: "origin",
        detail: alloc::format!("{e}"),
    })?;
    let data = signed_data(alg, origin, challenge)
        .ok_or_else(|| Error::UnsupportedAlgorithm { what: alg.name() })?;
    let signature = signer.sign(&data)?;
    let token = serde_json::json!({
        "unverifiedCertificate": Base64::encode_string(cert_der),
        "algorithm": name,
        "signature": Base64::encode_string(&signature),
        "format": "web-eid:1.0",
        "appVersion": app_version,
    });
    Ok(token.to_string())
}

/// The signed data: `H(origin) || H(challenge)` with the algorithm's hash.
fn signed_data(alg: SignatureAlgorithm, origin: &str, challenge: &str) -> Option<Vec<u8>> {
    let h = alg.hash()?;
    let mut data = Vec::with_capacity(2 * h.output_len());
    data.extend_from_slice(crypto::digest(h, origin.as_bytes()).as_ref());
    data.extend_from_slice(crypto::digest(h, challenge.as_bytes()).as_ref());
    Some(data)
}

fn verify_with_cert(
    token: &WebEidToken,
    cert: &ParsedCert,
    origin: &str,
    challenge: &str,
) -> Result<(), WebEidError> {
    let unsupported = || WebEidError::UnsupportedAlgorithm {
        algorithm: token.algorithm.clone(),
    };
    if !ALGORITHMS.contains(&token.algorithm.as_str()) {
        return Err(unsupported());
    }
    let alg = SignatureAlgorithm::from_jose(&token.algorithm).map_err(|_| unsupported())?;
    let data = signed_data(alg, origin, challenge).ok_or_else(unsupported)?;
    crypto::verify_jose(&token.algorithm, &cert.spki, &data, &token.signature).map_err(
        |e| match e {
            Error::BadSignature => WebEidError::SignatureInvalid,
            Error::KeyMismatch { key, .. } => WebEidError::KeyMismatch {
                algorithm: token.algorithm.clone(),
                key,
            },
            Error::Malformed { detail, .. } => WebEidError::CertificateMalformed {
                field: "unverifiedCertificate",
                detail,
            },
            other => WebEidError::SignatureRefused {
                reason: other.to_string(),
            },
        },
    )
}

fn authority_key_id(c: &ParsedCert) -> Option<Vec<u8>> {
    let ext = c
        .cert
        .tbs_certificate
        .extensions
        .as_deref()?
        .iter()
        .find(|e| e.extn_id == AuthorityKeyIdentifier::OID)?;
    let aki = AuthorityKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()?;
    aki.key_identifier
        .map(|k| k.as_bytes().to_vec())
        .filter(|k| !k.is_empty())
}

/// Format 1.1: the signing certificate belongs with the authentication certificate.
fn check_signing_certificate(
    auth: &ParsedCert,
    sc: &SigningCertificate,
    trust: &TrustStore,
    opts: &WebEidOptions,
) -> Result<(), WebEidError> {
    let fail = |reason: &str| WebEidError::SigningCertificate {
        reason: reason.into(),
    };
    let cert = parse_cert(&sc.certificate, "unverifiedSigningCertificates")?;
    if person::normalised(&auth.cert.tbs_certificate.subject)
        != person::normalised(&cert.cert.tbs_certificate.subject)
    {
        return Err(fail(
            "its subject differs from the authentication certificate's",
        ));
    }
    match (authority_key_id(auth), authority_key_id(&cert)) {
        (Some(a), Some(s)) if a == s => {}
        _ => {
            return Err(fail(
                "not issued by the same CA key as the authentication certificate \
                 (authorityKeyIdentifier)",
            ))
        }
    }
    if !cert
        .key_usage
        .as_ref()
        .is_some_and(|k| k.0.contains(KeyUsages::NonRepudiation))
    {
        return Err(fail("keyUsage is absent or lacks nonRepudiation"));
    }
    let pool = sc
        .intermediate_certificates
        .iter()
        .map(|d| parse_cert(d, "intermediateCertificates"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut path_opts = path::Options::new(opts.time, Purpose::Any);
    path_opts.crypto_policy = opts.crypto_policy;
    path_opts.budget = opts.budget;
    path::validate_parsed(cert, &pool, trust, &path_opts).map_err(|e| {
        WebEidError::SigningCertificate {
            reason: alloc::format!("not valid or not trusted: {e}"),
        }
    })?;
    Ok(())
}

fn person(
    token: &WebEidToken,
    leaf: &ParsedCert,
    checked: &CertificateCheck,
    time: UnixTime,
) -> AuthenticatedPerson {
    let serial_number = leaf.serial().iter().fold(String::new(), |mut s, b| {
        s.push_str(&alloc::format!("{b:02X}"));
        s
    });
    AuthenticatedPerson {
        person: Person::from_certificate(&leaf.cert),
        certificate: CertificateInfo {
            subject: subject_of(leaf),
            issuer: alloc::format!("{}", leaf.cert.tbs_certificate.issuer),
            serial_number,
            not_before: leaf.not_before,
            not_after: leaf.not_after,
            trust_anchor: subject_of(&checked.path.anchor.cert),
            der: leaf.der.clone(),
        },
        token: TokenInfo {
            format: token.format.clone(),
            algorithm: token.algorithm.clone(),
            app_version: token.app_version.clone(),
        },
        validation_time: time,
        revocation: checked.revocation.clone(),
        signing_certificates: token.signing_certificates.clone(),
    }
}

/// The origin as a browser serialises it (`location.origin`): `https://`, a lower-case
/// host name or IP literal, and a port only when it is not 443. Anything else could never
/// match what the browser extension hashed, so it is refused here with the reason.
pub fn check_origin(origin: &str) -> Result<(), WebEidError> {
    let bad = |reason| Err(WebEidError::InvalidOrigin { reason });
    if origin.len() > MAX_ORIGIN_LEN {
        return bad("longer than 2048 bytes");
    }
    let Some(rest) = origin.strip_prefix("https://") else {
        return bad("must start with https://");
    };
    if rest.contains(['/', '?', '#', '@', '\\']) {
        return bad(
            "must be https://host[:port]: no path, query, fragment, user or trailing slash",
        );
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return bad("unterminated IPv6 literal");
        };
        if addr.is_empty()
            || !addr
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return bad("malformed IPv6 literal");
        }
        if addr.bytes().any(|b| b.is_ascii_uppercase()) {
            return bad("must be lower case, as browsers serialise it");
        }
        match after {
            "" => (addr, None),
            p => match p.strip_prefix(':') {
                Some(port) => (addr, Some(port)),
                None => return bad("unexpected characters after the IPv6 literal"),
            },
        }
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return bad("no host");
    }
    if !rest.starts_with('[') {
        if host.bytes().any(|b| b.is_ascii_uppercase()) {
            return bad("must be lower case, as browsers serialise it");
        }
        if !host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        {
            return bad(
                "host has characters other than a-z, 0-9, '-' and '.' (use the punycode form)",
            );
        }
    }
    if let Some(p) = port {
        let valid = !p.is_empty()
            && p.len() <= 5
            && !p.starts_with('0')
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n));
        if !valid {
            return bad("port must be a number from 1 to 65535 without leading zeros");
        }
        if p == "443" {
            return bad("the default port 443 must be left out, as browsers serialise it");
        }
    }
    Ok(())
}

fn check_challenge(challenge: &str) -> Result<(), WebEidError> {
    if challenge.is_empty() {
        return Err(WebEidError::InvalidChallenge { reason: "empty" });
    }
    if challenge.len() > MAX_CHALLENGE_LEN {
        return Err(WebEidError::InvalidChallenge {
            reason: "longer than 1024 bytes",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        for ok in [
            "https://ria.ee",
            "https://47f0-46-131-86-189.ngrok-free.app",
            "https://localhost:8443",
            "https://127.0.0.1",
            "https://[::1]:8443",
            "https://[2001:db8::1]",
        ] {
            assert_eq!(check_origin(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "ria.ee",
            "http://ria.ee",
            "https://",
            "https://ria.ee/",
            "https://ria.ee/login",
            "https://ria.ee?x",
            "https://ria.ee#x",
            "https://user@ria.ee",
            "https://RIA.ee",
            "https://ria.ee:443",
            "https://ria.ee:0",
            "https://ria.ee:65536",
            "https://ria.ee:080",
            "https://ria.ee:",
            "https://ria.ee:x",
            "https://ria ee",
            "https://ria.ee:1:2",
            "https://[::1",
            "https://[::G]",
            "https://[::1]x",
            "https://õun.ee",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signed_data_is_two_hashes() {
        let alg = SignatureAlgorithm::from_jose("ES384").unwrap();
        let d = signed_data(alg, "https://ria.ee", "abc").unwrap();
        assert_eq!(d.len(), 96);
        assert_eq!(
            &d[..48],
            crypto::digest(crypto::HashAlgorithm::Sha384, b"https://ria.ee").as_ref()
        );
        assert_eq!(
            &d[48..],
            crypto::digest(crypto::HashAlgorithm::Sha384, b"abc").as_ref()
        );
    }

    #[test]
    fn ocsp_freshness_window() {
        let t = UnixTime::from_secs(10_000);
        let opts = WebEidOptions::new(t, RevocationMode::Off);
        assert!(ocsp_window(UnixTime::from_secs(10_000), &opts).is_ok());
        assert!(ocsp_window(UnixTime::from_secs(10_000 - 120), &opts).is_ok());
        assert!(ocsp_window(UnixTime::from_secs(10_000 - 121), &opts).is_err());
        assert!(ocsp_window(UnixTime::from_secs(10_000 + 900), &opts).is_ok());
        assert!(ocsp_window(UnixTime::from_secs(10_000 + 901), &opts).is_err());
    }
}
