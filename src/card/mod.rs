//! Smart cards: APDUs, card profiles (PIV, ISO 7816-8 national eID), PIN handling and a
//! [`crate::crypto::Signer`] over a card.
//!
//! The logic is sans-IO over [`CardTransport`]; PC/SC readers are one transport
//! (`card::pcsc`, feature `pcsc`), a [`Scripted`] transport drives the fault-injection tests.
//! A new national card is one more [`Profile`] in the [`Registry`]; often just an
//! [`eid::EidParams`] value.
//!
//! Nothing here retries on its own once a PIN was sent: a card removed or reset by another
//! application between the VERIFY and the signature gives [`CardError::Removed`] or
//! [`CardError::Reset`], and the caller decides (and asks the person again).

pub mod apdu;
pub mod eid;
#[cfg(feature = "pcsc")]
pub mod pcsc;
mod pin;
pub mod piv;
mod signer;
pub mod transport;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use apdu::{Command, Response};
pub use pin::{Pin, PinFormat};
pub use signer::{CardSigner, PinEntry};
pub use transport::{CardTransport, ReaderFeature, Scripted};

pub use crate::error::CardError;

use crate::crypto::{HashAlgorithm, KeyKind};

/// What a card key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPurpose {
    /// Login / authentication (PIV 9A, eID authentication key).
    Authentication,
    /// Qualified or digital signatures (PIV 9C, eID signing key).
    Signing,
}

impl KeyPurpose {
    /// The name used in messages.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::Signing => "signing",
        }
    }
}

/// A certificate read from a card.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CardCertificate {
    /// What its key is for.
    pub purpose: KeyPurpose,
    /// Where it lives on the card ("9A", "9C", "ADF1/3401" ...).
    pub slot: String,
    /// The certificate, DER.
    #[serde(skip)]
    pub der: Vec<u8>,
}

/// The PIN state before a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PinStatus {
    /// Tries left, when the card says.
    pub tries_left: Option<u8>,
    /// Already verified in this session.
    pub verified: bool,
    /// Blocked.
    pub blocked: bool,
}

/// How the card wants a hash and what it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardSignature {
    /// ECDSA as r‖s.
    EcdsaFixed,
    /// ECDSA as DER.
    EcdsaDer,
    /// RSA PKCS#1 v1.5 signature.
    Rsa,
}

/// A kind of card: how to find its certificates, verify its PIN and make it sign.
///
/// Profiles are descriptions, not sessions: every call gets the transport, and the card's
/// state (selected application, verified PIN) lives on the card.
pub trait Profile: fmt::Debug + Send + Sync {
    /// The profile's name ("PIV", "EstEID (IDEMIA)" ...).
    fn name(&self) -> &str;

    /// Whether this ATR is one of this profile's cards.
    fn matches_atr(&self, atr: &[u8]) -> bool;

    /// Whether the card answers like this profile (selects its application).
    fn probe(&self, t: &mut dyn CardTransport) -> Result<bool, CardError>;

    /// The certificates on the card.
    fn certificates(&self, t: &mut dyn CardTransport) -> Result<Vec<CardCertificate>, CardError>;

    /// The PIN rules for a purpose (reference, length, padding).
    fn pin_format(&self, purpose: KeyPurpose) -> PinFormat;

    /// Selects what signing with `purpose` needs (application, security environment),
    /// before the PIN is verified.
    fn prepare(&self, t: &mut dyn CardTransport, purpose: KeyPurpose) -> Result<(), CardError>;

    /// Signs `hash` (computed by the host with `hash_alg`) with the `purpose` key, after
    /// [`Profile::prepare`] and a PIN verification. RSA keys get the PKCS#1 v1.5 encoding
    /// built here as the card needs it.
    fn sign_hash(
        &self,
        t: &mut dyn CardTransport,
        purpose: KeyPurpose,
        key: KeyKind,
        hash_alg: HashAlgorithm,
        hash: &[u8],
    ) -> Result<(Vec<u8>, CardSignature), CardError>;
}

/// The profiles imza knows, tried in order: by ATR first, then by probing.
#[derive(Debug)]
pub struct Registry {
    profiles: Vec<Box<dyn Profile>>,
}

impl Default for Registry {
    /// PIV and the Estonian IDEMIA eID card.
    fn default() -> Self {
        Self {
            profiles: alloc::vec![
                Box::new(eid::Eid::new(eid::EidParams::estonia_idemia())),
                Box::new(piv::Piv),
            ],
        }
    }
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Self {
        Self {
            profiles: Vec::new(),
        }
    }

    /// Adds a profile (a new national card), tried after the present ones.
    pub fn add(&mut self, p: Box<dyn Profile>) {
        self.profiles.push(p);
    }

    /// The profile for the card behind `t`: the first whose ATR matches, else the first
    /// that recognises the card when probed.
    pub fn detect(&self, t: &mut dyn CardTransport) -> Result<&dyn Profile, CardError> {
        let atr = t.atr();
        if let Some(p) = self.profiles.iter().find(|p| p.matches_atr(&atr)) {
            return Ok(p.as_ref());
        }
        for p in &self.profiles {
            match p.probe(t) {
                Ok(true) => return Ok(p.as_ref()),
                Ok(false) | Err(CardError::FileNotFound) | Err(CardError::Status { .. }) => {}
                Err(CardError::NotSupported) => {}
                Err(e) => return Err(e),
            }
        }
        Err(CardError::UnknownCard)
    }
}

/// Reads the PIN state by an empty VERIFY (ISO 7816-4: 9000 verified, 63Cx tries left,
/// 6983 blocked).
pub fn pin_status(t: &mut dyn CardTransport, reference: u8) -> Result<PinStatus, CardError> {
    let r = apdu::exchange(t, &Command::new(0x00, 0x20, 0x00, reference), false)?;
    Ok(match r.sw {
        0x9000 => PinStatus {
            tries_left: None,
            verified: true,
            blocked: false,
        },
        sw if sw & 0xfff0 == 0x63c0 => PinStatus {
            tries_left: Some((sw & 0x0f) as u8),
            verified: false,
            blocked: sw & 0x0f == 0,
        },
        0x6983 => PinStatus {
            tries_left: Some(0),
            verified: false,
            blocked: true,
        },
        sw => return Err(apdu::status_error(sw)),
    })
}
