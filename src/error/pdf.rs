//! Why a PDF file was refused (`crate::pdf`).

use alloc::string::String;

use super::Error;

/// Why a PDF file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PdfError {
    /// The bytes at `at` are not what ISO 32000-1 §7 allows there.
    Malformed {
        /// Byte offset in the file.
        at: u64,
        /// What was wrong.
        detail: String,
    },
    /// A size, depth, count or revision limit of [`crate::pdf::Limits`] was exceeded.
    Limit {
        /// Which limit.
        what: &'static str,
        /// The limit's value.
        limit: u64,
    },
    /// A feature imza does not read (encryption, a stream filter other than Flate ...).
    Unsupported(String),
    /// An object that the file refers to is not in it.
    NotFound(String),
    /// A dictionary names the same key twice: which value counts would differ between
    /// readers, so the file is refused.
    DuplicateKey {
        /// Byte offset of the second occurrence.
        at: u64,
        /// The key.
        key: String,
    },
}

impl core::fmt::Display for PdfError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed { at, detail } => write!(f, "malformed at byte {at}: {detail}"),
            Self::Limit { what, limit } => write!(f, "limit exceeded: {what} (limit {limit})"),
            Self::Unsupported(s) => write!(f, "{s} is not supported"),
            Self::NotFound(s) => write!(f, "{s} is not in the file"),
            Self::DuplicateKey { at, key } => {
                write!(f, "the dictionary key /{key} appears twice (byte {at})")
            }
        }
    }
}

impl core::error::Error for PdfError {}

impl PdfError {
    /// A stable numeric code in the 1400-1449 block of [`crate::Error::code`].
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed { .. } => 1400,
            Self::Limit { .. } => 1401,
            Self::Unsupported(_) => 1402,
            Self::NotFound(_) => 1403,
            Self::DuplicateKey { .. } => 1404,
        }
    }
}

impl From<PdfError> for Error {
    fn from(e: PdfError) -> Self {
        Self::Pdf(alloc::boxed::Box::new(e))
    }
}
