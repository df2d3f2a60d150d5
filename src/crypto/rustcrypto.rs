//! The pure-Rust backend: RustCrypto (p256, p384, p521, rsa, ed25519-dalek, sha2).
//!
//! It runs everywhere, including wasm32, and covers what ring lacks: P-521, precomputed
//! digests (card and mobile-ID flows sign digests), ECDSA with a hash other than the curve's
//! usual one, and RSA-PSS with any salt length.

use signature::hazmat::PrehashVerifier;

use super::alg::{Curve, EcdsaEncoding, SignatureAlgorithm};
use super::digest::{digest, DigestValue};
use super::key::{KeyKind, PublicKey, MAX_RSA_BITS};
use super::{ecdsa_sig, Message};
use crate::error::Error;

const NAME: &str = "RustCrypto";

/// Verifies with RustCrypto. The key kind and algorithm have been matched by the caller.
pub(super) fn verify(
    alg: SignatureAlgorithm,
    key: &PublicKey<'_>,
    msg: Message<'_>,
    sig: &[u8],
) -> Result<(), Error> {
    match (alg, key.kind()) {
        (SignatureAlgorithm::Ecdsa { hash, encoding }, KeyKind::Ec(curve)) => {
            let hashed = prehash(hash, msg)?;
            let fixed;
            let fixed_sig = match encoding {
                EcdsaEncoding::Fixed => sig,
                EcdsaEncoding::Der => {
                    fixed = ecdsa_sig::der_to_fixed(curve, sig).map_err(|_| Error::BadSignature)?;
                    fixed.as_slice()
                }
            };
            verify_ecdsa(curve, key.raw(), hashed.as_ref(), fixed_sig)
        }
        (SignatureAlgorithm::RsaPkcs1(hash), KeyKind::Rsa { .. }) => {
            let hashed = prehash(hash, msg)?;
            let scheme = match hash {
                super::HashAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                super::HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                super::HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                super::HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            rsa_key(key.raw())?
                .verify(scheme, hashed.as_ref(), sig)
                .map_err(|_| Error::BadSignature)
        }
        (SignatureAlgorithm::RsaPss { hash, salt_len }, KeyKind::Rsa { .. }) => {
            let hashed = prehash(hash, msg)?;
            let salt = usize::from(salt_len);
            let scheme = match hash {
                super::HashAlgorithm::Sha1 => rsa::Pss::new_with_salt::<sha1::Sha1>(salt),
                super::HashAlgorithm::Sha256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
                super::HashAlgorithm::Sha384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
                super::HashAlgorithm::Sha512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
            };
            rsa_key(key.raw())?
                .verify(scheme, hashed.as_ref(), sig)
                .map_err(|_| Error::BadSignature)
        }
        (SignatureAlgorithm::Ed25519, KeyKind::Ed25519) => {
            let Message::Data(data) = msg else {
                return Err(Error::UnsupportedByBackend {
                    backend: NAME,
                    what:
                        "Ed25519 over a precomputed digest (Ed25519 is not a hash-then-sign scheme)"
                            .into(),
                });
            };
            let bytes: &[u8; 32] = key.raw().try_into().map_err(|_| Error::KeyRejected {
                reason: "Ed25519 key is not 32 bytes".into(),
            })?;
            let vk =
                ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Error::KeyRejected {
                    reason: "Ed25519 key is not a valid point".into(),
                })?;
            let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| Error::BadSignature)?;
            vk.verify_strict(data, &sig)
                .map_err(|_| Error::BadSignature)
        }
        _ => Err(Error::KeyMismatch {
            algorithm: alg.name(),
            key: key.kind().describe(),
        }),
    }
}

/// The digest to verify: computed from the message, or the caller's, length-checked.
fn prehash(hash: super::HashAlgorithm, msg: Message<'_>) -> Result<DigestValue, Error> {
    match msg {
        Message::Data(data) => Ok(digest(hash, data)),
        Message::Digest(d) if d.len() == hash.output_len() => {
            Ok(DigestValue::from_precomputed(hash, d))
        }
        Message::Digest(d) => Err(Error::Malformed {
            what: "precomputed digest",
            detail: alloc::format!("{} bytes, {hash} is {}", d.len(), hash.output_len()),
        }),
    }
}

fn verify_ecdsa(curve: Curve, point: &[u8], hashed: &[u8], fixed: &[u8]) -> Result<(), Error> {
    let bad_key = |_| Error::KeyRejected {
        reason: alloc::format!("not a valid {} point", curve.name()),
    };
    let bad_sig = |_| Error::BadSignature;
    match curve {
        Curve::P256 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(bad_key)?;
            let sig = p256::ecdsa::Signature::from_slice(fixed).map_err(bad_sig)?;
            vk.verify_prehash(hashed, &sig).map_err(bad_sig)
        }
        Curve::P384 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(bad_key)?;
            let sig = p384::ecdsa::Signature::from_slice(fixed).map_err(bad_sig)?;
            vk.verify_prehash(hashed, &sig).map_err(bad_sig)
        }
        Curve::P521 => {
            let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(bad_key)?;
            let sig = p521::ecdsa::Signature::from_slice(fixed).map_err(bad_sig)?;
            vk.verify_prehash(hashed, &sig).map_err(bad_sig)
        }
    }
}

/// Builds a RustCrypto RSA key from PKCS#1 `RSAPublicKey` DER, allowing up to 8192 bits as
/// ring does (RustCrypto's own default stops at 4096).
pub(super) fn rsa_key(raw: &[u8]) -> Result<rsa::RsaPublicKey, Error> {
    use der::Decode;
    let k =
        rsa::pkcs1::RsaPublicKey::from_der(raw).map_err(|e| Error::malformed("RSAPublicKey", e))?;
    let n = rsa::BigUint::from_bytes_be(k.modulus.as_bytes());
    let e = rsa::BigUint::from_bytes_be(k.public_exponent.as_bytes());
    rsa::RsaPublicKey::new_with_max_size(n, e, MAX_RSA_BITS).map_err(|e| Error::KeyRejected {
        reason: alloc::format!("RSA key: {e}"),
    })
}
