//! Signing: the [`Signer`] trait and software keys from PKCS#8.
//!
//! Key material: ECDSA and Ed25519 keys are RustCrypto types, which zeroize on drop; the
//! PKCS#8 bytes are kept in `Zeroizing`. RSA signs with ring when it is built in, because
//! ring's RSA is constant-time and RustCrypto's is not (RUSTSEC-2023-0071); ring does not
//! zeroize its own copy of the key, a trade-off stated in the README. Without ring (wasm32)
//! RSA signs with RustCrypto, blinded when the `rand` feature supplies randomness.

use alloc::vec::Vec;
use core::fmt;

use der::Decode;
use pkcs8::{DecodePrivateKey, EncodePublicKey, PrivateKeyInfo};
use signature::hazmat::PrehashSigner;
use zeroize::Zeroizing;

use super::alg::{oids, Curve, EcdsaEncoding, HashAlgorithm, SignatureAlgorithm};
use super::digest::digest;
use super::ecdsa_sig;
use super::key::KeyKind;
use crate::error::Error;

/// Anything that can sign: a software key, a smart card, a mobile-ID service.
///
/// The signer receives the whole message to sign (for CMS, the DER of the signed
/// attributes) and hashes it itself, because cards and mobile-ID services sign digests
/// while some software backends only sign messages.
pub trait Signer {
    /// The algorithm this signer is bound to; the signature is in its encoding.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// The signer's public key as DER `SubjectPublicKeyInfo`.
    fn public_key_spki(&self) -> &[u8];

    /// Signs `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error>;
}

/// A software private key, bound to one signature algorithm.
pub struct SigningKey {
    key: Secret,
    spki: Vec<u8>,
    kind: KeyKind,
    alg: SignatureAlgorithm,
    /// ring's key pair for P-256/SHA-256 and P-384/SHA-384, bound to the current algorithm:
    /// ring signs ECDSA about five times faster than RustCrypto (precomputed base-point
    /// tables and assembly).
    #[cfg(feature = "ring")]
    ring_ec: Option<ring::signature::EcdsaKeyPair>,
}

enum Secret {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    // Boxed: an RSA key is several times larger than the EC variants.
    Rsa(alloc::boxed::Box<RsaSecret>),
}

struct RsaSecret {
    #[cfg(feature = "ring")]
    ring: Option<ring::signature::RsaKeyPair>,
    rustcrypto: rsa::RsaPrivateKey,
}

/// Largest PKCS#8 input parsed: an 8192-bit RSA key is about 4.7 KB of DER.
const MAX_PKCS8_LEN: usize = 16 * 1024;

