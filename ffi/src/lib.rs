//! The C ABI of imza.
//!
//! Conventions (STYLE.md items 10-13, after rustls-ffi):
//!
//! - Every function returns an [`imza_result`], a plain `uint32_t`: [`IMZA_OK`] or an error
//!   code. Results are written to out-parameters. Codes from C are read as integers and never
//!   transmuted into Rust enums.
//! - Codes come in blocks of 100: `0..=99` for the C boundary itself (NULL pointers, caught
//!   panics, bad UTF-8, buffer sizes), then the core's [`imza::Error::code`] values passed
//!   through unchanged (`100` input, `200` algorithms and keys, `300` signatures, `400`
//!   signing, `500` transport). Codes are stable once released.
//! - Nothing unwinds across the boundary: every `extern "C"` body runs inside `ffi_guard!`,
//!   which turns a panic into [`IMZA_PANIC`].
//! - A NULL pointer gives [`IMZA_NULL_PARAMETER`]; a NULL data pointer with length 0 is read
//!   as an empty byte string.
//!
//! The header `include/imza.h` is generated from this file by cbindgen (pinned in
//! `Cargo.toml`); `tests/header.rs` fails when it drifts.

// A C ABI cannot be written without `unsafe`: exported symbols need `#[no_mangle]`, and the
// arguments are raw pointers handed over by C. The workspace denies `unsafe_code`; this crate
// is the one exception (STYLE.md item 8). Every `unsafe` block carries a `// SAFETY:` comment,
// and `unsafe_op_in_unsafe_fn` makes each unsafe operation inside an `unsafe fn` explicit too.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::borrow::Cow;
use std::ffi::c_char;
#[cfg(test)]
use std::ffi::CStr;

#[macro_use]
mod boundary;
pub mod card;
pub mod cert;
pub mod document;
pub mod mobile;
pub mod report;
pub mod token;
pub mod transport;
pub mod trust;
pub mod webeid;

use boundary::{bytes_arg, copy_to_buf, str_arg};

/// A status code: [`IMZA_OK`] or an error. A `uint32_t` in C.
///
/// `0..=99` are raised by the C boundary; `100` and up are `imza::Error` codes, passed
/// through. Treat codes you do not know as errors; [`imza_result_message`] describes any code.
#[allow(non_camel_case_types)]
pub type imza_result = u32;

// Block 0-99: the C boundary.

/// Success.
pub const IMZA_OK: imza_result = 0;
/// A required pointer argument was NULL (a data pointer may be NULL only with length 0).
pub const IMZA_NULL_PARAMETER: imza_result = 1;
/// imza panicked; the panic was caught at the boundary. This is a bug in imza.
pub const IMZA_PANIC: imza_result = 2;
/// A string argument is not valid UTF-8.
pub const IMZA_INVALID_UTF8: imza_result = 3;
/// An output buffer is too small (for a message: it cannot even hold the terminating NUL).
pub const IMZA_BUFFER_TOO_SMALL: imza_result = 4;
/// A length argument is out of range (larger than `PTRDIFF_MAX`).
pub const IMZA_INVALID_LENGTH: imza_result = 5;
/// An argument's value is not one the function takes (an unknown mode or level constant).
pub const IMZA_INVALID_ARGUMENT: imza_result = 6;
/// Writing an output file failed; `imza_last_error_message` says why.
pub const IMZA_WRITE_FAILED: imza_result = 7;

// Block 100-199: the input could not be decoded (imza::Error::code()).

/// The input is not well-formed (DER, SubjectPublicKeyInfo, ...).
pub const IMZA_MALFORMED: imza_result = 100;
/// A size, depth, count or work limit was exceeded.
pub const IMZA_LIMIT_EXCEEDED: imza_result = 101;
/// A signature that carries its content was given detached content as well.
pub const IMZA_CONTENT_GIVEN_TWICE: imza_result = 102;
/// The bytes are not a signature format imza verifies (or not yet: XAdES, ASiC, PDF).
pub const IMZA_UNSUPPORTED_FORMAT: imza_result = 103;
/// Reading the content (a file, a read callback) failed.
pub const IMZA_READ_FAILED: imza_result = 104;
/// The options cannot be used as given (level T without a time-stamping service, LT
/// without a root to validate against).
pub const IMZA_INVALID_OPTIONS: imza_result = 105;

// Block 200-299: algorithms, keys and policy.

