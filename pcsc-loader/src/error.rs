//! PC/SC errors: the `SCARD_*` codes as an enum (read from the integer the library returns,
//! never transmuted), and the library that could not be loaded.

use core::fmt;

use crate::sys::Long;

/// Declares [`Error`]'s code variants, their codes and their texts from one table.
macro_rules! codes {
    ($($name:ident = $code:literal: $text:literal,)*) => {
        /// A PC/SC error: one of the `SCARD_E_*`, `SCARD_F_*`, `SCARD_P_*`, `SCARD_W_*` codes
        /// (pcsclite's `pcsclite.h`; the texts are its descriptions), a code this crate does
        /// not know, or the PC/SC library that could not be loaded.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Error {
            $(
                #[doc = $text]
                $name,
            )*
            /// The PC/SC library could not be loaded (not installed, or a symbol missing).
            Unavailable(&'static LoadError),
            /// A code this crate does not know, as the library returned it.
            Unknown(i64),
        }

        impl Error {
            /// The error for a 32-bit PC/SC code.
            fn from_code(code: u32) -> Self {
                match code {
                    $($code => Self::$name,)*
                    other => Self::Unknown(i64::from(other)),
                }
            }

            /// The PC/SC code (`SCARD_E_...`) as 32 bits, when the error is one.
            pub fn code(&self) -> Option<u32> {
                match self {
                    $(Self::$name => Some($code),)*
                    Self::Unavailable(_) => None,
                    Self::Unknown(v) => u32::try_from(*v).ok(),
                }
            }
        }

        impl fmt::Display for Error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(Self::$name => f.write_str($text),)*
                    Self::Unavailable(e) => fmt::Display::fmt(e, f),
                    Self::Unknown(v) => write!(f, "unknown PC/SC error {v:#x}"),
                }
            }
        }
    };
}

