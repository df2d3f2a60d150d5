//! The ZIP layer: rawzip locates the directory and each entry's bytes; this file checks
//! every entry against [`Limits`] and inflates with miniz_oxide in fixed-size chunks.
//!
//! Nothing the headers say is trusted on its own: the output of each entry is counted
//! while it is produced, refused as soon as it passes the declared size or the compression
//! ratio, and checked against the declared size and CRC-32 at its end.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use rawzip::{CompressionMethod, ZipArchiveEntryWayfinder, ZipFileHeaderRecord};

use super::{names, Entry, Limits};
use crate::error::ContainerError;

/// Bytes handed to a sink at a time, and the size of the reader's input buffer.
pub(crate) const CHUNK: usize = 64 * 1024;

fn malformed(name: Option<&str>, detail: impl ToString) -> ContainerError {
    ContainerError::Malformed {
        name: name.map(ToString::to_string),
        detail: detail.to_string(),
    }
}

fn zip_error(e: rawzip::Error) -> ContainerError {
    #[cfg(feature = "std")]
    if let rawzip::ErrorKind::IO(io) = e.kind() {
        return ContainerError::Read(io.to_string());
    }
    malformed(None, e)
}

/// Anything that can be read and seeked, boxed so that [`super::Container`] has one type.
#[cfg(feature = "std")]
pub(crate) trait ReadSeek: std::io::Read + std::io::Seek {}
#[cfg(feature = "std")]
impl<T: std::io::Read + std::io::Seek + ?Sized> ReadSeek for T {}

/// Positioned reads over a seekable stream (rawzip's `ReaderAt`), one at a time.
#[cfg(feature = "std")]
pub(crate) struct SeekReader<'a>(std::sync::Mutex<Box<dyn ReadSeek + Send + 'a>>);

#[cfg(feature = "std")]
impl rawzip::ReaderAt for SeekReader<'_> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        // A poisoned lock only means another read panicked; the stream is re-seeked anyway.
        let mut inner = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.seek(std::io::SeekFrom::Start(offset))?;
        inner.read(buf)
    }
}

fn sizes(h: &rawzip::ZipLocalFileHeader<'_>) -> Option<(u32, u64, u64)> {
    (!h.flags().has_data_descriptor()).then(|| {
        (
            h.crc32(),
            h.compressed_size_hint(),
            h.uncompressed_size_hint(),
        )
    })
}

