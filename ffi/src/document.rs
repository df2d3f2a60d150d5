//! Signed documents: validation options, `imza_verify_document*`, and signing.
//!
//! Thread safety: `imza_verify_options` and `imza_sign_options` are set up on one thread
//! (the `_set_`/`_add_` functions); after that, `const` pointers may be used by any number
//! of threads at once. An `imza_signer` is used by one thread at a time (a card or a phone
//! signs one thing at a time).

use std::ffi::{c_char, c_void};
use std::path::Path;

use imza::{Content, RevocationPolicy, Signer, SigningKey, ToSign, TrustStore, UnixTime};

use crate::boundary::{
    bytes_arg, bytes_vec, c_bytes, clear_last_error, fail, free_handle, handle, handle_mut,
    into_handle, opt_str_arg, out_arg, set_last_error, str_arg,
};
use crate::report::imza_report;
use crate::transport::imza_transport;
use crate::trust::{imza_trust_store, read_limited};
use crate::{imza_result, IMZA_OK};

/// Revocation not checked, by request: recorded in the report, the verdict may pass.
pub const IMZA_REVOCATION_SKIP: u32 = 0;
/// Embedded and supplied OCSP responses and CRLs; a status is required (the default).
pub const IMZA_REVOCATION_OFFLINE: u32 = 1;
/// As offline, and fetched over the network when the data at hand gives no status.
pub const IMZA_REVOCATION_ONLINE: u32 = 2;

/// CAdES-BASELINE-B.
pub const IMZA_LEVEL_B: u32 = 0;
/// CAdES-BASELINE-T: with a signature time-stamp.
pub const IMZA_LEVEL_T: u32 = 1;
/// CAdES-BASELINE-LT: with the certificates and revocation data that validate it.
pub const IMZA_LEVEL_LT: u32 = 2;
/// PAdES-BASELINE-LTA (PAdES only): LT plus a document time-stamp.
pub const IMZA_LEVEL_LTA: u32 = 3;

/// CMS / CAdES: `.p7m`, or `.p7s` when detached (the default).
pub const IMZA_FORMAT_CADES: u32 = 0;
/// XAdES: enveloped in the XML content, or detached naming the content.
pub const IMZA_FORMAT_XADES: u32 = 1;
/// An ASiC-E container of the content (named as `content_name`) and a XAdES signature.
pub const IMZA_FORMAT_ASICE: u32 = 2;
/// PAdES: the PDF with a signature added by incremental update.
pub const IMZA_FORMAT_PADES: u32 = 3;

/// A read callback: fill `buf` (capacity `len`) with the next bytes of the content, set
/// `*out_n` to how many (0 at the end) and return `IMZA_OK`; any other return value stops
/// the validation with `IMZA_READ_FAILED`.
#[allow(non_camel_case_types)]
pub type imza_read_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        buf: *mut u8,
        len: usize,
        out_n: *mut usize,
    ) -> imza_result,
>;

/// Validation options (opaque).
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct imza_verify_options {
    trust: TrustStore,
    at: Option<UnixTime>,
    revocation: u32,
    intermediates: Vec<Vec<u8>>,
    ocsp: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    transport: Option<imza_transport>,
    policy: imza::ValidationPolicy,
}

/// The current time: the validation time by default, and always the "now" that refuses
/// revocation data and time-stamps from the future.
fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UnixTime::from_secs(secs)
}

impl imza_verify_options {
    /// Runs `f` with the core's options for one validation (also for
    /// `imza_cert_validate`, which reads the trust, time, revocation mode, intermediates,
    /// supplied OCSP responses and CRLs, and transport from them).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&imza::VerifyOptions<'_>) -> R) -> R {
        let now = now();
        let mut o = imza::VerifyOptions::new(&self.trust, self.at.unwrap_or(now));
        o.now = now;
        o.extra_certs.clone_from(&self.intermediates);
        o.ocsp_responses.clone_from(&self.ocsp);
        o.crls.clone_from(&self.crls);
        o.policy.clone_from(&self.policy);
        let http;
        match self.revocation {
            IMZA_REVOCATION_SKIP => o.revocation = RevocationPolicy::Skip,
            IMZA_REVOCATION_ONLINE => {
                o.transport = Some(match &self.transport {
                    Some(t) => &*t.inner,
                    None => {
                        http = crate::transport::http();
                        &*http.inner
                    }
                });
            }
            _ => {}
        }
        f(&o)
    }
}

