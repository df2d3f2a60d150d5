//! The `SIGNED{...}` shape shared by certificates, CRLs and OCSP responses:
//!
//! ```text
//! SEQUENCE { toBeSigned ..., signatureAlgorithm AlgorithmIdentifier,
//!            signature BIT STRING, ... }
//! ```
//!
//! The signature covers the `toBeSigned` bytes exactly as received; re-encoding a decoded
//! structure could change them, so they are cut out of the input instead.

use alloc::vec::Vec;

use der::asn1::{AnyRef, BitStringRef};
use der::{Decode, Encode, Reader, SliceReader};
use spki::AlgorithmIdentifierRef;

use crate::crypto::{self, Message, Policy, SignatureAlgorithm};
use crate::error::Error;

/// The signed bytes, the algorithm and the signature of a `SIGNED{...}` structure.
#[derive(Clone, Debug)]
pub(crate) struct SignedParts {
    /// `toBeSigned` as received (tag, length and value).
    pub(crate) tbs: Vec<u8>,
    /// The signature algorithm, or why it is not usable.
    pub(crate) algorithm: Result<SignatureAlgorithm, Error>,
    /// The signature value.
    pub(crate) signature: Vec<u8>,
}

impl SignedParts {
    /// Splits `der`; `what` names the structure in errors. Fields after the signature
    /// (the OCSP `certs`) are skipped; nothing may follow the outer SEQUENCE.
    pub(crate) fn split(der: &[u8], what: &'static str) -> Result<Self, Error> {
        let bad = |e: der::Error| Error::malformed(what, e);
        let mut reader = SliceReader::new(der).map_err(bad)?;
        let (tbs, alg, sig) = reader
            .sequence(|r| {
                let tbs = AnyRef::decode(r)?;
                let alg = AlgorithmIdentifierRef::decode(r)?;
                let sig = BitStringRef::decode(r)?;
                while !r.is_finished() {
                    AnyRef::decode(r)?;
                }
                Ok((tbs, alg, sig))
            })
            .map_err(bad)?;
        reader.finish(()).map_err(bad)?;
        let algorithm = alg
            .to_der()
            .map_err(bad)
            .and_then(|d| SignatureAlgorithm::from_algorithm_identifier_der(&d));
        let signature = sig
            .as_bytes()
            .ok_or_else(|| Error::Malformed {
                what,
                detail: "signature BIT STRING has unused bits".into(),
            })?
            .to_vec();
        Ok(Self {
            tbs: tbs.to_der().map_err(bad)?,
            algorithm,
            signature,
        })
    }

    /// Verifies the signature with the key in `spki` under `policy`.
    pub(crate) fn verify(&self, spki: &[u8], policy: &Policy) -> Result<(), Error> {
        let alg = self.algorithm.clone()?;
        crypto::verify_with(
            None,
            policy,
            alg,
            spki,
            Message::Data(&self.tbs),
            &self.signature,
        )
    }
}
