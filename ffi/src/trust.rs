//! Trust stores: the anchors a validation must reach.
//!
//! Thread safety: an `imza_trust_store` is filled on one thread; once filled, `const`
//! pointers to it may be used from any thread at once. Options copy what they need from
//! it, so it may be freed as soon as they are made.

use std::ffi::c_char;
use std::path::Path;

use imza::TrustStore;

use crate::boundary::{bytes_arg, fail, free_handle, handle_mut, into_handle, out_arg, str_arg};
use crate::{imza_result, IMZA_OK};

/// A set of trust anchors (opaque).
#[allow(non_camel_case_types)]
#[derive(Debug, Default, Clone)]
pub struct imza_trust_store {
    pub(crate) inner: TrustStore,
}

/// Makes an empty trust store in `*out`; release it with [`imza_trust_store_free`].
///
/// # Safety
///
/// `out` must be NULL or point to a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_trust_store_new(out: *mut *mut imza_trust_store) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        *out = into_handle(imza_trust_store::default());
        IMZA_OK
    })
}

/// Adds every certificate in `bytes` (PEM, one or many, or one DER certificate) as a trust
/// anchor. Nothing is added when any of them is malformed.
///
/// # Safety
///
/// `store` must be NULL or a live trust store not used by another thread during the call;
/// `bytes` must be NULL (with `len` 0) or point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_trust_store_add_pem(
    store: *mut imza_trust_store,
    bytes: *const u8,
    len: usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `store` is NULL or a live handle used only here (this function's contract).
        let store = try_ffi!(unsafe { handle_mut(store) });
        // SAFETY: `bytes` is NULL or `len` readable bytes (this function's contract).
        let bytes = try_ffi!(unsafe { bytes_arg(bytes, len) });
        add(store, bytes)
    })
}

/// Adds the certificates of a PEM or DER file, or of every `.pem`, `.crt`, `.cer` and
/// `.der` file in a folder (not recursive, at most 1000 files; files holding no certificate
/// are skipped, and a folder without any certificate gives `IMZA_MALFORMED`), as trust
/// anchors.
///
/// # Safety
///
/// `store` as in [`imza_trust_store_add_pem`]; `path` must be NULL or a NUL-terminated
/// UTF-8 string.
#[no_mangle]
pub unsafe extern "C" fn imza_trust_store_add_path(
    store: *mut imza_trust_store,
    path: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `store` is NULL or a live handle used only here (this function's contract).
        let store = try_ffi!(unsafe { handle_mut(store) });
        // SAFETY: `path` is NULL or a NUL-terminated string (this function's contract).
        let path = Path::new(try_ffi!(unsafe { str_arg(path) }));
        if !path.is_dir() {
            let bytes = try_ffi!(read(path));
            return add(store, &bytes);
        }
        let mut staged = store.inner.clone();
        let before = staged.len();
        for f in try_ffi!(files_of(path)) {
            // As `imza verify --trust DIR`: a file without certificates is skipped.
            let bytes = try_ffi!(read(&f));
            let _ = staged.add_pem_or_der(&bytes);
        }
        if staged.len() == before {
            return fail(&imza::Error::Malformed {
                what: "trust folder",
                detail: format!("{}: no trust anchor certificate found", path.display()),
            });
        }
        store.inner = staged;
        crate::boundary::clear_last_error();
        IMZA_OK
    })
}

/// The number of anchors in the store; 0 for NULL.
///
/// # Safety
///
/// `store` must be NULL or a live trust store.
#[no_mangle]
pub unsafe extern "C" fn imza_trust_store_len(store: *const imza_trust_store) -> usize {
    let mut n = 0;
    let _ = ffi_guard!({
        // SAFETY: `store` is NULL or a live handle (this function's contract).
        n = try_ffi!(unsafe { crate::boundary::handle(store) })
            .inner
            .len();
        IMZA_OK
    });
    n
}

/// Releases a trust store. NULL is ignored.
///
/// # Safety
///
/// `store` must be NULL or a trust store from [`imza_trust_store_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_trust_store_free(store: *mut imza_trust_store) {
    let _ = ffi_guard!({
        // SAFETY: `store` is NULL or a handle from `imza_trust_store_new`, freed once.
        unsafe { free_handle(store) };
        IMZA_OK
    });
}

fn add(store: &mut imza_trust_store, bytes: &[u8]) -> imza_result {
    let mut staged = store.inner.clone();
    match staged.add_pem_or_der(bytes) {
        Ok(_) => {
            store.inner = staged;
            crate::boundary::clear_last_error();
            IMZA_OK
        }
        Err(e) => fail(&e),
    }
}

/// Reads a file of at most 16 MiB (a certificate bundle; anything larger is not one).
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, imza_result> {
    read_limited(path, 16 * 1024 * 1024)
}

/// Reads a whole file of at most `limit` bytes, with the error detail recorded.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, imza_result> {
    use std::io::Read;
    let err = |e: std::io::Error| {
        fail(&imza::Error::Read {
            reason: format!("{}: {e}", path.display()),
        })
    };
    let f = std::fs::File::open(path).map_err(err)?;
    let mut out = Vec::new();
    f.take(limit + 1).read_to_end(&mut out).map_err(err)?;
    if out.len() as u64 > limit {
        return Err(fail(&imza::Error::LimitExceeded {
            what: "file size",
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        }));
    }
    Ok(out)
}

/// Most files read from one trust folder.
const MAX_TRUST_FILES: usize = 1000;

/// The certificate files of a folder, in name order.
fn files_of(path: &Path) -> Result<Vec<std::path::PathBuf>, imza_result> {
    let entries = std::fs::read_dir(path).map_err(|e| {
        fail(&imza::Error::Read {
            reason: format!("{}: {e}", path.display()),
        })
    })?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                    ["pem", "crt", "cer", "der"].contains(&x.to_ascii_lowercase().as_str())
                })
        })
        .take(MAX_TRUST_FILES + 1)
        .collect();
    if files.len() > MAX_TRUST_FILES {
        return Err(fail(&imza::Error::LimitExceeded {
            what: "files in a trust folder",
            limit: MAX_TRUST_FILES,
        }));
    }
    files.sort();
    Ok(files)
}
