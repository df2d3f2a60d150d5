//! Writing ASiC-E containers (EN 319 162-1 §A.1, ISO/IEC 21320-1), in one pass.
//!
//! `mimetype` goes first, stored, with no extra field and no data descriptor, so that its
//! text sits at byte 38 where type sniffers look. Each data file is then deflated as it
//! is read, with its CRC-32 and digest computed on the way and sizes in a data descriptor
//! after the data (so nothing is held in memory and the output need not be seekable; Java's
//! `ZipInputStream`, Python's `zipfile` and this crate's reader all accept descriptors on
//! deflated entries). `META-INF/manifest.xml` and the signature document, small and
//! complete when written, carry their sizes in the local header.
//!
//! The signature itself is made by the caller ([`crate::sign_container`]) over
//! [`AsiceWriter::files`]; this module only writes ZIP. Entries stay under 4 GiB and the
//! archive under 4 GiB: a bigger one is refused with [`ContainerError::Limit`] (no ZIP64).

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write as _;

use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};

use super::{names, ContainerError, MIMETYPE_ASIC_E};
use crate::crypto::{DigestValue, HashAlgorithm, Hasher};
use crate::error::Error;
use crate::time::UnixTime;

/// Where a container is written.
pub trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error>;
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// A [`Sink`] over anything `std::io::Write`.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct IoSink<W>(pub W);

#[cfg(feature = "std")]
impl<W: std::io::Write> Sink for IoSink<W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.0.write_all(bytes).map_err(|e| Error::Read {
            reason: alloc::format!("writing the container: {e}"),
        })
    }
}

/// The name of the signature document [`AsiceWriter::finish`] writes.
pub const SIGNATURE_NAME: &str = "META-INF/signatures0.xml";
const MANIFEST_NAME: &str = "META-INF/manifest.xml";
const ODF_MANIFEST_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;
const END: u32 = 0x0605_4b50;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const FLAG_UTF8: u16 = 1 << 11;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// Deflate level: 1, the fast path; signed documents are mostly PDFs and images already
/// compressed, and a 2 GiB file should not take minutes.
const LEVEL: u8 = 1;
const CHUNK: usize = 64 * 1024;

/// A data file written into the container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataFile {
    /// Its name in the container.
    pub name: String,
    /// Its MIME type, as the manifest and the signature give it.
    pub mime_type: String,
    /// Its digest, by the writer's hash algorithm.
    pub digest: DigestValue,
    /// Its size in bytes.
    pub size: u64,
}

/// Writes an ASiC-E container: `mimetype`, the data files, then the manifest and the
/// signature.
pub struct AsiceWriter<S: Sink> {
    out: S,
    offset: u64,
    central: Vec<u8>,
    entries: u16,
    seen: names::Seen,
    dos: [u16; 2],
    hash: HashAlgorithm,
    files: Vec<DataFile>,
}

