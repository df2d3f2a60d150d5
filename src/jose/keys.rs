//! Verification keys as hosts hold them (a JWKS, one JWK, a `PUBLIC KEY` PEM, a
//! certificate, a DER SubjectPublicKeyInfo), and a verified token as every face prints it.
//! Each face (the CLI, the C ABI, the WASM package) reads keys and writes results through
//! these, so that the same bytes give the same keys and the same document everywhere.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::{Map, Value};

use super::jwk::{Jwk, Jwks};
use super::jws::{Verified, VerifyKey};
use super::jwt::Claims;
use super::JoseError;
use crate::crypto::PublicKey;
use crate::error::Error;

/// One verification key before it is bound to an algorithm.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum KeySource {
    /// A DER SubjectPublicKeyInfo.
    Spki(Vec<u8>),
    /// A JSON Web Key.
    Jwk(Jwk),
}

impl KeySource {
    /// Every key in `bytes`: a JWKS or one JWK (JSON), a `PUBLIC KEY` PEM, a certificate
    /// (PEM or DER: its public key), or a DER SubjectPublicKeyInfo.
    pub fn parse_all(bytes: &[u8]) -> Result<Vec<Self>, Error> {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            let is_set = serde_json::from_slice::<Map<String, Value>>(bytes)
                .is_ok_and(|m| m.contains_key("keys"));
            return if is_set {
                Ok(Jwks::from_json(bytes)?
                    .keys
                    .into_iter()
                    .map(Self::Jwk)
                    .collect())
            } else {
                Ok(alloc::vec![Self::Jwk(Jwk::from_json(bytes)?)])
            };
        }
        let text = core::str::from_utf8(bytes).unwrap_or("");
        let spki = if text.contains("-----BEGIN PUBLIC KEY-----") {
            der::pem::decode_vec(text.trim().as_bytes())
                .map(|(_, d)| d)
                .map_err(|e| Error::Malformed {
                    what: "PEM public key",
                    detail: alloc::format!("{e}"),
                })?
        } else if let Some(c) = crate::cert::parse_any(bytes)
            .ok()
            .and_then(|c| c.into_iter().next())
        {
            der::Encode::to_der(&c.tbs_certificate.subject_public_key_info)
                .map_err(|e| Error::malformed("certificate", e))?
        } else {
            bytes.to_vec()
        };
        PublicKey::from_spki_der(&spki)?;
        Ok(alloc::vec![Self::Spki(spki)])
    }

    /// The key bound to the JOSE algorithm `alg`, if it fits it.
    pub fn bind(&self, alg: &str) -> Result<VerifyKey, JoseError> {
        match self {
            Self::Spki(spki) => VerifyKey::public(alg, spki),
            Self::Jwk(jwk) => VerifyKey::from_jwk(jwk, alg),
        }
    }
}

/// A token whose signature and claims were verified: the document `imza token verify
/// --json` prints, the C ABI and the WASM package return.
///
/// Fields in alphabetical order: the order the CLI printed before this type existed.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedToken {
    /// The algorithm that verified it.
    pub alg: &'static str,
    /// Every claim.
    pub claims: Map<String, Value>,
    /// The protected header.
    pub header: Map<String, Value>,
    /// Always true (a refused token is an error, not this document).
    pub valid: bool,
}

impl VerifiedToken {
    /// The document for a verified signature and its validated claims.
    pub fn new(verified: Verified, claims: Claims) -> Self {
        Self {
            alg: verified.alg,
            claims: claims.all,
            header: verified.header,
            valid: true,
        }
    }

    /// Pretty JSON, as the CLI prints it.
    pub fn to_json(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Malformed {
            what: "JSON output",
            detail: alloc::format!("{e}"),
        })
    }
}
