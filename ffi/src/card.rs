//! Smart cards over PC/SC: readers, the certificates on a card, a card key as an
//! `imza_signer` (so `imza_sign_document` signs with it), and a raw hash signed by the card.
//!
//! The PIN comes from the host through an [`imza_pin_callback`], asked when the card needs
//! it (not when the PIN is already verified, blocked, or down to a last try the host did not
//! allow spending). A reader with a PIN pad (FEATURE_VERIFY_PIN_DIRECT) asks the person
//! itself: the callback is then only told so (`pin_pad` = 1, no buffer).
//!
//! Every card failure comes back as the core's code for it (wrong PIN, PIN blocked, card
//! removed, no reader, no card, PC/SC not installed ...) with the detail in
//! `imza_last_error_message`.
//!
//! Thread safety: the functions may be called from any thread; PC/SC serialises the card
//! itself (each operation runs in a card transaction). A card `imza_signer` is used by one
//! thread at a time, and its PIN callback is called on that thread.

use std::cell::RefCell;
use std::ffi::{c_char, c_void, CString};
use std::sync::OnceLock;

use imza::card::pcsc::{Card, Context, Share};
use imza::card::{
    CardError, CardSigner, CardTransport, KeyPurpose, Pin, PinEntry, PinStatus, Profile,
    ReaderFeature, Registry,
};
use imza::crypto::{EcdsaEncoding, HashAlgorithm, SignatureAlgorithm, Signer};

use crate::boundary::{
    bytes_arg, c_bytes, c_string, clear_last_error, fail, into_handle, out_arg, str_arg,
};
use crate::document::imza_signer;
use crate::{imza_result, IMZA_INVALID_ARGUMENT, IMZA_NULL_PARAMETER, IMZA_OK};

/// The card's authentication (login) key: PIV slot 9A, an eID card's authentication key.
pub const IMZA_CARD_KEY_AUTHENTICATION: u32 = 0;
/// The card's signing key: PIV slot 9C, an eID card's qualified signature key.
pub const IMZA_CARD_KEY_SIGNING: u32 = 1;

/// Flag: spend the last PIN try if it comes to that (by default imza refuses: a typo would
/// block the card).
pub const IMZA_CARD_ALLOW_LAST_TRY: u32 = 1;
/// Flag: hold the card exclusively while connected (default: shared, short transactions).
pub const IMZA_CARD_EXCLUSIVE: u32 = 2;
/// Flag: ECDSA signatures as fixed-width `r || s` (JWS, Web eID) instead of DER (CMS, X.509).
pub const IMZA_CARD_ECDSA_RAW: u32 = 4;

const ALL_FLAGS: u32 = IMZA_CARD_ALLOW_LAST_TRY | IMZA_CARD_EXCLUSIVE | IMZA_CARD_ECDSA_RAW;

/// How much PIN the callback may write.
const PIN_CAPACITY: usize = 64;

/// The host's PIN entry.
///
/// - `prompt`: what is asked, NUL-terminated, e.g. `"PIV signing PIN, 3 tries left"`; valid
///   during the call.
/// - `tries_left`: tries before the PIN blocks, or -1 when the card does not say.
/// - `pin_pad`: 0 normally. 1 when the reader has a PIN pad: the person types the PIN on the
///   reader, `buf` is NULL and `cap` 0; show a "type your PIN on the reader" message and
///   return `IMZA_OK` to go on.
/// - `buf`, `cap`: imza's buffer for the PIN; write at most `cap` bytes (printable ASCII, no
///   NUL needed) and set `*out_len` to how many. imza wipes `buf` after use; wipe any copy
///   of your own.
///
/// Return `IMZA_OK` to go on; any other value cancels the operation (a PIN dialog's Cancel
/// button): the card is not touched and the operation fails with the core's "PIN entry was
/// cancelled" card code (617), the value in `imza_last_error_message`.
#[allow(non_camel_case_types)]
pub type imza_pin_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        prompt: *const c_char,
        tries_left: i32,
        pin_pad: u32,
        buf: *mut u8,
        cap: usize,
        out_len: *mut usize,
    ) -> imza_result,
>;

type PinFn = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    i32,
    u32,
    *mut u8,
    usize,
    *mut usize,
) -> imza_result;