/// Makes validation options over a copy of `trust` in `*out`, with the defaults: validation
/// time now, revocation status required from embedded or supplied data
/// ([`IMZA_REVOCATION_OFFLINE`]), the default algorithm policy. `trust` may be freed after.
///
/// # Safety
///
/// `trust` must be NULL or a live trust store; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_new(
    trust: *const imza_trust_store,
    out: *mut *mut imza_verify_options,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `trust` is NULL or a live trust store (this function's contract).
        let trust = try_ffi!(unsafe { handle(trust) });
        *out = into_handle(imza_verify_options {
            trust: trust.inner.clone(),
            at: None,
            revocation: IMZA_REVOCATION_OFFLINE,
            intermediates: Vec::new(),
            ocsp: Vec::new(),
            crls: Vec::new(),
            transport: None,
            policy: imza::ValidationPolicy::default(),
        });
        IMZA_OK
    })
}

/// Sets how revocation is checked: [`IMZA_REVOCATION_SKIP`], [`IMZA_REVOCATION_OFFLINE`]
/// (the default) or [`IMZA_REVOCATION_ONLINE`] (through the transport set with
/// [`imza_verify_options_set_transport`], else imza's HTTP client). Another value gives
/// [`crate::IMZA_INVALID_ARGUMENT`].
///
/// # Safety
///
/// `opts` must be NULL or live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_set_revocation(
    opts: *mut imza_verify_options,
    mode: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        if mode > IMZA_REVOCATION_ONLINE {
            return crate::IMZA_INVALID_ARGUMENT;
        }
        opts.revocation = mode;
        IMZA_OK
    })
}

/// Validates at `unix_seconds` (seconds since 1970-01-01T00:00:00Z; negative gives
/// [`crate::IMZA_INVALID_ARGUMENT`]) instead of now. Data dated after the real current
/// time is still refused.
///
/// # Safety
///
/// As [`imza_verify_options_set_revocation`].
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_set_time(
    opts: *mut imza_verify_options,
    unix_seconds: i64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        let Ok(secs) = u64::try_from(unix_seconds) else {
            return crate::IMZA_INVALID_ARGUMENT;
        };
        opts.at = Some(UnixTime::from_secs(secs));
        IMZA_OK
    })
}

/// An algorithm acceptable without an end date (for [`imza_verify_options_set_digest_until`]
/// and [`imza_verify_options_set_rsa_until`]).
pub const IMZA_UNTIL_NO_END: i64 = -1;
/// An algorithm not acceptable at all.
pub const IMZA_UNTIL_REFUSED: i64 = -2;

/// `until` as the policy's end date: `None` for no end, `Some(None)` for refused.
fn until_arg(until: i64) -> Result<Option<Option<UnixTime>>, imza_result> {
    match until {
        IMZA_UNTIL_REFUSED => Ok(Some(None)),
        IMZA_UNTIL_NO_END => Ok(None),
        t => u64::try_from(t)
            .map(|t| Some(Some(UnixTime::from_secs(t))))
            .map_err(|_| crate::IMZA_INVALID_ARGUMENT),
    }
}

/// Sets until when signatures using the digest `name` (`"SHA-1"`, `"SHA-256"`,
/// `"SHA-384"`, `"SHA-512"`) are acceptable, judged at their best-signature-time (ETSI EN
/// 319 102-1 §5.2.8): `until` in Unix seconds, [`IMZA_UNTIL_NO_END`] or
/// [`IMZA_UNTIL_REFUSED`]. The default policy: SHA-1 until 2009-12-31, SHA-2 without end.
/// An unknown name gives `IMZA_UNSUPPORTED_ALGORITHM`.
///
/// # Safety
///
/// `opts` NULL or live options not used by another thread during the call; `name` NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_set_digest_until(
    opts: *mut imza_verify_options,
    name: *const c_char,
    until: i64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `name` is NULL or NUL-terminated (this function's contract).
        let name = try_ffi!(unsafe { str_arg(name) });
        let until = try_ffi!(until_arg(until));
        use imza::crypto::HashAlgorithm as H;
        let Some(hash) = [H::Sha1, H::Sha256, H::Sha384, H::Sha512]
            .into_iter()
            .find(|h| h.name() == name)
        else {
            return fail(&imza::Error::UnsupportedAlgorithm {
                what: format!("digest {name:?} (SHA-1, SHA-256, SHA-384 or SHA-512)"),
            });
        };
        let digests = &mut opts.policy.digests;
        digests.retain(|(h, _)| *h != hash);
        match until {
            Some(None) => {}
            Some(Some(t)) => digests.push((hash, Some(t))),
            None => digests.push((hash, None)),
        }
        IMZA_OK
    })
}

