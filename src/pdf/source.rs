//! Random access to a PDF's bytes: a slice, or (with `std`) anything `Read + Seek`, so a
//! 500 MB file is read where needed and never held whole.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::PdfError;

/// Bytes by offset.
pub trait Source {
    /// The file's length.
    fn len(&self) -> u64;

    /// Whether the file is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PdfError>;

    /// `len` bytes at `offset` (fewer at the end of the file).
    fn window(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, PdfError> {
        let avail = self.len().saturating_sub(offset);
        let len = usize::try_from(avail).map_or(len, |a| a.min(len));
        let mut buf = vec![0; len];
        let mut done = 0;
        while done < len {
            let n = self.read_at(
                offset + done as u64,
                buf.get_mut(done..).unwrap_or_default(),
            )?;
            if n == 0 {
                break;
            }
            done += n;
        }
        buf.truncate(done);
        Ok(buf)
    }
}

impl Source for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PdfError> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let rest = self.get(start..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), rest.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }
}

impl<S: Source + ?Sized> Source for &mut S {
    fn len(&self) -> u64 {
        (**self).len()
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PdfError> {
        (**self).read_at(offset, buf)
    }
}

/// A [`Source`] over a seekable reader (a file).
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct ReadSeek<R> {
    inner: R,
    len: u64,
}

#[cfg(feature = "std")]
impl<R: std::io::Read + std::io::Seek> ReadSeek<R> {
    /// Wraps `inner`, finding its length.
    pub fn new(mut inner: R) -> Result<Self, PdfError> {
        let len = inner
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| PdfError::Unsupported(alloc::format!("reading the file ({e})")))?;
        Ok(Self { inner, len })
    }

    /// The reader back.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

#[cfg(feature = "std")]
impl<R: std::io::Read + std::io::Seek> Source for ReadSeek<R> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, PdfError> {
        let io = |e: std::io::Error| PdfError::Malformed {
            at: offset,
            detail: alloc::format!("the file could not be read: {e}"),
        };
        self.inner
            .seek(std::io::SeekFrom::Start(offset))
            .map_err(io)?;
        loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                r => return r.map_err(io),
            }
        }
    }
}