impl<S: Sink> core::fmt::Debug for AsiceWriter<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsiceWriter")
            .field("offset", &self.offset)
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl<S: Sink> AsiceWriter<S> {
    /// Starts a container in `out`, writing `mimetype`. Data files are digested with
    /// `hash`; entries carry `time` as their modification time.
    pub fn new(out: S, hash: HashAlgorithm, time: UnixTime) -> Result<Self, Error> {
        let mut w = Self {
            out,
            offset: 0,
            central: Vec::new(),
            entries: 0,
            seen: names::Seen::default(),
            dos: dos_time(time),
            hash,
            files: Vec::new(),
        };
        w.whole("mimetype", MIMETYPE_ASIC_E.as_bytes(), STORED)?;
        Ok(w)
    }

    /// Starts a data file; write its bytes with [`FileWriter::write`], then
    /// [`FileWriter::finish`]. The name must be safe (the rules the reader applies), not
    /// `mimetype`, not under `META-INF/`, and not a case-only duplicate of another.
    pub fn add_file(&mut self, name: &str, mime_type: &str) -> Result<FileWriter<'_, S>, Error> {
        let checked = names::check(name.as_bytes())?;
        if checked.ends_with('/') {
            return Err(unsafe_name(name, "a folder, not a file"));
        }
        let lower = checked.to_lowercase();
        if lower == "mimetype" || lower.starts_with("meta-inf/") {
            return Err(unsafe_name(name, "reserved for the container's own files"));
        }
        if mime_type.is_empty() || mime_type.chars().any(char::is_control) {
            return Err(ContainerError::Malformed {
                name: Some(checked),
                detail: "an empty or unprintable MIME type".into(),
            }
            .into());
        }
        self.seen.insert(&checked)?;
        let header_offset = self.offset;
        self.local_header(&checked, FLAG_DESCRIPTOR, DEFLATED, [0, 0, 0])?;
        let flags = create_comp_flags_from_zip_params(i32::from(LEVEL), 0, 0);
        Ok(FileWriter {
            hasher: Hasher::new(self.hash),
            w: self,
            name: checked,
            mime_type: mime_type.to_string(),
            header_offset,
            compressor: Box::new(CompressorOxide::new(flags)),
            crc: crc32fast::Hasher::new(),
            size: 0,
            compressed: 0,
            buf: vec![0; CHUNK],
        })
    }

    /// A whole data file from memory.
    pub fn add_bytes(&mut self, name: &str, mime_type: &str, bytes: &[u8]) -> Result<(), Error> {
        let mut f = self.add_file(name, mime_type)?;
        f.write(bytes)?;
        f.finish()
    }

    /// A data file read to its end from `reader`, in chunks; returns its size.
    #[cfg(feature = "std")]
    pub fn add_reader(
        &mut self,
        name: &str,
        mime_type: &str,
        reader: &mut dyn std::io::Read,
    ) -> Result<u64, Error> {
        let mut f = self.add_file(name, mime_type)?;
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::Read {
                        reason: alloc::format!("{name}: {e}"),
                    })
                }
            };
            f.write(buf.get(..n).unwrap_or_default())?;
        }
        let size = f.size;
        f.finish()?;
        Ok(size)
    }

    /// The data files written so far, in order.
    pub fn files(&self) -> &[DataFile] {
        &self.files
    }

    /// The hash algorithm the data files are digested with.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// Writes `META-INF/manifest.xml` (every data file with its MIME type), the signature
    /// document `signature` as [`SIGNATURE_NAME`], and the central directory; returns the
    /// sink.
    pub fn finish(mut self, signature: &[u8]) -> Result<S, Error> {
        if self.files.is_empty() {
            return Err(ContainerError::Malformed {
                name: None,
                detail: "an ASiC-E container needs at least one data file".into(),
            }
            .into());
        }
        let manifest = self.manifest();
        self.whole(MANIFEST_NAME, manifest.as_bytes(), DEFLATED)?;
        self.whole(SIGNATURE_NAME, signature, DEFLATED)?;
        let start = self.offset;
        let central = core::mem::take(&mut self.central);
        self.put(&central)?;
        let size = self.offset - start;
        let mut end = Vec::with_capacity(22);
        end.extend_from_slice(&END.to_le_bytes());
        end.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        end.extend_from_slice(&self.entries.to_le_bytes());
        end.extend_from_slice(&self.entries.to_le_bytes());
        end.extend_from_slice(&u32_or_limit(size, "central directory")?.to_le_bytes());
        end.extend_from_slice(&u32_or_limit(start, "container")?.to_le_bytes());
        end.extend_from_slice(&[0; 2]); // no comment
        self.put(&end)?;
        Ok(self.out)
    }

    fn manifest(&self) -> String {
        let mut m = alloc::format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{ODF_MANIFEST_NS}" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE_ASIC_E}"/>"#
        );
        for f in &self.files {
            let _ = write!(
                m,
                r#"<manifest:file-entry manifest:full-path="{}" manifest:media-type="{}"/>"#,
                escape(&f.name),
                escape(&f.mime_type)
            );
        }
        m.push_str("</manifest:manifest>");
        m
    }

    /// An entry complete in memory: sizes and CRC in the local header, no descriptor.
    fn whole(&mut self, name: &str, bytes: &[u8], method: u16) -> Result<(), Error> {
        let data = if method == DEFLATED {
            miniz_oxide::deflate::compress_to_vec(bytes, 6)
        } else {
            bytes.to_vec()
        };
        let crc = crc32fast::hash(bytes);
        let usize_ = u32_or_limit(bytes.len() as u64, name)?;
        let csize = u32_or_limit(data.len() as u64, name)?;
        let offset = self.offset;
        self.local_header(name, 0, method, [crc, csize, usize_])?;
        self.put(&data)?;
        self.central_entry(name, 0, method, [crc, csize, usize_], offset)
    }

    fn local_header(
        &mut self,
        name: &str,
        flags: u16,
        method: u16,
        [crc, csize, usize_]: [u32; 3],
    ) -> Result<(), Error> {
        let flags = flags | utf8_flag(name);
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend_from_slice(&LOCAL.to_le_bytes());
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        h.extend_from_slice(&flags.to_le_bytes());
        h.extend_from_slice(&method.to_le_bytes());
        h.extend_from_slice(&self.dos[0].to_le_bytes());
        h.extend_from_slice(&self.dos[1].to_le_bytes());
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&csize.to_le_bytes());
        h.extend_from_slice(&usize_.to_le_bytes());
        h.extend_from_slice(&name_len(name)?.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        h.extend_from_slice(name.as_bytes());
        self.put(&h)
    }

    fn central_entry(
        &mut self,
        name: &str,
        flags: u16,
        method: u16,
        [crc, csize, usize_]: [u32; 3],
        offset: u64,
    ) -> Result<(), Error> {
        self.entries = self
            .entries
            .checked_add(1)
            .ok_or_else(|| limit("entries in a container", u64::from(u16::MAX), None))?;
        let flags = flags | utf8_flag(name);
        let c = &mut self.central;
        c.extend_from_slice(&CENTRAL.to_le_bytes());
        // Made by Unix, 2.0: with MS-DOS as the host, Info-ZIP reads non-ASCII names as
        // CP437 even when the UTF-8 flag is set.
        c.extend_from_slice(&0x0314u16.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes()); // needed: 2.0
        c.extend_from_slice(&flags.to_le_bytes());
        c.extend_from_slice(&method.to_le_bytes());
        c.extend_from_slice(&self.dos[0].to_le_bytes());
        c.extend_from_slice(&self.dos[1].to_le_bytes());
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&csize.to_le_bytes());
        c.extend_from_slice(&usize_.to_le_bytes());
        c.extend_from_slice(&name_len(name)?.to_le_bytes());
        c.extend_from_slice(&[0; 8]); // extra and comment lengths, disk, internal attributes
        c.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // a regular file, rw-r--r--
        c.extend_from_slice(&u32_or_limit(offset, name)?.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out.put(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }
}