/// Sets until when RSA keys of at least `min_bits` bits are acceptable (a row of the
/// policy: the largest row a key meets decides; keys below every row are refused): `until`
/// in Unix seconds, [`IMZA_UNTIL_NO_END`] or [`IMZA_UNTIL_REFUSED`] (removes the row). The
/// default policy: 1900 bits and more without end, 1024 bits until 2013-12-31.
///
/// # Safety
///
/// `opts` NULL or live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_set_rsa_until(
    opts: *mut imza_verify_options,
    min_bits: u32,
    until: i64,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        let until = try_ffi!(until_arg(until));
        let Ok(bits) = usize::try_from(min_bits) else {
            return crate::IMZA_INVALID_ARGUMENT;
        };
        let rows = &mut opts.policy.rsa;
        rows.retain(|(b, _)| *b != bits);
        match until {
            Some(None) => {}
            Some(Some(t)) => rows.push((bits, Some(t))),
            None => rows.push((bits, None)),
        }
        // Largest first, as the policy reads them.
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
        IMZA_OK
    })
}

/// What an `_add_` function adds.
#[derive(Clone, Copy)]
enum Extra {
    Intermediates,
    Ocsp,
    Crl,
}

/// # Safety
///
/// `opts` NULL or live and used only here; `bytes` NULL (len 0) or `len` readable bytes.
unsafe fn add_extra(
    opts: *mut imza_verify_options,
    bytes: *const u8,
    len: usize,
    what: Extra,
) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    let opts = try_ffi!(unsafe { handle_mut(opts) });
    // SAFETY: forwarded from this function's contract.
    let bytes = try_ffi!(unsafe { bytes_vec(bytes, len) });
    match what {
        Extra::Intermediates => match imza::cert::parse_any(&bytes) {
            Ok(certs) => {
                for c in certs {
                    match der::Encode::to_der(&c) {
                        Ok(d) => opts.intermediates.push(d),
                        Err(e) => {
                            return fail(&imza::Error::Malformed {
                                what: "certificate",
                                detail: e.to_string(),
                            })
                        }
                    }
                }
            }
            Err(e) => return fail(&e),
        },
        Extra::Ocsp => opts.ocsp.push(bytes),
        Extra::Crl => opts.crls.push(bytes),
    }
    clear_last_error();
    IMZA_OK
}

/// Adds intermediate certificates (PEM, one or many, or one DER) to build chains with,
/// besides those the signature carries.
///
/// # Safety
///
/// `opts` must be NULL or live options not used by another thread during the call; `bytes`
/// NULL (with `len` 0) or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_add_intermediates(
    opts: *mut imza_verify_options,
    bytes: *const u8,
    len: usize,
) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    ffi_guard!({ unsafe { add_extra(opts, bytes, len, Extra::Intermediates) } })
}

/// Supplies a DER OCSP response (as `imza verify --ocsp-response`), besides those the
/// signature carries. It is parsed when used: a malformed one is reported, not fatal.
///
/// # Safety
///
/// As [`imza_verify_options_add_intermediates`].
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_add_ocsp_response(
    opts: *mut imza_verify_options,
    bytes: *const u8,
    len: usize,
) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    ffi_guard!({ unsafe { add_extra(opts, bytes, len, Extra::Ocsp) } })
}