/// Every card failure reaches C through here: the core's code for the variant (601 no
/// reader, 602 no card, 603 removed, 607 PC/SC not installed, 610 wrong PIN, 611 blocked,
/// 612 last try refused, 617 PIN entry cancelled by the host ...) and its message.
fn card_err(e: CardError) -> imza_result {
    fail(&imza::Error::Card(e))
}

/// A core error that may be a card error.
fn imza_err(e: imza::Error) -> imza_result {
    match e {
        imza::Error::Card(c) => card_err(c),
        other => fail(&other),
    }
}

/// The card profiles imza knows (PIV, the Estonian eID card), for the life of the library.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::default)
}

fn purpose(key: u32) -> Option<KeyPurpose> {
    match key {
        IMZA_CARD_KEY_AUTHENTICATION => Some(KeyPurpose::Authentication),
        IMZA_CARD_KEY_SIGNING => Some(KeyPurpose::Signing),
        _ => None,
    }
}

fn key_number(p: KeyPurpose) -> u32 {
    match p {
        KeyPurpose::Authentication => IMZA_CARD_KEY_AUTHENTICATION,
        KeyPurpose::Signing => IMZA_CARD_KEY_SIGNING,
    }
}

fn connect(reader: &str, flags: u32) -> Result<(Card, &'static dyn Profile), CardError> {
    let share = if flags & IMZA_CARD_EXCLUSIVE != 0 {
        Share::Exclusive
    } else {
        Share::Shared
    };
    let mut card = Context::establish()?.connect(reader, share)?;
    let profile = registry().detect(&mut card)?;
    Ok((card, profile))
}

