//! Public keys from `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7, RFC 5480, RFC 8017, RFC 8410).

use alloc::string::String;

use der::{Decode, Tagged};
use spki::SubjectPublicKeyInfoRef;

use super::alg::{oids, Curve};
use crate::error::Error;

/// Largest RSA modulus imza accepts, in bits: the upper end of ring's range.
pub const MAX_RSA_BITS: usize = 8192;

/// Largest SPKI imza parses: an 8192-bit RSA key is about 1.1 KB.
pub const MAX_SPKI_LEN: usize = 4096;

/// What kind of public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum KeyKind {
    /// An EC key on a named curve.
    Ec(Curve),
    /// An RSA key with this modulus size in bits.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// An Ed25519 key.
    Ed25519,
}

impl KeyKind {
    /// A short description for messages and reports ("EC P-256", "RSA 2048", "Ed25519").
    pub fn describe(self) -> String {
        match self {
            Self::Ec(c) => alloc::format!("EC {}", c.name()),
            Self::Rsa { bits } => alloc::format!("RSA {bits}"),
            Self::Ed25519 => "Ed25519".into(),
        }
    }

    /// Whether a key of this kind can make or check signatures with `alg`.
    pub fn fits(self, alg: super::SignatureAlgorithm) -> bool {
        use super::SignatureAlgorithm as A;
        matches!(
            (alg, self),
            (A::Ecdsa { .. }, Self::Ec(_))
                | (A::RsaPkcs1(_) | A::RsaPss { .. }, Self::Rsa { .. })
                | (A::Ed25519, Self::Ed25519)
        )
    }

    /// Key size in bits as reports give it (the curve order for EC, 256 for Ed25519).
    pub fn bits(self) -> usize {
        match self {
            Self::Ec(c) => c.bits() as usize,
            Self::Rsa { bits } => bits,
            Self::Ed25519 => 256,
        }
    }
}

/// A public key borrowed from SPKI DER: its kind and the raw `subjectPublicKey` bits
/// (an uncompressed or compressed SEC1 point, a PKCS#1 `RSAPublicKey`, or 32 Ed25519 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey<'a> {
    kind: KeyKind,
    raw: &'a [u8],
}

impl<'a> PublicKey<'a> {
    /// Parses a DER `SubjectPublicKeyInfo`.
    ///
    /// The algorithm parameters are checked (a named curve for EC, NULL for RSA, absent for
    /// Ed25519); the key value is checked for its basic shape. Whether an EC point is on the
    /// curve is checked by the backend at verification time.
    pub fn from_spki_der(der: &'a [u8]) -> Result<Self, Error> {
        if der.len() > MAX_SPKI_LEN {
            return Err(Error::LimitExceeded {
                what: "SubjectPublicKeyInfo length",
                limit: MAX_SPKI_LEN,
            });
        }
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| Error::malformed("SubjectPublicKeyInfo", e))?;
        let raw = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| Error::Malformed {
                what: "SubjectPublicKeyInfo",
                detail: "subjectPublicKey has unused bits".into(),
            })?;
        let oid = spki.algorithm.oid;
        let kind = if oid == oids::EC_PUBLIC_KEY {
            let curve_oid = spki
                .algorithm
                .parameters_oid()
                .map_err(|_| Error::Malformed {
                    what: "SubjectPublicKeyInfo",
                    detail: "EC key without a namedCurve parameter".into(),
                })?;
            let curve = [Curve::P256, Curve::P384, Curve::P521]
                .into_iter()
                .find(|c| c.oid() == curve_oid)
                .ok_or_else(|| Error::UnsupportedAlgorithm {
                    what: alloc::format!("EC curve {}", super::alg::oid_name(&curve_oid)),
                })?;
            check_ec_point(curve, raw)?;
            KeyKind::Ec(curve)
        } else if oid == oids::RSA_ENCRYPTION {
            let null_or_absent = spki
                .algorithm
                .parameters
                .as_ref()
                .is_none_or(|p| p.tag() == der::Tag::Null && p.value().is_empty());
            if !null_or_absent {
                return Err(Error::Malformed {
                    what: "SubjectPublicKeyInfo",
                    detail: "rsaEncryption parameters must be NULL".into(),
                });
            }
            KeyKind::Rsa {
                bits: rsa_modulus_bits(raw)?,
            }
        } else if oid == oids::ED25519 {
            if spki.algorithm.parameters.is_some() {
                return Err(Error::Malformed {
                    what: "SubjectPublicKeyInfo",
                    detail: "Ed25519 parameters must be absent (RFC 8410)".into(),
                });
            }
            if raw.len() != 32 {
                return Err(Error::KeyRejected {
                    reason: alloc::format!("Ed25519 key is {} bytes, not 32", raw.len()),
                });
            }
            KeyKind::Ed25519
        } else {
            return Err(Error::UnsupportedAlgorithm {
                what: alloc::format!("public key algorithm {}", super::alg::oid_name(&oid)),
            });
        };
        Ok(Self { kind, raw })
    }

    /// A key [`PublicKey::from_spki_der`] has parsed, rebuilt from its parts (for callers
    /// that keep a key and verify many times, like the JWS verifier).
    pub(crate) fn from_parsed(kind: KeyKind, raw: &'a [u8]) -> Self {
        Self { kind, raw }
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The raw `subjectPublicKey` bytes.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }
}

/// SEC1 point shape: 0x04 || X || Y, or 0x02/0x03 || X.
fn check_ec_point(curve: Curve, raw: &[u8]) -> Result<(), Error> {
    let n = curve.field_len();
    let ok = match raw.first() {
        Some(0x04) => raw.len() == 1 + 2 * n,
        Some(0x02 | 0x03) => raw.len() == 1 + n,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::KeyRejected {
            reason: alloc::format!("not a SEC1 point for {}", curve.name()),
        })
    }
}

/// Modulus size of a PKCS#1 `RSAPublicKey`, with the shape checks ring and RustCrypto share.
fn rsa_modulus_bits(raw: &[u8]) -> Result<usize, Error> {
    let key =
        rsa::pkcs1::RsaPublicKey::from_der(raw).map_err(|e| Error::malformed("RSAPublicKey", e))?;
    let n = key.modulus.as_bytes();
    let bits = match n.first() {
        Some(&b) => n.len() * 8 - b.leading_zeros() as usize,
        None => 0,
    };
    if bits > MAX_RSA_BITS {
        return Err(Error::KeyRejected {
            reason: alloc::format!("RSA modulus of {bits} bits exceeds {MAX_RSA_BITS}"),
        });
    }
    Ok(bits)
}
