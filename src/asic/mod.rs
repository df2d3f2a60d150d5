//! ZIP signature containers: ASiC (ETSI EN 319 162-1) and Türkiye's UYAP `.udf`.
//!
//! [`Container`] reads the central directory (from a slice, or with `std` from anything
//! `Read + Seek`), refuses what could mean different files to different readers (unsafe or
//! duplicate names, local headers that disagree with the directory, overlapping entries,
//! encryption), classifies the container ([`Kind`]) and gives the verifier its view: the
//! data objects, the signature entries ([`Role`]) and the parsed manifests. Entries are read
//! in fixed-size chunks under [`Limits`], so a 2 GiB entry is hashed in constant memory and
//! a ZIP bomb stops at its ratio; each entry's size and CRC-32 are checked at its end.
//!
//! Deviations from EN 319 162-1 that DSS also accepts (no `mimetype`, `mimetype` not first
//! or compressed) are [`Warning`]s, not errors: the signatures decide. See `docs/zip.md` for
//! why rawzip and miniz_oxide do the ZIP work.
//!
//! ```
//! use imza::asic::{Container, Limits, Role};
//!
//! fn digest_inputs(zip: &[u8]) -> Result<(), imza::Error> {
//!     let container = Container::from_slice(zip, &Limits::default())?;
//!     for entry in container.data_objects() {
//!         let mut len = 0;
//!         // Chunk by chunk; the bytes count only if the call returns Ok (size, CRC-32).
//!         container.stream(&entry.name, &mut |chunk: &[u8]| -> Result<(), imza::Error> {
//!             len += chunk.len();
//!             Ok(())
//!         })?;
//!     }
//!     for entry in container.entries_with(Role::AsicManifest) {
//!         let _manifest = container.asic_manifest(&entry.name)?;
//!     }
//!     Ok(())
//! }
//! ```

mod manifest;
mod names;
mod verify;
pub mod write;
mod zip;

pub use verify::verify;
pub use write::{AsiceWriter, DataFile, FileWriter, Sink};

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use crate::error::ContainerError;
pub use manifest::{
    AsicManifest, DataObjectReference, OdfFileEntry, OdfManifest, SigReference, ASIC_NS,
    ODF_MANIFEST_NS,
};

/// `mimetype` of an ASiC-E container.
pub const MIMETYPE_ASIC_E: &str = "application/vnd.etsi.asic-e+zip";
/// `mimetype` of an ASiC-S container.
pub const MIMETYPE_ASIC_S: &str = "application/vnd.etsi.asic-s+zip";
/// `mimetype` of a BDOC 1.0 container: the Estonian precursor of ASiC-E, read as one.
pub const MIMETYPE_BDOC: &str = "application/vnd.bdoc-1.0";

/// The longest `mimetype` content that is read; the known ones are under 40 bytes.
const MIMETYPE_MAX: u64 = 256;

/// Budgets for a container from an untrusted source.
///
/// The defaults fit the largest real containers (a few hundred files, scanned documents of
/// some GiB) with room to spare.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Limits {
    /// Entries in the central directory.
    pub max_entries: usize,
    /// The sum of the declared uncompressed sizes; each entry is held to its declared
    /// size while it is read, so this also bounds what is inflated.
    pub max_total_size: u64,
    /// Uncompressed bytes per compressed byte of one entry, checked on the bytes actually
    /// inflated. Text compresses about 10:1 and a PDF far less; a bomb reaches 1000:1.
    pub max_ratio: u64,
    /// The ratio is enforced once an entry has inflated past this many bytes, so that
    /// small, highly compressible files (a page of spaces) are not refused.
    pub ratio_threshold: u64,
    /// The largest entry read into memory ([`Container::read_small`], the manifests),
    /// which is also [`crate::xml::Limits`]' default document size.
    pub max_in_memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_total_size: 16 << 30,
            max_ratio: 100,
            ratio_threshold: 1 << 20,
            max_in_memory: 64 << 20,
        }
    }
}

/// What kind of container this is (EN 319 162-1 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// ASiC-E: several data objects, XAdES signatures or CAdES signatures over an
    /// `ASiCManifest` (BDOC 1.0 included).
    AsicE,
    /// ASiC-S: one data object, with `signatures.xml`, `signature.p7s` or `timestamp.tst`.
    AsicS,
    /// A UYAP document (`content.xml` signed by `sign.sgn`).
    Udf,
    /// A ZIP file that is none of the above.
    Zip,
}

