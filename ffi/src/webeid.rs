//! Web eID certificate login: challenges kept single use in a challenge store (imza's
//! memory store, or the host's own through two callbacks), and token validation that gives
//! the authenticated person as JSON.
//!
//! Thread safety: the memory store may be used by any number of threads at once. A callback
//! store is as thread-safe as the host's callbacks: imza calls them on the thread that calls
//! imza, with no lock of its own. `imza_webeid_options` are set up on one thread; after that,
//! `const` pointers may be used by any number of threads at once.

use std::ffi::{c_char, c_void, CStr, CString};

use imza::webeid::{
    self, Challenge, ChallengeError, ChallengeStore, MemoryChallengeStore, RevocationMode,
    WebEidError, WebEidOptions,
};
use imza::{TrustStore, UnixTime};

use crate::boundary::{
    bytes_arg, bytes_vec, c_string, clear_last_error, fail, free_handle, handle, handle_mut,
    into_handle, out_arg, str_arg,
};
use crate::cert::{now, time_arg};
use crate::document::{IMZA_REVOCATION_OFFLINE, IMZA_REVOCATION_ONLINE, IMZA_REVOCATION_SKIP};
use crate::transport::imza_transport;
use crate::trust::imza_trust_store;
use crate::{imza_result, IMZA_INVALID_ARGUMENT, IMZA_OK};

/// Every Web eID token error goes through here, so that the code space changes in one place.
fn webeid_err(e: WebEidError) -> imza_result {
    fail(&imza::Error::from(e))
}

/// Every challenge store error goes through here, so that the code space changes in one
/// place.
fn challenge_err(e: ChallengeError) -> imza_result {
    fail(&imza::Error::from(e))
}

/// Room for a challenge nonce in the `take` callback's buffer, with its NUL.
pub const IMZA_CHALLENGE_NONCE_CAPACITY: usize = webeid::MAX_CHALLENGE_LEN + 1;

/// The host's `put`: store `nonce` (NUL-terminated, 44 base64 characters) under `key`
/// (NUL-terminated, 1 to 256 bytes), issued at `issued_at` and valid through `expires_at`
/// (Unix seconds), replacing what `key` held. Return `IMZA_OK`, or any other value for a
/// failure (imza reports a challenge store error).
#[allow(non_camel_case_types)]
pub type imza_challenge_put_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        key: *const c_char,
        nonce: *const c_char,
        issued_at: i64,
        expires_at: i64,
    ) -> imza_result,
>;

/// The host's `take`: remove the challenge under `key` and give it back, atomically (a
/// challenge is taken at most once, however many threads or nodes race for it). When there
/// is one, write its nonce NUL-terminated into `nonce` (capacity `nonce_cap`, which is
/// [`IMZA_CHALLENGE_NONCE_CAPACITY`]), its times into `*issued_at` and `*expires_at`, set
/// `*found` to 1 and return `IMZA_OK`; when there is none, set `*found` to 0 and return
/// `IMZA_OK`. Any other return value is a failure. imza checks the expiry itself.
#[allow(non_camel_case_types)]
pub type imza_challenge_take_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        key: *const c_char,
        nonce: *mut c_char,
        nonce_cap: usize,
        issued_at: *mut i64,
        expires_at: *mut i64,
        found: *mut u32,
    ) -> imza_result,
>;

type PutFn = unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char, i64, i64) -> u32;
type TakeFn = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    *mut c_char,
    usize,
    *mut i64,
    *mut i64,
    *mut u32,
) -> u32;

/// A [`ChallengeStore`] over the host's callbacks.
struct CallbackStore {
    put: PutFn,
    take: TakeFn,
    userdata: *mut c_void,
}

fn store_failure(reason: String) -> ChallengeError {
    ChallengeError::Store { reason }
}

fn secs(t: UnixTime) -> i64 {
    i64::try_from(t.as_secs()).unwrap_or(i64::MAX)
}

impl ChallengeStore for CallbackStore {
    fn put(&self, key: &str, challenge: &Challenge) -> Result<(), ChallengeError> {
        let key = c_key(key)?;
        let nonce = CString::new(challenge.nonce.as_str())
            .map_err(|_| store_failure("the nonce holds a NUL byte".into()))?;
        // SAFETY: `key` and `nonce` are NUL-terminated strings alive for the call; the
        // callback's own contract (documented on `imza_challenge_put_callback`) is the
        // host's to keep.
        let code = unsafe {
            (self.put)(
                self.userdata,
                key.as_ptr(),
                nonce.as_ptr(),
                secs(challenge.issued_at),
                secs(challenge.expires_at),
            )
        };
        if code != IMZA_OK {
            return Err(store_failure(format!("the put callback returned {code}")));
        }
        Ok(())
    }

