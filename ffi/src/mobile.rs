//! Mobile ID (Estonian Mobile-ID, Smart-ID): a phone as an `imza_signer` (so
//! `imza_sign_document` signs with it), a hash signed by the phone, and a login.
//!
//! The person compares a four-digit verification code with the one on the phone: imza
//! hands it to the host's [`imza_mobile_code_callback`] before the request leaves. A
//! session can be stopped from another thread with an [`imza_mobile_cancel`] handle.
//!
//! Every mobile-ID failure comes back as the core's code for it (701 the person cancelled,
//! 703 timeout, 731 relying party not authorised, 737 cancelled by the host ...) with the
//! detail in `imza_last_error_message`; the relying party's UUID never appears there.
//!
//! Thread safety: `imza_mobile_options` are set up on one thread (the `_set_`/`_add_`
//! functions); after that, `const` pointers may be used by any number of threads at once,
//! and the code callback is called on each thread that runs an operation. A mobile
//! `imza_signer` is used by one thread at a time. `imza_mobile_cancel_trigger` may be
//! called from any thread at any time.

use std::ffi::{c_char, c_void, CString};
use std::mem::ManuallyDrop;
use std::ptr::NonNull;

use imza::crypto::{EcdsaEncoding, HashAlgorithm, Signer};
use imza::mobile::{
    self, mid::MobileId, smartid::SmartId, CancelToken, Client, Config, Language, MobileError,
    MobileSigner, Person, Provider, RelyingParty, SignerOptions, SystemClock, Trust,
    VerificationCode,
};
use imza::TrustStore;

use crate::boundary::{
    bytes_arg, c_bytes, c_string, clear_last_error, fail, free_handle, handle, handle_mut,
    into_handle, opt_str_arg, out_arg, str_arg,
};
use crate::document::imza_signer;
use crate::transport::imza_transport;
use crate::trust::imza_trust_store;
use crate::{imza_result, IMZA_INVALID_ARGUMENT, IMZA_OK};

/// The Estonian Mobile-ID REST API (SK ID Solutions), base URL `https://.../mid-api`.
pub const IMZA_MOBILE_PROVIDER_MOBILE_ID: u32 = 0;
/// The Smart-ID RP API v2, base URL `https://.../v2`.
pub const IMZA_MOBILE_PROVIDER_SMART_ID: u32 = 1;

/// Mobile-ID: the person by phone number (`"+372..."`) and national identity number.
pub const IMZA_MOBILE_PERSON_PHONE: u32 = 0;
/// Smart-ID: the person by ETSI semantics identifier (`"PNOEE-30303039914"`).
pub const IMZA_MOBILE_PERSON_ETSI: u32 = 1;
/// Smart-ID: the person by document number (`"PNOEE-30303039914-MOCK-Q"`).
pub const IMZA_MOBILE_PERSON_DOCUMENT: u32 = 2;

/// The prompt in English (the default; Mobile-ID only, Smart-ID apps use their own).
pub const IMZA_MOBILE_LANGUAGE_ENG: u32 = 0;
/// The prompt in Estonian.
pub const IMZA_MOBILE_LANGUAGE_EST: u32 = 1;
/// The prompt in Russian.
pub const IMZA_MOBILE_LANGUAGE_RUS: u32 = 2;
/// The prompt in Lithuanian.
pub const IMZA_MOBILE_LANGUAGE_LIT: u32 = 3;

/// Shows the verification code: `code` is four digits, NUL-terminated, valid during the
/// call. Called before each request that prompts the phone, on the thread running the
/// operation; keep it short (the session waits). To give up, call
/// `imza_mobile_cancel_trigger` (also from here).
#[allow(non_camel_case_types)]
pub type imza_mobile_code_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, code: *const c_char)>;

type CodeFn = unsafe extern "C" fn(*mut c_void, *const c_char);

/// Every mobile-ID failure reaches C through here: the core's code and message.
fn mobile_err(e: MobileError) -> imza_result {
    fail(&imza::Error::Mobile(e))
}

/// A core error that may be a mobile-ID error.
fn imza_err(e: imza::Error) -> imza_result {
    match e {
        imza::Error::Mobile(m) => mobile_err(m),
        other => fail(&other),
    }
}

// ==== cancellation ===========================================================================

/// A cancel switch for mobile-ID operations (opaque). Once triggered it stays triggered:
/// make a new one for the next operation.
#[allow(non_camel_case_types)]
#[derive(Debug, Default)]
pub struct imza_mobile_cancel {
    token: CancelToken,
}

