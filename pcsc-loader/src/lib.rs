//! PC/SC for imza, with the PC/SC library loaded at run time.
//!
//! The `pcsc` crate links libpcsclite at build time (through pkg-config and
//! `libpcsclite-dev`), so every program built with it needs the development package to build
//! and `libpcsclite.so.1` to start, whether or not it ever touches a card. This crate opens
//! the library with `dlopen` the first time a [`Context`] is established, and resolves the
//! eleven `SCard*` functions imza calls ([`SYMBOLS`]); a program that never uses a card never
//! loads it, and one that does on a machine without PC/SC gets [`Error::Unavailable`] instead
//! of a loader failure at start.
//!
//! The libraries tried, in order: [`LIBRARY_ENV`] (`IMZA_PCSC_LIBRARY`) alone when it is set;
//! otherwise `libpcsclite.so.1`, then `libpcsclite.so` (Linux and the BSDs),
//! `/System/Library/Frameworks/PCSC.framework/PCSC` (macOS) or `winscard.dll` (Windows). The
//! first load is cached for the life of the process, its failure too. Only Linux is tested.
//!
//! The API is the subset of the `pcsc` crate (2.x) that imza uses, with the same names:
//! [`Context`], [`Card`], [`Transaction`], [`ReaderState`], [`State`], [`ShareMode`],
//! [`Protocols`], [`Disposition`], [`Attribute`], [`ctl_code`], [`PNP_NOTIFICATION`],
//! [`MAX_BUFFER_SIZE_EXTENDED`] and an [`Error`] with the same variants. Differences:
//! dropping a [`Card`] leaves the card as it is (`SCARD_LEAVE_CARD`; `pcsc` resets it, which
//! logs every other application out of the card), [`PNP_NOTIFICATION`] is a constant,
//! control codes are `u32`, and nothing panics: a direct connection without a protocol, a
//! buffer too large for a `DWORD`, or a length the library reports beyond the buffer is an
//! [`Error`].
//!
//! Loading is done with `libloading` (0.8), the dlopen wrapper `clang-sys` loads libclang
//! with at run time; it is actively released (0.8.9 in 2025-09, 0.9.1 since), ties each
//! symbol to the library's lifetime and reports dlerror's text, which [`LoadError`] shows.
// Calling C through function pointers cannot be written without `unsafe`. The workspace
// denies `unsafe_code`; this crate and `ffi/` are the exceptions (STYLE.md item 8). Every
// `unsafe` block carries a `// SAFETY:` comment (clippy's `undocumented_unsafe_blocks` is
// denied), and `unsafe_op_in_unsafe_fn` makes each unsafe operation explicit.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]

mod error;
mod sys;

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use error::{Error, LoadError};
pub use sys::{DEFAULT_LIBRARIES, LIBRARY_ENV, SYMBOLS};

use error::check;
use sys::{Dword, Handle};

/// `MAX_BUFFER_SIZE`: a short APDU's buffer (pcsclite).
pub const MAX_BUFFER_SIZE: usize = 264;
/// `MAX_BUFFER_SIZE_EXTENDED`: an extended APDU's buffer, 64 KiB of data with the header,
/// Lc, Le and the status word (pcsclite).
pub const MAX_BUFFER_SIZE_EXTENDED: usize = 4 + 3 + (1 << 16) + 3 + 2;
/// The special reader name for `SCardGetStatusChange` that reports readers arriving and
/// leaving.
pub const PNP_NOTIFICATION: &CStr = c"\\\\?PnP?\\Notification";

/// The longest reader-name list accepted from `SCardListReaders`. pcsclite has at most 16
/// readers of at most 128 bytes each (`PCSCLITE_MAX_READERS_CONTEXTS`, `MAX_READERNAME`); this
/// leaves room for other implementations, and keeps a broken length from allocating at will.
const MAX_READER_LIST: usize = 64 * 1024;
/// How often listing is tried again when a reader arrives between the length query and the
/// listing itself.
const LIST_ATTEMPTS: usize = 4;
/// The largest attribute accepted (pcsclite's own limit is `MAX_BUFFER_SIZE`).
const MAX_ATTRIBUTE: usize = 64 * 1024;