/// The archive, over a slice or (with `std`) a seekable stream.
pub(crate) enum Archive<'a> {
    Slice(rawzip::ZipSliceArchive<&'a [u8]>),
    #[cfg(feature = "std")]
    Reader(rawzip::ZipArchive<SeekReader<'a>>),
}

/// What an entry's local header says, and where its data lies.
struct Local {
    name_matches: bool,
    encrypted: bool,
    method: u16,
    /// CRC-32, compressed and uncompressed size, unless a data descriptor follows the data.
    sizes: Option<(u32, u64, u64)>,
    extra_len: usize,
    data: (u64, u64),
}

impl<'a> Archive<'a> {
    pub(crate) fn from_slice(bytes: &'a [u8]) -> Result<Self, ContainerError> {
        rawzip::ZipArchive::from_slice(bytes)
            .map(Self::Slice)
            .map_err(zip_error)
    }

    #[cfg(feature = "std")]
    pub(crate) fn from_reader(
        mut reader: Box<dyn ReadSeek + Send + 'a>,
    ) -> Result<Self, ContainerError> {
        let end = reader
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| ContainerError::Read(e.to_string()))?;
        let mut buf = alloc::vec![0; rawzip::RECOMMENDED_BUFFER_SIZE];
        rawzip::ZipLocator::new()
            .locate_in_reader(SeekReader(std::sync::Mutex::new(reader)), &mut buf, end)
            .map(Self::Reader)
            .map_err(|(_, e)| zip_error(e))
    }

    fn entries_hint(&self) -> u64 {
        match self {
            Self::Slice(a) => a.entries_hint(),
            #[cfg(feature = "std")]
            Self::Reader(a) => a.entries_hint(),
        }
    }

    fn directory_offset(&self) -> u64 {
        match self {
            Self::Slice(a) => a.directory_offset(),
            #[cfg(feature = "std")]
            Self::Reader(a) => a.directory_offset(),
        }
    }

    /// Calls `f` with each central-directory record, in order.
    fn for_each_record(
        &self,
        f: &mut dyn FnMut(&ZipFileHeaderRecord<'_>) -> Result<(), ContainerError>,
    ) -> Result<(), ContainerError> {
        match self {
            Self::Slice(a) => {
                let mut records = a.entries();
                while let Some(r) = records.next_entry().map_err(zip_error)? {
                    f(&r)?;
                }
            }
            #[cfg(feature = "std")]
            Self::Reader(a) => {
                let mut buf = alloc::vec![0; rawzip::MAX_CENTRAL_DIRECTORY_RECORD_SIZE];
                let mut records = a.entries(&mut buf);
                while let Some(r) = records.next_entry().map_err(zip_error)? {
                    f(&r)?;
                }
            }
        }
        Ok(())
    }

    #[cfg_attr(
        not(feature = "std"),
        expect(
            unused_variables,
            reason = "the buffer is for local headers read from a stream"
        )
    )]
    fn local(
        &self,
        name: &str,
        way: ZipArchiveEntryWayfinder,
        buf: &mut [u8],
    ) -> Result<Local, ContainerError> {
        let at = |e| match zip_error(e) {
            ContainerError::Malformed { detail, .. } => malformed(Some(name), detail),
            e => e,
        };
        match self {
            Self::Slice(a) => {
                let entry = a.get_entry(way).map_err(at)?;
                let h = entry.local_header();
                Ok(Local {
                    name_matches: h.file_path().as_bytes() == name.as_bytes(),
                    encrypted: h.flags().is_encrypted() || h.flags().has_strong_encryption(),
                    method: h.compression_method().as_u16(),
                    sizes: sizes(&h),
                    extra_len: h.extra_fields().remaining_bytes().len(),
                    data: entry.compressed_data_range(),
                })
            }
            #[cfg(feature = "std")]
            Self::Reader(a) => {
                let entry = a.get_entry(way).map_err(at)?;
                let data = entry.compressed_data_range();
                let h = entry.local_header(buf).map_err(at)?;
                Ok(Local {
                    name_matches: h.file_path().as_bytes() == name.as_bytes(),
                    encrypted: h.flags().is_encrypted() || h.flags().has_strong_encryption(),
                    method: h.compression_method().as_u16(),
                    sizes: sizes(&h),
                    extra_len: h.extra_fields().remaining_bytes().len(),
                    data,
                })
            }
        }
    }

    /// The compressed bytes of an entry.
    fn input(&self, entry: &Entry) -> Result<Input<'_>, ContainerError> {
        match self {
            Self::Slice(a) => {
                let e = a.get_entry(entry.way).map_err(zip_error)?;
                Ok(Input::Slice(e.data()))
            }
            #[cfg(feature = "std")]
            Self::Reader(a) => {
                let e = a.get_entry(entry.way).map_err(zip_error)?;
                Ok(Input::Reader {
                    reader: Box::new(e.reader()),
                    buf: alloc::vec![0; CHUNK].into_boxed_slice(),
                    pos: 0,
                    end: 0,
                })
            }
        }
    }
}