/// Makes a cancel handle in `*out`.
///
/// # Safety
///
/// `out` must be NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_cancel_new(out: *mut *mut imza_mobile_cancel) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        *out = into_handle(imza_mobile_cancel::default());
        IMZA_OK
    })
}

/// Stops the operations given this handle: each ends with the core's "cancelled" code (737)
/// at its next step (a long poll in flight finishes first: at most the options' long-poll
/// time). Safe to call from any thread, while the operation runs on another, and more
/// than once.
///
/// # Safety
///
/// `cancel` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_cancel_trigger(
    cancel: *const imza_mobile_cancel,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `cancel` is NULL or live (this function's contract).
        let c = try_ffi!(unsafe { handle(cancel) });
        c.token.cancel();
        IMZA_OK
    })
}

/// Releases a cancel handle. NULL is ignored. Operations and signers given it keep their
/// own reference to the switch: freeing the handle does not cancel them, but nothing can
/// cancel them any more.
///
/// # Safety
///
/// `cancel` must be NULL or a handle from [`imza_mobile_cancel_new`], not used after (and
/// not while another thread triggers it).
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_cancel_free(cancel: *mut imza_mobile_cancel) {
    let _ = ffi_guard!({
        // SAFETY: `cancel` is NULL or a cancel handle, freed once (this function's contract).
        unsafe { free_handle(cancel) };
        IMZA_OK
    });
}

// ==== options ================================================================================

/// The service, the relying party and the trust for mobile-ID operations (opaque).
#[allow(non_camel_case_types)]
pub struct imza_mobile_options {
    provider: u32,
    url: String,
    rp: RelyingParty,
    trust: TrustStore,
    intermediates: Vec<Vec<u8>>,
    transport: Option<imza_transport>,
    display_text: Option<String>,
    language: Language,
    config: Config,
    on_code: Option<(CodeFn, *mut c_void)>,
}

impl std::fmt::Debug for imza_mobile_options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The relying party's Debug redacts its UUID.
        f.debug_struct("imza_mobile_options")
            .field("url", &self.url)
            .field("rp", &self.rp)
            .finish_non_exhaustive()
    }
}

fn provider(kind: u32, url: &str) -> Result<Box<dyn Provider>, MobileError> {
    Ok(match kind {
        IMZA_MOBILE_PROVIDER_SMART_ID => Box::new(SmartId::new(url)?),
        _ => Box::new(MobileId::new(url)?),
    })
}

/// Makes mobile-ID options in `*out`:
///
/// - `provider`: [`IMZA_MOBILE_PROVIDER_MOBILE_ID`] or [`IMZA_MOBILE_PROVIDER_SMART_ID`];
/// - `service_url`: the API's base URL (`https://.../mid-api`, `https://.../v2`), without
///   user info or query;
/// - `rp_uuid`, `rp_name`: the relying party's UUID and registered name. The UUID is a
///   credential: imza keeps it in memory wiped on release, sends it only in request bodies,
///   and never puts it in a message. Wipe your copy;
/// - `trust`: the service's root CAs (copied; may be freed after). The person's certificate
///   must chain to them for the purpose (signing or authentication).
///
/// Defaults: imza's HTTP client, no display text, English prompt, a 180 s deadline per
/// session and 20 s long polls, no code callback.
///
/// Errors: `IMZA_INVALID_ARGUMENT` for an unknown provider; the core's "invalid input" code
/// (740) for a bad URL, UUID or name.
///
/// # Safety
///
/// Strings NULL or NUL-terminated; `trust` NULL or live; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_new(
    provider_kind: u32,
    service_url: *const c_char,
    rp_uuid: *const c_char,
    rp_name: *const c_char,
    trust: *const imza_trust_store,
    out: *mut *mut imza_mobile_options,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: the strings are NULL or NUL-terminated (this function's contract).
        let (url, uuid, name) = try_ffi!(unsafe {
            str_arg(service_url).and_then(|u| Ok((u, str_arg(rp_uuid)?, str_arg(rp_name)?)))
        });
        // SAFETY: `trust` is NULL or live (this function's contract).
        let trust = try_ffi!(unsafe { handle(trust) });
        if provider_kind > IMZA_MOBILE_PROVIDER_SMART_ID {
            return IMZA_INVALID_ARGUMENT;
        }
        if let Err(e) = provider(provider_kind, url) {
            return mobile_err(e);
        }
        let rp = match RelyingParty::new(uuid, name) {
            Ok(rp) => rp,
            Err(e) => return mobile_err(e),
        };
        *out = into_handle(imza_mobile_options {
            provider: provider_kind,
            url: url.to_owned(),
            rp,
            trust: trust.inner.clone(),
            intermediates: Vec::new(),
            transport: None,
            display_text: None,
            language: Language::Eng,
            config: Config::default(),
            on_code: None,
        });
        clear_last_error();
        IMZA_OK
    })
}

