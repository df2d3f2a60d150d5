//! The native backend: ring.
//!
//! ring covers ECDSA P-256/P-384, RSA PKCS#1 v1.5 and PSS (2048-8192 bits, salt = hash
//! length) and Ed25519, always over the whole message. What it lacks (P-521, precomputed
//! digests, PSS with another salt length) is reported as [`Error::UnsupportedByBackend`] so
//! the dispatcher can fall back to RustCrypto.

use ring::signature as rs;

use super::alg::{Curve, EcdsaEncoding, HashAlgorithm, SignatureAlgorithm};
use super::key::{KeyKind, PublicKey};
use super::{ecdsa_sig, Message};
use crate::error::Error;

const NAME: &str = "ring";

fn unsupported(what: impl Into<alloc::string::String>) -> Error {
    Error::UnsupportedByBackend {
        backend: NAME,
        what: what.into(),
    }
}

/// Verifies with ring. The key kind and algorithm have been matched by the caller.
pub(super) fn verify(
    alg: SignatureAlgorithm,
    key: &PublicKey<'_>,
    msg: Message<'_>,
    sig: &[u8],
) -> Result<(), Error> {
    let Message::Data(data) = msg else {
        return Err(unsupported("verification of a precomputed digest"));
    };
    // ring verifies RSA from 2048 bits only; smaller keys (old signatures a policy may
    // still accept by date) go to RustCrypto.
    if let KeyKind::Rsa { bits } = key.kind() {
        if bits < 2048 {
            return Err(unsupported(alloc::format!("RSA keys of {bits} bits")));
        }
    }
    let converted;
    let (params, sig): (&dyn rs::VerificationAlgorithm, &[u8]) = match (alg, key.kind()) {
        (SignatureAlgorithm::Ecdsa { hash, encoding }, KeyKind::Ec(curve)) => {
            use EcdsaEncoding::{Der, Fixed};
            use HashAlgorithm::{Sha256, Sha384};
            match (curve, hash, encoding) {
                (Curve::P256, Sha256, Fixed) => (&rs::ECDSA_P256_SHA256_FIXED, sig),
                (Curve::P384, Sha384, Fixed) => (&rs::ECDSA_P384_SHA384_FIXED, sig),
                (Curve::P256, Sha256, Der) => (&rs::ECDSA_P256_SHA256_ASN1, sig),
                (Curve::P256, Sha384, Der) => (&rs::ECDSA_P256_SHA384_ASN1, sig),
                (Curve::P384, Sha256, Der) => (&rs::ECDSA_P384_SHA256_ASN1, sig),
                (Curve::P384, Sha384, Der) => (&rs::ECDSA_P384_SHA384_ASN1, sig),
                (Curve::P256, Sha384, Fixed) => {
                    converted =
                        ecdsa_sig::fixed_to_der(curve, sig).map_err(|_| Error::BadSignature)?;
                    (&rs::ECDSA_P256_SHA384_ASN1, converted.as_slice())
                }
                (Curve::P384, Sha256, Fixed) => {
                    converted =
                        ecdsa_sig::fixed_to_der(curve, sig).map_err(|_| Error::BadSignature)?;
                    (&rs::ECDSA_P384_SHA256_ASN1, converted.as_slice())
                }
                _ => return Err(unsupported(alloc::format!("{alg} on {}", curve.name()))),
            }
        }
        (SignatureAlgorithm::RsaPkcs1(hash), KeyKind::Rsa { .. }) => match hash {
            HashAlgorithm::Sha1 => (&rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, sig),
            HashAlgorithm::Sha256 => (&rs::RSA_PKCS1_2048_8192_SHA256, sig),
            HashAlgorithm::Sha384 => (&rs::RSA_PKCS1_2048_8192_SHA384, sig),
            HashAlgorithm::Sha512 => (&rs::RSA_PKCS1_2048_8192_SHA512, sig),
        },
        (SignatureAlgorithm::RsaPss { hash, salt_len }, KeyKind::Rsa { .. })
            if usize::from(salt_len) == hash.output_len() =>
        {
            match hash {
                HashAlgorithm::Sha256 => (&rs::RSA_PSS_2048_8192_SHA256, sig),
                HashAlgorithm::Sha384 => (&rs::RSA_PSS_2048_8192_SHA384, sig),
                HashAlgorithm::Sha512 => (&rs::RSA_PSS_2048_8192_SHA512, sig),
                HashAlgorithm::Sha1 => return Err(unsupported("RSA-PSS with SHA-1")),
            }
        }
        (SignatureAlgorithm::RsaPss { .. }, KeyKind::Rsa { .. }) => {
            return Err(unsupported(alloc::format!(
                "{alg} (ring needs salt = hash length)"
            )))
        }
        (SignatureAlgorithm::Ed25519, KeyKind::Ed25519) => (&rs::ED25519, sig),
        _ => {
            return Err(Error::KeyMismatch {
                algorithm: alg.name(),
                key: key.kind().describe(),
            })
        }
    };
    rs::UnparsedPublicKey::new(params, key.raw())
        .verify(data, sig)
        .map_err(|_| Error::BadSignature)
}