/// Overwrites `buf` in a way the compiler does not remove.
fn wipe(buf: &mut [u8]) {
    for b in buf.iter_mut() {
        // SAFETY: `b` is a valid, exclusive reference to a byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// The host's PIN callback.
struct PinSource {
    ask: PinFn,
    userdata: *mut c_void,
}

impl PinSource {
    /// Calls the host. `Ok(None)` for a PIN-pad notification that was acknowledged.
    fn call(
        &self,
        prompt: &str,
        tries: Option<u8>,
        pin_pad: bool,
    ) -> Result<Option<Pin>, CardError> {
        let prompt = CString::new(prompt.replace('\0', " ")).unwrap_or_default();
        let tries = tries.map_or(-1, i32::from);
        let mut buf = [0u8; PIN_CAPACITY];
        let mut n: usize = 0;
        let (ptr, cap) = if pin_pad {
            (std::ptr::null_mut(), 0)
        } else {
            (buf.as_mut_ptr(), buf.len())
        };
        // SAFETY: `prompt` is NUL-terminated and `buf` (`cap` writable bytes, or NULL with 0)
        // and `n` live until the call returns; the callback's contract is the host's.
        let code = unsafe {
            (self.ask)(
                self.userdata,
                prompt.as_ptr(),
                tries,
                u32::from(pin_pad),
                ptr,
                cap,
                &mut n,
            )
        };
        let result = if code != IMZA_OK {
            Err(CardError::PinEntryCancelled(format!(
                "the PIN callback returned {code}"
            )))
        } else if pin_pad {
            Ok(None)
        } else if n > cap {
            Err(CardError::PinFormat(format!(
                "the PIN callback reported {n} bytes in a {cap}-byte buffer"
            )))
        } else {
            Pin::new(buf.get(..n).unwrap_or_default()).map(Some)
        };
        wipe(&mut buf);
        result
    }
}

/// One key of a card with the host's PIN entry.
struct CardKey<T: CardTransport + 'static> {
    /// `None` only while a signature is in progress (the PIN is given by value).
    signer: RefCell<Option<CardSigner<'static, T>>>,
    spki: Vec<u8>,
    alg: SignatureAlgorithm,
    pin: PinSource,
    pin_pad: bool,
    allow_last_try: bool,
    prompt: String,
}

fn busy() -> CardError {
    CardError::Transport("the card key is busy with another operation".into())
}

impl<T: CardTransport + 'static> CardKey<T> {
    fn open(
        mut transport: T,
        profile: &'static dyn Profile,
        purpose: KeyPurpose,
        flags: u32,
        hash: Option<HashAlgorithm>,
        pin: PinSource,
    ) -> Result<Self, CardError> {
        let pin_pad = transport
            .features()
            .iter()
            .any(|f| matches!(f, ReaderFeature::VerifyPinDirect(_)));
        let allow_last_try = flags & IMZA_CARD_ALLOW_LAST_TRY != 0;
        let mut signer =
            CardSigner::open(transport, profile, purpose)?.allow_last_try(allow_last_try);
        if flags & IMZA_CARD_ECDSA_RAW != 0 {
            signer = signer.with_encoding(EcdsaEncoding::Fixed);
        }
        if let Some(h) = hash {
            signer = signer.with_hash(h);
        }
        Ok(Self {
            spki: signer.public_key_spki().to_vec(),
            alg: signer.algorithm(),
            signer: RefCell::new(Some(signer)),
            pin,
            pin_pad,
            allow_last_try,
            prompt: format!("{} {} PIN", profile.name(), purpose.name()),
        })
    }

    /// How the PIN is given this time; `None` when the card will not need it (verified) or
    /// will refuse before it is used (blocked, a last try not allowed): nobody is asked.
    fn pin_entry(&self, status: PinStatus) -> Result<Option<PinEntry>, CardError> {
        let refused = status.tries_left == Some(1) && !self.allow_last_try;
        if status.verified || status.blocked || refused {
            return Ok(None);
        }
        let prompt = match status.tries_left {
            Some(t) => format!("{}, {t} tries left", self.prompt),
            None => self.prompt.clone(),
        };
        if self.pin_pad {
            self.pin.call(&prompt, status.tries_left, true)?;
            return Ok(Some(PinEntry::PinPad));
        }
        match self.pin.call(&prompt, status.tries_left, false)? {
            Some(pin) => Ok(Some(PinEntry::Keyboard(pin))),
            None => Err(CardError::PinFormat("no PIN".into())),
        }
    }

    /// Runs `f` with the signer, after asking for the PIN if the card needs it. The PIN is
    /// not kept after `f`.
    fn run<R>(
        &self,
        f: impl FnOnce(&CardSigner<'static, T>) -> Result<R, imza::Error>,
    ) -> Result<R, imza::Error> {
        let busy = || imza::Error::Card(busy());
        let mut slot = self.signer.try_borrow_mut().map_err(|_| busy())?;
        let signer = slot.take().ok_or_else(busy)?;
        let entry = signer.pin_status().and_then(|s| self.pin_entry(s));
        let signer = match entry {
            Ok(Some(e)) => signer.with_pin(e),
            Ok(None) => signer,
            Err(e) => {
                *slot = Some(signer);
                return Err(imza::Error::Card(e));
            }
        };
        let result = f(&signer);
        // Drop (and so wipe) the PIN: a later VERIFY needs the host again. Without a PIN pad
        // an unexpected VERIFY then fails instead of reusing an old PIN.
        *slot = Some(signer.with_pin(PinEntry::PinPad));
        result
    }
}

impl<T: CardTransport + 'static> Signer for CardKey<T> {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    fn public_key_spki(&self) -> &[u8] {
        &self.spki
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, imza::Error> {
        self.run(|s| s.sign(message))
    }
}

/// Checks the common arguments of the key functions.
///
/// # Safety
///
/// `reader` NULL or NUL-terminated.
unsafe fn key_args<'a>(
    reader: *const c_char,
    key: u32,
    flags: u32,
    pin_cb: imza_pin_callback,
    userdata: *mut c_void,
) -> Result<(&'a str, KeyPurpose, PinSource), imza_result> {
    // SAFETY: forwarded from this function's contract.
    let reader = unsafe { str_arg(reader) }?;
    let ask = pin_cb.ok_or(IMZA_NULL_PARAMETER)?;
    let purpose = purpose(key).ok_or(IMZA_INVALID_ARGUMENT)?;
    if flags & !ALL_FLAGS != 0 {
        return Err(IMZA_INVALID_ARGUMENT);
    }
    Ok((reader, purpose, PinSource { ask, userdata }))
}

