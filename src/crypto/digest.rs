//! Streaming message digests.
//!
//! With the `ring` feature the native build hashes with ring (assembly SHA-2); otherwise
//! RustCrypto's `sha2`/`sha1`. Both give the same bytes; only speed differs.

use core::fmt;

use super::alg::HashAlgorithm;

/// A finished digest value (at most 64 bytes), kept inline to avoid an allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DigestValue {
    alg: HashAlgorithm,
    bytes: [u8; 64],
}

impl DigestValue {
    /// Wraps a digest computed elsewhere (a card or mobile-ID flow). The caller has checked
    /// that `src` is `alg.output_len()` bytes long.
    pub(crate) fn from_precomputed(alg: HashAlgorithm, src: &[u8]) -> Self {
        Self::new(alg, src)
    }

    fn new(alg: HashAlgorithm, src: &[u8]) -> Self {
        let mut bytes = [0u8; 64];
        let n = alg.output_len().min(src.len());
        if let (Some(dst), Some(src)) = (bytes.get_mut(..n), src.get(..n)) {
            dst.copy_from_slice(src);
        }
        Self { alg, bytes }
    }

    /// The hash function that produced this value.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }
}

impl AsRef<[u8]> for DigestValue {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(..self.alg.output_len()).unwrap_or(&[])
    }
}

impl fmt::Debug for DigestValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.alg)?;
        for b in self.as_ref() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// An incremental hash: feed it with [`Hasher::update`], then [`Hasher::finish`].
#[derive(Clone)]
pub struct Hasher {
    alg: HashAlgorithm,
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    #[cfg(feature = "ring")]
    Ring(ring::digest::Context),
    #[cfg(not(feature = "ring"))]
    Sha1(sha1::Sha1),
    #[cfg(not(feature = "ring"))]
    Sha256(sha2::Sha256),
    #[cfg(not(feature = "ring"))]
    Sha384(sha2::Sha384),
    #[cfg(not(feature = "ring"))]
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Starts a hash.
    pub fn new(alg: HashAlgorithm) -> Self {
        #[cfg(feature = "ring")]
        let inner = Inner::Ring(ring::digest::Context::new(match alg {
            HashAlgorithm::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            HashAlgorithm::Sha256 => &ring::digest::SHA256,
            HashAlgorithm::Sha384 => &ring::digest::SHA384,
            HashAlgorithm::Sha512 => &ring::digest::SHA512,
        }));
        #[cfg(not(feature = "ring"))]
        let inner = {
            use sha2::Digest as _;
            match alg {
                HashAlgorithm::Sha1 => Inner::Sha1(sha1::Sha1::new()),
                HashAlgorithm::Sha256 => Inner::Sha256(sha2::Sha256::new()),
                HashAlgorithm::Sha384 => Inner::Sha384(sha2::Sha384::new()),
                HashAlgorithm::Sha512 => Inner::Sha512(sha2::Sha512::new()),
            }
        };
        Self { alg, inner }
    }

    /// The hash function.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.inner {
            #[cfg(feature = "ring")]
            Inner::Ring(c) => c.update(data),
            #[cfg(not(feature = "ring"))]
            Inner::Sha1(h) => sha2::Digest::update(h, data),
            #[cfg(not(feature = "ring"))]
            Inner::Sha256(h) => sha2::Digest::update(h, data),
            #[cfg(not(feature = "ring"))]
            Inner::Sha384(h) => sha2::Digest::update(h, data),
            #[cfg(not(feature = "ring"))]
            Inner::Sha512(h) => sha2::Digest::update(h, data),
        }
    }

    /// Finishes the hash.
    pub fn finish(self) -> DigestValue {
        let alg = self.alg;
        match self.inner {
            #[cfg(feature = "ring")]
            Inner::Ring(c) => DigestValue::new(alg, c.finish().as_ref()),
            #[cfg(not(feature = "ring"))]
            Inner::Sha1(h) => DigestValue::new(alg, &sha2::Digest::finalize(h)),
            #[cfg(not(feature = "ring"))]
            Inner::Sha256(h) => DigestValue::new(alg, &sha2::Digest::finalize(h)),
            #[cfg(not(feature = "ring"))]
            Inner::Sha384(h) => DigestValue::new(alg, &sha2::Digest::finalize(h)),
            #[cfg(not(feature = "ring"))]
            Inner::Sha512(h) => DigestValue::new(alg, &sha2::Digest::finalize(h)),
        }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hasher").field("alg", &self.alg).finish()
    }
}

/// Hashes a byte string in one call.
pub fn digest(alg: HashAlgorithm, data: &[u8]) -> DigestValue {
    let mut h = Hasher::new(alg);
    h.update(data);
    h.finish()
}

/// Size of the read buffer for [`digest_reader`]: memory use is this, whatever the input size.
#[cfg(feature = "std")]
pub const READ_CHUNK: usize = 64 * 1024;

/// Hashes everything a reader yields, in [`READ_CHUNK`] pieces: memory does not grow with the
/// input. Returns the digest and the number of bytes read.
#[cfg(feature = "std")]
pub fn digest_reader<R: std::io::Read>(
    alg: HashAlgorithm,
    mut reader: R,
) -> std::io::Result<(DigestValue, u64)> {
    let mut h = Hasher::new(alg);
    let mut buf = alloc::vec![0u8; READ_CHUNK];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(buf.get(..n).unwrap_or(&[]));
        total += n as u64;
    }
    Ok((h.finish(), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 180-2 "abc" vectors.
    #[test]
    fn known_answers() {
        let cases = [
            (
                HashAlgorithm::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                HashAlgorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                HashAlgorithm::Sha384,
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7",
            ),
            (
                HashAlgorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                 2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
        ];
        for (alg, hex) in cases {
            let mut h = Hasher::new(alg);
            h.update(b"a");
            h.update(b"bc");
            assert_eq!(hex::encode(h.finish()), hex, "{alg}");
            assert_eq!(hex::encode(digest(alg, b"abc")), hex, "{alg}");
        }
    }

    #[cfg(feature = "std")]
    #[test]
    fn reader_matches_one_shot() {
        let data: alloc::vec::Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (d, n) = digest_reader(HashAlgorithm::Sha256, &data[..]).unwrap();
        assert_eq!(n, 200_000);
        assert_eq!(d, digest(HashAlgorithm::Sha256, &data));
    }
}