codes! {
    InternalError = 0x8010_0001: "An internal consistency check failed.",
    Cancelled = 0x8010_0002: "The action was cancelled by an SCardCancel request.",
    InvalidHandle = 0x8010_0003: "The supplied handle was invalid.",
    InvalidParameter = 0x8010_0004: "One or more of the supplied parameters could not be properly interpreted.",
    InvalidTarget = 0x8010_0005: "Registry startup information is missing or invalid.",
    NoMemory = 0x8010_0006: "Not enough memory available to complete this command.",
    WaitedTooLong = 0x8010_0007: "An internal consistency timer has expired.",
    InsufficientBuffer = 0x8010_0008: "The data buffer to receive returned data is too small for the returned data.",
    UnknownReader = 0x8010_0009: "The specified reader name is not recognized.",
    Timeout = 0x8010_000A: "The user-specified timeout value has expired.",
    SharingViolation = 0x8010_000B: "The smart card cannot be accessed because of other connections outstanding.",
    NoSmartcard = 0x8010_000C: "The operation requires a smart card, but no smart card is currently in the device.",
    UnknownCard = 0x8010_000D: "The specified smart card name is not recognized.",
    CantDispose = 0x8010_000E: "The system could not dispose of the media in the requested manner.",
    ProtoMismatch = 0x8010_000F: "The requested protocols are incompatible with the protocol currently in use with the smart card.",
    NotReady = 0x8010_0010: "The reader or smart card is not ready to accept commands.",
    InvalidValue = 0x8010_0011: "One or more of the supplied parameters values could not be properly interpreted.",
    SystemCancelled = 0x8010_0012: "The action was cancelled by the system, presumably to log off or shut down.",
    CommError = 0x8010_0013: "An internal communications error has been detected.",
    UnknownError = 0x8010_0014: "An internal error has been detected, but the source is unknown.",
    InvalidAtr = 0x8010_0015: "An ATR obtained from the registry is not a valid ATR string.",
    NotTransacted = 0x8010_0016: "An attempt was made to end a non-existent transaction.",
    ReaderUnavailable = 0x8010_0017: "The specified reader is not currently available for use.",
    Shutdown = 0x8010_0018: "The operation has been aborted to allow the server application to exit.",
    PciTooSmall = 0x8010_0019: "The PCI receive buffer was too small.",
    ReaderUnsupported = 0x8010_001A: "The reader driver does not meet minimal requirements for support.",
    DuplicateReader = 0x8010_001B: "The reader driver did not produce a unique reader name.",
    CardUnsupported = 0x8010_001C: "The smart card does not meet minimal requirements for support.",
    NoService = 0x8010_001D: "The smart card resource manager is not running.",
    ServiceStopped = 0x8010_001E: "The smart card resource manager has shut down.",
    UnsupportedFeature = 0x8010_001F: "This smart card does not support the requested feature (pcsclite; SCARD_E_UNEXPECTED on Windows).",
    IccInstallation = 0x8010_0020: "No primary provider can be found for the smart card.",
    IccCreateorder = 0x8010_0021: "The requested order of object creation is not supported.",
    DirNotFound = 0x8010_0023: "The identified directory does not exist in the smart card.",
    FileNotFound = 0x8010_0024: "The identified file does not exist in the smart card.",
    NoDir = 0x8010_0025: "The supplied path does not represent a smart card directory.",
    NoFile = 0x8010_0026: "The supplied path does not represent a smart card file.",
    NoAccess = 0x8010_0027: "Access is denied to this file.",
    WriteTooMany = 0x8010_0028: "The smart card does not have enough memory to store the information.",
    BadSeek = 0x8010_0029: "There was an error trying to set the smart card file object pointer.",
    InvalidChv = 0x8010_002A: "The supplied PIN is incorrect.",
    UnknownResMng = 0x8010_002B: "An unrecognized error code was returned from a layered component.",
    NoSuchCertificate = 0x8010_002C: "The requested certificate does not exist.",
    CertificateUnavailable = 0x8010_002D: "The requested certificate could not be obtained.",
    NoReadersAvailable = 0x8010_002E: "Cannot find a smart card reader.",
    CommDataLost = 0x8010_002F: "A communications error with the smart card has been detected.",
    NoKeyContainer = 0x8010_0030: "The requested key container does not exist on the smart card.",
    ServerTooBusy = 0x8010_0031: "The smart card resource manager is too busy to complete this operation.",
    UnsupportedCard = 0x8010_0065: "The reader cannot communicate with the card, due to ATR string configuration conflicts.",
    UnresponsiveCard = 0x8010_0066: "The smart card is not responding to a reset.",
    UnpoweredCard = 0x8010_0067: "Power has been removed from the smart card, so that further communication is not possible.",
    ResetCard = 0x8010_0068: "The smart card has been reset, so any shared state information is invalid.",
    RemovedCard = 0x8010_0069: "The smart card has been removed, so further communication is not possible.",
    SecurityViolation = 0x8010_006A: "Access was denied because of a security violation.",
    WrongChv = 0x8010_006B: "The card cannot be accessed because the wrong PIN was presented.",
    ChvBlocked = 0x8010_006C: "The card cannot be accessed because the maximum number of PIN entry attempts has been reached.",
    Eof = 0x8010_006D: "The end of the smart card file has been reached.",
    CancelledByUser = 0x8010_006E: "The user pressed \"Cancel\" on a smart card selection dialog.",
    CardNotAuthenticated = 0x8010_006F: "No PIN was presented to the smart card.",
}

impl Error {
    /// The error for a value a PC/SC function returned (not `SCARD_S_SUCCESS`).
    ///
    /// pcsclite's `LONG` is a 64-bit `long` on LP64 targets, where `(LONG)0x80100001` is a
    /// positive number; macOS and Windows have a 32-bit `LONG`, where the same code is
    /// negative. Either way it is the same 32 bits; a value that fits neither reading is
    /// [`Error::Unknown`].
    #[allow(
        clippy::useless_conversion,
        reason = "LONG is i64 on LP64 Linux, i32 on macOS and Windows"
    )]
    pub(crate) fn from_raw(raw: Long) -> Self {
        let wide = i64::from(raw);
        let code = u32::try_from(wide).ok().or_else(|| {
            i32::try_from(wide)
                .ok()
                .map(|v| u32::from_ne_bytes(v.to_ne_bytes()))
        });
        match code {
            Some(code) => Self::from_code(code),
            None => Self::Unknown(wide),
        }
    }
}

impl std::error::Error for Error {}

/// Turns a PC/SC return value into a `Result`.
pub(crate) fn check(raw: Long) -> Result<(), Error> {
    if raw == crate::sys::SUCCESS {
        Ok(())
    } else {
        Err(Error::from_raw(raw))
    }
}

/// Why the PC/SC library could not be loaded: each library tried and what the dynamic
/// loader said about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    attempts: Vec<String>,
}

impl LoadError {
    pub(crate) fn new(attempts: Vec<String>) -> Self {
        Self { attempts }
    }

    /// One line per library tried: its name and why it could not be used.
    pub fn attempts(&self) -> &[String] {
        &self.attempts
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the PC/SC library could not be loaded (")?;
        for (i, a) in self.attempts.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(a)?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for LoadError {}