    fn take(&self, key: &str, now: UnixTime) -> Result<Challenge, ChallengeError> {
        let key = c_key(key)?;
        let mut nonce = vec![0u8; IMZA_CHALLENGE_NONCE_CAPACITY];
        let (mut issued_at, mut expires_at, mut found) = (0i64, 0i64, 0u32);
        // SAFETY: `key` is NUL-terminated and alive; `nonce` has `nonce.len()` writable
        // bytes; the three out-parameters are valid for writes during the call. The
        // callback's contract is documented on `imza_challenge_take_callback`.
        let code = unsafe {
            (self.take)(
                self.userdata,
                key.as_ptr(),
                nonce.as_mut_ptr().cast::<c_char>(),
                nonce.len(),
                &mut issued_at,
                &mut expires_at,
                &mut found,
            )
        };
        if code != IMZA_OK {
            return Err(store_failure(format!("the take callback returned {code}")));
        }
        if found == 0 {
            return Err(ChallengeError::NotFound);
        }
        let nonce = CStr::from_bytes_until_nul(&nonce)
            .ok()
            .and_then(|s| s.to_str().ok())
            .ok_or_else(|| {
                store_failure(
                    "the take callback gave a nonce that is not NUL-terminated UTF-8".into(),
                )
            })?;
        let time = |t: i64, what: &str| {
            u64::try_from(t)
                .map(UnixTime::from_secs)
                .map_err(|_| store_failure(format!("the take callback gave a negative {what}")))
        };
        // The core's challenges are made from random bytes; this one takes the host's
        // stored values in their place.
        let mut c = Challenge::from_random(&[0; webeid::challenge::CHALLENGE_RANDOM_BYTES], now);
        c.nonce = nonce.to_owned();
        c.issued_at = time(issued_at, "issued_at")?;
        c.expires_at = time(expires_at, "expires_at")?;
        if c.is_expired(now) {
            return Err(ChallengeError::Expired {
                expired_at: c.expires_at,
            });
        }
        Ok(c)
    }
}

/// The key as a C string; the core's key rules (1 to 256 bytes) apply before the host sees it.
fn c_key(key: &str) -> Result<CString, ChallengeError> {
    if key.is_empty() || key.len() > webeid::challenge::MAX_KEY_LEN {
        return Err(ChallengeError::InvalidKey);
    }
    CString::new(key).map_err(|_| ChallengeError::InvalidKey)
}

/// Where issued challenges wait for their token (opaque).
#[allow(non_camel_case_types)]
pub struct imza_challenge_store {
    inner: Box<dyn ChallengeStore>,
}

impl std::fmt::Debug for imza_challenge_store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("imza_challenge_store")
    }
}

/// Makes a challenge store in this process's memory in `*out`, holding at most `capacity`
/// unexpired challenges (0: 100 000). For one-node portals and tests; a portal on several
/// nodes uses a shared store through [`imza_challenge_store_new_callbacks`].
///
/// # Safety
///
/// `out` must be NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_challenge_store_new_memory(
    capacity: usize,
    out: *mut *mut imza_challenge_store,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        let store = if capacity == 0 {
            MemoryChallengeStore::new()
        } else {
            MemoryChallengeStore::with_capacity(capacity)
        };
        *out = into_handle(imza_challenge_store {
            inner: Box::new(store),
        });
        IMZA_OK
    })
}

/// Makes a challenge store over the host's own storage (a database, Redis, ...) in `*out`:
/// `put` and `take` as documented on their types, `userdata` passed to both unchanged.
///
/// # Safety
///
/// `put` and `take` must be NULL (giving [`crate::IMZA_NULL_PARAMETER`]) or functions that
/// keep their documented contracts for as long as the store lives; `userdata` must stay
/// valid as long as they use it; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_challenge_store_new_callbacks(
    put: imza_challenge_put_callback,
    take: imza_challenge_take_callback,
    userdata: *mut c_void,
    out: *mut *mut imza_challenge_store,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        let (Some(put), Some(take)) = (put, take) else {
            return crate::IMZA_NULL_PARAMETER;
        };
        *out = into_handle(imza_challenge_store {
            inner: Box::new(CallbackStore {
                put,
                take,
                userdata,
            }),
        });
        IMZA_OK
    })
}

