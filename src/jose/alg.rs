//! The JWS algorithm names (RFC 7518 §3, RFC 8037), shared by keys (which algorithm a JWK
//! fits) and signatures (which algorithm a token uses), so that `jwk` and `jws` do not
//! depend on each other both ways.

use super::JoseError;
use crate::crypto::{HashAlgorithm, SignatureAlgorithm};

/// A JWS algorithm: a signature algorithm from the core table, or HMAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// ES*, RS*, PS*, EdDSA.
    Signature(SignatureAlgorithm),
    /// HS256/384/512.
    Hmac(HashAlgorithm),
}

impl JwsAlgorithm {
    /// Looks up a JOSE `alg` name; `none` is not an algorithm.
    pub fn from_name(name: &str) -> Result<Self, JoseError> {
        match name {
            "HS256" => Ok(Self::Hmac(HashAlgorithm::Sha256)),
            "HS384" => Ok(Self::Hmac(HashAlgorithm::Sha384)),
            "HS512" => Ok(Self::Hmac(HashAlgorithm::Sha512)),
            _ => SignatureAlgorithm::from_jose(name)
                .map(Self::Signature)
                .map_err(|_| JoseError::AlgorithmNotAllowed(name.into())),
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hmac(HashAlgorithm::Sha384) => "HS384",
            Self::Hmac(HashAlgorithm::Sha512) => "HS512",
            Self::Hmac(_) => "HS256",
            Self::Signature(a) => a.jose_name().unwrap_or("?"),
        }
    }

    /// The hash OIDC `at_hash`/`c_hash` use (RFC 7518 names; SHA-512 for EdDSA/Ed25519).
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::Hmac(h) => h,
            Self::Signature(a) => a.hash().unwrap_or(HashAlgorithm::Sha512),
        }
    }
}
