//! The exported functions, called through the Rust ABI of the same code (the C programs in
//! `tests/c/` call them through the real C ABI).
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::ffi::{c_char, CStr};
use std::ptr;

use imza_ffi::*;

const MESSAGE: &[u8] = include_bytes!("data/message.txt");
const ED25519_SPKI: &[u8] = include_bytes!("data/ed25519.spki.der");
const ED25519_SIG: &[u8] = include_bytes!("data/ed25519.sig");
const ES256_SPKI: &[u8] = include_bytes!("data/es256.spki.der");
const ES256_SIG: &[u8] = include_bytes!("data/es256.sig");
const P384_SPKI: &[u8] = include_bytes!("data/p384.spki.der");

fn verify(alg: &CStr, spki: &[u8], msg: &[u8], sig: &[u8]) -> imza_result {
    // SAFETY: every pointer comes from a live slice or C string with its own length.
    unsafe {
        imza_verify_signature(
            alg.as_ptr(),
            spki.as_ptr(),
            spki.len(),
            msg.as_ptr(),
            msg.len(),
            sig.as_ptr(),
            sig.len(),
        )
    }
}

fn message_of(code: imza_result) -> String {
    let mut buf = [0 as c_char; 128];
    let mut n = usize::MAX;
    // SAFETY: `buf` has `buf.len()` writable bytes; `n` is a writable usize.
    let r = unsafe { imza_result_message(code, buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(r, IMZA_OK);
    // SAFETY: on IMZA_OK the buffer holds a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
    assert_eq!(s.to_bytes().len(), n);
    s.to_str().unwrap().to_owned()
}

#[test]
fn valid_signatures_verify() {
    assert_eq!(
        verify(c"EdDSA", ED25519_SPKI, MESSAGE, ED25519_SIG),
        IMZA_OK
    );
    assert_eq!(verify(c"ES256", ES256_SPKI, MESSAGE, ES256_SIG), IMZA_OK);
}

#[test]
fn tampering_is_a_bad_signature() {
    let mut msg = MESSAGE.to_vec();
    msg[0] ^= 1;
    assert_eq!(
        verify(c"EdDSA", ED25519_SPKI, &msg, ED25519_SIG),
        IMZA_BAD_SIGNATURE
    );
    assert_eq!(
        verify(c"ES256", ES256_SPKI, &msg, ES256_SIG),
        IMZA_BAD_SIGNATURE
    );
    let mut sig = ED25519_SIG.to_vec();
    sig[10] ^= 0x80;
    assert_eq!(
        verify(c"EdDSA", ED25519_SPKI, MESSAGE, &sig),
        IMZA_BAD_SIGNATURE
    );
    assert_eq!(
        verify(c"EdDSA", ED25519_SPKI, MESSAGE, &ED25519_SIG[..63]),
        IMZA_BAD_SIGNATURE
    );
}

#[test]
fn algorithm_and_key_errors() {
    for name in [c"ES257", c"none", c"HS256", c"eddsa", c""] {
        assert_eq!(
            verify(name, ED25519_SPKI, MESSAGE, ED25519_SIG),
            IMZA_UNSUPPORTED_ALGORITHM,
            "{name:?}"
        );
    }
    // A JOSE name for one key type with another key.
    assert_eq!(
        verify(c"ES256", ED25519_SPKI, MESSAGE, ED25519_SIG),
        IMZA_KEY_MISMATCH
    );
    assert_eq!(
        verify(c"EdDSA", ES256_SPKI, MESSAGE, ES256_SIG),
        IMZA_KEY_MISMATCH
    );
    // JOSE fixes ES256 to P-256 (RFC 7518 §3.4); ES384 is P-384.
    assert_eq!(
        verify(c"ES256", P384_SPKI, MESSAGE, ES256_SIG),
        IMZA_KEY_MISMATCH
    );
    assert_eq!(
        verify(c"ES384", ES256_SPKI, MESSAGE, ES256_SIG),
        IMZA_KEY_MISMATCH
    );
    assert_eq!(
        verify(c"EdDSA", b"\x30\x00", MESSAGE, ED25519_SIG),
        IMZA_MALFORMED
    );
}

#[test]
fn null_and_empty_arguments() {
    let spki = ED25519_SPKI;
    let sig = ED25519_SIG;
    // SAFETY: NULL pointers and live slices with their lengths; NULL is allowed by contract.
    unsafe {
        assert_eq!(
            imza_verify_signature(
                ptr::null(),
                spki.as_ptr(),
                spki.len(),
                MESSAGE.as_ptr(),
                MESSAGE.len(),
                sig.as_ptr(),
                sig.len()
            ),
            IMZA_NULL_PARAMETER
        );
        assert_eq!(
            imza_verify_signature(
                c"EdDSA".as_ptr(),
                ptr::null(),
                spki.len(),
                MESSAGE.as_ptr(),
                MESSAGE.len(),
                sig.as_ptr(),
                sig.len()
            ),
            IMZA_NULL_PARAMETER
        );
        assert_eq!(
            imza_verify_signature(
                c"EdDSA".as_ptr(),
                spki.as_ptr(),
                spki.len(),
                MESSAGE.as_ptr(),
                MESSAGE.len(),
                ptr::null(),
                sig.len()
            ),
            IMZA_NULL_PARAMETER
        );
        // NULL with length 0 is the empty message: processed, and not this signature's.
        assert_eq!(
            imza_verify_signature(
                c"EdDSA".as_ptr(),
                spki.as_ptr(),
                spki.len(),
                ptr::null(),
                0,
                sig.as_ptr(),
                sig.len()
            ),
            IMZA_BAD_SIGNATURE
        );
        // A length no allocation can have.
        assert_eq!(
            imza_verify_signature(
                c"EdDSA".as_ptr(),
                spki.as_ptr(),
                usize::MAX,
                MESSAGE.as_ptr(),
                MESSAGE.len(),
                sig.as_ptr(),
                sig.len()
            ),
            IMZA_INVALID_LENGTH
        );
    }
}

#[test]
fn invalid_utf8_algorithm_name() {
    let name = c"\xff\xfe";
    assert_eq!(
        verify(name, ED25519_SPKI, MESSAGE, ED25519_SIG),
        IMZA_INVALID_UTF8
    );
}

#[test]
fn messages() {
    assert_eq!(message_of(IMZA_OK), "success");
    assert_eq!(message_of(IMZA_BAD_SIGNATURE), "signature does not verify");
    assert_eq!(message_of(7777), "unknown imza result code 7777");
    for code in [IMZA_NULL_PARAMETER, IMZA_PANIC, IMZA_UNSUPPORTED_ALGORITHM] {
        assert!(!message_of(code).is_empty());
    }
}

#[test]
fn message_truncation_and_errors() {
    let mut buf = [0x55 as c_char; 8];
    let mut n = usize::MAX;
    // SAFETY: `buf` has 8 writable bytes, of which we announce 5; `n` is writable.
    let r = unsafe { imza_result_message(IMZA_BAD_SIGNATURE, buf.as_mut_ptr(), 5, &mut n) };
    assert_eq!(r, IMZA_OK);
    assert_eq!(n, 4);
    // SAFETY: the function wrote a NUL at index 4.
    assert_eq!(unsafe { CStr::from_ptr(buf.as_ptr()) }, c"sign");
    assert_eq!(buf[5], 0x55, "nothing written past len");

    // SAFETY: as above; len 1 leaves room for the NUL only.
    let r = unsafe { imza_result_message(IMZA_OK, buf.as_mut_ptr(), 1, &mut n) };
    assert_eq!((r, n, buf[0]), (IMZA_OK, 0, 0));

    n = 99;
    // SAFETY: len 0 means nothing is written to `buf`; `n` is writable.
    let r = unsafe { imza_result_message(IMZA_OK, buf.as_mut_ptr(), 0, &mut n) };
    assert_eq!((r, n), (IMZA_BUFFER_TOO_SMALL, 0));

    n = 99;
    // SAFETY: NULL `buf` is allowed by the contract and reported.
    let r = unsafe { imza_result_message(IMZA_OK, ptr::null_mut(), 8, &mut n) };
    assert_eq!((r, n), (IMZA_NULL_PARAMETER, 0));

    // SAFETY: NULL `out_n` is allowed by the contract and reported.
    let r = unsafe { imza_result_message(IMZA_OK, buf.as_mut_ptr(), 8, ptr::null_mut()) };
    assert_eq!(r, IMZA_NULL_PARAMETER);
}

#[test]
fn version() {
    // SAFETY: `imza_version` returns a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(imza_version()) };
    assert_eq!(v.to_str().unwrap(), imza::VERSION);
}

/// The handles the documentation calls shareable once set up may be used from several
/// threads at once: the compiler checks `Send + Sync` for each.
#[test]
fn configs_and_results_are_shareable_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<trust::imza_trust_store>();
    shareable::<document::imza_verify_options>();
    shareable::<document::imza_sign_options>();
    shareable::<report::imza_report>();
    shareable::<transport::imza_transport>();
    shareable::<token::imza_token_verifier>();
    // The issuer holds `dyn Signer`s; the C functions make them from software keys only,
    // which are shareable: what `imza_token_issue` on several threads relies on.
    shareable::<imza::SigningKey>();
    shareable::<webeid::imza_webeid_options>();
    // (A challenge store is as thread-safe as the host's callbacks: see webeid.rs.)
    // (Mobile-ID options carry the host's code callback and its userdata: as thread-safe as
    // the host makes them, see mobile.rs.)
    shareable::<mobile::imza_mobile_cancel>();
}