/// Supplies a DER CRL (as `imza verify --crl`), besides those the signature carries.
///
/// # Safety
///
/// As [`imza_verify_options_add_intermediates`].
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_add_crl(
    opts: *mut imza_verify_options,
    bytes: *const u8,
    len: usize,
) -> imza_result {
    // SAFETY: forwarded from this function's contract.
    ffi_guard!({ unsafe { add_extra(opts, bytes, len, Extra::Crl) } })
}

/// Fetches online revocation data through `transport` (kept by reference: it may be freed
/// after).
///
/// # Safety
///
/// `opts` as in [`imza_verify_options_set_revocation`]; `transport` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_set_transport(
    opts: *mut imza_verify_options,
    transport: *const imza_transport,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `transport` is NULL or live (this function's contract).
        let t = try_ffi!(unsafe { handle(transport) });
        opts.transport = Some(t.clone());
        IMZA_OK
    })
}

/// Releases options. NULL is ignored.
///
/// # Safety
///
/// `opts` must be NULL or options from [`imza_verify_options_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_options_free(opts: *mut imza_verify_options) {
    let _ = ffi_guard!({
        // SAFETY: `opts` is NULL or an options handle, freed once (this function's contract).
        unsafe { free_handle(opts) };
        IMZA_OK
    });
}

/// Hands a verification result to C.
fn report_out(out: &mut *mut imza_report, r: Result<imza::Report, imza::Error>) -> imza_result {
    match r {
        Ok(report) => {
            clear_last_error();
            *out = into_handle(imza_report::new(report));
            IMZA_OK
        }
        Err(e) => fail(&e),
    }
}

/// Validates the signed document `signature` (the format is detected: CMS/CAdES in DER,
/// BER or PEM today) and writes its report to `*out`. `detached` is the signed content of
/// a detached signature, or NULL with `detached_len` 0 when the content is attached.
///
/// Returns `IMZA_OK` whenever a report was made, whatever its verdict: read it with
/// [`crate::report::imza_report_indication`]. An error means the input could not be
/// processed at all (not a signature, content given twice, ...).
///
/// # Safety
///
/// `opts` must be NULL or live options; `signature` NULL (len 0) or `signature_len`
/// readable bytes, `detached` likewise; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_document(
    opts: *const imza_verify_options,
    signature: *const u8,
    signature_len: usize,
    detached: *const u8,
    detached_len: usize,
    out: *mut *mut imza_report,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `opts` is NULL or live options (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `signature` is NULL or `signature_len` readable bytes (contract).
        let sig = try_ffi!(unsafe { bytes_arg(signature, signature_len) });
        let content = if detached.is_null() && detached_len == 0 {
            Content::Attached
        } else {
            // SAFETY: `detached` is `detached_len` readable bytes (this function's contract).
            Content::Detached(try_ffi!(unsafe { bytes_arg(detached, detached_len) }))
        };
        report_out(out, opts.with(|o| imza::verify(sig, content, o)))
    })
}

/// Validates the signed document in the file `signature_path`; `detached_path` is the file
/// of the signed content (streamed in constant memory, any size) or NULL when attached.
///
/// # Safety
///
/// As [`imza_verify_document`]; the paths are NULL or NUL-terminated UTF-8 strings.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_document_file(
    opts: *const imza_verify_options,
    signature_path: *const c_char,
    detached_path: *const c_char,
    out: *mut *mut imza_report,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `opts` is NULL or live options (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: NULL or NUL-terminated strings (this function's contract).
        let sig_path = Path::new(try_ffi!(unsafe { str_arg(signature_path) }));
        // SAFETY: as above.
        let detached = try_ffi!(unsafe { opt_str_arg(detached_path) });
        let sig = try_ffi!(read_limited(sig_path, imza::cms::MAX_CMS_LEN as u64));
        let r = match detached {
            None => opts.with(|o| imza::verify(&sig, Content::Attached, o)),
            Some(p) => match std::fs::File::open(p) {
                Ok(mut f) => opts.with(|o| imza::verify(&sig, Content::Reader(&mut f), o)),
                Err(e) => Err(imza::Error::Read {
                    reason: format!("{p}: {e}"),
                }),
            },
        };
        report_out(out, r)
    })
}