impl SigningKey {
    /// Parses an unencrypted PKCS#8 `PrivateKeyInfo` (RFC 5208 / RFC 5958) in DER.
    ///
    /// The key is bound to the usual algorithm for its type (ECDSA with SHA-256/384/512 for
    /// P-256/384/521 in DER encoding, RSA PKCS#1 v1.5 with SHA-256, Ed25519); change it
    /// with [`SigningKey::with_algorithm`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        if der.len() > MAX_PKCS8_LEN {
            return Err(Error::LimitExceeded {
                what: "PKCS#8 private key length",
                limit: MAX_PKCS8_LEN,
            });
        }
        let der = Zeroizing::new(der.to_vec());
        let info = PrivateKeyInfo::from_der(&der).map_err(|e| Error::malformed("PKCS#8", e))?;
        let oid = info.algorithm.oid;
        let rejected = |what: &'static str| {
            move |e: pkcs8::Error| Error::KeyRejected {
                reason: alloc::format!("{what} PKCS#8 key: {e}"),
            }
        };
        let spki_err = |e: spki::Error| Error::KeyRejected {
            reason: alloc::format!("public key: {e}"),
        };
        let (key, kind, spki) = if oid == oids::EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| Error::Malformed {
                    what: "PKCS#8",
                    detail: "EC key without a namedCurve".into(),
                })?;
            if curve == oids::SECP256R1 {
                let sk = p256::SecretKey::from_pkcs8_der(&der).map_err(rejected("P-256"))?;
                let spki = sk.public_key().to_public_key_der().map_err(spki_err)?;
                (Secret::P256(sk.into()), KeyKind::Ec(Curve::P256), spki)
            } else if curve == oids::SECP384R1 {
                let sk = p384::SecretKey::from_pkcs8_der(&der).map_err(rejected("P-384"))?;
                let spki = sk.public_key().to_public_key_der().map_err(spki_err)?;
                (Secret::P384(sk.into()), KeyKind::Ec(Curve::P384), spki)
            } else if curve == oids::SECP521R1 {
                let sk = p521::SecretKey::from_pkcs8_der(&der).map_err(rejected("P-521"))?;
                let spki = sk.public_key().to_public_key_der().map_err(spki_err)?;
                let signing =
                    p521::ecdsa::SigningKey::from_bytes(&sk.to_bytes()).map_err(|_| {
                        Error::KeyRejected {
                            reason: "P-521 scalar out of range".into(),
                        }
                    })?;
                (Secret::P521(signing), KeyKind::Ec(Curve::P521), spki)
            } else {
                return Err(Error::UnsupportedAlgorithm {
                    what: alloc::format!("EC curve {}", super::alg::oid_name(&curve)),
                });
            }
        } else if oid == oids::ED25519 {
            let sk =
                ed25519_dalek::SigningKey::from_pkcs8_der(&der).map_err(rejected("Ed25519"))?;
            let spki = sk.verifying_key().to_public_key_der().map_err(spki_err)?;
            (Secret::Ed25519(sk), KeyKind::Ed25519, spki)
        } else if oid == oids::RSA_ENCRYPTION {
            let sk = rsa::RsaPrivateKey::from_pkcs8_der(&der).map_err(rejected("RSA"))?;
            let bits = rsa::traits::PublicKeyParts::size(&sk) * 8;
            if !(2048..=super::key::MAX_RSA_BITS).contains(&bits) {
                return Err(Error::KeyRejected {
                    reason: alloc::format!("RSA key of {bits} bits; 2048 to 8192 are accepted"),
                });
            }
            let spki = sk.to_public_key().to_public_key_der().map_err(spki_err)?;
            let secret = RsaSecret {
                #[cfg(feature = "ring")]
                ring: ring::signature::RsaKeyPair::from_pkcs8(&der).ok(),
                rustcrypto: sk,
            };
            (
                Secret::Rsa(alloc::boxed::Box::new(secret)),
                KeyKind::Rsa { bits },
                spki,
            )
        } else {
            return Err(Error::UnsupportedAlgorithm {
                what: alloc::format!("private key algorithm {}", super::alg::oid_name(&oid)),
            });
        };
        let alg = match kind {
            KeyKind::Ec(Curve::P256) => ecdsa_der(HashAlgorithm::Sha256),
            KeyKind::Ec(Curve::P384) => ecdsa_der(HashAlgorithm::Sha384),
            KeyKind::Ec(Curve::P521) => ecdsa_der(HashAlgorithm::Sha512),
            KeyKind::Rsa { .. } => SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256),
            KeyKind::Ed25519 => SignatureAlgorithm::Ed25519,
        };
        Ok(Self {
            #[cfg(feature = "ring")]
            ring_ec: ring_ecdsa(&key, alg),
            key,
            spki: spki.into_vec(),
            kind,
            alg,
        })
    }

    /// Parses a PEM `PRIVATE KEY` (unencrypted PKCS#8).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, Error> {
        let (label, der) = der::pem::decode_vec(pem.as_bytes()).map_err(|e| Error::Malformed {
            what: "PEM private key",
            detail: alloc::format!("{e}"),
        })?;
        let der = Zeroizing::new(der);
        match label {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "ENCRYPTED PRIVATE KEY" => Err(Error::UnsupportedAlgorithm {
                what: "encrypted PKCS#8; decrypt it first (openssl pkcs8 -nocrypt)".into(),
            }),
            other => Err(Error::Malformed {
                what: "PEM private key",
                detail: alloc::format!(
                    "label {other:?}; expected \"PRIVATE KEY\" (convert with openssl pkcs8 -topk8 -nocrypt)"
                ),
            }),
        }
    }

    /// Binds the key to another algorithm, if the key can sign with it.
    pub fn with_algorithm(mut self, alg: SignatureAlgorithm) -> Result<Self, Error> {
        if !self.kind.fits(alg) {
            return Err(Error::KeyMismatch {
                algorithm: alg.name(),
                key: self.kind.describe(),
            });
        }
        if alg.hash() == Some(HashAlgorithm::Sha1) {
            return Err(Error::PolicyViolation {
                reason: "imza does not make new SHA-1 signatures".into(),
            });
        }
        self.alg = alg;
        #[cfg(feature = "ring")]
        {
            self.ring_ec = ring_ecdsa(&self.key, alg);
        }
        Ok(self)
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    fn sign_ecdsa(
        &self,
        hash: HashAlgorithm,
        enc: EcdsaEncoding,
        msg: &[u8],
    ) -> Result<Vec<u8>, Error> {
        #[cfg(feature = "ring")]
        if let Some(kp) = &self.ring_ec {
            // ring's nonces mix the OS randomness with the key and the message digest.
            return kp
                .sign(&ring::rand::SystemRandom::new(), msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| Error::SigningFailed {
                    reason: "ring ECDSA signing failed".into(),
                });
        }
        // RFC 6979 deterministic nonces: no randomness needed, same on every platform.
        let prehash = digest(hash, msg);
        let failed = |e: signature::Error| Error::SigningFailed {
            reason: alloc::format!("ECDSA: {e}"),
        };
        let (curve, fixed): (Curve, Vec<u8>) = match &self.key {
            Secret::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign_prehash(prehash.as_ref()).map_err(failed)?;
                (Curve::P256, s.to_bytes().to_vec())
            }
            Secret::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign_prehash(prehash.as_ref()).map_err(failed)?;
                (Curve::P384, s.to_bytes().to_vec())
            }
            #[cfg(feature = "rand")]
            Secret::P521(k) => {
                // p521 0.13 has no RFC 6979 signer; its nonces come from the OS CSPRNG.
                use signature::hazmat::RandomizedPrehashSigner;
                let s: p521::ecdsa::Signature = k
                    .sign_prehash_with_rng(&mut rand_core::OsRng, prehash.as_ref())
                    .map_err(failed)?;
                (Curve::P521, s.to_bytes().to_vec())
            }
            #[cfg(not(feature = "rand"))]
            Secret::P521(_key) => {
                return Err(Error::UnsupportedByBackend {
                    backend: "RustCrypto",
                    what: "P-521 signing without randomness (enable the `rand` feature)".into(),
                })
            }
            _ => return Err(self.mismatch()),
        };
        match enc {
            EcdsaEncoding::Fixed => Ok(fixed),
            EcdsaEncoding::Der => ecdsa_sig::fixed_to_der(curve, &fixed),
        }
    }

    fn sign_rsa(&self, secret: &RsaSecret, msg: &[u8]) -> Result<Vec<u8>, Error> {
        #[cfg(feature = "ring")]
        if let Some(kp) = &secret.ring {
            use ring::signature as rs;
            let padding: &'static dyn rs::RsaEncoding = match self.alg {
                SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256) => &rs::RSA_PKCS1_SHA256,
                SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha384) => &rs::RSA_PKCS1_SHA384,
                SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha512) => &rs::RSA_PKCS1_SHA512,
                SignatureAlgorithm::RsaPss {
                    hash: HashAlgorithm::Sha256,
                    salt_len: 32,
                } => &rs::RSA_PSS_SHA256,
                SignatureAlgorithm::RsaPss {
                    hash: HashAlgorithm::Sha384,
                    salt_len: 48,
                } => &rs::RSA_PSS_SHA384,
                SignatureAlgorithm::RsaPss {
                    hash: HashAlgorithm::Sha512,
                    salt_len: 64,
                } => &rs::RSA_PSS_SHA512,
                _ => return self.sign_rsa_rustcrypto(secret, msg),
            };
            let mut out = alloc::vec![0u8; kp.public().modulus_len()];
            kp.sign(padding, &ring::rand::SystemRandom::new(), msg, &mut out)
                .map_err(|_| Error::SigningFailed {
                    reason: "ring RSA signing failed".into(),
                })?;
            return Ok(out);
        }
        self.sign_rsa_rustcrypto(secret, msg)
    }

    fn sign_rsa_rustcrypto(&self, secret: &RsaSecret, msg: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = |e: rsa::Error| Error::SigningFailed {
            reason: alloc::format!("RSA: {e}"),
        };
        let k = &secret.rustcrypto;
        match self.alg {
            SignatureAlgorithm::RsaPkcs1(hash) => {
                let hashed = digest(hash, msg);
                let scheme = match hash {
                    HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                    HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                    HashAlgorithm::Sha1 => return Err(self.mismatch()),
                };
                #[cfg(feature = "rand")]
                {
                    k.sign_with_rng(&mut rand_core::OsRng, scheme, hashed.as_ref())
                        .map_err(failed)
                }
                #[cfg(not(feature = "rand"))]
                {
                    k.sign(scheme, hashed.as_ref()).map_err(failed)
                }
            }
            SignatureAlgorithm::RsaPss { hash, salt_len } => {
                #[cfg(feature = "rand")]
                {
                    let hashed = digest(hash, msg);
                    let salt = usize::from(salt_len);
                    let scheme = match hash {
                        HashAlgorithm::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
                        HashAlgorithm::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
                        HashAlgorithm::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
                        HashAlgorithm::Sha1 => return Err(self.mismatch()),
                    };
                    k.sign_with_rng(&mut rand_core::OsRng, scheme, hashed.as_ref())
                        .map_err(failed)
                }
                #[cfg(not(feature = "rand"))]
                {
                    let _ = (hash, salt_len, k);
                    Err(Error::UnsupportedByBackend {
                        backend: "RustCrypto",
                        what: "RSA-PSS signing without randomness (enable the `rand` feature)"
                            .into(),
                    })
                }
            }
            _ => Err(self.mismatch()),
        }
    }

    fn mismatch(&self) -> Error {
        Error::KeyMismatch {
            algorithm: self.alg.name(),
            key: self.kind.describe(),
        }
    }
}