/// One data file being written: deflated, CRC-32 and digest computed as it goes.
pub struct FileWriter<'w, S: Sink> {
    w: &'w mut AsiceWriter<S>,
    name: String,
    mime_type: String,
    header_offset: u64,
    compressor: Box<CompressorOxide>,
    crc: crc32fast::Hasher,
    hasher: Hasher,
    size: u64,
    compressed: u64,
    buf: Vec<u8>,
}

impl<S: Sink> core::fmt::Debug for FileWriter<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileWriter")
            .field("name", &self.name)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl<S: Sink> FileWriter<'_, S> {
    /// Appends `bytes` to the file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.crc.update(bytes);
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        self.deflate(bytes, TDEFLFlush::None)
    }

    /// Ends the file: the rest of the deflate stream, the data descriptor and the
    /// directory entry.
    pub fn finish(mut self) -> Result<(), Error> {
        self.deflate(&[], TDEFLFlush::Finish)?;
        let crc = self.crc.clone().finalize();
        let sizes = [
            crc,
            u32_or_limit(self.compressed, &self.name)?,
            u32_or_limit(self.size, &self.name)?,
        ];
        let mut d = Vec::with_capacity(16);
        d.extend_from_slice(&DESCRIPTOR.to_le_bytes());
        for v in sizes {
            d.extend_from_slice(&v.to_le_bytes());
        }
        self.w.put(&d)?;
        self.w.central_entry(
            &self.name,
            FLAG_DESCRIPTOR,
            DEFLATED,
            sizes,
            self.header_offset,
        )?;
        let digest = self.hasher.clone().finish();
        self.w.files.push(DataFile {
            name: core::mem::take(&mut self.name),
            mime_type: core::mem::take(&mut self.mime_type),
            digest,
            size: self.size,
        });
        Ok(())
    }

    fn deflate(&mut self, mut input: &[u8], flush: TDEFLFlush) -> Result<(), Error> {
        loop {
            let (status, read, written) =
                compress(&mut self.compressor, input, &mut self.buf, flush);
            input = input.get(read..).unwrap_or_default();
            if written > 0 {
                let out = self.buf.get(..written).unwrap_or_default();
                self.w.out.put(out)?;
                self.w.offset += written as u64;
                self.compressed += written as u64;
            }
            match status {
                TDEFLStatus::Done => return Ok(()),
                TDEFLStatus::Okay if input.is_empty() && flush == TDEFLFlush::None => return Ok(()),
                TDEFLStatus::Okay => {}
                TDEFLStatus::BadParam | TDEFLStatus::PutBufFailed => {
                    return Err(ContainerError::Malformed {
                        name: Some(self.name.clone()),
                        detail: "deflate failed".into(),
                    }
                    .into())
                }
            }
        }
    }
}