/// The host's read callback as a `std::io::Read`.
struct CallbackReader {
    read: unsafe extern "C" fn(*mut c_void, *mut u8, usize, *mut usize) -> imza_result,
    userdata: *mut c_void,
}

impl std::io::Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n: usize = 0;
        // SAFETY: `buf` is a valid writable buffer of `buf.len()` bytes and `n` a valid
        // `size_t` for the duration of the call; the callback's own contract (documented
        // on `imza_read_callback`) is the host's to keep.
        let code = unsafe { (self.read)(self.userdata, buf.as_mut_ptr(), buf.len(), &mut n) };
        if code != IMZA_OK {
            return Err(std::io::Error::other(format!(
                "the read callback returned {code}"
            )));
        }
        if n > buf.len() {
            return Err(std::io::Error::other(format!(
                "the read callback claimed {n} bytes in a {}-byte buffer",
                buf.len()
            )));
        }
        Ok(n)
    }
}

/// Validates a detached signature over content the host streams through `read` (called
/// with fixed-size buffers until it reports 0 bytes): constant memory, any size.
///
/// # Safety
///
/// As [`imza_verify_document`]; `read` must be a valid callback (NULL gives
/// `IMZA_NULL_PARAMETER`) that writes at most `len` bytes to `buf`; `userdata` is passed
/// to it unchanged.
#[no_mangle]
pub unsafe extern "C" fn imza_verify_document_reader(
    opts: *const imza_verify_options,
    signature: *const u8,
    signature_len: usize,
    read: imza_read_callback,
    userdata: *mut c_void,
    out: *mut *mut imza_report,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `opts` is NULL or live options (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `signature` is NULL or `signature_len` readable bytes (contract).
        let sig = try_ffi!(unsafe { bytes_arg(signature, signature_len) });
        let Some(read) = read else {
            return crate::IMZA_NULL_PARAMETER;
        };
        let mut reader = CallbackReader { read, userdata };
        report_out(
            out,
            opts.with(|o| imza::verify(sig, Content::Reader(&mut reader), o)),
        )
    })
}

// ==== signing ================================================================================

/// Something that signs (opaque): a software key here; the card and mobile-ID functions
/// make signers too.
#[allow(non_camel_case_types)]
pub struct imza_signer {
    pub(crate) inner: Box<dyn Signer>,
}

impl std::fmt::Debug for imza_signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("imza_signer")
    }
}

/// Makes a signer from an unencrypted PKCS#8 private key (PEM `PRIVATE KEY` or DER) in
/// `*out`. The key is zeroized when the signer is freed; the host should wipe its copy.
///
/// # Safety
///
/// `key` NULL (len 0) or `len` readable bytes; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_signer_from_pkcs8(
    key: *const u8,
    len: usize,
    out: *mut *mut imza_signer,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `key` is NULL or `len` readable bytes (this function's contract).
        let key = try_ffi!(unsafe { bytes_arg(key, len) });
        let parsed = match std::str::from_utf8(key) {
            Ok(pem) if pem.trim_start().starts_with("-----BEGIN") => {
                SigningKey::from_pkcs8_pem(pem)
            }
            _ => SigningKey::from_pkcs8_der(key),
        };
        match parsed {
            Ok(k) => {
                *out = into_handle(imza_signer { inner: Box::new(k) });
                IMZA_OK
            }
            Err(e) => fail(&e),
        }
    })
}

/// Releases a signer (a software key is zeroized). NULL is ignored.
///
/// # Safety
///
/// `s` must be NULL or a signer from imza, not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_signer_free(s: *mut imza_signer) {
    let _ = ffi_guard!({
        // SAFETY: `s` is NULL or a signer handle, freed once (this function's contract).
        unsafe { free_handle(s) };
        IMZA_OK
    });
}

/// Signing options (opaque).
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct imza_sign_options {
    level: u32,
    format: u32,
    content_name: Option<String>,
    detached: bool,
    chain: Vec<Vec<u8>>,
    tsa_url: Option<String>,
    transport: Option<imza_transport>,
    trust: Option<TrustStore>,
}

/// Makes signing options in `*out`: level B ([`IMZA_LEVEL_B`]), attached content, signing
/// time now.
///
/// # Safety
///
/// `out` must be NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_new(out: *mut *mut imza_sign_options) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        *out = into_handle(imza_sign_options::default());
        IMZA_OK
    })
}

