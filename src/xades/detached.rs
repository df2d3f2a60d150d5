//! An XML signature waiting for its detached content, hashed as it arrives: the same
//! push interface as [`crate::cades::Streamed`], so the front door, the CLI's reader and
//! the browser's chunks need nothing format-specific.
//!
//! A detached XAdES names its content by URI (a file name). One piece of content can be
//! only one file: it stands for the URI when the signature's external references all name
//! the same one; with several names, none is matched and each is reported not found.

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::{DigestValue, HashAlgorithm, Hasher};
use crate::error::Error;
use crate::report::Report;
use crate::xml::{self, Limits};
use crate::xmldsig::{self, Signature};
use crate::VerifyOptions;

/// An XML signature and the digests of its detached content.
pub struct Streamed {
    xml: Vec<u8>,
    /// The distinct URIs of the external references.
    uris: Vec<String>,
    hashers: Vec<Hasher>,
    digests: Option<Vec<DigestValue>>,
    length: u64,
    given: bool,
}

impl core::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Streamed")
            .field("uris", &self.uris)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Streamed {
    /// Parses `input` and prepares a hasher for each digest algorithm its external
    /// references use.
    pub fn new(input: &[u8]) -> Result<Self, Error> {
        let doc = xml::parse(input, &Limits::default())?;
        let mut uris: Vec<String> = Vec::new();
        let mut algs: Vec<HashAlgorithm> = Vec::new();
        let nodes = xmldsig::signatures(&doc);
        if nodes.is_empty() {
            return Err(super::not_a_signature());
        }
        for node in nodes {
            // A signature that cannot be read is reported by `verify`; here it needs nothing.
            let Ok(sig) = Signature::read(node) else {
                continue;
            };
            for r in &sig.references {
                let Some(uri) = r.uri.filter(|u| !u.is_empty() && !u.starts_with('#')) else {
                    continue;
                };
                if !uris.iter().any(|u| u == uri) {
                    uris.push(uri.into());
                }
                if !algs.contains(&r.digest) {
                    algs.push(r.digest);
                }
            }
        }
        drop(doc);
        Ok(Self {
            xml: input.to_vec(),
            uris,
            hashers: algs.into_iter().map(Hasher::new).collect(),
            digests: None,
            length: 0,
            given: false,
        })
    }

    /// Whether a reference names a file outside the document.
    pub fn needs_content(&self) -> bool {
        !self.uris.is_empty()
    }

    /// Hashes the next piece of the detached content ([`Error::ContentGivenTwice`] when
    /// no reference names a file).
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if !self.needs_content() {
            return Err(Error::ContentGivenTwice);
        }
        if self.digests.is_some() {
            return Err(Error::InvalidOptions {
                reason: "content given after the verification: the content was complete",
            });
        }
        for h in &mut self.hashers {
            h.update(chunk);
        }
        self.length += chunk.len() as u64;
        self.given = true;
        Ok(())
    }

    /// The digest algorithms the content must be hashed with, for a host that hashes it.
    pub fn required_digests(&self) -> Vec<HashAlgorithm> {
        self.hashers.iter().map(Hasher::algorithm).collect()
    }

    /// The content's digests computed by the host, one per [`Self::required_digests`]
    /// algorithm, and its length; instead of [`Self::update`].
    pub fn set_digests(
        &mut self,
        digests: &[(HashAlgorithm, &[u8])],
        length: u64,
    ) -> Result<(), Error> {
        if !self.needs_content() {
            return Err(Error::ContentGivenTwice);
        }
        if self.given || self.digests.is_some() {
            return Err(Error::InvalidOptions {
                reason: "content digests given after content",
            });
        }
        let mut values = Vec::new();
        for alg in self.required_digests() {
            let value = digests
                .iter()
                .find(|(a, _)| *a == alg)
                .map(|(_, v)| *v)
                .filter(|v| v.len() == alg.output_len())
                .ok_or(Error::InvalidOptions {
                    reason:
                        "a content digest the signature needs is missing or of the wrong length",
                })?;
            values.push(DigestValue::from_precomputed(alg, value));
        }
        self.hashers.clear();
        self.digests = Some(values);
        self.length = length;
        self.given = true;
        Ok(())
    }

    /// The number of content bytes given so far.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Validates every signature; the content given so far is then complete. Without
    /// content, external references are not found (SIGNED_DATA_NOT_FOUND).
    pub fn verify(&mut self, opts: &VerifyOptions<'_>) -> Result<Report, Error> {
        if self.given && self.digests.is_none() {
            let hashers = core::mem::take(&mut self.hashers);
            self.digests = Some(hashers.into_iter().map(Hasher::finish).collect());
        }
        let single = match self.uris.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        };
        let digests = self.digests.as_deref().unwrap_or_default();
        let length = self.length;
        let mut external = |uri: &str, alg: HashAlgorithm| {
            Ok((single == Some(uri))
                .then(|| digests.iter().find(|d| d.algorithm() == alg).copied())
                .flatten())
        };
        let mut report = super::verify(&self.xml, &mut external, opts)?;
        for s in &mut report.signatures {
            for scope in &mut s.scope {
                if single == Some(scope.name.as_str()) && scope.length.is_none() {
                    scope.length = Some(length);
                }
            }
        }
        Ok(report)
    }
}
