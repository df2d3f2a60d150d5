//! What every exported function shares: the panic guard, argument readers, handles, and
//! the per-thread detail of the last error.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};

use crate::{imza_result, IMZA_INVALID_LENGTH, IMZA_INVALID_UTF8, IMZA_NULL_PARAMETER};

/// Runs an `extern "C"` body, turning a panic into [`IMZA_PANIC`] so that nothing unwinds
/// into C (after rustls-ffi `panic.rs`). The body is a block that evaluates to an
/// [`imza_result`]; `return` inside it returns from the closure, i.e. from the guard.
///
/// This needs `panic = "unwind"` (the default). Under `panic = "abort"` a panic ends the
/// process instead, which still never unwinds into C.
macro_rules! ffi_guard {
    ($body:block) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::imza_result { $body },
        )) {
            Ok(result) => result,
            Err(_) => $crate::IMZA_PANIC,
        }
    };
}

/// Unwraps a `Result<T, imza_result>` inside [`ffi_guard!`], returning the code on error.
macro_rules! try_ffi {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(code) => return code,
        }
    };
}

/// Borrows `len` bytes at `ptr`. NULL with `len == 0` is the empty slice.
///
/// # Safety
///
/// If `ptr` is not NULL it must point to `len` initialised bytes that stay valid and
/// unmodified for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], imza_result> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(IMZA_NULL_PARAMETER)
        };
    }
    if isize::try_from(len).is_err() {
        return Err(IMZA_INVALID_LENGTH);
    }
    // SAFETY: `ptr` is not NULL and, by this function's contract, points to `len` initialised
    // bytes valid for `'a`; `len` fits in `isize`, as `from_raw_parts` requires; `u8` has
    // alignment 1.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
///
/// If `ptr` is not NULL it must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char) -> Result<&'a str, imza_result> {
    if ptr.is_null() {
        return Err(IMZA_NULL_PARAMETER);
    }
    // SAFETY: `ptr` is not NULL and, by this function's contract, points to a NUL-terminated
    // string that stays valid for `'a`.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str().map_err(|_| IMZA_INVALID_UTF8)
}

/// Like [`bytes_arg`], for an owned copy.
///
/// # Safety
///
/// As [`bytes_arg`].
pub(crate) unsafe fn bytes_vec(ptr: *const u8, len: usize) -> Result<Vec<u8>, imza_result> {
    // SAFETY: forwarded from this function's contract.
    unsafe { bytes_arg(ptr, len) }.map(<[u8]>::to_vec)
}

/// Reads an optional NUL-terminated UTF-8 string: NULL is `None`.
///
/// # Safety
///
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(ptr: *const c_char) -> Result<Option<&'a str>, imza_result> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from this function's contract; `ptr` is not NULL.
    unsafe { str_arg(ptr) }.map(Some)
}

/// Borrows the object behind a handle.
///
/// # Safety
///
/// `ptr` must be NULL or a handle made by this library's `_new` function for `T` and not
/// yet freed; nobody may mutate it during `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T) -> Result<&'a T, imza_result> {
    // SAFETY: by this function's contract `ptr` is NULL or a live `Box<T>` made by
    // `into_handle`, not mutated during `'a`.
    unsafe { ptr.as_ref() }.ok_or(IMZA_NULL_PARAMETER)
}

/// Borrows the object behind a handle mutably.
///
/// # Safety
///
/// As [`handle`], and nobody else may use it during `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, imza_result> {
    // SAFETY: by this function's contract `ptr` is NULL or a live `Box<T>` used by nobody
    // else during `'a`.
    unsafe { ptr.as_mut() }.ok_or(IMZA_NULL_PARAMETER)
}

/// Hands `value` to C as a handle that the matching `_free` function releases.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Releases a handle made by [`into_handle`]; NULL is ignored.
///
/// # Safety
///
/// `ptr` must be NULL or a handle made by [`into_handle`] for `T`, not freed before and
/// not used after.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: by this function's contract `ptr` came from `Box::into_raw` and is freed
        // exactly once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Checks an out-parameter before any work is done, and sets it to its empty value
/// (NULL, 0) so that C never reads an uninitialised result after an error.
///
/// # Safety
///
/// `out` must be NULL or point to a writable `T`.
pub(crate) unsafe fn out_arg<'a, T>(out: *mut T, empty: T) -> Result<&'a mut T, imza_result> {
    if out.is_null() {
        return Err(IMZA_NULL_PARAMETER);
    }
    // SAFETY: `out` is not NULL and points to a writable `T` (this function's contract);
    // `write` does not drop the possibly uninitialised old value.
    unsafe { out.write(empty) };
    // SAFETY: as above; the value was just initialised.
    Ok(unsafe { &mut *out })
}

/// A Rust string as a NUL-terminated C string that `imza_string_free` releases. An interior
/// NUL (never produced by imza's JSON or messages) is replaced rather than failing.
pub(crate) fn c_string(s: String) -> *mut c_char {
    let bytes: Vec<u8> = s
        .into_bytes()
        .into_iter()
        .map(|b| if b == 0 { b' ' } else { b })
        .collect();
    CString::new(bytes).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// A NUL-terminated copy kept inside a handle, for accessors that return `const char *`.
pub(crate) fn held(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// Bytes handed to C, released by `imza_bytes_free` with the same length.
pub(crate) fn c_bytes(v: Vec<u8>) -> (*mut u8, usize) {
    let b: Box<[u8]> = v.into_boxed_slice();
    let len = b.len();
    (Box::into_raw(b).cast::<u8>(), len)
}

/// The SHA-2 algorithm of a hash value a host computed, by its length (the sign-hash
/// functions of cards and mobile ID take SHA-256, SHA-384 and SHA-512 only).
pub(crate) fn hash_by_len(len: usize) -> Option<imza::crypto::HashAlgorithm> {
    use imza::crypto::HashAlgorithm as H;
    [H::Sha256, H::Sha384, H::Sha512]
        .into_iter()
        .find(|h| h.output_len() == len)
}

thread_local! {
    /// The message of the last error raised on this thread by a core error.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records the detail of a core error for `imza_last_error_message` and returns its code.
pub(crate) fn fail(e: &imza::Error) -> imza_result {
    set_last_error(e.to_string());
    e.code()
}

/// Records a message for `imza_last_error_message`.
pub(crate) fn set_last_error(msg: String) {
    LAST_ERROR.with(|m| *m.borrow_mut() = msg);
}

/// Clears the last error (every successful call that can fail with details does this).
pub(crate) fn clear_last_error() {
    LAST_ERROR.with(|m| m.borrow_mut().clear());
}

/// The last error message of this thread.
pub(crate) fn last_error() -> String {
    LAST_ERROR.with(|m| m.borrow().clone())
}

/// Copies `text` into a C buffer of `len` bytes, NUL-terminated, truncated at a UTF-8
/// boundary; returns the bytes written without the NUL.
///
/// # Safety
///
/// `buf` must be non-NULL and point to at least `len >= 1` writable bytes.
pub(crate) unsafe fn copy_to_buf(text: &str, buf: *mut c_char, len: usize) -> usize {
    let mut n = text.len().min(len.saturating_sub(1));
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: `buf` points to `len` writable bytes (this function's contract); `n + 1 <=
    // len` bytes are written; `text` is Rust-owned memory, so the ranges do not overlap.
    // Raw copies are used because `buf` may be uninitialised.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
        buf.cast::<u8>().add(n).write(0);
    }
    n
}
