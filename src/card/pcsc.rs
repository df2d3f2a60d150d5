//! PC/SC readers (feature `pcsc`): listing, waiting for cards and readers, shared or
//! exclusive connections, transactions and PIN-pad features, over `imza-pcsc`.
//!
//! Nothing links the PC/SC library at build time: `imza-pcsc` opens it (`libpcsclite.so.1` on
//! Linux, or the file `IMZA_PCSC_LIBRARY` names) with `dlopen` when the first [`Context`] is
//! established. A machine without it gets [`CardError::PcscUnavailable`] from
//! [`Context::establish`], and a program that never touches a card never loads it.
//!
//! The PC/SC errors that mean something to a person are mapped to their own
//! [`CardError`]s: a card removed mid-operation, reset by another application, or held
//! exclusively elsewhere.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;
use std::ffi::CString;

use imza_pcsc as pcsc;

use super::{CardError, CardTransport, ReaderFeature};

/// Maps a PC/SC error to a card error.
fn map(e: pcsc::Error) -> CardError {
    use pcsc::Error as E;
    match e {
        // pcsc-lite answers SCARD_E_NOT_TRANSACTED when the reader driver can no longer talk
        // to the card (IFD_COMMUNICATION_ERROR): a card pulled out before pcscd noticed, or
        // a transaction that ended with it.
        E::RemovedCard | E::NotTransacted => CardError::Removed,
        E::NoSmartcard => CardError::NoCard,
        E::ResetCard => CardError::Reset,
        E::SharingViolation => CardError::SharingViolation,
        E::Timeout => CardError::Timeout,
        E::NoReadersAvailable
        | E::NoService
        | E::ServiceStopped
        | E::UnknownReader
        | E::ReaderUnavailable => CardError::NoReader,
        E::UnpoweredCard | E::UnresponsiveCard => CardError::NoCard,
        E::Unavailable(why) => CardError::PcscUnavailable(why.to_string()),
        e => CardError::Transport(e.to_string()),
    }
}

/// How a connection shares the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// Other applications may use the card between this one's transactions (the default:
    /// short transactions, nobody locked out).
    Shared,
    /// Nobody else may connect while this connection is open.
    Exclusive,
}

/// A reader and what is in it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReaderInfo {
    /// The reader's name.
    pub name: String,
    /// Whether a card is present.
    pub card_present: bool,
    /// Whether another application holds the card exclusively.
    pub exclusive_elsewhere: bool,
    /// The card's ATR, hex.
    pub atr: Option<String>,
}

/// Something that happened while waiting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReaderEvent {
    /// A card was inserted into this reader.
    CardInserted(String),
    /// The card was removed from this reader.
    CardRemoved(String),
    /// Readers arrived or left (the PnP notification pseudo-reader).
    ReadersChanged,
}

/// A PC/SC context.
pub struct Context {
    ctx: pcsc::Context,
}

impl core::fmt::Debug for Context {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("pcsc::Context")
    }
}

impl Context {
    /// Connects to the PC/SC service, loading the PC/SC library on first use
    /// ([`CardError::PcscUnavailable`] when it is not installed).
    pub fn establish() -> Result<Self, CardError> {
        Ok(Self {
            ctx: pcsc::Context::establish(pcsc::Scope::User).map_err(map)?,
        })
    }

    /// The reader names.
    pub fn reader_names(&self) -> Result<Vec<String>, CardError> {
        match self.ctx.list_readers_owned() {
            Ok(names) => Ok(names
                .into_iter()
                .map(|n| n.to_string_lossy().into_owned())
                .collect()),
            Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
            Err(e) => Err(map(e)),
        }
    }

    /// One `UNAWARE` state per reader, to learn the current state from.
    fn unaware_states(&self) -> Result<Vec<pcsc::ReaderState>, CardError> {
        Ok(self
            .reader_names()?
            .iter()
            .filter_map(|n| CString::new(n.as_str()).ok())
            .map(|n| pcsc::ReaderState::new(n, pcsc::State::UNAWARE))
            .collect())
    }

    /// Fills `states` with the current state without waiting (a timeout only means nothing
    /// changed).
    fn snapshot(&self, states: &mut [pcsc::ReaderState]) -> Result<(), CardError> {
        match self.ctx.get_status_change(Duration::from_millis(0), states) {
            Ok(()) | Err(pcsc::Error::Timeout) => Ok(()),
            Err(e) => Err(map(e)),
        }
    }