/// Adds the service's intermediate CAs (PEM, one or many, or one DER); signatures made with
/// a mobile `imza_signer` do not embed them (add them with `imza_sign_options_add_chain`).
///
/// # Safety
///
/// `opts` NULL or live options not used by another thread during the call; `bytes` NULL
/// (len 0) or `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_add_intermediates(
    opts: *mut imza_mobile_options,
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
        clear_last_error();
        IMZA_OK
    })
}

/// Reaches the service through `transport` (a reference is kept: it may be freed after)
/// instead of imza's HTTP client.
///
/// # Safety
///
/// `opts` as in [`imza_mobile_options_add_intermediates`]; `transport` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_set_transport(
    opts: *mut imza_mobile_options,
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

/// The text shown on the phone (UTF-8; checked against the provider's limits when an
/// operation starts, before anything is sent). NULL removes it.
///
/// # Safety
///
/// `opts` as in [`imza_mobile_options_add_intermediates`]; `text` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_set_display_text(
    opts: *mut imza_mobile_options,
    text: *const c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        // SAFETY: `text` is NULL or NUL-terminated (this function's contract).
        opts.display_text = try_ffi!(unsafe { opt_str_arg(text) }).map(str::to_owned);
        IMZA_OK
    })
}

/// The prompt language: `IMZA_MOBILE_LANGUAGE_ENG` (default), `_EST`, `_RUS` or `_LIT`;
/// another value gives `IMZA_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `opts` as in [`imza_mobile_options_add_intermediates`].
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_set_language(
    opts: *mut imza_mobile_options,
    language: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        opts.language = match language {
            IMZA_MOBILE_LANGUAGE_ENG => Language::Eng,
            IMZA_MOBILE_LANGUAGE_EST => Language::Est,
            IMZA_MOBILE_LANGUAGE_RUS => Language::Rus,
            IMZA_MOBILE_LANGUAGE_LIT => Language::Lit,
            _ => return IMZA_INVALID_ARGUMENT,
        };
        IMZA_OK
    })
}

/// Timing: each session must end within `deadline_seconds` (default 180), and the service
/// may hold one poll up to `long_poll_seconds` (default 20; 1 to 120: shorter notices a
/// cancellation sooner, longer sends fewer requests). 0 keeps the current value; a long
/// poll above 120 gives `IMZA_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `opts` as in [`imza_mobile_options_add_intermediates`].
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_set_timeouts(
    opts: *mut imza_mobile_options,
    deadline_seconds: u32,
    long_poll_seconds: u32,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        if long_poll_seconds > 120 {
            return IMZA_INVALID_ARGUMENT;
        }
        if deadline_seconds > 0 {
            opts.config.deadline = std::time::Duration::from_secs(deadline_seconds.into());
        }
        if long_poll_seconds > 0 {
            opts.config.long_poll = std::time::Duration::from_secs(long_poll_seconds.into());
        }
        IMZA_OK
    })
}

/// Shows verification codes through `on_code` (with `userdata`); NULL stops showing them.
/// `on_code` is called on the thread running each operation (several at once when the
/// options are shared), and `userdata` must stay valid while the options or a signer made
/// with them live.
///
/// # Safety
///
/// `opts` as in [`imza_mobile_options_add_intermediates`]; `on_code` NULL or a function
/// keeping the [`imza_mobile_code_callback`] contract.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_set_code_callback(
    opts: *mut imza_mobile_options,
    on_code: imza_mobile_code_callback,
    userdata: *mut c_void,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `opts` is NULL or live and used only here (this function's contract).
        let opts = try_ffi!(unsafe { handle_mut(opts) });
        opts.on_code = on_code.map(|f| (f, userdata));
        IMZA_OK
    })
}

/// Releases options. NULL is ignored (signers made with them keep what they need).
///
/// # Safety
///
/// `opts` must be NULL or options from [`imza_mobile_options_new`], not used after.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_options_free(opts: *mut imza_mobile_options) {
    let _ = ffi_guard!({
        // SAFETY: `opts` is NULL or an options handle, freed once (this function's contract).
        unsafe { free_handle(opts) };
        IMZA_OK
    });
}

