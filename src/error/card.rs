//! What went wrong with a reader or a card (`crate::card`).

use alloc::string::String;
use core::fmt;

use super::Error;

/// What went wrong with a reader or a card. Each is something a person or an operator can
/// act on; none carries a PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardError {
    /// No PC/SC reader is connected (or the PC/SC service is not running).
    NoReader,
    /// The reader has no card.
    NoCard,
    /// The card was removed during the operation.
    Removed,
    /// The card was reset by another application; its PIN state is gone.
    Reset,
    /// Another application holds the card exclusively.
    SharingViolation,
    /// Waiting for a reader or a card timed out.
    Timeout,
    /// The PC/SC layer failed otherwise.
    Transport(String),
    /// The PC/SC library could not be loaded (pcscd and libpcsclite are not installed); the
    /// text says what the dynamic loader reported.
    PcscUnavailable(String),
    /// The PIN was wrong.
    WrongPin {
        /// Tries left before the PIN blocks.
        tries_left: u8,
    },
    /// The PIN is blocked; it must be unblocked with the PUK.
    PinBlocked,
    /// One try is left and the caller did not allow spending it.
    LastTryRefused,
    /// The PIN does not fit the card's rules (length, characters).
    PinFormat(String),
    /// The card refused: the PIN was not verified (6982).
    SecurityStatusNotSatisfied,
    /// The card refused: conditions of use not satisfied (6985).
    ConditionsNotSatisfied,
    /// File, application or data object not found (6A82).
    FileNotFound,
    /// Wrong length (6700).
    WrongLength,
    /// The card or the reader does not support the command.
    NotSupported,
    /// The PIN-pad entry timed out (6400).
    PinPadTimeout,
    /// The person cancelled on the PIN pad (6401).
    PinPadCancelled,
    /// The PIN typed on the PIN pad has a wrong length (6403).
    PinPadLength,
    /// The person (or the host's PIN dialog) cancelled the PIN entry; the text says how.
    PinEntryCancelled(String),
    /// Any other status word.
    Status {
        /// SW1 SW2.
        sw: u16,
    },
    /// A response could not be understood.
    Malformed(String),
    /// No profile in the registry recognises the card.
    UnknownCard,
    /// The card has no key or certificate for this purpose.
    NoKey(&'static str),
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoReader => f.write_str("no smart-card reader found"),
            Self::NoCard => f.write_str("no card in the reader"),
            Self::Removed => f.write_str("the card was removed during the operation"),
            Self::Reset => f.write_str(
                "the card was reset by another application; the operation was not repeated",
            ),
            Self::SharingViolation => {
                f.write_str("another application is using the card exclusively")
            }
            Self::Timeout => f.write_str("timed out waiting for the reader or card"),
            Self::Transport(s) => write!(f, "PC/SC: {s}"),
            Self::PcscUnavailable(why) => write!(
                f,
                "PC/SC is not installed: install pcscd (Debian: apt-get install pcscd); {why}"
            ),
            Self::WrongPin { tries_left } => {
                write!(f, "wrong PIN; {tries_left} tries left before it is blocked")
            }
            Self::PinBlocked => f.write_str("the PIN is blocked"),
            Self::LastTryRefused => f.write_str(
                "only one PIN try is left; not spending it without an explicit permission",
            ),
            Self::PinFormat(s) => write!(f, "the PIN does not fit the card: {s}"),
            Self::SecurityStatusNotSatisfied => {
                f.write_str("the card requires a verified PIN for this operation")
            }
            Self::ConditionsNotSatisfied => f.write_str("the card's conditions of use are not met"),
            Self::FileNotFound => f.write_str("file or application not found on the card"),
            Self::WrongLength => f.write_str("the card reported a wrong length"),
            Self::NotSupported => f.write_str("the card or reader does not support this"),
            Self::PinPadTimeout => f.write_str("no PIN was entered on the PIN pad in time"),
            Self::PinPadCancelled => f.write_str("PIN entry was cancelled on the PIN pad"),
            Self::PinPadLength => f.write_str("the PIN entered on the PIN pad has a wrong length"),
            Self::PinEntryCancelled(how) => write!(f, "PIN entry was cancelled: {how}"),
            Self::Status { sw } => write!(f, "the card answered status {sw:04X}"),
            Self::Malformed(s) => write!(f, "unexpected card answer: {s}"),
            Self::UnknownCard => f.write_str("the card is not a supported kind"),
            Self::NoKey(p) => write!(f, "the card has no {p} key"),
        }
    }
}

impl core::error::Error for CardError {}

impl CardError {
    /// A stable numeric code in the 600-699 block of [`crate::Error::code`]: 600-609 the
    /// reader and the connection, 610-619 the PIN, 620-629 the card's refusals, 630-639 what
    /// imza could not use. A wrong PIN, a blocked PIN and a PIN-pad cancel are distinct, so
    /// hosts can branch on them.
    pub const fn code(&self) -> u32 {
        match self {
            Self::Transport(_) => 600,
            Self::NoReader => 601,
            Self::NoCard => 602,
            Self::Removed => 603,
            Self::Reset => 604,
            Self::SharingViolation => 605,
            Self::Timeout => 606,
            Self::PcscUnavailable(_) => 607,
            Self::WrongPin { .. } => 610,
            Self::PinBlocked => 611,
            Self::LastTryRefused => 612,
            Self::PinFormat(_) => 613,
            Self::PinPadTimeout => 614,
            Self::PinPadCancelled => 615,
            Self::PinPadLength => 616,
            Self::PinEntryCancelled(_) => 617,
            Self::SecurityStatusNotSatisfied => 620,
            Self::ConditionsNotSatisfied => 621,
            Self::FileNotFound => 622,
            Self::WrongLength => 623,
            Self::NotSupported => 624,
            Self::Status { .. } => 625,
            Self::Malformed(_) => 630,
            Self::UnknownCard => 631,
            Self::NoKey(_) => 632,
        }
    }
}

impl From<CardError> for Error {
    fn from(e: CardError) -> Self {
        Self::Card(e)
    }
}
