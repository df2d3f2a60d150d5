//! Detached content streamed from a reader: hashed once with every digest algorithm the
//! signature needs, in fixed-size chunks, so memory does not grow with the content.

use alloc::vec::Vec;

use super::{required_digests, verify_parsed, Content, VerifyOptions};
use crate::crypto::digest::READ_CHUNK;
use crate::crypto::{DigestValue, Hasher};
use crate::error::Error;
use crate::report::Report;

/// Validates a detached CMS signature over content read from `content`. `progress` is
/// called with the number of bytes hashed so far after each chunk.
///
/// A signature that cannot be parsed gives its own [`Error`]; a failed read gives
/// [`Error::Read`] (code 104) with the I/O error's message.
pub fn verify_reader<R: std::io::Read>(
    signature: &[u8],
    mut content: R,
    opts: &VerifyOptions<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<Report, Error> {
    let der = super::unarmor(signature)?;
    let sd = crate::cms::parse(&der)?;
    super::check_content(&sd, Content::DetachedDigests(&[]))?;
    let mut hashers: Vec<Hasher> = required_digests(&sd).into_iter().map(Hasher::new).collect();
    let mut buf = alloc::vec![0u8; READ_CHUNK];
    let mut total = 0u64;
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
