//! Detached content hashed as it arrives, in chunks of any size, once with every digest
//! algorithm the signature needs, so memory does not grow with the content: from a reader
//! ([`verify_reader`]) or pushed by a host that gets the content in pieces (a browser's
//! `File.stream()`, through [`Streamed`]).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::{check_content, required_digests, unarmor, verify_parsed, Content, VerifyOptions};
use crate::crypto::{DigestValue, HashAlgorithm, Hasher};
use crate::error::Error;
use crate::report::Report;

/// A CMS signature waiting for its detached content.
///
/// A signature that carries its content needs none: [`Streamed::needs_content`] is false,
/// and [`Streamed::update`] refuses content with [`Error::ContentGivenTwice`], as
/// [`super::verify`] does.
pub struct Streamed {
    der: Vec<u8>,
    attached: bool,
    hashers: Vec<Hasher>,
    digests: Option<Vec<DigestValue>>,
    length: u64,
    /// Whether any content was given (an empty chunk counts: empty content is content).
    given: bool,
    /// Whether a signer signs the content itself, so digests cannot stand for it.
    bytes_needed: bool,
}

impl core::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Streamed")
            .field("attached", &self.attached)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Streamed {
    /// Parses `signature` (DER, BER or PEM) and prepares a hasher for each digest algorithm
    /// it needs.
    pub fn new(signature: &[u8]) -> Result<Self, Error> {
        let der = match unarmor(signature)? {
            Cow::Borrowed(b) => b.to_vec(),
            Cow::Owned(v) => v,
        };
        let sd = crate::cms::parse(&der)?;
        let attached = check_content(&sd, Content::DetachedDigests(&[])).is_err();
        let bytes_needed = sd
            .signers
            .iter()
            .any(crate::cms::verify::needs_content_bytes);
        let hashers = if attached {
            Vec::new()
        } else {
            required_digests(&sd).into_iter().map(Hasher::new).collect()
        };
        drop(sd);
        Ok(Self {
            der,
            attached,
            hashers,
            digests: None,
            length: 0,
            given: false,
            bytes_needed,
        })
    }

    /// Whether the signature is detached, so its content must come through
    /// [`Self::update`].
    pub fn needs_content(&self) -> bool {
        !self.attached
    }

    /// Hashes the next piece of the detached content.
    ///
    /// Errors: [`Error::ContentGivenTwice`] when the signature carries its content;
    /// [`Error::InvalidOptions`] after [`Self::verify`] (the digests are final).
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if self.attached {
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

    /// The digest algorithms the detached content must be hashed with, for a host that
    /// hashes it elsewhere ([`Self::set_digests`]); empty when the signature carries its
    /// content or a signer signs the content itself (Ed25519 without signed attributes),
    /// which digests cannot serve.
    pub fn required_digests(&self) -> Vec<HashAlgorithm> {
        if self.bytes_needed {
            return Vec::new();
        }
        self.hashers.iter().map(Hasher::algorithm).collect()
    }

    /// The detached content's digests, computed by the host (a browser's Web Crypto, which
    /// hashes a file in memory several times faster than WebAssembly), one per
    /// [`Self::required_digests`] algorithm, and its length. Instead of [`Self::update`].
    ///
    /// Errors ([`Error::InvalidOptions`]): content already given, a digest missing or of
    /// the wrong length, or a signature these digests cannot serve.
    pub fn set_digests(
        &mut self,
        digests: &[(HashAlgorithm, &[u8])],
        length: u64,
    ) -> Result<(), Error> {
        if self.attached {
            return Err(Error::ContentGivenTwice);
        }
        if self.given || self.digests.is_some() {
            return Err(Error::InvalidOptions {
                reason: "content digests given after content",
            });
        }
        let required = self.required_digests();
        if required.is_empty() {
            return Err(Error::InvalidOptions {
                reason: "this signature needs the content itself, not its digests",
            });
        }
        let mut values = Vec::with_capacity(required.len());
        for alg in required {
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

    /// The number of content bytes hashed so far.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Validates the signature over the content given so far (which is then complete).
    /// It may be called again, with other options (the answers of an asynchronous host's
    /// network, for one), and judges the same content. A detached signature given no
    /// content at all is judged as [`super::verify`] judges it without content
    /// (SIGNED_DATA_NOT_FOUND), not over empty content.
    pub fn verify(&mut self, opts: &VerifyOptions<'_>) -> Result<Report, Error> {
        let sd = crate::cms::parse(&self.der)?;
        if self.attached || !self.given {
            return Ok(verify_parsed(&sd, Content::Attached, opts));
        }
        let hashers = core::mem::take(&mut self.hashers);
        let digests = self
            .digests
            .get_or_insert_with(|| hashers.into_iter().map(Hasher::finish).collect());
        let mut report = verify_parsed(&sd, Content::DetachedDigests(digests), opts);
        for s in &mut report.signatures {
            for scope in &mut s.scope {
                if scope.length.is_none() {
                    scope.length = Some(self.length);
                }
            }
        }
        Ok(report)
    }
}

/// Validates a detached CMS signature over content read from `content`. `progress` is
/// called with the number of bytes hashed so far after each chunk.
///
/// A signature that cannot be parsed gives its own [`Error`]; a failed read gives
/// [`Error::Read`] (code 104) with the I/O error's message.
#[cfg(feature = "std")]
pub fn verify_reader<R: std::io::Read>(
    signature: &[u8],
    mut content: R,
    opts: &VerifyOptions<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, Error> {
    let mut streamed = Streamed::new(signature)?;
    if !streamed.needs_content() {
        return Err(Error::ContentGivenTwice);
    }
    // An empty reader is empty content, not missing content.
    streamed.update(&[])?;
    let mut buf = alloc::vec![0u8; crate::crypto::digest::READ_CHUNK];
    loop {
        let n = match content.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Read {
                    reason: alloc::format!("{e}"),
                })
            }
        };
        streamed.update(buf.get(..n).unwrap_or(&[]))?;
        progress(streamed.length());
    }
    streamed.verify(opts)
}