static LIBRARY: OnceLock<Result<sys::Library, LoadError>> = OnceLock::new();

/// The PC/SC library, loaded on the first call (the outcome is kept for the process).
fn library() -> Result<&'static sys::Library, Error> {
    LIBRARY
        .get_or_init(|| sys::load(&sys::candidates()).map_err(LoadError::new))
        .as_ref()
        .map_err(Error::Unavailable)
}

/// Loads the PC/SC library now, if it is not loaded yet, and says which file it is. Nothing
/// needs to call this: [`Context::establish`] loads it.
pub fn loaded_library() -> Result<&'static str, Error> {
    library().map(|l| l.name.as_str())
}

/// A `usize` as a `DWORD`, or [`Error::InvalidParameter`] when it does not fit.
fn dword(n: usize) -> Result<Dword, Error> {
    Dword::try_from(n).map_err(|_| Error::InvalidParameter)
}

/// A length the library returned, as `usize` and at most `max`: a library that says it wrote
/// more than the buffer holds is not believed ([`Error::InsufficientBuffer`]).
fn returned_len(len: Dword, max: usize) -> Result<usize, Error> {
    match usize::try_from(len) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(Error::InsufficientBuffer),
    }
}

/// The scope of a context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `SCARD_SCOPE_USER`.
    User,
    /// `SCARD_SCOPE_TERMINAL`.
    Terminal,
    /// `SCARD_SCOPE_SYSTEM`.
    System,
    /// `SCARD_SCOPE_GLOBAL`.
    Global,
}

impl Scope {
    fn raw(self) -> Dword {
        Dword::from(match self {
            Self::User => 0u8,
            Self::Terminal => 1,
            Self::System => 2,
            Self::Global => 3,
        })
    }
}

/// How a connection shares the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareMode {
    /// `SCARD_SHARE_EXCLUSIVE`: nobody else may connect.
    Exclusive,
    /// `SCARD_SHARE_SHARED`: others may connect, transactions serialise the use.
    Shared,
    /// `SCARD_SHARE_DIRECT`: to the reader, without a card protocol.
    Direct,
}

impl ShareMode {
    fn raw(self) -> Dword {
        Dword::from(match self {
            Self::Exclusive => 1u8,
            Self::Shared => 2,
            Self::Direct => 3,
        })
    }
}

/// What happens to the card when a connection or a transaction ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// `SCARD_LEAVE_CARD`: nothing.
    LeaveCard,
    /// `SCARD_RESET_CARD`: a warm reset (every application's PIN state is gone).
    ResetCard,
    /// `SCARD_UNPOWER_CARD`: power down.
    UnpowerCard,
    /// `SCARD_EJECT_CARD`: eject, where the reader can.
    EjectCard,
}

impl Disposition {
    fn raw(self) -> Dword {
        Dword::from(match self {
            Self::LeaveCard => 0u8,
            Self::ResetCard => 1,
            Self::UnpowerCard => 2,
            Self::EjectCard => 3,
        })
    }
}

/// A set of card protocols (`SCARD_PROTOCOL_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Protocols(u32);

impl Protocols {
    /// `SCARD_PROTOCOL_T0`.
    pub const T0: Self = Self(0x0001);
    /// `SCARD_PROTOCOL_T1`.
    pub const T1: Self = Self(0x0002);
    /// `SCARD_PROTOCOL_RAW` (pcsclite's value; WinSCard's is 0x10000).
    #[cfg(not(windows))]
    pub const RAW: Self = Self(0x0004);
    /// `SCARD_PROTOCOL_RAW`.
    #[cfg(windows)]
    pub const RAW: Self = Self(0x0001_0000);
    /// `SCARD_PROTOCOL_ANY`: T=0 or T=1, whichever the card speaks.
    pub const ANY: Self = Self(0x0003);

