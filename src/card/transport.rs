//! The one interface between card logic and a reader: sans-IO, so the same profiles run
//! over PC/SC (`card::pcsc`, feature `pcsc`), over a scripted transport in tests, or over
//! anything else that moves APDUs.

use alloc::string::String;
use alloc::vec::Vec;

use super::CardError;

/// A PIN-pad feature the reader offers (PC/SC part 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReaderFeature {
    /// FEATURE_VERIFY_PIN_DIRECT, with its `SCardControl` code.
    VerifyPinDirect(u32),
    /// FEATURE_MODIFY_PIN_DIRECT, with its `SCardControl` code.
    ModifyPinDirect(u32),
}

/// Moves APDUs to one card.
pub trait CardTransport {
    /// Sends a command APDU and returns the response APDU (data and status word).
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError>;

    /// Runs `body` with the card held for this caller alone (PC/SC
    /// `SCardBeginTransaction` / `SCardEndTransaction`), so that another application cannot
    /// slip a command between a VERIFY and the signature it unlocks. A transport without
    /// transactions runs `body(self)`.
    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn CardTransport) -> Result<(), CardError>,
    ) -> Result<(), CardError>;

    /// The card's answer to reset.
    fn atr(&self) -> Vec<u8>;

    /// The reader's PIN-pad features.
    fn features(&mut self) -> Vec<ReaderFeature> {
        Vec::new()
    }

    /// `SCardControl`: a reader command (PIN pad).
    fn control(&mut self, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
        let _ = (code, data);
        Err(CardError::NotSupported)
    }
}

/// One scripted step: the expected command (hex, spaces ignored; a trailing `*` matches any
/// rest) and the response to give, or an error.
#[derive(Clone, Debug)]
pub struct Step {
    expect: String,
    reply: Result<Vec<u8>, CardError>,
}

/// A transport that plays a script: for unit tests and fault injection (a card removed or
/// reset at a given command, a reader with a PIN pad, status words no real card gives on
/// demand). It fails the exchange on any command the script does not expect.
#[derive(Clone, Debug, Default)]
pub struct Scripted {
    steps: Vec<Step>,
    next: usize,
    atr: Vec<u8>,
    features: Vec<ReaderFeature>,
    /// Control calls received: (code, data).
    pub controls: Vec<(u32, Vec<u8>)>,
    /// Commands received, as sent.
    pub sent: Vec<Vec<u8>>,
}

fn unhex(s: &str) -> Vec<u8> {
    let clean: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    clean
        .chunks(2)
        .filter_map(|p| core::str::from_utf8(p).ok())
        .filter_map(|p| u8::from_str_radix(p, 16).ok())
        .collect()
}

impl Scripted {
    /// A script of (command, response) pairs in hex.
    pub fn new(pairs: &[(&str, &str)]) -> Self {
        Self {
            steps: pairs
                .iter()
                .map(|(c, r)| Step {
                    expect: String::from(*c),
                    reply: Ok(unhex(r)),
                })
                .collect(),
            ..Self::default()
        }
    }

    /// Adds a step that fails with `err` (removal, reset, sharing violation ...).
    pub fn then_fail(mut self, expect: &str, err: CardError) -> Self {
        self.steps.push(Step {
            expect: expect.into(),
            reply: Err(err),
        });
        self
    }

    /// Adds a step.
    pub fn then(mut self, expect: &str, reply: &str) -> Self {
        self.steps.push(Step {
            expect: expect.into(),
            reply: Ok(unhex(reply)),
        });
        self
    }

    /// Sets the ATR.
    pub fn with_atr(mut self, atr: &[u8]) -> Self {
        self.atr = atr.to_vec();
        self
    }

    /// Offers reader features (a PIN pad).
    pub fn with_features(mut self, f: &[ReaderFeature]) -> Self {
        self.features = f.to_vec();
        self
    }

    /// Whether every step was played.
    pub fn is_done(&self) -> bool {
        self.next == self.steps.len()
    }

    /// Panics unless every step was played (tests only).
    #[cfg(test)]
    pub(crate) fn assert_done(&self) {
        assert!(
            self.is_done(),
            "{} of {} steps played",
            self.next,
            self.steps.len()
        );
    }
}

impl CardTransport for Scripted {
    fn transaction(
        &mut self,
        body: &mut dyn FnMut(&mut dyn CardTransport) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        body(self)
    }

    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        self.sent.push(apdu.to_vec());
        let step = self.steps.get(self.next).cloned().ok_or_else(|| {
            CardError::Transport(alloc::format!(
                "unscripted command {}",
                crate::util::hex(apdu)
            ))
        })?;
        let (prefix, any_rest) = match step.expect.strip_suffix('*') {
            Some(p) => (unhex(p), true),
            None => (unhex(&step.expect), false),
        };
        let matches = if any_rest {
            apdu.starts_with(&prefix)
        } else {
            apdu == prefix.as_slice()
        };
        if !matches {
            return Err(CardError::Transport(alloc::format!(
                "step {}: expected {}, got {}",
                self.next,
                step.expect,
                crate::util::hex(apdu)
            )));
        }
        self.next += 1;
        step.reply
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn features(&mut self) -> Vec<ReaderFeature> {
        self.features.clone()
    }

    fn control(&mut self, code: u32, data: &[u8]) -> Result<Vec<u8>, CardError> {
        self.controls.push((code, data.to_vec()));
        // The reader's answer to a PIN-pad verification is a response APDU, scripted as
        // a step whose command is "CONTROL".
        let step = self
            .steps
            .get(self.next)
            .cloned()
            .ok_or_else(|| CardError::Transport("unscripted control".into()))?;
        if step.expect != "CONTROL" {
            return Err(CardError::Transport(alloc::format!(
                "step {}: expected {}, got a control call",
                self.next,
                step.expect
            )));
        }
        self.next += 1;
        step.reply
    }
}