/// Releases a challenge store (a memory store forgets its challenges). NULL is ignored.
///
/// # Safety
///
/// `store` must be NULL or a store from an `imza_challenge_store_new_*` function, not used
/// after.
#[no_mangle]
pub unsafe extern "C" fn imza_challenge_store_free(store: *mut imza_challenge_store) {
    let _ = ffi_guard!({
        // SAFETY: `store` is NULL or a store handle, freed once (this function's contract).
        unsafe { free_handle(store) };
        IMZA_OK
    });
}

/// Makes a fresh challenge (32 random bytes from the operating system, base64: 44
/// characters, valid for 300 seconds from now), stores it under `key` (the session, 1 to
/// 256 bytes) in place of any earlier one, and gives its nonce in `*out_challenge` to send
/// to the browser; release it with [`crate::imza_string_free`].
///
/// Returns [`IMZA_OK`]; a challenge code (1250-1299) when the key is empty or too long,
/// the memory store is full, or the host's `put` callback failed (`*out_challenge` NULL).
///
/// # Safety
///
/// `store` NULL or a live store; `key` NULL or NUL-terminated; `out_challenge` NULL or a
/// writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_create_challenge(
    store: *const imza_challenge_store,
    key: *const c_char,
    out_challenge: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_challenge` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_challenge, std::ptr::null_mut()) });
        // SAFETY: `store` is NULL or live (this function's contract).
        let store = try_ffi!(unsafe { handle(store) });
        // SAFETY: `key` is NULL or NUL-terminated (this function's contract).
        let key = try_ffi!(unsafe { str_arg(key) });
        let challenge = match Challenge::generate(now()) {
            Ok(c) => c,
            Err(e) => return fail(&e),
        };
        if let Err(e) = store.inner.put(key, &challenge) {
            return challenge_err(e);
        }
        *out = c_string(challenge.nonce);
        clear_last_error();
        IMZA_OK
    })
}

/// Takes (removes and returns) the challenge stored under `key`, once: its nonce goes to
/// `*out_challenge` (release it with [`crate::imza_string_free`]) to pass to
/// [`imza_webeid_validate`].
///
/// Returns [`IMZA_OK`]; a challenge code (1250-1299) when there is none (never issued or
/// already taken), it has expired (it is removed all the same), the key is invalid, or the
/// host's `take` callback failed.
///
/// # Safety
///
/// As [`imza_webeid_create_challenge`].
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_take_challenge(
    store: *const imza_challenge_store,
    key: *const c_char,
    out_challenge: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_challenge` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_challenge, std::ptr::null_mut()) });
        // SAFETY: `store` is NULL or live (this function's contract).
        let store = try_ffi!(unsafe { handle(store) });
        // SAFETY: `key` is NULL or NUL-terminated (this function's contract).
        let key = try_ffi!(unsafe { str_arg(key) });
        match store.inner.take(key, now()) {
            Ok(c) => {
                *out = c_string(c.nonce);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => challenge_err(e),
        }
    })
}

// ==== token validation ======================================================================

/// Web eID validation options (opaque).
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct imza_webeid_options {
    trust: TrustStore,
    time: Option<UnixTime>,
    revocation: u32,
    ocsp: Vec<Vec<u8>>,
    transport: Option<imza_transport>,
}

/// Makes Web eID validation options over a copy of `trust` (the card CAs: a Web eID
/// `web-eid:1.0` token carries no intermediates, so the issuing CAs themselves are the
/// anchors) in `*out`, with the defaults: validation time now, OCSP status required from
/// responses given with [`imza_webeid_options_add_ocsp_response`]
/// ([`IMZA_REVOCATION_OFFLINE`]), the Estonian mobile-ID policies refused.
///
/// # Safety
///
/// `trust` NULL or a live trust store; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_options_new(
    trust: *const imza_trust_store,
    out: *mut *mut imza_webeid_options,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `trust` is NULL or live (this function's contract).
        let trust = try_ffi!(unsafe { handle(trust) });
        *out = into_handle(imza_webeid_options {
            trust: trust.inner.clone(),
            time: None,
            revocation: IMZA_REVOCATION_OFFLINE,
            ocsp: Vec::new(),
            transport: None,
        });
        IMZA_OK
    })
}

