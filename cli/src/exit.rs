//! Exit codes shared by every `imza` command (sysexits.h where one fits).
//!
//! Scripts depend on these; they never change meaning.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Valid / TOTAL_PASSED / success.
pub(crate) const OK: u8 = 0;
/// Invalid / TOTAL_FAILED.
pub(crate) const INVALID: u8 = 1;
/// INDETERMINATE.
pub(crate) const INDETERMINATE: u8 = 2;
/// Usage error (EX_USAGE).
pub(crate) const USAGE: u8 = 64;
/// Malformed input (EX_DATAERR).
pub(crate) const DATA: u8 = 65;
/// Input file missing or unreadable (EX_NOINPUT).
pub(crate) const NO_INPUT: u8 = 66;
/// A service (network, reader, card) unavailable (EX_UNAVAILABLE).
pub(crate) const UNAVAILABLE: u8 = 69;
/// The output file cannot be written (EX_CANTCREAT).
pub(crate) const CANT_CREATE: u8 = 73;
/// A bug in imza (EX_SOFTWARE): printed as one line, never a backtrace.
pub(crate) const SOFTWARE: u8 = 70;

/// A failure that ends the command: one line on stderr and an exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    /// The input file could not be read.
    pub(crate) fn io(path: &Path, e: &std::io::Error) -> Self {
        Self {
            code: NO_INPUT,
            message: format!("{}: cannot read: {}", path.display(), io_reason(e)),
        }
    }

    /// An imza error about the content of `path`.
    pub(crate) fn content(path: &Path, e: &imza::Error) -> Self {
        let code = match e {
            imza::Error::Transport { .. } => UNAVAILABLE,
            _ => DATA,
        };
        Self {
            code,
            message: format!("{}: {e}", path.display()),
        }
    }

    /// A bad combination of arguments that clap cannot express.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: message.into(),
        }
    }

    pub(crate) fn exit(&self) -> ExitCode {
        eprintln!("imza: {}", self.message);
        ExitCode::from(self.code)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Largest input file a command reads whole (certificates, keys, tokens). Documents are
/// streamed instead.
pub(crate) const MAX_SMALL_INPUT: u64 = 16 * 1024 * 1024;

/// Reads a small input file whole, with the size limit and the right exit codes.
pub(crate) fn read_small(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    read_limited(path, MAX_SMALL_INPUT)
}

/// Reads a file whole if it is at most `limit` bytes.
///
/// A regular file's size is known before reading: one over the limit is refused by its
/// metadata, without reading a byte of it (a 2 GiB file must not cost 512 MiB of reading and
/// memory to be refused). A pipe, a device or a file that grows while read is read up to one
/// byte past the limit and refused then.
pub(crate) fn read_limited(path: &PathBuf, limit: u64) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
    let meta = file.metadata().map_err(|e| Failure::io(path, &e))?;
    if meta.is_dir() {
        return Err(Failure {
            code: NO_INPUT,
            message: format!("{}: is a directory, not a file", path.display()),
        });
    }
    if meta.is_file() && meta.len() > limit {
        return Err(too_large(path, Some(meta.len()), limit));
    }
    // The known size (capped) is the capacity: no reallocation while reading.
    let expected = if meta.is_file() { meta.len() } else { 0 };
    let mut buf = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::io(path, &e))?;
    if buf.len() as u64 > limit {
        return Err(too_large(path, None, limit));
    }
    Ok(buf)
}

/// An input over its size limit (EX_DATAERR), with its size when known.
fn too_large(path: &Path, size: Option<u64>, limit: u64) -> Failure {
    let size = size.map_or_else(String::new, |s| format!(" ({s} bytes)"));
    Failure {
        code: DATA,
        message: format!(
            "{}: larger than {} MiB{size}, the most this command reads",
            path.display(),
            limit >> 20
        ),
    }
}

/// Writes command output to stdout. A closed pipe (`imza ... | head -1`) ends output
/// quietly; any other write failure is an error.
pub(crate) fn print_stdout(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure {
            code: SOFTWARE,
            message: format!("cannot write output: {e}"),
        }),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file beside it, then
/// renamed over it, so that a failure never leaves a truncated output behind.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    write_atomic_with(path, |f| {
        f.write_all(bytes).map_err(|e| Failure {
            code: CANT_CREATE,
            message: format!("{}: cannot write: {}", path.display(), io_reason(&e)),
        })
    })
}

/// Like [`write_atomic`], with the bytes written by `write` into a temporary file next to
/// `path` (large outputs are streamed); the file is renamed to `path` only if `write`
/// succeeds, else removed.
pub(crate) fn write_atomic_with<T>(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let cannot = |e: &std::io::Error| Failure {
        code: CANT_CREATE,
        message: format!("{}: cannot write: {}", path.display(), io_reason(e)),
    };
    let name = path.file_name().ok_or_else(|| Failure {
        code: CANT_CREATE,
        message: format!("{}: not a file name", path.display()),
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".imza-{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(|e| cannot(&e))?);
    let value = match write(&mut f) {
        Ok(v) => v,
        Err(failure) => {
            drop(f);
            let _ = std::fs::remove_file(&tmp);
            return Err(failure);
        }
    };
    let result = f
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(&e));
    }
    Ok(value)
}