/// Writes the readers as a JSON array to `*out_json` (release it with `imza_string_free`):
/// `[{"name": "...", "card_present": true, "exclusive_elsewhere": false, "atr": "3B...",
/// "profile": "PIV"}]`; `atr` and `profile` are null without a card (`profile` also for a
/// card imza does not know). No reader gives `[]`.
///
/// Errors: the card codes for PC/SC not installed and no PC/SC service.
///
/// # Safety
///
/// `out_json` must be NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_card_list_readers(out_json: *mut *mut c_char) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        let ctx = match Context::establish() {
            Ok(c) => c,
            Err(e) => return card_err(e),
        };
        let readers = match ctx.readers() {
            Ok(r) => r,
            Err(e) => return card_err(e),
        };
        let list: Vec<serde_json::Value> = readers
            .into_iter()
            .map(|r| {
                let profile = if r.card_present && !r.exclusive_elsewhere {
                    ctx.connect(&r.name, Share::Shared).ok().and_then(|mut c| {
                        registry().detect(&mut c).ok().map(|p| p.name().to_owned())
                    })
                } else {
                    None
                };
                serde_json::json!({
                    "name": r.name,
                    "card_present": r.card_present,
                    "exclusive_elsewhere": r.exclusive_elsewhere,
                    "atr": r.atr,
                    "profile": profile,
                })
            })
            .collect();
        *out = c_string(serde_json::Value::Array(list).to_string());
        clear_last_error();
        IMZA_OK
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn certificates_json(reader: &str) -> Result<String, imza_result> {
    let (mut card, profile) = connect(reader, 0).map_err(card_err)?;
    let mut found = Vec::new();
    card.transaction(&mut |t| {
        found = profile.certificates(t)?;
        Ok(())
    })
    .map_err(card_err)?;
    let mut entries = Vec::new();
    for c in &found {
        let parsed = imza::cert::parse_der(&c.der).map_err(|e| fail(&e))?;
        let t = &parsed.tbs_certificate;
        let pem = der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &c.der)
            .map_err(|e| {
                fail(&imza::Error::Malformed {
                    what: "certificate",
                    detail: e.to_string(),
                })
            })?;
        entries.push(serde_json::json!({
            "key": key_number(c.purpose),
            "purpose": c.purpose,
            "slot": c.slot,
            "subject": t.subject.to_string(),
            "issuer": t.issuer.to_string(),
            "serial": hex(t.serial_number.as_bytes()),
            "pem": pem,
        }));
    }
    Ok(serde_json::json!({
        "reader": reader,
        "profile": profile.name(),
        "certificates": entries,
    })
    .to_string())
}