/// Sets the level: [`IMZA_LEVEL_B`], [`IMZA_LEVEL_T`], [`IMZA_LEVEL_LT`] or, for PAdES,
/// [`IMZA_LEVEL_LTA`] (T and above need [`imza_sign_options_set_tsa`]; LT and LTA need the
/// chain up to a root, or trust anchors).
///
/// # Safety
///
/// `opts` must be NULL or live options not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_set_level(
    opts: *mut imza_sign_options,
    level: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        if level > IMZA_LEVEL_LTA {
            return crate::IMZA_INVALID_ARGUMENT;
        }
        opts.level = level;
        IMZA_OK
    })
}

/// Sets the format: [`IMZA_FORMAT_CADES`] (the default), [`IMZA_FORMAT_XADES`],
/// [`IMZA_FORMAT_ASICE`] or [`IMZA_FORMAT_PADES`]. `content_name` (NULL or UTF-8) is the
/// content's file name, which a detached XAdES signature references and an ASiC-E container
/// stores the content under; [`imza_sign_document_file`] takes it from the path when NULL.
///
/// # Safety
///
/// As [`imza_sign_options_set_level`]; `content_name` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_set_format(
    opts: *mut imza_sign_options,
    format: u32,
    content_name: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        if format > IMZA_FORMAT_PADES {
            return crate::IMZA_INVALID_ARGUMENT;
        }
        opts.content_name = if content_name.is_null() {
            None
        } else {
            // SAFETY: `content_name` is a NUL-terminated string (this function's contract).
            Some(try_ffi!(unsafe { str_arg(content_name) }).to_owned())
        };
        opts.format = format;
        IMZA_OK
    })
}

/// Leaves the content out of the signature (`.p7s`) when `detached` is non-zero.
///
/// # Safety
///
/// As [`imza_sign_options_set_level`].
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_set_detached(
    opts: *mut imza_sign_options,
    detached: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        opts.detached = detached != 0;
        IMZA_OK
    })
}

/// Adds chain certificates (PEM, one or many, or one DER) to embed.
///
/// # Safety
///
/// As [`imza_sign_options_set_level`]; `bytes` NULL (len 0) or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_add_chain(
    opts: *mut imza_sign_options,
    bytes: *const u8,
    len: usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `bytes` is NULL or `len` readable bytes (this function's contract).
        let bytes = try_ffi!(unsafe { bytes_arg(bytes, len) });
        let certs = match imza::cert::parse_any(bytes) {
            Ok(c) => c,
            Err(e) => return fail(&e),
        };
        for c in certs {
            if let Ok(d) = der::Encode::to_der(&c) {
                if !opts.chain.contains(&d) {
                    opts.chain.push(d);
                }
            }
        }
        IMZA_OK
    })
}

/// The RFC 3161 time-stamping service for T and LT (`url`), reached through `transport`
/// (NULL: imza's HTTP client).
///
/// # Safety
///
/// As [`imza_sign_options_set_level`]; `url` NULL or NUL-terminated UTF-8; `transport`
/// NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_set_tsa(
    opts: *mut imza_sign_options,
    url: *const c_char,
    transport: *const imza_transport,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `url` is NULL or a NUL-terminated string (this function's contract).
        opts.tsa_url = Some(try_ffi!(unsafe { str_arg(url) }).to_owned());
        // SAFETY: `transport` is NULL or live (this function's contract).
        opts.transport = unsafe { transport.as_ref() }.cloned();
        IMZA_OK
    })
}

/// The roots LT validation data must reach (a copy is kept); by default the self-signed
/// certificates among the chain.
///
/// # Safety
///
/// As [`imza_sign_options_set_level`]; `trust` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_set_trust(
    opts: *mut imza_sign_options,
    trust: *const imza_trust_store,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `trust` is NULL or live (this function's contract).
        opts.trust = Some(try_ffi!(unsafe { handle(trust) }).inner.clone());
        IMZA_OK
    })
}