/// Reads the central directory, checks each entry's name, flags, method and local header,
/// and the limits on count and total size. Entries come back in directory order.
pub(crate) fn read_directory(
    archive: &Archive<'_>,
    limits: &Limits,
) -> Result<Vec<Entry>, ContainerError> {
    let count_limit = || ContainerError::Limit {
        what: "entries in the container",
        limit: u64::try_from(limits.max_entries).unwrap_or(u64::MAX),
        name: None,
    };
    // The end record's count is a claim, but refusing on it saves reading the directory.
    if archive.entries_hint() > u64::try_from(limits.max_entries).unwrap_or(u64::MAX) {
        return Err(count_limit());
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen = names::Seen::default();
    let mut total: u64 = 0;
    archive.for_each_record(&mut |r| {
        if entries.len() >= limits.max_entries {
            return Err(count_limit());
        }
        let name = names::check(r.file_path().as_bytes())?;
        seen.insert(&name)?;
        let flags = r.flags();
        if flags.is_encrypted() || flags.has_strong_encryption() || flags.is_masked() {
            return Err(ContainerError::Unsupported {
                name: Some(name),
                what: "encryption".into(),
            });
        }
        let method = r.compression_method();
        if method != CompressionMethod::STORE && method != CompressionMethod::DEFLATE {
            return Err(ContainerError::Unsupported {
                name: Some(name),
                what: alloc::format!("compression method {}", method.as_u16()),
            });
        }
        total = total
            .checked_add(r.uncompressed_size_hint())
            .filter(|t| *t <= limits.max_total_size)
            .ok_or(ContainerError::Limit {
                what: "total uncompressed size",
                limit: limits.max_total_size,
                name: None,
            })?;
        let is_dir = name.ends_with('/');
        if is_dir && r.uncompressed_size_hint() != 0 {
            return Err(malformed(Some(&name), "a folder entry holds data"));
        }
        entries.push(Entry {
            role: super::Role::DataObject,
            deflated: method == CompressionMethod::DEFLATE,
            size: r.uncompressed_size_hint(),
            compressed_size: r.compressed_size_hint(),
            crc32: r.crc32(),
            way: r.wayfinder(),
            local_offset: r.local_header_offset(),
            local_extra_len: 0,
            name,
        });
        Ok(())
    })?;
    check_local_headers(archive, &mut entries)?;
    Ok(entries)
}

/// Each local header must name the same file with the same method, CRC-32 and sizes as the
/// directory (a streaming reader sees the local header only), and no two entries' bytes may overlap
/// (the overlapping-entries bomb inflates one deflate stream under many names).
fn check_local_headers(archive: &Archive<'_>, entries: &mut [Entry]) -> Result<(), ContainerError> {
    // Name and extra field of a local header, each at most 64 KiB.
    let mut buf = alloc::vec![0; 2 * usize::from(u16::MAX)];
    let mut spans: Vec<(u64, u64, usize)> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter_mut().enumerate() {
        let local = archive.local(&e.name, e.way, &mut buf)?;
        if !local.name_matches {
            return Err(malformed(
                Some(&e.name),
                "the local header names another file than the directory",
            ));
        }
        if local.encrypted {
            return Err(ContainerError::Unsupported {
                name: Some(e.name.clone()),
                what: "encryption".into(),
            });
        }
        let method = if e.deflated { 8 } else { 0 };
        if local.method != method {
            return Err(malformed(
                Some(&e.name),
                "the local header gives another compression method than the directory",
            ));
        }
        if local
            .sizes
            .is_some_and(|s| s != (e.crc32, e.compressed_size, e.size))
        {
            return Err(malformed(
                Some(&e.name),
                "the local header gives another CRC-32 or size than the directory",
            ));
        }
        e.local_extra_len = local.extra_len;
        spans.push((e.local_offset, local.data.1, i));
    }
    spans.sort_unstable();
    let directory = archive.directory_offset();
    for pair in spans.windows(2) {
        if let [(_, end, i), (next, _, _)] = pair {
            if end > next {
                let name = entries.get(*i).map(|e| e.name.as_str());
                return Err(malformed(name, "entries overlap"));
            }
        }
    }
    if let Some((_, end, i)) = spans.last() {
        if *end > directory {
            let name = entries.get(*i).map(|e| e.name.as_str());
            return Err(malformed(
                name,
                "entry data runs into the central directory",
            ));
        }
    }
    Ok(())
}

/// An entry's compressed bytes, from memory or read in chunks.
pub(crate) enum Input<'c> {
    Slice(&'c [u8]),
    #[cfg(feature = "std")]
    Reader {
        reader: Box<dyn std::io::Read + 'c>,
        buf: Box<[u8]>,
        pos: usize,
        end: usize,
    },
}

impl Input<'_> {
    /// The bytes available now; empty at the end of the entry.
    fn fill(&mut self) -> Result<&[u8], ContainerError> {
        match self {
            Self::Slice(s) => Ok(s),
            #[cfg(feature = "std")]
            Self::Reader {
                reader,
                buf,
                pos,
                end,
            } => {
                if pos >= end {
                    *pos = 0;
                    *end = loop {
                        match reader.read(buf) {
                            Ok(n) => break n,
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(ContainerError::Read(e.to_string())),
                        }
                    };
                }
                Ok(buf.get(*pos..*end).unwrap_or_default())
            }
        }
    }

    fn consume(&mut self, n: usize) {
        match self {
            Self::Slice(s) => *s = s.get(n..).unwrap_or_default(),
            #[cfg(feature = "std")]
            Self::Reader { pos, .. } => *pos = pos.saturating_add(n),
        }
    }
}

/// One entry being read: input, inflater, counters and checks.
pub(crate) struct Pump<'c> {
    input: Input<'c>,
    /// `None` for a stored entry.
    inflater: Option<Box<InflateState>>,
    stream_ended: bool,
    name: &'c str,
    declared: u64,
    compressed: u64,
    expected_crc: u32,
    crc: crc32fast::Hasher,
    total: u64,
    max_ratio: u64,
    ratio_from: u64,
    /// The cap when the entry is read into memory.
    memory_limit: Option<u64>,
    done: bool,
}

