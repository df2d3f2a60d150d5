//! Why a ZIP container (ASiC, UDF) was refused (`crate::asic`).

use alloc::string::String;

use super::Error;

/// Why a ZIP container, or one of its entries, could not be read.
///
/// Entry names are quoted with `{:?}`, so a hostile name cannot forge lines in a log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerError {
    /// The ZIP structure is broken: no end of central directory, a truncated record, a
    /// local header that disagrees with the central directory, entries that overlap, a
    /// corrupt deflate stream.
    Malformed {
        /// The entry concerned, if the fault is in one.
        name: Option<String>,
        /// What was wrong.
        detail: String,
    },
    /// An entry name that could escape an extraction folder or mean different files on
    /// different systems (`../x`, `/x`, `C:x`, `a\b`, `a/./b`, control characters, not UTF-8).
    UnsafeName {
        /// The name, lossily decoded.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Two entries carry the same name, or names that differ only in case (which Windows
    /// and macOS merge into one file), so which one a reader sees is ambiguous.
    DuplicateName {
        /// The later entry's name.
        name: String,
        /// The earlier entry's name (equal to `name` for an exact duplicate).
        first: String,
    },
    /// A [`crate::asic::Limits`] budget was exceeded: entry count, total size, compression
    /// ratio (a ZIP bomb) or the size of an entry read into memory.
    Limit {
        /// Which limit.
        what: &'static str,
        /// The limit's value.
        limit: u64,
        /// The entry concerned, if the limit is per entry.
        name: Option<String>,
    },
    /// An entry's inflated bytes do not have the CRC-32 the central directory gives.
    Crc {
        /// The entry.
        name: String,
        /// The CRC-32 in the central directory.
        expected: u32,
        /// The CRC-32 of the bytes read.
        actual: u32,
    },
    /// A ZIP feature imza does not read: encryption, a compression method other than
    /// stored and deflate, several disks.
    Unsupported {
        /// The entry concerned, if any.
        name: Option<String>,
        /// The feature.
        what: String,
    },
    /// No entry has this name.
    NotFound(String),
    /// A manifest (`META-INF/manifest.xml`, `META-INF/ASiCManifest*.xml`) is not the XML
    /// its standard describes.
    Manifest {
        /// The manifest entry.
        name: String,
        /// What was wrong.
        detail: String,
    },
    /// An entry inflates to another length than the central directory declares: the header
    /// lies, so nothing else it says is trusted. Reading stops as soon as the output passes
    /// the declared size.
    SizeMismatch {
        /// The entry.
        name: String,
        /// The size the central directory declares.
        declared: u64,
        /// The bytes produced (when longer, as soon as the declared size was passed).
        actual: u64,
    },
    /// Reading the underlying file or stream failed.
    Read(String),
}

impl core::fmt::Display for ContainerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed {
                name: Some(n),
                detail,
            } => write!(f, "malformed ZIP entry {n:?}: {detail}"),
            Self::Malformed { name: None, detail } => write!(f, "malformed ZIP: {detail}"),
            Self::UnsafeName { name, reason } => {
                write!(f, "unsafe entry name {name:?}: {reason}")
            }
            Self::DuplicateName { name, first } if name == first => {
                write!(f, "the entry name {name:?} appears twice")
            }
            Self::DuplicateName { name, first } => write!(
                f,
                "the entry names {first:?} and {name:?} differ only in case"
            ),
            Self::Limit {
                what,
                limit,
                name: Some(n),
            } => write!(f, "limit exceeded in entry {n:?}: {what} (limit {limit})"),
            Self::Limit {
                what,
                limit,
                name: None,
            } => write!(f, "limit exceeded: {what} (limit {limit})"),
            Self::Crc {
                name,
                expected,
                actual,
            } => write!(
                f,
                "the entry {name:?} has CRC-32 {actual:08x}, the directory says {expected:08x}"
            ),
            Self::Unsupported {
                name: Some(n),
                what,
            } => write!(f, "entry {n:?}: {what} is not supported"),
            Self::Unsupported { name: None, what } => write!(f, "{what} is not supported"),
            Self::NotFound(n) => write!(f, "no entry named {n:?}"),
            Self::Manifest { name, detail } => write!(f, "malformed manifest {name:?}: {detail}"),
            Self::SizeMismatch {
                name,
                declared,
                actual,
            } => write!(
                f,
                "the entry {name:?} inflates to {actual} bytes, the directory says {declared}"
            ),
            Self::Read(s) => write!(f, "reading the container failed: {s}"),
        }
    }
}

impl core::error::Error for ContainerError {}

impl ContainerError {
    /// A stable numeric code in the 1350-1399 block of [`crate::Error::code`].
    pub const fn code(&self) -> u32 {
        match self {
            Self::Malformed { .. } => 1350,
            Self::UnsafeName { .. } => 1351,
            Self::DuplicateName { .. } => 1352,
            Self::Limit { .. } => 1353,
            Self::Crc { .. } => 1354,
            Self::Unsupported { .. } => 1355,
            Self::NotFound(_) => 1356,
            Self::Manifest { .. } => 1357,
            Self::SizeMismatch { .. } => 1358,
            Self::Read(_) => 1359,
        }
    }
}

impl From<ContainerError> for Error {
    fn from(e: ContainerError) -> Self {
        Self::Container(alloc::boxed::Box::new(e))
    }
}