/// An algorithm imza does not implement, or an unknown algorithm name.
pub const IMZA_UNSUPPORTED_ALGORITHM: imza_result = 200;
/// No compiled-in crypto backend can do this operation.
pub const IMZA_UNSUPPORTED_BY_BACKEND: imza_result = 201;
/// The key does not fit the algorithm (an RSA key for EdDSA, a P-384 key for ES256, ...).
pub const IMZA_KEY_MISMATCH: imza_result = 202;
/// The key was parsed but refused (wrong size, not a curve point, ...).
pub const IMZA_KEY_REJECTED: imza_result = 203;
/// The policy refuses this algorithm or key (SHA-1, RSA below 2048 bits, ...).
pub const IMZA_POLICY_VIOLATION: imza_result = 204;

// Block 300-399: signatures.

/// The signature does not verify: wrong key, tampered data or a malformed signature value.
pub const IMZA_BAD_SIGNATURE: imza_result = 300;

// Block 400-499: signing.

/// Randomness or a signing primitive failed.
pub const IMZA_SIGNING_FAILED: imza_result = 400;

// Block 500-599: network transport.

/// The network transport failed.
pub const IMZA_TRANSPORT: imza_result = 500;

/// The version string, NUL-terminated, built from `imza::VERSION` at compile time.
static VERSION_C: [u8; imza::VERSION.len() + 1] = nul_terminated(imza::VERSION);

/// `s` followed by a NUL byte. Evaluated at compile time only: an interior NUL or a wrong
/// `N` stops the build rather than panicking at run time.
#[allow(clippy::indexing_slicing, clippy::panic)]
const fn nul_terminated<const N: usize>(s: &str) -> [u8; N] {
    let bytes = s.as_bytes();
    assert!(bytes.len() + 1 == N, "N must be the string length plus one");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i] != 0, "interior NUL in the version string");
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// Returns imza's version as a static NUL-terminated string, e.g. `"0.1.0"`.
///
/// The string lives as long as the library is loaded; do not free it.
#[no_mangle]
pub extern "C" fn imza_version() -> *const c_char {
    VERSION_C.as_ptr().cast::<c_char>()
}

/// Verifies the signature `sig` over the message `msg` with the public key `spki`, under
/// imza's strict policy (no SHA-1, RSA keys of at least 2048 bits).
///
/// - `alg`: a NUL-terminated JOSE algorithm name (RFC 7518, RFC 8037): `"ES256"`, `"ES384"`,
///   `"ES512"`, `"RS256"`, `"RS384"`, `"RS512"`, `"PS256"`, `"PS384"`, `"PS512"` or `"EdDSA"`
///   (Ed25519). Names are case-sensitive. As in JOSE, ECDSA signatures are fixed-width
///   `r || s`, not DER, and `ESnnn` requires the curve JOSE assigns to it (P-256, P-384,
///   P-521); another curve gives [`IMZA_KEY_MISMATCH`]. Any other name, including `"none"`
///   and the HMAC names, gives [`IMZA_UNSUPPORTED_ALGORITHM`].
/// - `spki`, `spki_len`: the public key as a DER `SubjectPublicKeyInfo`.
/// - `msg`, `msg_len`: the signed message itself (imza hashes it).
/// - `sig`, `sig_len`: the signature value.
///
/// Returns [`IMZA_OK`] when the signature is mathematically valid for this key (whether the
/// key is trustworthy is not decided here); [`IMZA_BAD_SIGNATURE`] for a wrong key, tampered
/// message or malformed signature value; another code when the input could not be processed.
/// A NULL pointer gives [`IMZA_NULL_PARAMETER`], except that a data pointer may be NULL when
/// its length is 0.
///
/// # Safety
///
/// `alg` must be NULL or a NUL-terminated string. Each of `spki`, `msg` and `sig` must be
/// NULL or point to at least its length in readable bytes. The memory must not be modified
/// during the call. imza keeps no pointer after the call returns.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_signature(
    alg: *const c_char,
    spki: *const u8,
    spki_len: usize,
    msg: *const u8,
    msg_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: the caller passes NULL or a NUL-terminated string (this function's contract).
        let alg = try_ffi!(unsafe { str_arg(alg) });
        // SAFETY: the caller passes NULL or `spki_len` readable bytes (this function's contract).
        let spki = try_ffi!(unsafe { bytes_arg(spki, spki_len) });
        // SAFETY: the caller passes NULL or `msg_len` readable bytes (this function's contract).
        let msg = try_ffi!(unsafe { bytes_arg(msg, msg_len) });
        // SAFETY: the caller passes NULL or `sig_len` readable bytes (this function's contract).
        let sig = try_ffi!(unsafe { bytes_arg(sig, sig_len) });
        match imza::crypto::verify_jose(alg, spki, msg, sig) {
            Ok(()) => IMZA_OK,
            Err(e) => e.code(),
        }
    })
}

