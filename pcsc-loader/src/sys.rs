//! The C side: pcsclite's (and WinSCard's) types, constants and structure layouts, the table
//! of functions resolved at run time, and the loading itself.
//!
//! Layouts follow pcsclite's headers (`PCSC/wintypes.h`, `PCSC/pcsclite.h`, 1.9.9): on Linux
//! and the BSDs `DWORD` is `unsigned long` and `LONG` is `long` (64 bits on LP64 targets such
//! as x86_64 and aarch64), `SCARDCONTEXT` and `SCARDHANDLE` are `LONG`; on macOS they are
//! 32 bits and the structures are packed (`#pragma pack(1)`); on Windows `DWORD` and `LONG`
//! are 32 bits and the handles pointer-sized (`ULONG_PTR`).

use std::ffi::{c_char, c_void, OsString};

#[cfg(not(any(target_os = "macos", windows)))]
mod abi {
    /// `DWORD`: `unsigned long`.
    pub(crate) type Dword = std::ffi::c_ulong;
    /// `LONG`: `long`.
    pub(crate) type Long = std::ffi::c_long;
    /// `SCARDCONTEXT` and `SCARDHANDLE`: `LONG`.
    pub(crate) type Handle = std::ffi::c_long;
}

#[cfg(target_os = "macos")]
mod abi {
    /// `DWORD`: `uint32_t` in the PCSC framework.
    pub(crate) type Dword = u32;
    /// `LONG`: `int32_t`.
    pub(crate) type Long = i32;
    /// `SCARDCONTEXT` and `SCARDHANDLE`: `LONG`.
    pub(crate) type Handle = i32;
}

#[cfg(windows)]
mod abi {
    /// `DWORD`: 32 bits.
    pub(crate) type Dword = u32;
    /// `LONG`: 32 bits.
    pub(crate) type Long = i32;
    /// `SCARDCONTEXT` and `SCARDHANDLE`: `ULONG_PTR`.
    pub(crate) type Handle = usize;
}

pub(crate) use abi::{Dword, Handle, Long};

/// `SCARD_S_SUCCESS`.
pub(crate) const SUCCESS: Long = 0;

/// `MAX_ATR_SIZE` (pcsclite; WinSCard's structure has 36 bytes there).
#[cfg(not(windows))]
pub(crate) const ATR_BUFFER_SIZE: usize = 33;
/// WinSCard's `rgbAtr[36]`.
#[cfg(windows)]
pub(crate) const ATR_BUFFER_SIZE: usize = 36;

/// `INFINITE` for `SCardGetStatusChange`'s timeout.
pub(crate) const INFINITE: u32 = 0xFFFF_FFFF;

/// `SCARD_READERSTATE`.
#[repr(C)]
#[cfg_attr(target_os = "macos", repr(packed))]
pub(crate) struct ReaderStateRaw {
    /// `szReader`: borrowed for the duration of one call.
    pub(crate) reader: *const c_char,
    /// `pvUserData`: unused, NULL.
    pub(crate) user_data: *mut c_void,
    /// `dwCurrentState`.
    pub(crate) current_state: Dword,
    /// `dwEventState`.
    pub(crate) event_state: Dword,
    /// `cbAtr`.
    pub(crate) atr_len: Dword,
    /// `rgbAtr`.
    pub(crate) atr: [u8; ATR_BUFFER_SIZE],
}

/// `SCARD_IO_REQUEST`: the protocol control information `SCardTransmit` takes. pcsclite's own
/// `g_rgSCardT0Pci` and `g_rgSCardT1Pci` are this structure with the protocol and its size,
/// which is what [`IoRequest::for_protocol`] builds (no data symbols need resolving).
#[repr(C)]
#[cfg_attr(target_os = "macos", repr(packed))]
pub(crate) struct IoRequest {
    /// `dwProtocol`.
    pub(crate) protocol: Dword,
    /// `cbPciLength`: the size of this header.
    pub(crate) pci_length: Dword,
}

impl IoRequest {
    /// The request header for an active protocol (`SCARD_PROTOCOL_T0`/`T1`/`RAW`).
    pub(crate) fn for_protocol(protocol: Dword) -> Self {
        // The structure is 8 or 16 bytes: always representable.
        let size = Dword::try_from(size_of::<IoRequest>()).unwrap_or(0);
        Self {
            protocol,
            pci_length: size,
        }
    }
}