/// ring's ECDSA key pair for `alg`, when ring implements it (P-256/SHA-256, P-384/SHA-384).
#[cfg(feature = "ring")]
fn ring_ecdsa(key: &Secret, alg: SignatureAlgorithm) -> Option<ring::signature::EcdsaKeyPair> {
    use ring::signature as rs;
    let SignatureAlgorithm::Ecdsa { hash, encoding } = alg else {
        return None;
    };
    let fixed = encoding == EcdsaEncoding::Fixed;
    let (ring_alg, scalar, point): (&'static rs::EcdsaSigningAlgorithm, Zeroizing<Vec<u8>>, _) =
        match (key, hash) {
            (Secret::P256(k), HashAlgorithm::Sha256) => (
                if fixed {
                    &rs::ECDSA_P256_SHA256_FIXED_SIGNING
                } else {
                    &rs::ECDSA_P256_SHA256_ASN1_SIGNING
                },
                Zeroizing::new(k.to_bytes().to_vec()),
                k.verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
            ),
            (Secret::P384(k), HashAlgorithm::Sha384) => (
                if fixed {
                    &rs::ECDSA_P384_SHA384_FIXED_SIGNING
                } else {
                    &rs::ECDSA_P384_SHA384_ASN1_SIGNING
                },
                Zeroizing::new(k.to_bytes().to_vec()),
                k.verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
            ),
            _ => return None,
        };
    rs::EcdsaKeyPair::from_private_key_and_public_key(
        ring_alg,
        &scalar,
        &point,
        &ring::rand::SystemRandom::new(),
    )
    .ok()
}

fn ecdsa_der(hash: HashAlgorithm) -> SignatureAlgorithm {
    SignatureAlgorithm::Ecdsa {
        hash,
        encoding: EcdsaEncoding::Der,
    }
}

impl Signer for SigningKey {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    fn public_key_spki(&self) -> &[u8] {
        &self.spki
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        match (&self.key, self.alg) {
            (Secret::Ed25519(k), SignatureAlgorithm::Ed25519) => {
                use signature::Signer as _;
                Ok(k.sign(message).to_bytes().to_vec())
            }
            (Secret::Rsa(secret), _) => self.sign_rsa(secret, message),
            (_, SignatureAlgorithm::Ecdsa { hash, encoding }) => {
                self.sign_ecdsa(hash, encoding, message)
            }
            _ => Err(self.mismatch()),
        }
    }
}

impl fmt::Debug for SigningKey {
    /// Never prints key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kind", &self.kind)
            .field("algorithm", &self.alg)
            .field("private", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{verify, Message};

    const P256_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgy8Z5PiphMN0tf17d
9RFALEtMLYB9ijbEnOPK7vD7FnShRANCAAR5304c1cCTDGjaUc8gdwxEz9vGMOBz
6n43cFVLoDiG7eMxjp64BW2IGIC62NNJnwSRr0mKtfSxJ5Z8MR9njRIQ
-----END PRIVATE KEY-----";

    #[test]
    fn sign_verify_round_trip_both_encodings() {
        let key = SigningKey::from_pkcs8_pem(P256_PKCS8).unwrap();
        let msg = b"imza";
        let sig = key.sign(msg).unwrap();
        verify(
            key.algorithm(),
            key.public_key_spki(),
            Message::Data(msg),
            &sig,
        )
        .unwrap();
        let fixed_alg = key.algorithm().with_ecdsa_encoding(EcdsaEncoding::Fixed);
        let key = key.with_algorithm(fixed_alg).unwrap();
        let sig = key.sign(msg).unwrap();
        assert_eq!(sig.len(), 64);
        verify(fixed_alg, key.public_key_spki(), Message::Data(msg), &sig).unwrap();
        assert_eq!(
            verify(
                fixed_alg,
                key.public_key_spki(),
                Message::Data(b"imzA"),
                &sig
            ),
            Err(Error::BadSignature)
        );
    }

    #[test]
    fn debug_is_redacted_and_wrong_algorithm_refused() {
        let key = SigningKey::from_pkcs8_pem(P256_PKCS8).unwrap();
        let dbg = alloc::format!("{key:?}");
        assert!(dbg.contains("redacted"));
        assert!(!dbg.contains("y8Z5Pip"));
        assert!(matches!(
            key.with_algorithm(SignatureAlgorithm::Ed25519),
            Err(Error::KeyMismatch { .. })
        ));
    }

    #[test]
    fn non_key_pem_is_a_clear_error() {
        let err = SigningKey::from_pkcs8_pem(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap_err();
        assert!(alloc::format!("{err}").contains("CERTIFICATE"), "{err}");
    }
}
