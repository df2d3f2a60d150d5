//! imza: identity and electronic signatures.
//!
//! Single-login tokens, smart-card and mobile-ID signing, and document signature
//! verification (CMS/CAdES, XAdES/ASiC, PAdES), in one sans-IO library that portals, agency
//! back-ends, browsers (WASM) and card-reader stations (C ABI) embed.
//!
//! # The front door
//!
//! - [`verify`] any signed document (the format is detected from its bytes: CMS/CAdES in
//!   DER, BER or PEM today) over attached, in-memory or streamed content, into one ETSI EN
//!   319 102-1 [`Report`]; [`sign`] a document at level B, T or LT through a [`Signer`]
//!   (a software key, a smart card, a mobile ID).
//! - Login tokens: [`Verifier`] (JWS), [`Validation`] (JWT claims), [`IdTokenValidation`]
//!   (OIDC), [`TokenIssuer`] (issuing with key rotation and the published [`Jwks`]); Web
//!   eID certificate login tokens with [`webeid::validate`] and a [`ChallengeStore`]; the
//!   [`Person`] a certificate names (what a Web eID login and a mobile-ID result report).
//! - One certificate validated for a purpose at a time, with its revocation evidence, into
//!   a [`report::CertificateReport`] ([`report::validate_certificate`], what `imza cert
//!   verify --json` prints).
//! - One error space: every failure is an [`Error`] with a stable numeric
//!   [`Error::code`], which the C ABI and the WASM package pass through unchanged.
//!
//! ```
//! use imza::{verify, Content, Indication, TrustStore, UnixTime, VerifyOptions};
//!
//! # fn main() -> Result<(), imza::Error> {
//! let mut trust = TrustStore::new();
//! trust.add_pem_or_der(include_bytes!("../test-vectors/pki/ecdsa-p256/root.pem"))?;
//! let signed = include_bytes!("../test-vectors/sample/contract.p7m");
//! // The revocation data and the time-stamp travel in the file (CAdES-BASELINE-LT).
//! let opts = VerifyOptions::new(&trust, UnixTime::parse_rfc3339("2027-06-01T00:00:00Z")?);
//! let report = verify(signed, Content::Attached, &opts)?;
//! assert_eq!(report.indication, Indication::TOTAL_PASSED);
//! # Ok(())
//! # }
//! ```
//!
//! Single sign-on: a portal issues tokens with a key it can rotate and publishes the key
//! set; a relying party verifies the signature with an explicit algorithm allow-list and then
//! the claims.
//!
//! ```
//! use imza::crypto::SignatureAlgorithm;
//! use imza::{Claims, SigningKey, TokenIssuer, UnixTime, Validation, Verifier, VerifyKey};
//!
//! # fn main() -> Result<(), imza::Error> {
//! let key = SigningKey::from_pkcs8_pem(include_str!("../test-vectors/pki/ecdsa-p256/login.key"))?
//!     .with_algorithm(SignatureAlgorithm::from_jose("ES256")?)?; // JOSE signs r || s
//! let issuer = TokenIssuer::new("https://login.gov.example", Box::new(key), None)?;
//! let now = UnixTime::parse_rfc3339("2027-01-01T09:00:00Z")?;
//! let mut claims = serde_json::Map::new();
//! claims.insert("sub".into(), "38001085718".into());
//! let token = issuer.issue(now, &claims)?;
//!
//! // The relying party, with the issuer's published key set.
//! let jwks = issuer.jwks()?;
//! let verifier = Verifier::new(&["ES256"])?.key(VerifyKey::from_jwk(&jwks.keys[0], "ES256")?);
//! let mut rules = Validation::new(now);
//! rules.issuer = Some("https://login.gov.example".into());
//! let claims = Claims::validate(&verifier.verify_compact(&token)?, &rules)?;
//! assert_eq!(claims.sub.as_deref(), Some("38001085718"));
//! # Ok(())
//! # }
//! ```
//!
//! # The modules
//!
//! - [`crypto`]: verification over ring or RustCrypto, streaming digests, software signing
//!   keys and the [`crypto::Signer`] trait that cards and mobile ID implement;
//! - [`cert`]: X.509 certificate parsing and the summary `imza cert show` prints;
//! - [`path`], [`revocation`], [`ocsp`], [`crl`]: certificate path building and validation
//!   at a given time, for a purpose, against a [`trust::TrustStore`], with OCSP and CRLs;
//! - [`jose`], [`webeid`]: single-login tokens (JWS/JWT/OIDC, certificate login tokens);
//! - [`cms`], [`tsp`], [`cades`], [`report`]: CMS/CAdES signatures, RFC 3161 time-stamps
//!   and the ETSI EN 319 102-1 validation report;
//! - [`card`]: smart cards (APDUs, PIV and eID profiles, PINs, a card [`crypto::Signer`]),
//!   over PC/SC with the `pcsc` feature;
//! - [`mobile`]: mobile ID (Mobile-ID, Smart-ID): a sans-IO session, result validation and a
//!   mobile-ID [`crypto::Signer`];
//! - [`transport`]: the HTTP transport trait (and, with the `http` feature, a blocking client).
//!
//! The core never opens a socket, reads a clock or touches a file on its own: time, trust
//! anchors and network bytes come from the caller.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod asic;
mod ber;
pub mod cades;
pub mod card;
pub mod cert;
pub mod cms;
pub mod crypto;
mod document;
mod engine;
pub mod error;
pub mod jose;
pub mod mobile;
pub mod pades;
pub mod path;
pub mod pdf;
pub mod report;
pub mod revocation;
mod signed;
pub mod time;
pub mod transport;
pub mod trust;
pub mod tsp;
mod util;
pub mod webeid;
pub mod xades;
pub mod xml;
pub mod xmldsig;

pub use cades::sign::ToSign;
pub use cades::{RevocationPolicy, ValidationPolicy, VerifyOptions};
pub use cert::Person;
pub use crypto::{Signer, SigningKey};
pub use document::{
    sign, verify, verify_certificate, Content, DocumentVerifier, SignFormat, SignLevel,
    SignOptions, SignatureFormat,
};
#[cfg(feature = "std")]
pub use document::{sign_container, sign_pdf, verify_container, verify_pdf};
pub use error::{describe, Error};
pub use jose::jwk::{Jwk, Jwks};
pub use jose::jws::{Verified, Verifier, VerifyKey};
pub use jose::jwt::{Claims, IdTokenValidation, TokenIssuer, Validation};
pub use report::{Indication, Report, SignatureReport, SubIndication};
pub use time::UnixTime;
pub use trust::TrustStore;
pub use webeid::{ChallengeStore, WebEidOptions};
// OCSP and CRLs are parts of revocation (they share its time rules); their paths stay
// `imza::ocsp` and `imza::crl`.
#[doc(inline)]
pub use revocation::{crl, ocsp};

/// The crate version, as the C ABI and the WASM bindings report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