    /// The bits.
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl core::ops::BitOr for Protocols {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// A reader's state as `SCardGetStatusChange` reports it (`SCARD_STATE_*`). The event
/// counter pcsclite keeps in the high 16 bits is not part of it ([`ReaderState::event_count`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct State(u32);

impl State {
    /// `SCARD_STATE_UNAWARE`: the caller does not know the state (no bits).
    pub const UNAWARE: Self = Self(0x0000);
    /// `SCARD_STATE_IGNORE`.
    pub const IGNORE: Self = Self(0x0001);
    /// `SCARD_STATE_CHANGED`: differs from the state the caller gave.
    pub const CHANGED: Self = Self(0x0002);
    /// `SCARD_STATE_UNKNOWN`: no such reader.
    pub const UNKNOWN: Self = Self(0x0004);
    /// `SCARD_STATE_UNAVAILABLE`.
    pub const UNAVAILABLE: Self = Self(0x0008);
    /// `SCARD_STATE_EMPTY`: no card.
    pub const EMPTY: Self = Self(0x0010);
    /// `SCARD_STATE_PRESENT`: a card is in the reader.
    pub const PRESENT: Self = Self(0x0020);
    /// `SCARD_STATE_ATRMATCH`.
    pub const ATRMATCH: Self = Self(0x0040);
    /// `SCARD_STATE_EXCLUSIVE`: another application holds the card exclusively.
    pub const EXCLUSIVE: Self = Self(0x0080);
    /// `SCARD_STATE_INUSE`: the card is in use (shared).
    pub const INUSE: Self = Self(0x0100);
    /// `SCARD_STATE_MUTE`: the card does not answer.
    pub const MUTE: Self = Self(0x0200);
    /// `SCARD_STATE_UNPOWERED`.
    pub const UNPOWERED: Self = Self(0x0400);

    /// Every defined bit.
    const ALL: u32 = 0x07FF;

    /// The known bits of a `dwCurrentState`/`dwEventState` value.
    fn from_raw(raw: Dword) -> Self {
        Self(u32::try_from(raw & Dword::from(0xFFFFu16)).unwrap_or(0) & Self::ALL)
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The state with only the defined bits of `bits`.
    pub const fn from_bits_truncate(bits: u32) -> Self {
        Self(bits & Self::ALL)
    }
}

impl core::ops::BitOr for State {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl core::fmt::Debug for State {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const NAMES: [(State, &str); 11] = [
            (State::IGNORE, "IGNORE"),
            (State::CHANGED, "CHANGED"),
            (State::UNKNOWN, "UNKNOWN"),
            (State::UNAVAILABLE, "UNAVAILABLE"),
            (State::EMPTY, "EMPTY"),
            (State::PRESENT, "PRESENT"),
            (State::ATRMATCH, "ATRMATCH"),
            (State::EXCLUSIVE, "EXCLUSIVE"),
            (State::INUSE, "INUSE"),
            (State::MUTE, "MUTE"),
            (State::UNPOWERED, "UNPOWERED"),
        ];
        f.write_str("State(")?;
        let mut first = true;
        for (s, name) in NAMES {
            if self.contains(s) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("UNAWARE")?;
        }
        f.write_str(")")
    }
}

/// A card or reader attribute for [`Card::get_attribute_owned`] (`SCARD_ATTR_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attribute {
    /// `SCARD_ATTR_ATR_STRING`: the card's ATR.
    AtrString,
    /// `SCARD_ATTR_VENDOR_NAME`.
    VendorName,
    /// `SCARD_ATTR_VENDOR_IFD_TYPE`.
    VendorIfdType,
    /// `SCARD_ATTR_VENDOR_IFD_VERSION`.
    VendorIfdVersion,
    /// `SCARD_ATTR_VENDOR_IFD_SERIAL_NO`.
    VendorIfdSerialNo,
    /// `SCARD_ATTR_CURRENT_PROTOCOL_TYPE`.
    CurrentProtocolType,
}

impl Attribute {
    /// `SCARD_ATTR_VALUE(class, tag)`: `class << 16 | tag`.
    fn raw(self) -> Dword {
        const VENDOR_INFO: u32 = 1 << 16;
        const IFD_PROTOCOL: u32 = 8 << 16;
        const ICC_STATE: u32 = 9 << 16;
        Dword::from(match self {
            Self::AtrString => ICC_STATE | 0x0303,
            Self::VendorName => VENDOR_INFO | 0x0100,
            Self::VendorIfdType => VENDOR_INFO | 0x0101,
            Self::VendorIfdVersion => VENDOR_INFO | 0x0102,
            Self::VendorIfdSerialNo => VENDOR_INFO | 0x0103,
            Self::CurrentProtocolType => IFD_PROTOCOL | 0x0201,
        })
    }
}

/// `SCARD_CTL_CODE(code)`: a reader control code as [`Card::control`] takes it.
#[cfg(not(windows))]
pub const fn ctl_code(code: u32) -> u32 {
    0x4200_0000u32.wrapping_add(code)
}

/// `SCARD_CTL_CODE(code)`: a reader control code as [`Card::control`] takes it.
#[cfg(windows)]
pub const fn ctl_code(code: u32) -> u32 {
    0x0031_0000 | (code << 2)
}

/// Splits a PC/SC multi-string (`"a\0b\0\0"`) into its strings: each ends at a NUL, an empty
/// string ends the list, and so does the end of `buf` (an unterminated last name is dropped,
/// not read past).
fn parse_multi_string(buf: &[u8]) -> Vec<CString> {
    let mut names = Vec::new();
    let mut rest = buf;
    while let Some(end) = rest.iter().position(|&b| b == 0) {
        let Some((name, tail)) = rest.split_at_checked(end) else {
            break;
        };
        if name.is_empty() {
            break;
        }
        // `name` has no NUL: it ends at the first one.
        if let Ok(n) = CString::new(name) {
            names.push(n);
        }
        rest = tail.get(1..).unwrap_or_default();
    }
    names
}

struct ContextInner {
    library: &'static sys::Library,
    handle: Handle,
}

impl Drop for ContextInner {
    fn drop(&mut self) {
        // SAFETY: `handle` came from SCardEstablishContext of this library and is released
        // once, here; every Card holds a clone of the Arc, so none outlives it.
        let _ = unsafe { (self.library.functions.release_context)(self.handle) };
    }
}

/// A connection to the PC/SC service (`SCARDCONTEXT`). Clones share it; it is released when
/// the last clone and the last [`Card`] made from it are dropped.
#[derive(Clone)]
pub struct Context {
    inner: Arc<ContextInner>,
}

impl core::fmt::Debug for Context {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Context")
            .field("library", &self.inner.library.name)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// Loads the PC/SC library if it is not loaded yet ([`Error::Unavailable`] when it cannot
    /// be), and connects to the service (`SCardEstablishContext`; [`Error::NoService`] when
    /// pcscd is not running).
    pub fn establish(scope: Scope) -> Result<Self, Error> {
        let library = library()?;
        let mut handle: Handle = 0;
        // SAFETY: the reserved arguments are NULL as the API requires; `handle` is a valid
        // out pointer for the duration of the call.
        check(unsafe {
            (library.functions.establish_context)(scope.raw(), null(), null(), &mut handle)
        })?;
        Ok(Self {
            inner: Arc::new(ContextInner { library, handle }),
        })
    }

    fn functions(&self) -> &'static sys::Functions {
        &self.inner.library.functions
    }

    /// The reader names (`SCardListReaders`); none is an empty list, not an error.
    ///
    /// The list is a multi-string sized by what the library reports; a reader arriving
    /// between the length query and the listing is handled by asking again (a few times).
    pub fn list_readers_owned(&self) -> Result<Vec<CString>, Error> {
        let f = self.functions();
        for _ in 0..LIST_ATTEMPTS {
            let mut len: Dword = 0;
            // SAFETY: a NULL buffer asks for the length only; `len` is a valid in/out pointer
            // (0, never SCARD_AUTOALLOCATE, so nothing is allocated into the NULL buffer).
            let rv = unsafe { (f.list_readers)(self.inner.handle, null(), null_mut(), &mut len) };
            match check(rv) {
                Ok(()) => {}
                Err(Error::NoReadersAvailable) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
            let size = returned_len(len, MAX_READER_LIST)?;
            if size == 0 {
                return Ok(Vec::new());
            }
            let mut buf = vec![0u8; size];
            let mut len = dword(size)?;
            // SAFETY: `buf` is writable for `len` bytes (its length, far below
            // SCARD_AUTOALLOCATE), and `len` is a valid in/out pointer.
            let rv = unsafe {
                (f.list_readers)(
                    self.inner.handle,
                    null(),
                    buf.as_mut_ptr().cast::<c_char>(),
                    &mut len,
                )
            };
            match check(rv) {
                Ok(()) => {
                    let n = returned_len(len, size)?;
                    return Ok(parse_multi_string(buf.get(..n).unwrap_or_default()));
                }
                Err(Error::NoReadersAvailable) => return Ok(Vec::new()),
                // A reader arrived since the length was asked: ask again.
                Err(Error::InsufficientBuffer) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::InsufficientBuffer)
    }

    /// Waits up to `timeout` (`None`: for ever) until a reader's state differs from its
    /// [`ReaderState::current_state`] (`SCardGetStatusChange`), and records the new state in
    /// each [`ReaderState`] (also when the wait ends in [`Error::Timeout`]).
    pub fn get_status_change<D>(&self, timeout: D, readers: &mut [ReaderState]) -> Result<(), Error>
    where
        D: Into<Option<Duration>>,
    {
        let ms = match timeout.into() {
            // INFINITE - 1 at most: a long finite wait must not turn into an endless one.
            Some(d) => u32::try_from(d.as_millis())
                .unwrap_or(u32::MAX)
                .min(sys::INFINITE - 1),
            None => sys::INFINITE,
        };
        let mut raw: Vec<sys::ReaderStateRaw> = readers
            .iter()
            .map(|r| sys::ReaderStateRaw {
                reader: r.name.as_ptr(),
                user_data: null_mut(),
                current_state: r.current,
                event_state: r.event,
                atr_len: 0,
                atr: r.atr,
            })
            .collect();
        let count = dword(raw.len())?;
        // SAFETY: `raw` holds `count` initialised SCARD_READERSTATE structures with this
        // platform's layout; each `szReader` points into a CString owned by `readers`, which
        // is borrowed (and not touched) until the call returns. The library writes only
        // inside those structures.
        let rv = unsafe {
            (self.functions().get_status_change)(
                self.inner.handle,
                Dword::from(ms),
                raw.as_mut_ptr(),
                count,
            )
        };
        for (r, s) in readers.iter_mut().zip(&raw) {
            r.event = s.event_state;
            r.atr = s.atr;
            r.atr_len = usize::try_from(s.atr_len)
                .unwrap_or(0)
                .min(sys::ATR_BUFFER_SIZE);
        }
        check(rv)
    }

    /// Connects to the card in `reader` (`SCardConnect`).
    pub fn connect(
        &self,
        reader: &CStr,
        share_mode: ShareMode,
        preferred_protocols: Protocols,
    ) -> Result<Card, Error> {
        let mut handle: Handle = 0;
        let mut protocol: Dword = 0;
        // SAFETY: `reader` is a NUL-terminated string alive for the call; `handle` and
        // `protocol` are valid out pointers.
        check(unsafe {
            (self.functions().connect)(
                self.inner.handle,
                reader.as_ptr(),
                share_mode.raw(),
                Dword::from(preferred_protocols.bits()),
                &mut handle,
                &mut protocol,
            )
        })?;
        Ok(Card {
            context: self.clone(),
            handle,
            protocol,
            connected: true,
        })
    }
}

/// A reader to watch with [`Context::get_status_change`], and what was last seen in it.
#[derive(Clone)]
pub struct ReaderState {
    name: CString,
    current: Dword,
    event: Dword,
    atr: [u8; sys::ATR_BUFFER_SIZE],
    atr_len: usize,
}

impl core::fmt::Debug for ReaderState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReaderState")
            .field("name", &self.name)
            .field("current_state", &self.current_state())
            .field("event_state", &self.event_state())
            .finish_non_exhaustive()
    }
}

impl ReaderState {
    /// A reader (or [`PNP_NOTIFICATION`]) with the state the caller believes it is in.
    pub fn new<T: Into<CString>>(name: T, current_state: State) -> Self {
        Self {
            name: name.into(),
            current: Dword::from(current_state.bits()),
            event: 0,
            atr: [0; sys::ATR_BUFFER_SIZE],
            atr_len: 0,
        }
    }