/// Releases signing options. NULL is ignored.
///
/// # Safety
///
/// `opts` must be NULL or options from [`imza_sign_options_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_options_free(opts: *mut imza_sign_options) {
    let _ = ffi_guard!({
        // SAFETY: `opts` is NULL or an options handle, freed once (this function's contract).
        unsafe { free_handle(opts) };
        IMZA_OK
    });
}

impl imza_sign_options {
    fn sign(
        &self,
        content: ToSign<'_>,
        signer: &dyn Signer,
        cert: &[u8],
    ) -> Result<Vec<u8>, imza::Error> {
        let http = crate::transport::http();
        let o = self.options(&http, None);
        imza::sign(content, signer, cert, &o)
    }

    /// The library's options; `name` when the content's name is known from its path.
    fn options<'a>(
        &'a self,
        http: &'a imza_transport,
        name: Option<&str>,
    ) -> imza::SignOptions<'a> {
        let mut o = imza::SignOptions::new(now());
        o.level = match self.level {
            IMZA_LEVEL_T => imza::SignLevel::T,
            IMZA_LEVEL_LT => imza::SignLevel::Lt,
            IMZA_LEVEL_LTA => imza::SignLevel::Lta,
            _ => imza::SignLevel::B,
        };
        o.format = match self.format {
            IMZA_FORMAT_XADES => imza::SignFormat::Xades,
            IMZA_FORMAT_ASICE => imza::SignFormat::Asice,
            IMZA_FORMAT_PADES => imza::SignFormat::Pades,
            _ => imza::SignFormat::Cades,
        };
        o.content_name = self.content_name.clone().or_else(|| name.map(String::from));
        o.detached = self.detached;
        o.chain.clone_from(&self.chain);
        o.tsa_url.clone_from(&self.tsa_url);
        o.transport = Some(match &self.transport {
            Some(t) => &*t.inner,
            None => &*http.inner,
        });
        o.trust = self.trust.as_ref();
        o
    }
}

/// [`imza_sign_document_file`] for PAdES and ASiC-E: the input read in chunks, the result
/// written to a temporary file beside `output`, then renamed over it.
fn sign_streamed(
    opts: &imza_sign_options,
    signer: &dyn Signer,
    cert: &[u8],
    input: &Path,
    output: &Path,
) -> imza_result {
    let file = match std::fs::File::open(input) {
        Ok(f) => f,
        Err(e) => {
            set_last_error(format!("{}: {e}", input.display()));
            return crate::IMZA_READ_FAILED;
        }
    };
    let mut tmp = output.as_os_str().to_owned();
    tmp.push(".imza-tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let out = match std::fs::File::create(&tmp) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => {
            set_last_error(format!("{}: {e}", output.display()));
            return crate::IMZA_WRITE_FAILED;
        }
    };
    let http = crate::transport::http();
    let name = input.file_name().and_then(|n| n.to_str());
    let o = opts.options(&http, name);
    let reader = std::io::BufReader::new(file);
    let r = if opts.format == IMZA_FORMAT_PADES {
        imza::sign_pdf(reader, out, signer, cert, &o)
    } else {
        let name = o.content_name.clone().unwrap_or_default();
        let mut reader = reader;
        let mut files: [(&str, &mut dyn std::io::Read); 1] = [(&name, &mut reader)];
        imza::sign_container(&mut files, out, signer, cert, &o)
    };
    let written = r.and_then(|w| {
        w.into_inner()
            .map_err(|e| imza::Error::Read {
                reason: format!("{}: {}", output.display(), e.error()),
            })
            .map(drop)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return fail(&e);
    }
    if let Err(e) = std::fs::rename(&tmp, output) {
        let _ = std::fs::remove_file(&tmp);
        set_last_error(format!("{}: {e}", output.display()));
        return crate::IMZA_WRITE_FAILED;
    }
    clear_last_error();
    IMZA_OK
}

/// The signer's certificate: PEM or DER in, DER out.
fn cert_der(bytes: &[u8]) -> Result<Vec<u8>, imza::Error> {
    let first = imza::cert::parse_any(bytes)?
        .into_iter()
        .next()
        .ok_or(imza::Error::Malformed {
            what: "certificate",
            detail: "none found".into(),
        })?;
    der::Encode::to_der(&first).map_err(|e| imza::Error::Malformed {
        what: "certificate",
        detail: e.to_string(),
    })
}

