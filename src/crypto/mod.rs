//! The crypto layer: one small interface over two backends.
//!
//! - [`verify`]: algorithm, `SubjectPublicKeyInfo` DER, a message or a precomputed digest, and
//!   a signature. It picks ring when ring is built in and can do the case, RustCrypto
//!   otherwise; [`verify_with`] pins a backend (tests, benchmarks, reproducing a report).
//! - [`Hasher`]: streaming digests.
//! - [`SigningKey`] and the [`Signer`] trait: software keys from PKCS#8; cards and mobile ID
//!   implement the same trait.
//!
//! A [`Policy`] decides what is acceptable (SHA-1, RSA size) before any backend runs, so the
//! answer does not depend on which backend happened to be compiled in.

pub mod alg;
pub mod digest;
pub mod ecdsa_sig;
pub mod key;
#[cfg(feature = "ring")]
mod ring_backend;
mod rustcrypto;
pub mod signing;

pub use alg::{Curve, EcdsaEncoding, HashAlgorithm, SignatureAlgorithm};
pub use digest::{digest, DigestValue, Hasher};
pub use key::{KeyKind, PublicKey};
pub use signing::{Signer, SigningKey};

use crate::error::Error;

/// What was signed: the message itself, or its digest under the algorithm's hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    /// The whole message; the backend hashes it.
    Data(&'a [u8]),
    /// A digest computed by the caller (for example over CMS signed attributes, or the value
    /// a card or mobile-ID service signed). Not possible for Ed25519.
    Digest(&'a [u8]),
}

/// A cryptographic backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum Backend {
    /// ring (native builds with the `ring` feature).
    Ring,
    /// RustCrypto (always available).
    RustCrypto,
}

impl Backend {
    /// The backends compiled into this build, preferred first.
    pub const fn available() -> &'static [Backend] {
        #[cfg(feature = "ring")]
        {
            &[Backend::Ring, Backend::RustCrypto]
        }
        #[cfg(not(feature = "ring"))]
        {
            &[Backend::RustCrypto]
        }
    }

    /// The backend's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ring => "ring",
            Self::RustCrypto => "RustCrypto",
        }
    }
}

/// Which algorithms and key sizes are acceptable. The document layers extend this with
/// dates (SHA-1 acceptable for signatures made before a cut-off, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Accept SHA-1 based signatures (legacy documents only).
    pub allow_sha1: bool,
    /// Smallest RSA modulus accepted, in bits.
    pub min_rsa_bits: usize,
}

impl Policy {
    /// The default: no SHA-1, RSA at least 2048 bits.
    pub const STRICT: Self = Self {
        allow_sha1: false,
        min_rsa_bits: 2048,
    };

    /// For verifying old documents: SHA-1 allowed; RSA still at least 2048 bits, as both
    /// backends require for SHA-1 too.
    pub const LEGACY: Self = Self {
        allow_sha1: true,
        min_rsa_bits: 2048,
    };

    /// Checks an algorithm and key against this policy.
    pub fn check(&self, alg: SignatureAlgorithm, key: KeyKind) -> Result<(), Error> {
        if alg.hash() == Some(HashAlgorithm::Sha1) && !self.allow_sha1 {
            return Err(Error::PolicyViolation {
                reason: alloc::format!("{alg} uses SHA-1"),
            });
        }
        if let KeyKind::Rsa { bits } = key {
            if bits < self.min_rsa_bits {
                return Err(Error::PolicyViolation {
                    reason: alloc::format!(
                        "RSA key of {bits} bits is below the minimum of {}",
                        self.min_rsa_bits
                    ),
                });
            }
        }
        Ok(())
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::STRICT
    }
}

/// Verifies `sig` over `msg` with the key in `spki_der`, under [`Policy::STRICT`].
///
/// `Ok(())` means the signature is mathematically valid for this key; whether the key was
/// trustworthy is for path validation to say. A tampered message, a wrong key or a malformed
/// signature value all give [`Error::BadSignature`].
pub fn verify(
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    msg: Message<'_>,
    sig: &[u8],
) -> Result<(), Error> {
    verify_with(None, &Policy::STRICT, alg, spki_der, msg, sig)
}

/// Like [`verify`], with a policy and, optionally, a pinned backend. With `backend: None`
/// the first [`Backend::available`] backend that supports the case is used.
pub fn verify_with(
    backend: Option<Backend>,
    policy: &Policy,
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    msg: Message<'_>,
    sig: &[u8],
) -> Result<(), Error> {
    let key = PublicKey::from_spki_der(spki_der)?;
    verify_key(backend, policy, alg, &key, msg, sig)
}

/// Verifies a JOSE-named signature (`ES256` ... `EdDSA`, RFC 7518 §3.1, RFC 8037): the
/// name fixes the algorithm, the fixed-width ECDSA encoding and, for `ES*`, the curve
/// (RFC 7518 §3.4: `ES256` is P-256 only). This is the one place that binding is checked;
/// the C ABI, the WASM bindings and the JWS layer all call it.
pub fn verify_jose(alg: &str, spki_der: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), Error> {
    let alg = SignatureAlgorithm::from_jose(alg)?;
    let key = PublicKey::from_spki_der(spki_der)?;
    if let (Some(want), KeyKind::Ec(have)) = (alg.jose_curve(), key.kind()) {
        if want != have {
            return Err(Error::KeyMismatch {
                algorithm: alg.name(),
                key: key.kind().describe(),
            });
        }
    }
    verify_key(None, &Policy::STRICT, alg, &key, Message::Data(msg), sig)
}

/// Like [`verify_with`], for a key already parsed.
pub fn verify_key(
    backend: Option<Backend>,
    policy: &Policy,
    alg: SignatureAlgorithm,
    key: &PublicKey<'_>,
    msg: Message<'_>,
    sig: &[u8],
) -> Result<(), Error> {
    check_key_fits(alg, key)?;
    policy.check(alg, key.kind())?;
    match backend {
        Some(b) => verify_on(b, alg, key, msg, sig),
        None => {
            let mut last = Error::UnsupportedAlgorithm { what: alg.name() };
            for &b in Backend::available() {
                match verify_on(b, alg, key, msg, sig) {
                    Err(e @ Error::UnsupportedByBackend { .. }) => last = e,
                    other => return other,
                }
            }
            Err(last)
        }
    }
}

fn verify_on(
    backend: Backend,
    alg: SignatureAlgorithm,
    key: &PublicKey<'_>,
    msg: Message<'_>,
    sig: &[u8],
) -> Result<(), Error> {
    match backend {
        #[cfg(feature = "ring")]
        Backend::Ring => ring_backend::verify(alg, key, msg, sig),
        #[cfg(not(feature = "ring"))]
        Backend::Ring => Err(Error::UnsupportedByBackend {
            backend: "ring",
            what: "anything: this build has no ring backend".into(),
        }),
        Backend::RustCrypto => rustcrypto::verify(alg, key, msg, sig),
    }
}

/// Key/algorithm compatibility, decided once for both backends.
fn check_key_fits(alg: SignatureAlgorithm, key: &PublicKey<'_>) -> Result<(), Error> {
    let fits = key.kind().fits(alg);
    if fits {
        Ok(())
    } else {
        Err(Error::KeyMismatch {
            algorithm: alg.name(),
            key: key.kind().describe(),
        })
    }
}
