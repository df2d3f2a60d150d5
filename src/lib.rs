//! imza: identity and electronic signatures.
//!
//! Single-login tokens, smart-card and mobile-ID signing, and document signature
//! verification (CMS/CAdES, XAdES/ASiC, PAdES), in one sans-IO library that portals, agency
//! back-ends, browsers (WASM) and card-reader stations (C ABI) embed.
//!
//! What is here:
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

mod ber;
pub mod cades;
pub mod card;
pub mod cert;
pub mod cms;
pub mod crypto;
pub mod error;
pub mod jose;
pub mod mobile;
pub mod path;
pub mod report;
pub mod revocation;
mod signed;
pub mod time;
pub mod transport;
pub mod trust;
pub mod tsp;
mod util;
pub mod webeid;

pub use error::{describe, Error};
// OCSP and CRLs are parts of revocation (they share its time rules); their paths stay
// `imza::ocsp` and `imza::crl`.
#[doc(inline)]
pub use revocation::{crl, ocsp};

/// The crate version, as the C ABI and the WASM bindings report it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