/// Signs `content` with `signer` (certificate `cert`, PEM or DER) in the options' format
/// (CAdES by default) and level; the signature (for XAdES the XML, for ASiC-E the
/// container, for PAdES the signed PDF) goes to `*out` / `*out_len`, released by
/// [`crate::imza_bytes_free`].
///
/// # Safety
///
/// Handles NULL or live; data pointers NULL (len 0) or readable for their lengths; `out`
/// and `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_document(
    opts: *const imza_sign_options,
    signer: *const imza_signer,
    cert: *const u8,
    cert_len: usize,
    content: *const u8,
    content_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `out_len` is NULL or writable (this function's contract).
        let out_len = try_ffi!(unsafe { out_arg(out_len, 0) });
        // SAFETY: handles are NULL or live (this function's contract).
        let (opts, signer) = (
            try_ffi!(unsafe { handle(opts) }),
            try_ffi!(unsafe { handle(signer) }),
        );
        // SAFETY: data pointers are NULL or readable for their lengths (contract).
        let cert = try_ffi!(unsafe { bytes_arg(cert, cert_len) });
        // SAFETY: as above.
        let content = try_ffi!(unsafe { bytes_arg(content, content_len) });
        let r = cert_der(cert).and_then(|c| opts.sign(ToSign::Bytes(content), &*signer.inner, &c));
        match r {
            Ok(sig) => {
                (*out, *out_len) = c_bytes(sig);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => fail(&e),
        }
    })
}

/// Signs the file `content_path` and writes the signature to `output_path` (replacing it).
/// Detached content, PDFs (PAdES) and ASiC-E containers are streamed (constant memory);
/// attached CAdES and XAdES content is read whole.
///
/// # Safety
///
/// As [`imza_sign_document`]; the paths NULL or NUL-terminated UTF-8.
#[no_mangle]
pub unsafe extern "C" fn imza_sign_document_file(
    opts: *const imza_sign_options,
    signer: *const imza_signer,
    cert: *const u8,
    cert_len: usize,
    content_path: *const c_char,
    output_path: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: handles are NULL or live (this function's contract).
        let (opts, signer) = (
            try_ffi!(unsafe { handle(opts) }),
            try_ffi!(unsafe { handle(signer) }),
        );
        // SAFETY: `cert` is NULL or `cert_len` readable bytes (this function's contract).
        let cert = try_ffi!(unsafe { bytes_arg(cert, cert_len) });
        // SAFETY: NULL or NUL-terminated strings (this function's contract).
        let input = Path::new(try_ffi!(unsafe { str_arg(content_path) }));
        // SAFETY: as above.
        let output = Path::new(try_ffi!(unsafe { str_arg(output_path) }));
        let signer = &*signer.inner;
        let cert = match cert_der(cert) {
            Ok(c) => c,
            Err(e) => return fail(&e),
        };
        let read_err = |e: std::io::Error| imza::Error::Read {
            reason: format!("{}: {e}", input.display()),
        };
        // PDFs and containers are streamed from the file into the output.
        if matches!(opts.format, IMZA_FORMAT_PADES | IMZA_FORMAT_ASICE) {
            return sign_streamed(opts, signer, &cert, input, output);
        }
        let r = if opts.detached {
            let hash = imza::cades::sign::digest_algorithm(signer.algorithm());
            std::fs::File::open(input)
                .map_err(read_err)
                .and_then(|f| imza::crypto::digest::digest_reader(hash, f).map_err(read_err))
                .map(|(d, _len)| d)
                .and_then(|d| opts.sign(ToSign::Digest(&d), signer, &cert))
        } else {
            match read_limited(input, imza::cms::MAX_CMS_LEN as u64) {
                Ok(bytes) => opts.sign(ToSign::Bytes(&bytes), signer, &cert),
                Err(code) => return code,
            }
        };
        let sig = match r {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
        if let Err(e) = std::fs::write(output, &sig) {
            set_last_error(format!("{}: {e}", output.display()));
            return crate::IMZA_WRITE_FAILED;
        }
        clear_last_error();
        IMZA_OK
    })
}