    /// The reader's name.
    pub fn name(&self) -> &CStr {
        &self.name
    }

    /// The ATR of the card in the reader (empty without one).
    pub fn atr(&self) -> &[u8] {
        self.atr.get(..self.atr_len).unwrap_or_default()
    }

    /// The state the caller gave.
    pub fn current_state(&self) -> State {
        State::from_raw(self.current)
    }

    /// The state the library reported.
    pub fn event_state(&self) -> State {
        State::from_raw(self.event)
    }

    /// pcsclite's card event counter (the high 16 bits of the event state): it changes with
    /// every insertion and removal.
    pub fn event_count(&self) -> u32 {
        u32::try_from((self.event >> 16) & Dword::from(0xFFFFu16)).unwrap_or(0)
    }

    /// Takes the reported state as the current one, for the next wait (with the event
    /// counter, which Windows needs to not report the PnP reader as changed every time).
    pub fn sync_current_state(&mut self) {
        self.current = self.event;
    }
}

/// A connection to a card (`SCARDHANDLE`). Dropping it disconnects with
/// [`Disposition::LeaveCard`]: the card keeps its state for other applications.
pub struct Card {
    context: Context,
    handle: Handle,
    protocol: Dword,
    connected: bool,
}

impl core::fmt::Debug for Card {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Card")
            .field("protocol", &self.protocol)
            .finish_non_exhaustive()
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        if self.connected {
            // SAFETY: `handle` came from SCardConnect on this card's context, which the card
            // keeps alive, and is disconnected once (`connected` says it still is).
            let _ = unsafe {
                (self.context.functions().disconnect)(self.handle, Disposition::LeaveCard.raw())
            };
        }
    }
}