fn unsafe_name(name: &str, reason: &'static str) -> Error {
    ContainerError::UnsafeName {
        name: name.to_string(),
        reason,
    }
    .into()
}

fn limit(what: &'static str, limit: u64, name: Option<&str>) -> Error {
    ContainerError::Limit {
        what,
        limit,
        name: name.map(String::from),
    }
    .into()
}

/// Sizes and offsets fit the classic 32-bit fields; ZIP64 is not written.
fn u32_or_limit(v: u64, name: &str) -> Result<u32, Error> {
    u32::try_from(v)
        .ok()
        .filter(|v| *v != u32::MAX)
        .ok_or_else(|| {
            limit(
                "bytes in an entry or container imza writes (no ZIP64)",
                u64::from(u32::MAX) - 1,
                Some(name),
            )
        })
}

fn name_len(name: &str) -> Result<u16, Error> {
    u16::try_from(name.len()).map_err(|_| limit("bytes in an entry name", 65_535, Some(name)))
}

fn utf8_flag(name: &str) -> u16 {
    if name.is_ascii() {
        0
    } else {
        FLAG_UTF8
    }
}

/// MS-DOS time and date (local time by the format; UTC here, as most signing tools do).
/// Times before 1980 are clamped to its start.
fn dos_time(t: UnixTime) -> [u16; 2] {
    let [y, mo, d, h, mi, s] = t.civil();
    if y < 1980 {
        return [0, (1 << 5) | 1];
    }
    let y = (y - 1980).min(127);
    let time = (h << 11) | (mi << 5) | (s / 2);
    let date = (y << 9) | (mo << 5) | d;
    [
        u16::try_from(time).unwrap_or(0),
        u16::try_from(date).unwrap_or(0),
    ]
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// The MIME type of a file by its extension, for the manifest and DataObjectFormat: the
/// common document types, else `application/octet-stream`.
pub fn mime_type_of(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "xml" => "application/xml",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "csv" => "text/csv",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
