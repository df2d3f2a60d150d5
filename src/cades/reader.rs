//! Detached content streamed from a reader: hashed once with every digest algorithm the
//! signature needs, in fixed-size chunks, so memory does not grow with the content.

use alloc::vec::Vec;

use super::{required_digests, verify_parsed, Content, VerifyOptions};
use crate::crypto::digest::READ_CHUNK;
use crate::crypto::{DigestValue, Hasher};
use crate::error::Error;
use crate::report::Report;

/// Why [`verify_reader`] could not produce a report.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReaderError {
    /// The signature is not a CMS `SignedData`.
    Signature(Error),
    /// Reading the content failed.
    Io(std::io::Error),
}

impl core::fmt::Display for ReaderError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Signature(e) => write!(f, "{e}"),
            Self::Io(e) => write!(f, "reading the content: {e}"),
        }
    }
}

impl std::error::Error for ReaderError {}

/// Validates a detached CMS signature over content read from `content`. `progress` is
/// called with the number of bytes hashed so far after each chunk.
pub fn verify_reader<R: std::io::Read>(
    signature: &[u8],
    mut content: R,
    opts: &VerifyOptions<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, ReaderError> {
    let der = super::unarmor(signature).map_err(ReaderError::Signature)?;
    let sd = crate::cms::parse(&der).map_err(ReaderError::Signature)?;
    super::check_content(&sd, Content::DetachedDigests(&[])).map_err(ReaderError::Signature)?;
    let mut hashers: Vec<Hasher> = required_digests(&sd).into_iter().map(Hasher::new).collect();
    let mut buf = alloc::vec![0u8; READ_CHUNK];
    let mut total = 0u64;
    loop {
        let n = match content.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReaderError::Io(e)),
        };
        let chunk = buf.get(..n).unwrap_or(&[]);
        for h in &mut hashers {
            h.update(chunk);
        }
        total += n as u64;
        progress(total);
    }
    let digests: Vec<DigestValue> = hashers.into_iter().map(Hasher::finish).collect();
    Ok(verify_parsed(&sd, Content::DetachedDigests(&digests), opts))
}