// ==== operations =============================================================================

/// What one operation owns: everything a [`Client`] and a [`Trust`] borrow.
struct Parts {
    provider: Box<dyn Provider>,
    transport: imza_transport,
    clock: SystemClock,
    rp: RelyingParty,
    store: TrustStore,
    intermediates: Vec<Vec<u8>>,
    on_code: Box<dyn Fn(&VerificationCode)>,
    options: SignerOptions,
    config: Config,
    cancel: CancelToken,
}

impl Parts {
    fn new(
        o: &imza_mobile_options,
        cancel: Option<&imza_mobile_cancel>,
    ) -> Result<Self, MobileError> {
        let on_code: Box<dyn Fn(&VerificationCode)> = match o.on_code {
            Some((f, userdata)) => Box::new(move |code: &VerificationCode| {
                let text = CString::new(code.as_str()).unwrap_or_default();
                // SAFETY: `text` is NUL-terminated and lives through the call; the callback
                // and `userdata` are the host's (`imza_mobile_options_set_code_callback`).
                unsafe { f(userdata, text.as_ptr()) };
            }),
            None => Box::new(|_: &VerificationCode| {}),
        };
        let mut options = SignerOptions::default();
        options.display_text.clone_from(&o.display_text);
        options.language = o.language;
        Ok(Self {
            provider: provider(o.provider, &o.url)?,
            transport: o.transport.clone().unwrap_or_else(crate::transport::http),
            clock: SystemClock::new(),
            rp: o.rp.clone(),
            store: o.trust.clone(),
            intermediates: o.intermediates.clone(),
            on_code,
            options,
            config: o.config.clone(),
            cancel: cancel.map(|c| c.token.clone()).unwrap_or_default(),
        })
    }

    fn client(&self) -> Client<'_> {
        let mut c = Client::new(
            &*self.provider,
            &*self.transport.inner,
            &self.clock,
            &self.rp,
        );
        c.config = self.config.clone();
        c.cancel = self.cancel.clone();
        c
    }

    fn trust(&self) -> Trust<'_> {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Trust {
            store: &self.store,
            intermediates: &self.intermediates,
            time: imza::UnixTime::from_secs(secs),
            policy: imza::crypto::Policy::STRICT,
        }
    }
}

/// Reads the person arguments.
///
/// # Safety
///
/// `id` and `phone` NULL or NUL-terminated.
unsafe fn person_arg(
    kind: u32,
    id: *const c_char,
    phone: *const c_char,
) -> Result<Person, imza_result> {
    // SAFETY: forwarded from this function's contract.
    let id = unsafe { str_arg(id) }?.to_owned();
    Ok(match kind {
        IMZA_MOBILE_PERSON_PHONE => Person::Phone {
            // SAFETY: forwarded from this function's contract.
            phone: unsafe { str_arg(phone) }?.to_owned(),
            national_id: id,
        },
        IMZA_MOBILE_PERSON_ETSI => Person::Etsi(id),
        IMZA_MOBILE_PERSON_DOCUMENT => Person::Document(id),
        _ => return Err(IMZA_INVALID_ARGUMENT),
    })
}

/// A mobile ID as a [`Signer`]: the core's [`MobileSigner`] with what it borrows.
struct MobileKey {
    /// Borrows `*parts`; dropped first, in `Drop`.
    signer: ManuallyDrop<MobileSigner<'static>>,
    /// From `Box::leak`; released in `Drop`, after `signer`.
    parts: NonNull<Parts>,
}

impl MobileKey {
    /// Fetches the person's signing certificate and checks it (a session of its own for
    /// Smart-ID: the person chooses on the phone).
    fn connect(parts: Parts, person: Person) -> Result<Self, MobileError> {
        let parts = NonNull::from(Box::leak(Box::new(parts)));
        // SAFETY: `parts` points to a live `Parts` that nothing mutates, and it is released
        // only after every borrow of it is gone: on error below (the error owns its data), or
        // in `Drop`, which drops the signer holding the borrows first.
        let p: &'static Parts = unsafe { parts.as_ref() };
        match MobileSigner::connect(
            p.client(),
            person,
            p.trust(),
            p.options.clone(),
            &*p.on_code,
        ) {
            Ok(signer) => Ok(Self {
                signer: ManuallyDrop::new(signer),
                parts,
            }),
            Err(e) => {
                // SAFETY: `parts` came from `Box::leak` above and nothing borrows it any more.
                drop(unsafe { Box::from_raw(parts.as_ptr()) });
                Err(e)
            }
        }
    }
}