pub(crate) type EstablishContextFn =
    unsafe extern "system" fn(Dword, *const c_void, *const c_void, *mut Handle) -> Long;
pub(crate) type ReleaseContextFn = unsafe extern "system" fn(Handle) -> Long;
pub(crate) type ListReadersFn =
    unsafe extern "system" fn(Handle, *const c_char, *mut c_char, *mut Dword) -> Long;
pub(crate) type GetStatusChangeFn =
    unsafe extern "system" fn(Handle, Dword, *mut ReaderStateRaw, Dword) -> Long;
pub(crate) type ConnectFn =
    unsafe extern "system" fn(Handle, *const c_char, Dword, Dword, *mut Handle, *mut Dword) -> Long;
pub(crate) type DisconnectFn = unsafe extern "system" fn(Handle, Dword) -> Long;
pub(crate) type BeginTransactionFn = unsafe extern "system" fn(Handle) -> Long;
pub(crate) type EndTransactionFn = unsafe extern "system" fn(Handle, Dword) -> Long;
pub(crate) type TransmitFn = unsafe extern "system" fn(
    Handle,
    *const IoRequest,
    *const u8,
    Dword,
    *mut IoRequest,
    *mut u8,
    *mut Dword,
) -> Long;
pub(crate) type ControlFn = unsafe extern "system" fn(
    Handle,
    Dword,
    *const c_void,
    Dword,
    *mut c_void,
    Dword,
    *mut Dword,
) -> Long;
pub(crate) type GetAttribFn = unsafe extern "system" fn(Handle, Dword, *mut u8, *mut Dword) -> Long;

/// The symbol names, per platform (WinSCard exports the ANSI variants with an `A` suffix; the
/// macOS framework's `SCardControl` with the pcsclite signature is `SCardControl132`).
const LIST_READERS: &str = if cfg!(windows) {
    "SCardListReadersA"
} else {
    "SCardListReaders"
};
const GET_STATUS_CHANGE: &str = if cfg!(windows) {
    "SCardGetStatusChangeA"
} else {
    "SCardGetStatusChange"
};
const CONNECT: &str = if cfg!(windows) {
    "SCardConnectA"
} else {
    "SCardConnect"
};
const CONTROL: &str = if cfg!(target_os = "macos") {
    "SCardControl132"
} else {
    "SCardControl"
};