/// A deviation from EN 319 162-1 that does not stop the container from being read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// There is no `mimetype` entry; the kind was inferred from `META-INF/`.
    MimetypeAbsent,
    /// `mimetype` is not the first entry, so the container cannot be recognised by its
    /// first bytes.
    MimetypeNotFirst,
    /// `mimetype` is compressed; it must be stored.
    MimetypeCompressed,
    /// `mimetype`'s local header has an extra field, which moves its content off the
    /// offset where readers look for it.
    MimetypeExtraField,
    /// `mimetype` holds none of the ASiC media types (shown lossily, shortened); the kind
    /// was inferred from `META-INF/`.
    MimetypeUnknown(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MimetypeAbsent => f.write_str("the container has no mimetype entry"),
            Self::MimetypeNotFirst => f.write_str("the mimetype entry is not the first entry"),
            Self::MimetypeCompressed => f.write_str("the mimetype entry is compressed"),
            Self::MimetypeExtraField => f.write_str("the mimetype entry has an extra field"),
            Self::MimetypeUnknown(m) => write!(f, "unknown mimetype {m:?}"),
        }
    }
}

/// What an entry is to the verifier, from its name (EN 319 162-1 §A.7 and §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// `mimetype`.
    Mimetype,
    /// A folder entry (`name/`), which holds no data.
    Directory,
    /// A signed (or signable) file: anything outside `META-INF/` but `mimetype` (and a
    /// UDF's `sign.sgn`).
    DataObject,
    /// `META-INF/*signatures*.xml`: XAdES signatures.
    XadesSignatures,
    /// `META-INF/*signature*.p7s`: a CAdES signature.
    CadesSignature,
    /// `META-INF/*.tst`: an RFC 3161 time-stamp token.
    Timestamp,
    /// `META-INF/ASiCManifest*.xml`: what a CAdES signature or time-stamp covers.
    AsicManifest,
    /// `META-INF/ASiCArchiveManifest*.xml`: what an archive time-stamp covers.
    AsicArchiveManifest,
    /// `META-INF/manifest.xml`: the OpenDocument manifest of an ASiC-E with XAdES.
    OdfManifest,
    /// Any other entry in `META-INF/` (evidence records, `container.xml` ...).
    OtherMeta,
    /// A UDF's `sign.sgn`: the CMS signature over `content.xml`.
    UdfSignature,
}

impl Role {
    /// Whether a verifier reads this entry as a signature, time-stamp or manifest.
    pub const fn is_signature_entry(self) -> bool {
        matches!(
            self,
            Self::XadesSignatures
                | Self::CadesSignature
                | Self::Timestamp
                | Self::AsicManifest
                | Self::AsicArchiveManifest
                | Self::OdfManifest
                | Self::UdfSignature
        )
    }

    fn of(name: &str) -> Self {
        if name == "mimetype" {
            return Self::Mimetype;
        }
        if name.ends_with('/') {
            return Self::Directory;
        }
        let Some(rest) = name.strip_prefix("META-INF/") else {
            return Self::DataObject;
        };
        let xml = rest.ends_with(".xml");
        if rest.contains('/') {
            Self::OtherMeta
        } else if rest == "manifest.xml" {
            Self::OdfManifest
        } else if rest.starts_with("ASiCArchiveManifest") && xml {
            Self::AsicArchiveManifest
        } else if rest.starts_with("ASiCManifest") && xml {
            Self::AsicManifest
        } else if rest.contains("signatures") && xml {
            Self::XadesSignatures
        } else if rest.contains("signature") && rest.ends_with(".p7s") {
            Self::CadesSignature
        } else if rest.ends_with(".tst") {
            Self::Timestamp
        } else {
            Self::OtherMeta
        }
    }
}

/// One entry, as the central directory describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// The name (checked: relative, `/`-separated, no `.` or `..`, UTF-8).
    pub name: String,
    /// What the entry is to the verifier.
    pub role: Role,
    /// Deflated (else stored).
    pub deflated: bool,
    /// The declared uncompressed size; reading fails if the data disagrees.
    pub size: u64,
    /// The compressed size.
    pub compressed_size: u64,
    /// The declared CRC-32; reading fails if the data disagrees.
    pub crc32: u32,
    pub(crate) way: rawzip::ZipArchiveEntryWayfinder,
    pub(crate) local_offset: u64,
    pub(crate) local_extra_len: usize,
}

