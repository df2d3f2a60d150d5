//! What the commands read besides their main file: trust anchors from files and folders,
//! certificates, and the clock (the core reads none).

use std::path::{Path, PathBuf};

use imza::cert;
use imza::time::UnixTime;
use imza::trust::TrustStore;

use crate::exit::{self, Failure};

/// Most files read from one trust folder.
const MAX_TRUST_FILES: usize = 10_000;

/// A DER encoding failure of a certificate, as the core's error.
pub(crate) fn malformed(e: der::Error) -> imza::Error {
    imza::Error::Malformed {
        what: "certificate",
        detail: e.to_string(),
    }
}

/// The first certificate of a PEM or DER file, as DER.
pub(crate) fn first_der(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    let certs = cert::parse_any(bytes).map_err(|e| Failure::content(path, &e))?;
    let first = certs.first().ok_or_else(|| Failure {
        code: exit::DATA,
        message: format!("{}: no certificate", path.display()),
    })?;
    der::Encode::to_der(first).map_err(|e| Failure::content(path, &malformed(e)))
}

/// Loads anchors from files and folders. In a folder, files that are not certificates are
/// skipped (a README beside the roots is common) and named on stderr in text mode.
pub(crate) fn load_trust(paths: &[PathBuf], quiet: bool) -> Result<TrustStore, Failure> {
    let mut store = TrustStore::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| Failure::io(p, &e))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Failure::io(p, &e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .take(MAX_TRUST_FILES + 1)
                .collect();
            if entries.len() > MAX_TRUST_FILES {
                return Err(Failure {
                    code: exit::DATA,
                    message: format!("{}: more than {MAX_TRUST_FILES} files", p.display()),
                });
            }
            entries.sort();
            for f in entries {
                let bytes = exit::read_small(&f)?;
                if let Err(e) = store.add_pem_or_der(&bytes) {
                    if !quiet {
                        eprintln!("imza: {}: skipped: {e}", f.display());
                    }
                }
            }
        } else {
            let bytes = exit::read_small(p)?;
            store
                .add_pem_or_der(&bytes)
                .map_err(|e| Failure::content(p, &e))?;
        }
    }
    if store.is_empty() {
        return Err(Failure {
            code: exit::DATA,
            message: "--trust: no trust anchor certificate found".into(),
        });
    }
    Ok(store)
}

/// The current time by the system clock.
pub(crate) fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UnixTime::from_secs(secs)
}