impl Card {
    fn functions(&self) -> &'static sys::Functions {
        self.context.functions()
    }

    /// Disconnects (`SCardDisconnect`) with `disposition`; on failure the card is handed back.
    pub fn disconnect(mut self, disposition: Disposition) -> Result<(), (Card, Error)> {
        // SAFETY: `handle` is this connection's, still connected (`self` is owned and
        // `connected` is only cleared here).
        let rv = unsafe { (self.functions().disconnect)(self.handle, disposition.raw()) };
        match check(rv) {
            Ok(()) => {
                self.connected = false;
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }

    /// Starts a transaction (`SCardBeginTransaction`): other applications wait until it ends.
    /// The card is used through the [`Transaction`] meanwhile.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        // SAFETY: `handle` is this connection's and connected.
        check(unsafe { (self.functions().begin_transaction)(self.handle) })?;
        Ok(Transaction {
            card: self,
            open: true,
        })
    }

    /// Sends an APDU and returns the card's answer, in `receive_buffer` (`SCardTransmit`;
    /// [`MAX_BUFFER_SIZE_EXTENDED`] holds any answer).
    pub fn transmit<'buf>(
        &self,
        send_buffer: &[u8],
        receive_buffer: &'buf mut [u8],
    ) -> Result<&'buf [u8], Error> {
        // A direct connection has no protocol to transmit with.
        if self.protocol == 0 {
            return Err(Error::ProtoMismatch);
        }
        let send_pci = sys::IoRequest::for_protocol(self.protocol);
        let send_len = dword(send_buffer.len())?;
        let capacity = receive_buffer.len();
        let mut receive_len = dword(capacity)?;
        // SAFETY: `send_pci` is a valid SCARD_IO_REQUEST header; `send_buffer` is readable
        // for `send_len` bytes and `receive_buffer` writable for `receive_len` bytes, both
        // alive for the call; the receive PCI is NULL (optional); `receive_len` is a valid
        // in/out pointer.
        let rv = unsafe {
            (self.functions().transmit)(
                self.handle,
                &send_pci,
                send_buffer.as_ptr(),
                send_len,
                null_mut(),
                receive_buffer.as_mut_ptr(),
                &mut receive_len,
            )
        };
        check(rv)?;
        let n = returned_len(receive_len, capacity)?;
        let received: &'buf [u8] = receive_buffer;
        Ok(received.get(..n).unwrap_or_default())
    }

    /// Sends a control code to the reader (`SCardControl`; see [`ctl_code`]) and returns its
    /// answer, in `receive_buffer`.
    pub fn control<'buf>(
        &self,
        control_code: u32,
        send_buffer: &[u8],
        receive_buffer: &'buf mut [u8],
    ) -> Result<&'buf [u8], Error> {
        let send_len = dword(send_buffer.len())?;
        let capacity = receive_buffer.len();
        let receive_len = dword(capacity)?;
        let mut returned: Dword = 0;
        // SAFETY: `send_buffer` is readable for `send_len` bytes and `receive_buffer` writable
        // for `receive_len` bytes, both alive for the call; `returned` is a valid out pointer.
        let rv = unsafe {
            (self.functions().control)(
                self.handle,
                Dword::from(control_code),
                send_buffer.as_ptr().cast::<c_void>(),
                send_len,
                receive_buffer.as_mut_ptr().cast::<c_void>(),
                receive_len,
                &mut returned,
            )
        };
        check(rv)?;
        let n = returned_len(returned, capacity)?;
        let received: &'buf [u8] = receive_buffer;
        Ok(received.get(..n).unwrap_or_default())
    }

    /// Reads an attribute of the card or reader (`SCardGetAttrib`).
    pub fn get_attribute_owned(&self, attribute: Attribute) -> Result<Vec<u8>, Error> {
        // pcsclite's attributes fit MAX_BUFFER_SIZE; a larger one is read once more with the
        // size the library asked for (bounded).
        let mut size = MAX_BUFFER_SIZE;
        for _ in 0..2 {
            let mut buf = vec![0u8; size];
            let mut len = dword(size)?;
            // SAFETY: `buf` is writable for `len` bytes (never SCARD_AUTOALLOCATE, so the
            // library does not allocate into it); `len` is a valid in/out pointer.
            let rv = unsafe {
                (self.functions().get_attrib)(
                    self.handle,
                    attribute.raw(),
                    buf.as_mut_ptr(),
                    &mut len,
                )
            };
            match check(rv) {
                Ok(()) => {
                    let n = returned_len(len, size)?;
                    buf.truncate(n);
                    return Ok(buf);
                }
                Err(Error::InsufficientBuffer) => {
                    size = returned_len(len, MAX_ATTRIBUTE)?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::InsufficientBuffer)
    }
}

/// A transaction on a card ([`Card::transaction`]); the card is used through it (it derefs to
/// [`Card`]). Dropping it ends the transaction with [`Disposition::LeaveCard`].
pub struct Transaction<'c> {
    card: &'c mut Card,
    open: bool,
}

impl core::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Transaction")
            .field("card", &self.card)
            .finish()
    }
}

impl Transaction<'_> {
    /// Ends the transaction (`SCardEndTransaction`) with `disposition`; on failure the
    /// transaction is handed back.
    pub fn end(mut self, disposition: Disposition) -> Result<(), (Self, Error)> {
        // SAFETY: the card's handle is connected (the transaction borrows the card) and the
        // transaction is open (`open` is only cleared here).
        let rv =
            unsafe { (self.card.functions().end_transaction)(self.card.handle, disposition.raw()) };
        match check(rv) {
            Ok(()) => {
                self.open = false;
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            // SAFETY: as in `end`: the handle is connected and the transaction still open.
            let _ = unsafe {
                (self.card.functions().end_transaction)(
                    self.card.handle,
                    Disposition::LeaveCard.raw(),
                )
            };
        }
    }
}

impl core::ops::Deref for Transaction<'_> {
    type Target = Card;

    fn deref(&self) -> &Card {
        self.card
    }
}

#[cfg(test)]
mod tests;