/// An opened ZIP container, its entries checked and its kind known.
pub struct Container<'a> {
    archive: zip::Archive<'a>,
    entries: Vec<Entry>,
    kind: Kind,
    mimetype: Option<String>,
    warnings: Vec<Warning>,
    limits: Limits,
}

impl fmt::Debug for Container<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Container")
            .field("kind", &self.kind)
            .field("mimetype", &self.mimetype)
            .field("warnings", &self.warnings)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Container<'a> {
    /// Opens a container held in memory (the only way without `std`).
    pub fn from_slice(bytes: &'a [u8], limits: &Limits) -> Result<Self, ContainerError> {
        Self::open(zip::Archive::from_slice(bytes)?, limits)
    }

    /// Opens a container from a file or any seekable stream; entries are read from it on
    /// demand, so it stays borrowed (or owned) by the container.
    #[cfg(feature = "std")]
    pub fn from_reader<R>(reader: R, limits: &Limits) -> Result<Self, ContainerError>
    where
        R: std::io::Read + std::io::Seek + Send + 'a,
    {
        Self::open(
            zip::Archive::from_reader(alloc::boxed::Box::new(reader))?,
            limits,
        )
    }

    fn open(archive: zip::Archive<'a>, limits: &Limits) -> Result<Self, ContainerError> {
        let mut entries = zip::read_directory(&archive, limits)?;
        for e in &mut entries {
            e.role = Role::of(&e.name);
        }
        let mut container = Self {
            archive,
            entries,
            kind: Kind::Zip,
            mimetype: None,
            warnings: Vec::new(),
            limits: limits.clone(),
        };
        container.classify()?;
        Ok(container)
    }

    /// Sets the kind from `mimetype`, or from the names when it is absent or unknown.
    fn classify(&mut self) -> Result<(), ContainerError> {
        let first = self.entries.iter().map(|e| e.local_offset).min();
        let mut kind = None;
        let mut absent = false;
        match self.entries.iter().find(|e| e.role == Role::Mimetype) {
            None => absent = true,
            Some(m) => {
                if Some(m.local_offset) != first {
                    self.warnings.push(Warning::MimetypeNotFirst);
                }
                if m.deflated {
                    self.warnings.push(Warning::MimetypeCompressed);
                }
                if m.local_extra_len > 0 {
                    self.warnings.push(Warning::MimetypeExtraField);
                }
                let bytes = if m.size > MIMETYPE_MAX {
                    None
                } else {
                    Some(zip::read_all(&self.archive, m, &self.limits, MIMETYPE_MAX)?)
                };
                kind = match bytes.as_deref() {
                    Some(b) if b == MIMETYPE_ASIC_E.as_bytes() => Some(Kind::AsicE),
                    Some(b) if b == MIMETYPE_BDOC.as_bytes() => Some(Kind::AsicE),
                    Some(b) if b == MIMETYPE_ASIC_S.as_bytes() => Some(Kind::AsicS),
                    Some(b) => {
                        self.warnings
                            .push(Warning::MimetypeUnknown(zip::shown(b, 64)));
                        None
                    }
                    None => {
                        self.warnings
                            .push(Warning::MimetypeUnknown("(longer than 256 bytes)".into()));
                        None
                    }
                };
                if kind.is_some() {
                    self.mimetype = bytes.and_then(|b| String::from_utf8(b).ok());
                }
            }
        }
        self.kind = match kind {
            Some(k) => k,
            None => {
                let k = self.kind_from_names();
                if absent && matches!(k, Kind::AsicE | Kind::AsicS) {
                    self.warnings.insert(0, Warning::MimetypeAbsent);
                }
                k
            }
        };
        if self.kind == Kind::Udf {
            for e in self.entries.iter_mut().filter(|e| e.name == "sign.sgn") {
                e.role = Role::UdfSignature;
            }
        }
        Ok(())
    }

    /// The kind without a usable `mimetype`, as DSS infers it: ASiC-S has one data object
    /// and only the fixed names `signature.p7s`, `signatures.xml`, `timestamp.tst`;
    /// anything else signed in `META-INF/` is ASiC-E.
    fn kind_from_names(&self) -> Kind {
        const ASIC_S: [&str; 3] = [
            "META-INF/signature.p7s",
            "META-INF/signatures.xml",
            "META-INF/timestamp.tst",
        ];
        let signed: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.role.is_signature_entry())
            .collect();
        let data = self.data_objects().count();
        if signed.is_empty() {
            let has = |n: &str| self.entries.iter().any(|e| e.name == n);
            return if has("content.xml") && has("sign.sgn") {
                Kind::Udf
            } else {
                Kind::Zip
            };
        }
        if data == 1 && signed.iter().all(|e| ASIC_S.contains(&e.name.as_str())) {
            Kind::AsicS
        } else {
            Kind::AsicE
        }
    }

    /// The kind of container.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The `mimetype` content when it is one of the ASiC media types.
    pub fn mimetype(&self) -> Option<&str> {
        self.mimetype.as_deref()
    }

    /// Deviations from EN 319 162-1 found while opening.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Every entry, in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this exact name.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The entries with this role, in central-directory order.
    pub fn entries_with(&self, role: Role) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().filter(move |e| e.role == role)
    }

    /// The data objects: what signatures cover.
    pub fn data_objects(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries_with(Role::DataObject)
    }

    /// The signatures, time-stamps and manifests ([`Role::is_signature_entry`]).
    pub fn signature_entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().filter(|e| e.role.is_signature_entry())
    }

    fn find(&self, name: &str) -> Result<&Entry, ContainerError> {
        self.entry(name)
            .ok_or_else(|| ContainerError::NotFound(name.into()))
    }

    /// Feeds an entry's uncompressed bytes to `sink` in chunks of at most 64 KiB and
    /// returns their count.
    ///
    /// The size and CRC-32 are checked after the last chunk: whatever `sink` computed
    /// (a digest) counts only when this returns `Ok`. A `sink` error stops the read and
    /// is returned as it is.
    pub fn stream<E: From<ContainerError>>(
        &self,
        name: &str,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut pump = zip::Pump::new(&self.archive, self.find(name)?, &self.limits, None)?;
        let mut buf = alloc::vec![0; zip::CHUNK];
        let mut total = 0u64;
        loop {
            let n = pump.next(&mut buf)?;
            if n == 0 {
                return Ok(total);
            }
            total = total.saturating_add(n as u64);
            sink(buf.get(..n).unwrap_or_default())?;
        }
    }

    /// An entry as a [`std::io::Read`]er. A limit, size or CRC-32 failure is an
    /// [`std::io::ErrorKind::InvalidData`] error wrapping the [`ContainerError`]; the last
    /// `read` (the one returning 0) is the one that checks size and CRC-32.
    #[cfg(feature = "std")]
    pub fn reader(&self, name: &str) -> Result<EntryReader<'_>, ContainerError> {
        Ok(EntryReader {
            pump: zip::Pump::new(&self.archive, self.find(name)?, &self.limits, None)?,
        })
    }

    /// An entry read into memory, refused beyond [`Limits::max_in_memory`]: for
    /// signatures, manifests and other small entries.
    pub fn read_small(&self, name: &str) -> Result<Vec<u8>, ContainerError> {
        let limit = u64::try_from(self.limits.max_in_memory).unwrap_or(u64::MAX);
        zip::read_all(&self.archive, self.find(name)?, &self.limits, limit)
    }

    /// `META-INF/manifest.xml`, parsed; `None` when the container has none.
    pub fn odf_manifest(&self) -> Result<Option<OdfManifest>, ContainerError> {
        let Some(entry) = self.entries_with(Role::OdfManifest).next() else {
            return Ok(None);
        };
        let bytes = self.read_small(&entry.name)?;
        manifest::parse_odf(&entry.name, &bytes).map(Some)
    }

    /// The `ASiCManifest` or `ASiCArchiveManifest` in entry `name`, parsed.
    pub fn asic_manifest(&self, name: &str) -> Result<AsicManifest, ContainerError> {
        let bytes = self.read_small(name)?;
        manifest::parse_asic(name, &bytes)
    }
}

/// An entry being read ([`Container::reader`]).
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct EntryReader<'c> {
    pump: zip::Pump<'c>,
}

#[cfg(feature = "std")]
impl std::io::Read for EntryReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.pump
            .next(buf)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests;