/// Validates at `unix_seconds` (seconds since 1970-01-01T00:00:00Z) instead of now;
/// [`crate::cert::IMZA_TIME_NOW`] (-1) goes back to now. Another negative value gives
/// [`IMZA_INVALID_ARGUMENT`].
///
/// # Safety
///
/// `opts` NULL or live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_options_set_time(
    opts: *mut imza_webeid_options,
    unix_seconds: i64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        let t = try_ffi!(time_arg(unix_seconds));
        opts.time = (unix_seconds != crate::cert::IMZA_TIME_NOW).then_some(t);
        IMZA_OK
    })
}

/// How the certificate's revocation status is established:
/// [`IMZA_REVOCATION_SKIP`] (not checked; the result says `not_checked`),
/// [`IMZA_REVOCATION_OFFLINE`] (the OCSP responses given to
/// [`imza_webeid_options_add_ocsp_response`], the default) or [`IMZA_REVOCATION_ONLINE`]
/// (the certificate's OCSP responder with a random nonce, through the transport of
/// [`imza_webeid_options_set_transport`], else imza's HTTP client). Another value gives
/// [`IMZA_INVALID_ARGUMENT`].
///
/// # Safety
///
/// As [`imza_webeid_options_set_time`].
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_options_set_revocation(
    opts: *mut imza_webeid_options,
    mode: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        if mode > IMZA_REVOCATION_ONLINE {
            return IMZA_INVALID_ARGUMENT;
        }
        opts.revocation = mode;
        IMZA_OK
    })
}

/// Supplies a DER OCSP response for [`IMZA_REVOCATION_OFFLINE`] (the one for the
/// certificate is picked by its CertID; it must be fresh: `thisUpdate` at most 2 minutes
/// before and 15 minutes after the validation time).
///
/// # Safety
///
/// As [`imza_webeid_options_set_time`]; `bytes` NULL (with `len` 0) or `len` readable
/// bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_options_add_ocsp_response(
    opts: *mut imza_webeid_options,
    bytes: *const u8,
    len: usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `bytes` is NULL or `len` readable bytes (this function's contract).
        opts.ocsp.push(try_ffi!(unsafe { bytes_vec(bytes, len) }));
        IMZA_OK
    })
}

/// The transport for [`IMZA_REVOCATION_ONLINE`] (the options keep their own reference).
///
/// # Safety
///
/// As [`imza_webeid_options_set_time`]; `transport` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_options_set_transport(
    opts: *mut imza_webeid_options,
    transport: *const imza_transport,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `transport` is NULL or live (this function's contract).
        opts.transport = Some(try_ffi!(unsafe { handle(transport) }).clone());
        IMZA_OK
    })
}

/// Releases Web eID options. NULL is ignored.
///
/// # Safety
///
/// `opts` must be NULL or options from [`imza_webeid_options_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_options_free(opts: *mut imza_webeid_options) {
    let _ = ffi_guard!({
        // SAFETY: `opts` is NULL or an options handle, freed once (this function's contract).
        unsafe { free_handle(opts) };
        IMZA_OK
    });
}