/// Declares the function table and the symbol list from one table, so the two cannot drift.
macro_rules! functions {
    ($($(#[$doc:meta])* $field:ident: $ty:ty = $symbol:expr,)*) => {
        /// The PC/SC functions imza calls, resolved from the loaded library. The pointers stay
        /// valid as long as [`Library`]'s `_library` is loaded, and it is never unloaded while
        /// the table exists (the table owns it).
        pub(crate) struct Functions {
            $($(#[$doc])* pub(crate) $field: $ty,)*
        }

        /// Every symbol this crate resolves, in the platform's spelling.
        pub const SYMBOLS: &[&str] = &[$($symbol,)*];

        impl Functions {
            fn resolve(library: &libloading::Library) -> Result<Self, String> {
                Ok(Self {
                    $($field: {
                        // SAFETY: the type named here is the C prototype of this symbol in
                        // pcsclite's `winscard.h` (and WinSCard's), with the ABI types of
                        // this platform (`abi` above); the pointer is copied out of the
                        // `Symbol` and kept only inside `Library`, next to the library that
                        // owns the code.
                        let symbol = unsafe { library.get::<$ty>($symbol.as_bytes()) }
                            .map_err(|e| format!("{}: {e}", $symbol))?;
                        *symbol
                    },)*
                })
            }
        }
    };
}

functions! {
    /// `SCardEstablishContext`.
    establish_context: EstablishContextFn = "SCardEstablishContext",
    /// `SCardReleaseContext`.
    release_context: ReleaseContextFn = "SCardReleaseContext",
    /// `SCardListReaders`.
    list_readers: ListReadersFn = LIST_READERS,
    /// `SCardGetStatusChange`.
    get_status_change: GetStatusChangeFn = GET_STATUS_CHANGE,
    /// `SCardConnect`.
    connect: ConnectFn = CONNECT,
    /// `SCardDisconnect`.
    disconnect: DisconnectFn = "SCardDisconnect",
    /// `SCardBeginTransaction`.
    begin_transaction: BeginTransactionFn = "SCardBeginTransaction",
    /// `SCardEndTransaction`.
    end_transaction: EndTransactionFn = "SCardEndTransaction",
    /// `SCardTransmit`.
    transmit: TransmitFn = "SCardTransmit",
    /// `SCardControl`.
    control: ControlFn = CONTROL,
    /// `SCardGetAttrib`.
    get_attrib: GetAttribFn = "SCardGetAttrib",
}

/// A loaded PC/SC library and its function table.
pub(crate) struct Library {
    /// The functions; valid while `_library` is loaded.
    pub(crate) functions: Functions,
    /// Which file was loaded (for messages).
    pub(crate) name: String,
    /// Keeps the code the function pointers point into mapped. Never dropped while a
    /// `Context` exists: contexts hold a `&'static Library` (see [`crate::library`]).
    _library: libloading::Library,
}

/// The environment variable that names the PC/SC library to load instead of the platform's
/// default (a path or a file name the dynamic loader finds). Only that one is tried.
pub const LIBRARY_ENV: &str = "IMZA_PCSC_LIBRARY";

/// The libraries tried in order when [`LIBRARY_ENV`] is not set.
#[cfg(not(any(target_os = "macos", windows)))]
pub const DEFAULT_LIBRARIES: &[&str] = &["libpcsclite.so.1", "libpcsclite.so"];
/// The libraries tried in order when [`LIBRARY_ENV`] is not set.
#[cfg(target_os = "macos")]
pub const DEFAULT_LIBRARIES: &[&str] = &["/System/Library/Frameworks/PCSC.framework/PCSC"];
/// The libraries tried in order when [`LIBRARY_ENV`] is not set.
#[cfg(windows)]
pub const DEFAULT_LIBRARIES: &[&str] = &["winscard.dll"];

/// The candidates: [`LIBRARY_ENV`] alone when it is set and not empty, else
/// [`DEFAULT_LIBRARIES`].
pub(crate) fn candidates() -> Vec<OsString> {
    match std::env::var_os(LIBRARY_ENV) {
        Some(v) if !v.is_empty() => vec![v],
        _ => DEFAULT_LIBRARIES.iter().map(OsString::from).collect(),
    }
}

/// Opens one library file.
fn open(name: &OsString) -> Result<libloading::Library, libloading::Error> {
    #[cfg(unix)]
    {
        use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
        // SAFETY: dlopen runs the library's initialisers. The names are the platform's PC/SC
        // client library (pcsclite, whose constructor only sets up its locks) or the one the
        // operator named in IMZA_PCSC_LIBRARY, as trusted as LD_LIBRARY_PATH. RTLD_NOW binds
        // every symbol now, so a broken library fails here rather than at a later call;
        // RTLD_LOCAL keeps its symbols out of the global namespace.
        let library = unsafe { Library::open(Some(name), RTLD_NOW | RTLD_LOCAL) }?;
        Ok(library.into())
    }
    #[cfg(not(unix))]
    {
        // SAFETY: LoadLibraryEx runs DllMain of the system's winscard.dll (or the library the
        // operator named in IMZA_PCSC_LIBRARY); it has no requirements on the caller.
        unsafe { libloading::Library::new(name) }
    }
}

/// Loads the first candidate that opens and has every symbol. The error lists each attempt
/// ("name: why").
pub(crate) fn load(candidates: &[OsString]) -> Result<Library, Vec<String>> {
    let mut attempts = Vec::new();
    for name in candidates {
        let shown = name.to_string_lossy().into_owned();
        match open(name) {
            Ok(library) => match Functions::resolve(&library) {
                Ok(functions) => {
                    return Ok(Library {
                        functions,
                        name: shown,
                        _library: library,
                    })
                }
                Err(e) => attempts.push(format!("{shown}: missing symbol {e}")),
            },
            // dlerror's text starts with the file name already.
            Err(e) => attempts.push(dl_message(&shown, &e)),
        }
    }
    if attempts.is_empty() {
        attempts.push("no library to try".into());
    }
    Err(attempts)
}

/// The loader's message, with the file name in front unless it is there already.
fn dl_message(name: &str, e: &libloading::Error) -> String {
    let text = e.to_string();
    if text.contains(name) {
        text
    } else {
        format!("{name}: {text}")
    }
}