impl core::fmt::Debug for Pump<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pump")
            .field("name", &self.name)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl<'c> Pump<'c> {
    pub(crate) fn new(
        archive: &'c Archive<'_>,
        entry: &'c Entry,
        limits: &Limits,
        memory_limit: Option<u64>,
    ) -> Result<Self, ContainerError> {
        Ok(Self {
            input: archive.input(entry)?,
            inflater: entry
                .deflated
                .then(|| InflateState::new_boxed(DataFormat::Raw)),
            stream_ended: false,
            name: &entry.name,
            declared: entry.size,
            compressed: entry.compressed_size,
            expected_crc: entry.crc32,
            crc: crc32fast::Hasher::new(),
            total: 0,
            max_ratio: limits.max_ratio,
            ratio_from: limits.ratio_threshold,
            memory_limit,
            done: false,
        })
    }

    fn malformed(&self, detail: &str) -> ContainerError {
        malformed(Some(self.name), detail)
    }

    /// Fills the front of `out` with the next inflated bytes and returns how many; 0 once
    /// the entry has ended and its size and CRC-32 were found right.
    pub(crate) fn next(&mut self, out: &mut [u8]) -> Result<usize, ContainerError> {
        if self.done || out.is_empty() {
            return Ok(0);
        }
        loop {
            let n = match &mut self.inflater {
                None => {
                    let input = self.input.fill()?;
                    if input.is_empty() {
                        return self.finish();
                    }
                    let n = input.len().min(out.len());
                    if let (Some(o), Some(i)) = (out.get_mut(..n), input.get(..n)) {
                        o.copy_from_slice(i);
                    }
                    self.input.consume(n);
                    n
                }
                Some(state) => {
                    let input = self.input.fill()?;
                    if self.stream_ended {
                        if !input.is_empty() {
                            return Err(self.malformed("data after the end of the deflate stream"));
                        }
                        return self.finish();
                    }
                    let at_end = input.is_empty();
                    let r = inflate(state, input, out, MZFlush::None);
                    self.input.consume(r.bytes_consumed);
                    match r.status {
                        Ok(MZStatus::StreamEnd) => self.stream_ended = true,
                        Ok(_) | Err(MZError::Buf) => {
                            if r.bytes_written == 0 && r.bytes_consumed == 0 {
                                return Err(self.malformed(if at_end {
                                    "the deflate stream is truncated"
                                } else {
                                    "the deflate stream makes no progress"
                                }));
                            }
                        }
                        Err(_) => return Err(self.malformed("corrupt deflate stream")),
                    }
                    r.bytes_written
                }
            };
            if n > 0 {
                self.account(out.get(..n).unwrap_or_default())?;
                return Ok(n);
            }
        }
    }

    fn account(&mut self, bytes: &[u8]) -> Result<(), ContainerError> {
        self.total = self.total.saturating_add(bytes.len() as u64);
        self.crc.update(bytes);
        if self.total > self.ratio_from
            && self.total > self.max_ratio.saturating_mul(self.compressed)
        {
            return Err(ContainerError::Limit {
                what: "compression ratio",
                limit: self.max_ratio,
                name: Some(self.name.into()),
            });
        }
        if let Some(limit) = self.memory_limit.filter(|l| self.total > *l) {
            return Err(ContainerError::Limit {
                what: "size of an entry read into memory",
                limit,
                name: Some(self.name.into()),
            });
        }
        if self.total > self.declared {
            return Err(self.size_mismatch());
        }
        Ok(())
    }

    fn size_mismatch(&self) -> ContainerError {
        ContainerError::SizeMismatch {
            name: self.name.into(),
            declared: self.declared,
            actual: self.total,
        }
    }

    fn finish(&mut self) -> Result<usize, ContainerError> {
        self.done = true;
        if self.total != self.declared {
            return Err(self.size_mismatch());
        }
        let actual = self.crc.clone().finalize();
        if actual != self.expected_crc {
            return Err(ContainerError::Crc {
                name: self.name.into(),
                expected: self.expected_crc,
                actual,
            });
        }
        Ok(0)
    }
}

/// Reads a whole entry into memory, at most `limit` bytes.
pub(crate) fn read_all(
    archive: &Archive<'_>,
    entry: &Entry,
    limits: &Limits,
    limit: u64,
) -> Result<Vec<u8>, ContainerError> {
    let too_big = || ContainerError::Limit {
        what: "size of an entry read into memory",
        limit,
        name: Some(entry.name.clone()),
    };
    if entry.size > limit {
        return Err(too_big());
    }
    // The declared size is at most the limit, so reserving it is bounded.
    let mut out = Vec::with_capacity(usize::try_from(entry.size).map_err(|_| too_big())?);
    let mut pump = Pump::new(archive, entry, limits, Some(limit))?;
    let mut chunk = alloc::vec![0; CHUNK];
    loop {
        let n = pump.next(&mut chunk)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// A lossy rendering of bytes for a warning, at most `max` characters.
pub(crate) fn shown(bytes: &[u8], max: usize) -> String {
    String::from_utf8_lossy(bytes).chars().take(max).collect()
}