/// Validates a Web eID token (`token`, `token_len`: the JSON the browser extension
/// returned) for `origin` (`https://host[:port]`) and `challenge` (the nonce just taken with
/// [`imza_webeid_take_challenge`]): the certificate chains to the options' CAs for
/// authentication at the validation time, its revocation status per the options, and its
/// key signed `H(origin) || H(challenge)`. On success `*out_json` is the authenticated
/// person, the document `imza token webeid-verify --json` prints: `given_name`, `surname`,
/// `common_name`, `country`, `serial_number`, `personal_code`, `personal_code_country`,
/// `personal_code_type`, `certificate` (subject, issuer, serial, validity, trust anchor,
/// DER in base64), `token`, `validation_time`, `revocation`, `signing_certificates`.
/// Release it with [`crate::imza_string_free`].
///
/// Returns [`IMZA_OK`]; for a refused token a Web eID code (1200-1249; the reason in
/// `imza_last_error_message`) and `*out_json` NULL.
///
/// # Safety
///
/// `opts` NULL or live options; `token` NULL (with `token_len` 0) or `token_len` readable
/// bytes; `origin` and `challenge` NULL or NUL-terminated; `out_json` NULL or a writable
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_webeid_validate(
    opts: *const imza_webeid_options,
    token: *const u8,
    token_len: usize,
    origin: *const c_char,
    challenge: *const c_char,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `opts` is NULL or live (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `token` is NULL or `token_len` readable bytes (this function's contract).
        let token = try_ffi!(unsafe { bytes_arg(token, token_len) });
        // SAFETY: `origin` is NULL or NUL-terminated (this function's contract).
        let origin = try_ffi!(unsafe { str_arg(origin) });
        // SAFETY: `challenge` is NULL or NUL-terminated (this function's contract).
        let challenge = try_ffi!(unsafe { str_arg(challenge) });
        let time = opts.time.unwrap_or_else(now);
        let mode = match opts.revocation {
            IMZA_REVOCATION_SKIP => RevocationMode::Off,
            IMZA_REVOCATION_ONLINE => match RevocationMode::online_with_random_nonce() {
                Ok(m) => m,
                Err(e) => return fail(&e),
            },
            _ => RevocationMode::Offline {
                ocsp_responses: opts.ocsp.clone(),
            },
        };
        let wopts = WebEidOptions::new(time, mode);
        let result = if opts.revocation == IMZA_REVOCATION_ONLINE {
            let t = opts
                .transport
                .clone()
                .unwrap_or_else(crate::transport::http);
            webeid::validate_with_transport(
                token,
                origin,
                challenge,
                &opts.trust,
                &wopts,
                &*t.inner,
            )
        } else {
            webeid::validate(token, origin, challenge, &opts.trust, &wopts)
        };
        match result {
            Ok(person) => match serde_json::to_string_pretty(&person) {
                Ok(json) => {
                    *out = c_string(json);
                    clear_last_error();
                    IMZA_OK
                }
                Err(e) => fail(&imza::Error::Malformed {
                    what: "JSON output",
                    detail: e.to_string(),
                }),
            },
            Err(e) => webeid_err(e),
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The fixture the C test validates: `ffi/tests/data/webeid-login-p256.json`, a
    /// `web-eid:1.0` token made by `webeid::create_token` with the test PKI's P-256 login
    /// key (`test-vectors/pki/ecdsa-p256/login.key`, ECDSA r||s) for origin
    /// `https://portal.example` and the nonce below. Regenerate it with
    /// `IMZA_BLESS=1 cargo test -p imza-ffi --lib webeid_fixture` (ECDSA is randomised, so
    /// the bytes change each time; the test checks that it validates).
    const FIXTURE: &str = "tests/data/webeid-login-p256.json";
    const ORIGIN: &str = "https://portal.example";
    const NONCE: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    #[test]
    fn webeid_fixture_validates() {
        use imza::crypto::{EcdsaEncoding, HashAlgorithm, SignatureAlgorithm, SigningKey};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let pki = root.join("../test-vectors/pki/ecdsa-p256");
        let path = root.join(FIXTURE);
        if std::env::var_os("IMZA_BLESS").is_some() {
            let key = SigningKey::from_pkcs8_pem(
                &std::fs::read_to_string(pki.join("login.key")).unwrap(),
            )
            .unwrap()
            .with_algorithm(SignatureAlgorithm::Ecdsa {
                hash: HashAlgorithm::Sha256,
                encoding: EcdsaEncoding::Fixed,
            })
            .unwrap();
            let cert = std::fs::read(pki.join("login.der")).unwrap();
            let token = webeid::create_token(&key, &cert, ORIGIN, NONCE, "imza test").unwrap();
            std::fs::write(&path, format!("{token}\n")).unwrap();
        }
        let token = std::fs::read(&path).unwrap();
        let mut trust = TrustStore::new();
        trust
            .add_pem_or_der(&std::fs::read(pki.join("intermediate.pem")).unwrap())
            .unwrap();
        let opts = WebEidOptions::new(
            UnixTime::parse_rfc3339("2026-11-21T00:00:00Z").unwrap(),
            RevocationMode::Off,
        );
        let person = webeid::validate(&token, ORIGIN, NONCE, &trust, &opts).unwrap();
        assert_eq!(person.person.common_name.as_deref(), Some("P-256 Login"));
    }

    #[test]
    fn keys_follow_the_core_rules() {
        assert_eq!(c_key(""), Err(ChallengeError::InvalidKey));
        assert_eq!(c_key(&"k".repeat(257)), Err(ChallengeError::InvalidKey));
        assert_eq!(c_key("a\0b"), Err(ChallengeError::InvalidKey));
        assert!(c_key("session-1").is_ok());
    }
}