impl Drop for MobileKey {
    fn drop(&mut self) {
        // SAFETY: `signer` is dropped once, here, and not used after.
        unsafe { ManuallyDrop::drop(&mut self.signer) };
        // SAFETY: `parts` came from `Box::leak` in `connect`, is released once, here, and the
        // only borrows of it (in `signer`) were dropped on the line above.
        drop(unsafe { Box::from_raw(self.parts.as_ptr()) });
    }
}

impl Signer for MobileKey {
    fn algorithm(&self) -> imza::crypto::SignatureAlgorithm {
        self.signer.algorithm()
    }

    fn public_key_spki(&self) -> &[u8] {
        self.signer.public_key_spki()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, imza::Error> {
        self.signer.sign(message)
    }
}

/// Makes a signer over the mobile ID of a person in `*out` (release with
/// `imza_signer_free`) and writes the person's signing certificate (DER) to `*out_cert` /
/// `*out_cert_len` (release with `imza_bytes_free`; pass it to `imza_sign_document`).
///
/// The person: `person_kind` [`IMZA_MOBILE_PERSON_PHONE`] (Mobile-ID: `phone` `"+372..."`
/// and `id` the national identity number), [`IMZA_MOBILE_PERSON_ETSI`] (Smart-ID: `id`
/// `"PNOEE-30303039914"`; `phone` ignored, may be NULL) or [`IMZA_MOBILE_PERSON_DOCUMENT`]
/// (Smart-ID document number).
///
/// The certificate is fetched now and checked against the options' trust (with Smart-ID
/// the person chooses it on the phone). Each signature (`imza_sign_document`) is then a
/// session: the code callback shows the verification code, the person confirms, and the
/// signature is checked with the certificate before it is used. `cancel` (NULL: none)
/// stops the certificate query and every later signature of this signer.
///
/// Thread safety: the signer keeps what it needs from `opts` (which may be freed after) and
/// is used by one thread at a time; the code callback's `userdata` must outlive it.
///
/// # Safety
///
/// `opts` NULL or live; `id`/`phone` NULL or NUL-terminated; `cancel` NULL or live; the
/// out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_signer_new(
    opts: *const imza_mobile_options,
    person_kind: u32,
    id: *const c_char,
    phone: *const c_char,
    cancel: *const imza_mobile_cancel,
    out: *mut *mut imza_signer,
    out_cert: *mut *mut u8,
    out_cert_len: *mut usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: the out-parameters are NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: as above.
        let out_cert = try_ffi!(unsafe { out_arg(out_cert, std::ptr::null_mut()) });
        // SAFETY: as above.
        let out_cert_len = try_ffi!(unsafe { out_arg(out_cert_len, 0) });
        // SAFETY: `opts` is NULL or live (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `id` and `phone` are NULL or NUL-terminated (this function's contract).
        let person = try_ffi!(unsafe { person_arg(person_kind, id, phone) });
        // SAFETY: `cancel` is NULL or live (this function's contract).
        let cancel = unsafe { cancel.as_ref() };
        let key = match Parts::new(opts, cancel).and_then(|p| MobileKey::connect(p, person)) {
            Ok(k) => k,
            Err(e) => return mobile_err(e),
        };
        let cert = key.signer.certificate().to_vec();
        (*out_cert, *out_cert_len) = c_bytes(cert);
        *out = into_handle(imza_signer {
            inner: Box::new(key),
        });
        clear_last_error();
        IMZA_OK
    })
}