    /// The readers with their card state.
    pub fn readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        let mut states = self.unaware_states()?;
        if states.is_empty() {
            return Ok(Vec::new());
        }
        self.snapshot(&mut states)?;
        Ok(states
            .iter()
            .map(|s| {
                let present = s.event_state().contains(pcsc::State::PRESENT);
                ReaderInfo {
                    name: s.name().to_string_lossy().into_owned(),
                    card_present: present,
                    exclusive_elsewhere: s.event_state().contains(pcsc::State::EXCLUSIVE),
                    atr: present.then(|| crate::util::hex(s.atr()).to_uppercase()),
                }
            })
            .collect())
    }

    /// Waits up to `timeout` for a card to be inserted or removed, or for readers to come
    /// or go (`SCardGetStatusChange` with the PnP notification pseudo-reader).
    pub fn wait_for_change(&self, timeout: Duration) -> Result<Vec<ReaderEvent>, CardError> {
        let mut states = self.unaware_states()?;
        states.push(pcsc::ReaderState::new(
            pcsc::PNP_NOTIFICATION,
            pcsc::State::UNAWARE,
        ));
        // Learn the current state first, then wait for a change from it.
        self.snapshot(&mut states)?;
        for s in &mut states {
            s.sync_current_state();
        }
        self.ctx
            .get_status_change(timeout, &mut states)
            .map_err(map)?;
        let mut events = Vec::new();
        for s in &states {
            if !s.event_state().contains(pcsc::State::CHANGED) {
                continue;
            }
            let name = s.name().to_string_lossy().into_owned();
            if s.name() == pcsc::PNP_NOTIFICATION {
                events.push(ReaderEvent::ReadersChanged);
            } else if s.event_state().contains(pcsc::State::PRESENT)
                && !s.current_state().contains(pcsc::State::PRESENT)
            {
                events.push(ReaderEvent::CardInserted(name));
            } else if s.event_state().contains(pcsc::State::EMPTY)
                && s.current_state().contains(pcsc::State::PRESENT)
            {
                events.push(ReaderEvent::CardRemoved(name));
            }
        }
        Ok(events)
    }

    /// Connects to the card in `reader`.
    pub fn connect(&self, reader: &str, share: Share) -> Result<Card, CardError> {
        let name = CString::new(reader)
            .map_err(|_| CardError::Transport("reader name with a NUL byte".into()))?;
        let mode = match share {
            Share::Shared => pcsc::ShareMode::Shared,
            Share::Exclusive => pcsc::ShareMode::Exclusive,
        };
        let card = self
            .ctx
            .connect(&name, mode, pcsc::Protocols::ANY)
            .map_err(map)?;
        let atr = card
            .get_attribute_owned(pcsc::Attribute::AtrString)
            .unwrap_or_default();
        Ok(Card {
            card,
            atr,
            reader: reader.into(),
        })
    }
}

/// A connection to one card. Dropping it leaves the card as it is (`imza-pcsc` disconnects
/// with `SCARD_LEAVE_CARD`: a reset would log every other application out of the card, and
/// vpcd's driver cannot do one for a card that has just gone).
pub struct Card {
    card: pcsc::Card,
    atr: Vec<u8>,
    reader: String,
}

impl core::fmt::Debug for Card {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Card")
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

impl Card {
    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }
}

fn transmit(card: &pcsc::Card, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
    let mut buf = alloc::vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    let r = card.transmit(apdu, &mut buf).map_err(map)?;
    if r.len() < 2 {
        // A reader that loses the card mid-command may still report success, with no
        // status word (vpcd does; pcscd says "removed" only a moment later). Nothing came
        // back from the card: it is gone.
        return Err(CardError::Removed);
    }
    Ok(r.to_vec())
}

/// CM_IOCTL_GET_FEATURE_REQUEST (PC/SC part 10): the reader's feature list.
const GET_FEATURE_REQUEST: u32 = 3400;
const FEATURE_VERIFY_PIN_DIRECT: u8 = 0x06;
const FEATURE_MODIFY_PIN_DIRECT: u8 = 0x07;

fn features(card: &pcsc::Card) -> Vec<ReaderFeature> {
    let mut buf = [0u8; 256];
    let Ok(list) = card.control(pcsc::ctl_code(GET_FEATURE_REQUEST), &[], &mut buf) else {
        return Vec::new();
    };
    // TLV list: tag (1), length 4, control code (big-endian).
    list.chunks(6)
        .filter_map(|c| match c {
            [tag, 4, a, b, d, e] => {
                let code = u32::from_be_bytes([*a, *b, *d, *e]);
                match *tag {
                    FEATURE_VERIFY_PIN_DIRECT => Some(ReaderFeature::VerifyPinDirect(code)),
                    FEATURE_MODIFY_PIN_DIRECT => Some(ReaderFeature::ModifyPinDirect(code)),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

fn control(card: &pcsc::Card, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
    let mut buf = [0u8; 258];
    Ok(card.control(code, data, &mut buf).map_err(map)?.to_vec())
}

/// The card inside a transaction.
struct InTransaction<'c> {
    card: &'c pcsc::Card,
    atr: &'c [u8],
}

impl CardTransport for InTransaction<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        transmit(self.card, apdu)
    }

    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn CardTransport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        body(self)
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.to_vec()
    }

    fn features(&mut self) -> Vec<ReaderFeature> {
        features(self.card)
    }

    fn control(&mut self, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
        control(self.card, code, data)
    }
}

impl CardTransport for Card {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        transmit(&self.card, apdu)
    }

    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn CardTransport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        let atr = self.atr.clone();
        let tx = self.card.transaction().map_err(map)?;
        let result = body(&mut InTransaction {
            card: &tx,
            atr: &atr,
        });
        // Leave the card as it is; a reset would drop the PIN state of others' sessions.
        let ended = tx
            .end(pcsc::Disposition::LeaveCard)
            .map_err(|(_, e)| map(e));
        result.and(ended)
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn features(&mut self) -> Vec<ReaderFeature> {
        features(&self.card)
    }

    fn control(&mut self, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
        control(&self.card, code, data)
    }
}