/// Writes a short English description of the code `result` into `buf`, NUL-terminated.
///
/// - `buf`, `len`: the output buffer and its size in bytes, including room for the NUL.
///   A message longer than `len - 1` bytes is truncated (messages are ASCII).
/// - `out_n`: receives the number of bytes written, not counting the NUL.
///
/// Every code has a message, unknown ones too. Returns [`IMZA_OK`];
/// [`IMZA_NULL_PARAMETER`] if `buf` or `out_n` is NULL; [`IMZA_BUFFER_TOO_SMALL`] if `len`
/// is 0. On error `*out_n` is set to 0 when `out_n` is not NULL.
///
/// The message describes the code, not the particular failure: the details (which
/// structure, which offset) are not carried across the C boundary yet.
///
/// # Safety
///
/// `buf` must be NULL or point to at least `len` writable bytes; `out_n` must be NULL or
/// point to a writable `size_t`. The two must not overlap.
#[no_mangle]
pub unsafe extern "C" fn imza_result_message(
    result: imza_result,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> imza_result {
    ffi_guard!({
        if out_n.is_null() {
            return IMZA_NULL_PARAMETER;
        }
        // SAFETY: `out_n` is not NULL and, by this function's contract, points to a writable
        // `size_t`; `write` does not read the possibly uninitialised old value.
        unsafe { out_n.write(0) };
        if buf.is_null() {
            return IMZA_NULL_PARAMETER;
        }
        if len == 0 {
            return IMZA_BUFFER_TOO_SMALL;
        }
        let text = message(result);
        // SAFETY: `buf` is not NULL and points to `len >= 1` writable bytes (this
        // function's contract).
        let n = unsafe { copy_to_buf(&text, buf, len) };
        // SAFETY: as above, `out_n` is not NULL and writable.
        unsafe { out_n.write(n) };
        IMZA_OK
    })
}

/// Writes the detail of the last error raised on the calling thread (which structure,
/// which offset, what the service said) into `buf`, NUL-terminated, like
/// [`imza_result_message`]. Empty when the last call on this thread succeeded or failed at
/// the boundary (a NULL pointer, ...).
///
/// # Safety
///
/// As [`imza_result_message`].
#[no_mangle]
pub unsafe extern "C" fn imza_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_n` is NULL or a writable `size_t` (this function's contract).
        let out_n = try_ffi!(unsafe { boundary::out_arg(out_n, 0) });
        if buf.is_null() {
            return IMZA_NULL_PARAMETER;
        }
        if len == 0 {
            return IMZA_BUFFER_TOO_SMALL;
        }
        // SAFETY: `buf` is not NULL and points to `len >= 1` writable bytes.
        *out_n = unsafe { copy_to_buf(&boundary::last_error(), buf, len) };
        IMZA_OK
    })
}

/// Releases a string returned by imza (`char **out` parameters). NULL is ignored.
///
/// # Safety
///
/// `s` must be NULL or a string returned by imza, not freed before and not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_string_free(s: *mut c_char) {
    let _ = ffi_guard!({
        if !s.is_null() {
            // SAFETY: `s` came from `CString::into_raw` in `boundary::c_string` (this
            // function's contract) and is released once.
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
        IMZA_OK
    });
}

/// Releases bytes returned by imza (`uint8_t **out, size_t *out_len` parameters), with the
/// length imza returned. NULL is ignored.
///
/// # Safety
///
/// `p` must be NULL or bytes returned by imza with exactly `len`, not freed before and not
/// used after.
#[no_mangle]
pub unsafe extern "C" fn imza_bytes_free(p: *mut u8, len: usize) {
    let _ = ffi_guard!({
        if !p.is_null() {
            // SAFETY: `p` and `len` came from `Box<[u8]>::into_raw` in `boundary::c_bytes`
            // (this function's contract); the slice is rebuilt and dropped once.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, len)) });
        }
        IMZA_OK
    });
}

/// The description of a code. The core codes' texts follow `imza::Error`'s variants.
fn message(result: imza_result) -> Cow<'static, str> {
    Cow::Borrowed(match result {
        IMZA_OK => "success",
        IMZA_NULL_PARAMETER => "a required pointer argument was NULL",
        IMZA_PANIC => "imza panicked (a bug in imza; the panic was stopped at the C boundary)",
        IMZA_INVALID_UTF8 => "a string argument is not valid UTF-8",
        IMZA_BUFFER_TOO_SMALL => "the output buffer is too small",
        IMZA_INVALID_LENGTH => "a length argument is out of range",
        IMZA_INVALID_ARGUMENT => "an argument's value is not one the function takes",
        IMZA_WRITE_FAILED => "writing the output file failed",
        IMZA_MALFORMED => "the input is malformed",
        IMZA_LIMIT_EXCEEDED => "a size, depth, count or work limit was exceeded",
        IMZA_CONTENT_GIVEN_TWICE => {
            "the signature carries its content; detached content may not be given as well"
        }
        IMZA_UNSUPPORTED_FORMAT => "not a signature format imza verifies",
        IMZA_READ_FAILED => "reading the content failed",
        IMZA_INVALID_OPTIONS => "the options cannot be used as given",
        IMZA_UNSUPPORTED_ALGORITHM => "unsupported algorithm",
        IMZA_UNSUPPORTED_BY_BACKEND => "no crypto backend in this build supports the operation",
        IMZA_KEY_MISMATCH => "the key does not fit the algorithm",
        IMZA_KEY_REJECTED => "the key was rejected",
        IMZA_POLICY_VIOLATION => "refused by policy",
        IMZA_BAD_SIGNATURE => "signature does not verify",
        IMZA_SIGNING_FAILED => "signing failed",
        IMZA_TRANSPORT => "transport failed",
        other => {
            return match imza::describe(other) {
                Some(d) => Cow::Borrowed(d),
                None => Cow::Owned(format!("unknown imza result code {other}")),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use imza::crypto::{EcdsaEncoding, HashAlgorithm};
    use imza::Error;

    /// The constants must be exactly the core's codes: C callers compare against them.
    #[test]
    fn constants_match_core_codes() {
        let s = String::new;
        let alg = imza::crypto::SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha256,
            encoding: EcdsaEncoding::Fixed,
        };
        let cases = [
            (
                Error::Malformed {
                    what: "x",
                    detail: s(),
                },
                IMZA_MALFORMED,
            ),
            (
                Error::LimitExceeded {
                    what: "x",
                    limit: 1,
                },
                IMZA_LIMIT_EXCEEDED,
            ),
            (Error::ContentGivenTwice, IMZA_CONTENT_GIVEN_TWICE),
            (
                Error::UnsupportedFormat { format: "x" },
                IMZA_UNSUPPORTED_FORMAT,
            ),
            (Error::Read { reason: s() }, IMZA_READ_FAILED),
            (Error::InvalidOptions { reason: "x" }, IMZA_INVALID_OPTIONS),
            (
                Error::UnsupportedAlgorithm { what: s() },
                IMZA_UNSUPPORTED_ALGORITHM,
            ),
            (
                Error::UnsupportedByBackend {
                    backend: "x",
                    what: s(),
                },
                IMZA_UNSUPPORTED_BY_BACKEND,
            ),
            (
                Error::KeyMismatch {
                    algorithm: alg.name(),
                    key: s(),
                },
                IMZA_KEY_MISMATCH,
            ),
            (Error::KeyRejected { reason: s() }, IMZA_KEY_REJECTED),
            (
                Error::PolicyViolation { reason: s() },
                IMZA_POLICY_VIOLATION,
            ),
            (Error::BadSignature, IMZA_BAD_SIGNATURE),
            (Error::SigningFailed { reason: s() }, IMZA_SIGNING_FAILED),
            (Error::Transport { reason: s() }, IMZA_TRANSPORT),
        ];
        for (e, code) in cases {
            assert_eq!(e.code(), code, "{e:?}");
            assert!(code >= 100, "core codes stay out of the FFI block");
            assert!(!message(code).starts_with("unknown"), "{code}");
        }
    }

    #[test]
    fn version_is_the_core_version() {
        let v = CStr::from_bytes_with_nul(&VERSION_C).unwrap();
        assert_eq!(v.to_str().unwrap(), imza::VERSION);
        // SAFETY: `imza_version` returns a pointer to the static NUL-terminated `VERSION_C`.
        let from_fn = unsafe { CStr::from_ptr(imza_version()) };
        assert_eq!(from_fn, v);
    }

    #[test]
    fn guard_catches_panics() {
        let r = ffi_guard!({
            let v: Vec<u8> = Vec::new();
            if v.is_empty() {
                panic!("boom");
            }
            IMZA_OK
        });
        assert_eq!(r, IMZA_PANIC);
    }
}