/// Signs the hash `hash` (computed by the host: 32 bytes SHA-256, 48 SHA-384 or 64
/// SHA-512; another length gives `IMZA_INVALID_ARGUMENT`) with the person's mobile ID:
/// fetches and checks the signing certificate, runs the signature session, checks the
/// signature with the certificate. Writes the signature to `*out_sig` / `*out_sig_len`
/// (ECDSA in DER; RSA PKCS#1 v1.5) and the certificate (DER) to `*out_cert` /
/// `*out_cert_len`; release both with `imza_bytes_free`.
///
/// The person and `cancel` as in [`imza_mobile_signer_new`].
///
/// # Safety
///
/// As [`imza_mobile_signer_new`]; `hash` NULL (len 0) or `hash_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_sign_hash(
    opts: *const imza_mobile_options,
    person_kind: u32,
    id: *const c_char,
    phone: *const c_char,
    cancel: *const imza_mobile_cancel,
    hash: *const u8,
    hash_len: usize,
    out_sig: *mut *mut u8,
    out_sig_len: *mut usize,
    out_cert: *mut *mut u8,
    out_cert_len: *mut usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: the out-parameters are NULL or writable (this function's contract).
        let out_sig = try_ffi!(unsafe { out_arg(out_sig, std::ptr::null_mut()) });
        // SAFETY: as above.
        let out_sig_len = try_ffi!(unsafe { out_arg(out_sig_len, 0) });
        // SAFETY: as above.
        let out_cert = try_ffi!(unsafe { out_arg(out_cert, std::ptr::null_mut()) });
        // SAFETY: as above.
        let out_cert_len = try_ffi!(unsafe { out_arg(out_cert_len, 0) });
        // SAFETY: `opts` is NULL or live (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `id` and `phone` are NULL or NUL-terminated (this function's contract).
        let person = try_ffi!(unsafe { person_arg(person_kind, id, phone) });
        // SAFETY: `hash` is NULL or `hash_len` readable bytes (this function's contract).
        let hash = try_ffi!(unsafe { bytes_arg(hash, hash_len) });
        // SAFETY: `cancel` is NULL or live (this function's contract).
        let cancel = unsafe { cancel.as_ref() };
        let Some(alg) = crate::boundary::hash_by_len(hash.len()) else {
            return IMZA_INVALID_ARGUMENT;
        };
        let digest = match mobile::hash_value(alg, hash) {
            Ok(d) => d,
            Err(e) => return mobile_err(e),
        };
        let key = match Parts::new(opts, cancel).and_then(|p| MobileKey::connect(p, person)) {
            Ok(k) => k,
            Err(e) => return mobile_err(e),
        };
        let signed = key.signer.sign_digest(&digest).and_then(|v| {
            Ok((
                v.signature_as(EcdsaEncoding::Der)?,
                key.signer.certificate().to_vec(),
            ))
        });
        match signed {
            Ok((sig, cert)) => {
                (*out_sig, *out_sig_len) = c_bytes(sig);
                (*out_cert, *out_cert_len) = c_bytes(cert);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => mobile_err(e),
        }
    })
}

/// Authenticates a person with their mobile ID over a fresh random challenge: the signature
/// must verify with the returned certificate, which must chain to the options' trust for
/// authentication and name the person asked for. Writes who they are to `*out_json`
/// (release with `imza_string_free`): `{"provider": "Mobile-ID", "identity": {"given_name",
/// "surname", "common_name", "country", "serial_number", "personal_code",
/// "personal_code_country", "personal_code_type", "document_number"}, "verification_code": "1234", "certificate": "-----BEGIN
/// CERTIFICATE-----..."}`.
///
/// The person and `cancel` as in [`imza_mobile_signer_new`].
///
/// # Safety
///
/// `opts` NULL or live; `id`/`phone` NULL or NUL-terminated; `cancel` NULL or live;
/// `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imza_mobile_login(
    opts: *const imza_mobile_options,
    person_kind: u32,
    id: *const c_char,
    phone: *const c_char,
    cancel: *const imza_mobile_cancel,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `opts` is NULL or live (this function's contract).
        let opts = try_ffi!(unsafe { handle(opts) });
        // SAFETY: `id` and `phone` are NULL or NUL-terminated (this function's contract).
        let person = try_ffi!(unsafe { person_arg(person_kind, id, phone) });
        // SAFETY: `cancel` is NULL or live (this function's contract).
        let cancel = unsafe { cancel.as_ref() };
        let parts = match Parts::new(opts, cancel) {
            Ok(p) => p,
            Err(e) => return mobile_err(e),
        };
        let hash = match mobile::random_hash(HashAlgorithm::Sha256) {
            Ok(h) => h,
            Err(e) => return mobile_err(e),
        };
        let auth = match mobile::authenticate(
            &parts.client(),
            &person,
            &hash,
            &parts.options,
            &parts.trust(),
            &*parts.on_code,
            None,
        ) {
            Ok(a) => a,
            Err(e) => return mobile_err(e),
        };
        let json = match auth.report(parts.provider.name()) {
            Ok(r) => r,
            Err(e) => return fail(&e),
        };
        match serde_json::to_string(&json) {
            Ok(s) => {
                *out = c_string(s);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => imza_err(imza::Error::Malformed {
                what: "login JSON",
                detail: e.to_string(),
            }),
        }
    })
}
