//! The card's private keys and what a card does with them: ECDSA over a hash the host
//! computed (a "prehash"), and the raw RSA private-key operation.

use std::path::Path;

use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::BigUint;
use signature::hazmat::PrehashSigner;

use crate::Error;

/// A private key on the card.
#[derive(Clone, Debug)]
pub enum Key {
    /// ECDSA P-256.
    P256(p256::ecdsa::SigningKey),
    /// ECDSA P-384.
    P384(p384::ecdsa::SigningKey),
    /// RSA.
    Rsa(Box<rsa::RsaPrivateKey>),
}

/// An ECDSA signature in both encodings cards use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcdsaSignature {
    /// Fixed width `r || s`.
    pub raw: Vec<u8>,
    /// DER `SEQUENCE { r INTEGER, s INTEGER }`.
    pub der: Vec<u8>,
}

impl Key {
    /// Reads an unencrypted PKCS#8 PEM key (EC P-256, P-384 or RSA).
    pub fn load(path: &Path) -> Result<Self, Error> {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        Self::from_pkcs8_pem(&pem).map_err(|e| Error::new(format!("{}: {e}", path.display())))
    }

    /// Parses an unencrypted PKCS#8 PEM key (EC P-256, P-384 or RSA).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, Error> {
        use p256::pkcs8::DecodePrivateKey;
        let (label, der) = der::pem::decode_vec(pem.as_bytes())
            .map_err(|e| Error::new(format!("not PEM: {e}")))?;
        if label != "PRIVATE KEY" {
            return Err(Error::new(format!(
                "PEM label {label:?}, expected \"PRIVATE KEY\" (PKCS#8)"
            )));
        }
        if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(&der) {
            return Ok(Self::P256(k));
        }
        if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_der(&der) {
            return Ok(Self::P384(k));
        }
        if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(&der) {
            return Ok(Self::Rsa(Box::new(k)));
        }
        Err(Error::new(
            "not a P-256, P-384 or RSA PKCS#8 private key".into(),
        ))
    }

    /// ECDSA over a hash computed by the host. A hash longer than the curve order is cut to
    /// its leftmost bits, a shorter one is taken as a smaller number (FIPS 186-4 §6.4), as
    /// ECDSA verification does. `None` for RSA keys or a hash shorter than half the order.
    pub fn sign_prehash(&self, hash: &[u8]) -> Option<EcdsaSignature> {
        match self {
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(hash).ok()?;
                Some(EcdsaSignature {
                    raw: sig.to_bytes().to_vec(),
                    der: sig.to_der().as_bytes().to_vec(),
                })
            }
            Self::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(hash).ok()?;
                Some(EcdsaSignature {
                    raw: sig.to_bytes().to_vec(),
                    der: sig.to_der().as_bytes().to_vec(),
                })
            }
            Self::Rsa(_) => None,
        }
    }

    /// The raw RSA private-key operation `m^d mod n` on a block as long as the modulus,
    /// as RSA cards do it: whatever padding the block has is the host's business. `None`
    /// for EC keys, a block of the wrong length or a value not below the modulus.
    pub fn rsa_raw(&self, block: &[u8]) -> Option<Vec<u8>> {
        let Self::Rsa(k) = self else {
            return None;
        };
        let size = k.size();
        if block.len() != size {
            return None;
        }
        let m = BigUint::from_bytes_be(block);
        if &m >= k.n() {
            return None;
        }
        let s = m.modpow(k.d(), k.n());
        // The check a card makes against faults: s^e must give m back.
        if s.modpow(k.e(), k.n()) != m {
            return None;
        }
        let bytes = s.to_bytes_be();
        let mut out = vec![0; size.saturating_sub(bytes.len())];
        out.extend_from_slice(&bytes);
        Some(out)
    }

    /// The key length in bytes: the field size for EC keys, the modulus size for RSA.
    pub fn size(&self) -> usize {
        match self {
            Self::P256(_) => 32,
            Self::P384(_) => 48,
            Self::Rsa(k) => k.size(),
        }
    }
}