/// Reads the certificates on the card in `reader` (a name from
/// [`imza_card_list_readers`]) and writes them as JSON to `*out_json` (release it with
/// `imza_string_free`): `{"reader": "...", "profile": "PIV", "certificates": [{"key": 0,
/// "purpose": "authentication", "slot": "9A", "subject": "CN=...", "issuer": "CN=...",
/// "serial": "hex", "pem": "-----BEGIN CERTIFICATE-----..."}]}`. `key` is the
/// `IMZA_CARD_KEY_*` value to sign with; `pem` is what `imza_sign_document` takes as the
/// certificate. No PIN is needed.
///
/// Errors: the card codes (no reader by that name, no card, an unknown card, PC/SC not
/// installed ...).
///
/// # Safety
///
/// `reader` must be NULL or a NUL-terminated string; `out_json` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_card_list_certificates(
    reader: *const c_char,
    out_json: *mut *mut c_char,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out_json` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out_json, std::ptr::null_mut()) });
        // SAFETY: `reader` is NULL or NUL-terminated (this function's contract).
        let reader = try_ffi!(unsafe { str_arg(reader) });
        let json = try_ffi!(certificates_json(reader));
        *out = c_string(json);
        clear_last_error();
        IMZA_OK
    })
}

/// Makes a signer over the `key` ([`IMZA_CARD_KEY_SIGNING`] or
/// [`IMZA_CARD_KEY_AUTHENTICATION`]) of the card in `reader`, in `*out`; release it with
/// `imza_signer_free`. The certificate is read now (no PIN); pass it to
/// `imza_sign_document` (the `pem` of [`imza_card_list_certificates`]).
///
/// Each signature runs in one card transaction: PIN state, PIN (through `pin_cb`, with
/// `userdata`, when the card needs it), signature, and the signature is checked with the
/// certificate's key. ECDSA keys sign with SHA-256/384/512 by curve, RSA with PKCS#1 v1.5
/// SHA-256. `flags`: [`IMZA_CARD_ALLOW_LAST_TRY`], [`IMZA_CARD_EXCLUSIVE`],
/// [`IMZA_CARD_ECDSA_RAW`] (not for CAdES), or 0; another bit, or another `key`, gives
/// `IMZA_INVALID_ARGUMENT`.
///
/// Thread safety: the signer is used by one thread at a time; `pin_cb` is called on that
/// thread, during `imza_sign_document`. `userdata` must stay valid until the signer is freed.
/// The card stays connected (shared, unless [`IMZA_CARD_EXCLUSIVE`]) until then.
///
/// # Safety
///
/// `reader` NULL or NUL-terminated; `pin_cb` NULL (`IMZA_NULL_PARAMETER`) or a function
/// keeping the [`imza_pin_callback`] contract; `out` NULL or a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imza_card_signer_new(
    reader: *const c_char,
    key: u32,
    flags: u32,
    pin_cb: imza_pin_callback,
    userdata: *mut c_void,
    out: *mut *mut imza_signer,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `reader` is NULL or NUL-terminated (this function's contract).
        let (reader, purpose, pin) =
            try_ffi!(unsafe { key_args(reader, key, flags, pin_cb, userdata) });
        let key = connect(reader, flags)
            .and_then(|(card, profile)| CardKey::open(card, profile, purpose, flags, None, pin));
        match key {
            Ok(k) => {
                *out = into_handle(imza_signer { inner: Box::new(k) });
                clear_last_error();
                IMZA_OK
            }
            Err(e) => card_err(e),
        }
    })
}

/// Signs the hash `hash` (computed by the host: 32 bytes SHA-256, 48 SHA-384 or 64 SHA-512;
/// another length gives `IMZA_INVALID_ARGUMENT`) with the `key` of the card in `reader`, as
/// [`imza_card_signer_new`] would (PIN through `pin_cb`, `flags`, the signature checked with
/// the certificate), and writes the signature to `*out` / `*out_len` (release with
/// `imza_bytes_free`): ECDSA in DER, or `r || s` with [`IMZA_CARD_ECDSA_RAW`]; RSA
/// PKCS#1 v1.5 over the DigestInfo of the hash.
///
/// # Safety
///
/// As [`imza_card_signer_new`]; `hash` NULL (len 0) or `hash_len` readable bytes; `out` and
/// `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imza_card_sign_hash(
    reader: *const c_char,
    key: u32,
    flags: u32,
    pin_cb: imza_pin_callback,
    userdata: *mut c_void,
    hash: *const u8,
    hash_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> imza_result {
    ffi_guard!({
        // SAFETY: `out` is NULL or writable (this function's contract).
        let out = try_ffi!(unsafe { out_arg(out, std::ptr::null_mut()) });
        // SAFETY: `out_len` is NULL or writable (this function's contract).
        let out_len = try_ffi!(unsafe { out_arg(out_len, 0) });
        // SAFETY: `reader` is NULL or NUL-terminated (this function's contract).
        let (reader, purpose, pin) =
            try_ffi!(unsafe { key_args(reader, key, flags, pin_cb, userdata) });
        // SAFETY: `hash` is NULL or `hash_len` readable bytes (this function's contract).
        let hash = try_ffi!(unsafe { bytes_arg(hash, hash_len) });
        let Some(alg) = crate::boundary::hash_by_len(hash.len()) else {
            return IMZA_INVALID_ARGUMENT;
        };
        let key = match connect(reader, flags).and_then(|(card, profile)| {
            CardKey::open(card, profile, purpose, flags, Some(alg), pin)
        }) {
            Ok(k) => k,
            Err(e) => return card_err(e),
        };
        match key.run(|s| s.sign_digest(alg, hash).map_err(imza::Error::Card)) {
            Ok(sig) => {
                (*out, *out_len) = c_bytes(sig);
                clear_last_error();
                IMZA_OK
            }
            Err(e) => imza_err(e),
        }
    })
}
