//! A virtual smart card for testing imza's PC/SC layer through the real stack: `pcscd` with
//! the `vpcd` reader driver from vsmartcard. The card connects to vpcd over TCP
//! ([`vpcd`]); connecting inserts it, closing the socket removes it.
//!
//! Two card models ([`Profile`]):
//!
//! - **PIV** (NIST SP 800-73-4): SELECT, GET DATA for the 9A/9C certificates, VERIFY
//!   (PIN reference 80), GENERAL AUTHENTICATE with ECC P-256 (`piv`) or RSA 2048 (`piv-rsa`).
//! - **eID** (ISO 7816-8, modelled on the Estonian IDEMIA card): SELECT MF / AID / path,
//!   READ BINARY, MSE:SET, VERIFY PIN1/PIN2, PSO: COMPUTE DIGITAL SIGNATURE (P-384),
//!   INTERNAL AUTHENTICATE (P-256).
//!
//! Common to both ([`Card::transmit`]): short and extended APDUs, command chaining
//! (CLA `10`), `61xx` + GET RESPONSE for answers longer than a short Le.
//!
//! Test support, not product: keys come from `test-vectors/pki`.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod apdu;
mod eid;
pub mod keys;
mod piv;
pub mod tlv;
pub mod vpcd;

use apdu::{sw, Command, Response};

/// An error loading the card's keys or certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub(crate) fn new(msg: String) -> Self {
        Self(msg)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Which card to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// PIV with ECC P-256 keys in 9A and 9C.
    Piv,
    /// PIV with RSA 2048 keys in 9A and 9C.
    PivRsa,
    /// The national eID card (P-256 authentication key, P-384 signing key).
    Eid,
}

impl std::str::FromStr for Profile {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "piv" => Ok(Self::Piv),
            "piv-rsa" => Ok(Self::PivRsa),
            "eid" => Ok(Self::Eid),
            other => Err(Error::new(format!(
                "unknown profile {other:?} (piv, piv-rsa, eid)"
            ))),
        }
    }
}

/// How to build a [`Card`].
#[derive(Clone, Debug)]
pub struct CardConfig {
    /// The card model.
    pub profile: Profile,
    /// The test PKI directory (`test-vectors/pki`).
    pub keys_dir: PathBuf,
    /// PIV PIN (default `123456`).
    pub piv_pin: String,
    /// eID PIN1, authentication (default `1234`).
    pub pin1: String,
    /// eID PIN2, signing (default `12345`).
    pub pin2: String,
    /// Answer a signing command by vanishing ([`Reply::Vanish`]).
    pub vanish_on_sign: bool,
}

impl CardConfig {
    /// Defaults for a profile, keys from [`default_keys_dir`].
    pub fn new(profile: Profile) -> Self {
        Self {
            profile,
            keys_dir: default_keys_dir(),
            piv_pin: "123456".into(),
            pin1: "1234".into(),
            pin2: "12345".into(),
            vanish_on_sign: false,
        }
    }
}

/// `test-vectors/pki` under the current directory if it is there, else the workspace's.
pub fn default_keys_dir() -> PathBuf {
    let here = PathBuf::from("test-vectors/pki");
    if here.is_dir() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/pki")
    }
}

/// What the card does with a command APDU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The response APDU (data, SW1, SW2).
    Apdu(Vec<u8>),
    /// The card is pulled out of the reader before it answers (`--vanish-on-sign`).
    Vanish,
}

#[derive(Debug)]
enum App {
    Piv(piv::Piv),
    Eid(Box<eid::Eid>),
}

/// A chain of commands being collected (CLA `10`).
#[derive(Debug)]
struct Chain {
    header: [u8; 3],
    data: Vec<u8>,
}

/// Largest command data accepted through chaining.
const MAX_CHAIN: usize = 65536;

/// A virtual card: the APDU layer (chaining, GET RESPONSE) over a card model.
#[derive(Debug)]
pub struct Card {
    app: App,
    chain: Option<Chain>,
    pending: Vec<u8>,
    vanish_on_sign: bool,
}

impl Card {
    /// Builds the card, reading its keys and certificates from `config.keys_dir`.
    pub fn new(config: &CardConfig) -> Result<Self, Error> {
        let app = match config.profile {
            Profile::Piv | Profile::PivRsa => App::Piv(piv::Piv::new(config)?),
            Profile::Eid => App::Eid(Box::new(eid::Eid::new(config)?)),
        };
        Ok(Self {
            app,
            chain: None,
            pending: Vec::new(),
            vanish_on_sign: config.vanish_on_sign,
        })
    }

    /// The answer to reset.
    pub fn atr(&self) -> &'static [u8] {
        match &self.app {
            App::Piv(_) => piv::ATR,
            App::Eid(_) => eid::ATR,
        }
    }

    /// Power off: volatile state (selection, verified PINs, security environment) is lost;
    /// PIN retry counters are kept.
    pub fn power_off(&mut self) {
        self.reset();
    }

    /// Power on.
    pub fn power_on(&mut self) {
        self.reset();
    }

    /// Warm reset: as power off.
    pub fn reset(&mut self) {
        self.chain = None;
        self.pending.clear();
        match &mut self.app {
            App::Piv(c) => c.reset(),
            App::Eid(c) => c.reset(),
        }
    }

    /// Processes one command APDU.
    pub fn transmit(&mut self, raw: &[u8]) -> Reply {
        let cmd = match Command::parse(raw) {
            Ok(cmd) => cmd,
            Err(status) => {
                self.chain = None;
                self.pending.clear();
                return Reply::Apdu(Response::status(status).to_bytes());
            }
        };
        match self.command(cmd) {
            Some(resp) => Reply::Apdu(resp.to_bytes()),
            None => Reply::Vanish,
        }
    }

    fn command(&mut self, cmd: Command) -> Option<Response> {
        if cmd.cla & !0x10 != 0 {
            self.chain = None;
            return Some(sw::CLA_NOT_SUPPORTED.into());
        }
        if cmd.ins == 0xC0 && cmd.cla == 0 && self.chain.is_none() {
            return Some(self.get_response(&cmd));
        }
        self.pending.clear();
        let header = [cmd.ins, cmd.p1, cmd.p2];
        // A command that does not continue the chain abandons it.
        let mut chain = self.chain.take().filter(|c| c.header == header);
        if cmd.cla & 0x10 != 0 {
            let mut c = chain.unwrap_or(Chain {
                header,
                data: Vec::new(),
            });
            if c.data.len() + cmd.data.len() > MAX_CHAIN {
                return Some(sw::WRONG_LENGTH.into());
            }
            c.data.extend_from_slice(&cmd.data);
            self.chain = Some(c);
            return Some(sw::OK.into());
        }
        let cmd = match chain.take() {
            Some(mut c) => {
                c.data.extend_from_slice(&cmd.data);
                Command {
                    data: c.data,
                    ..cmd
                }
            }
            None => cmd,
        };
        let signing = match &self.app {
            App::Piv(_) => piv::is_signing(&cmd),
            App::Eid(_) => eid::is_signing(&cmd),
        };
        if signing && self.vanish_on_sign {
            return None;
        }
        let resp = match &mut self.app {
            App::Piv(c) => c.process(&cmd),
            App::Eid(c) => c.process(&cmd),
        };
        Some(self.deliver(resp, &cmd))
    }

    /// Cuts a response to a short Le: the first Ne bytes now, `61xx`, the rest by GET
    /// RESPONSE. An extended Le gets everything at once.
    fn deliver(&mut self, mut resp: Response, cmd: &Command) -> Response {
        if cmd.extended {
            return resp;
        }
        let ne = cmd.le.unwrap_or(256);
        if resp.data.len() <= ne {
            return resp;
        }
        self.pending = resp.data.split_off(ne);
        resp.sw = more(self.pending.len());
        resp
    }

    fn get_response(&mut self, cmd: &Command) -> Response {
        if cmd.p1p2() != 0 {
            return sw::WRONG_P1P2.into();
        }
        if self.pending.is_empty() {
            return sw::CONDITIONS_NOT_SATISFIED.into();
        }
        let ne = if cmd.extended {
            usize::MAX
        } else {
            cmd.le.unwrap_or(256)
        };
        let rest = self.pending.split_off(ne.min(self.pending.len()));
        let data = std::mem::replace(&mut self.pending, rest);
        if self.pending.is_empty() {
            Response::ok(data)
        } else {
            Response {
                data,
                sw: more(self.pending.len()),
            }
        }
    }
}

/// `61 xx`: xx more bytes (00 for 256 or more).
fn more(remaining: usize) -> u16 {
    0x6100 | u16::from(u8::try_from(remaining).unwrap_or(0))
}

/// A PIN with its retry counter.
#[derive(Debug)]
pub(crate) struct Pin {
    value: Vec<u8>,
    /// Length of the padded PIN block (8 for PIV, 12 for the eID card), padding 0xFF.
    block_len: usize,
    max_tries: u8,
    tries: u8,
    verified: bool,
}

impl Pin {
    pub(crate) fn new(value: &str, block_len: usize) -> Result<Self, Error> {
        if value.is_empty() || value.len() > block_len {
            return Err(Error::new(format!(
                "a PIN of 1 to {block_len} characters, not {}",
                value.len()
            )));
        }
        Ok(Self {
            value: value.as_bytes().to_vec(),
            block_len,
            max_tries: 3,
            tries: 3,
            verified: false,
        })
    }

    /// VERIFY with `data` (empty: ask for the state).
    pub(crate) fn verify(&mut self, data: &[u8]) -> u16 {
        if self.tries == 0 {
            return sw::BLOCKED;
        }
        if data.is_empty() {
            return if self.verified {
                sw::OK
            } else {
                sw::tries_left(self.tries)
            };
        }
        if data.len() != self.block_len {
            return sw::WRONG_LENGTH;
        }
        let mut expected = self.value.clone();
        expected.resize(self.block_len, 0xFF);
        if data == expected.as_slice() {
            self.tries = self.max_tries;
            self.verified = true;
            sw::OK
        } else {
            self.tries = self.tries.saturating_sub(1);
            self.verified = false;
            if self.tries == 0 {
                sw::BLOCKED
            } else {
                sw::tries_left(self.tries)
            }
        }
    }

    pub(crate) fn is_verified(&self) -> bool {
        self.verified
    }

    pub(crate) fn clear(&mut self) {
        self.verified = false;
    }
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::new(format!("{}: {e}", path.display())))
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// Sends a hex APDU, returns (data, SW).
    pub(crate) fn send(card: &mut Card, apdu: &str) -> (Vec<u8>, u16) {
        send_bytes(card, &hex::decode(apdu.replace(' ', "")).unwrap())
    }

    pub(crate) fn send_bytes(card: &mut Card, apdu: &[u8]) -> (Vec<u8>, u16) {
        match card.transmit(apdu) {
            Reply::Apdu(mut r) => {
                assert!(r.len() >= 2);
                let sw = r.split_off(r.len() - 2);
                (r, u16::from_be_bytes([sw[0], sw[1]]))
            }
            Reply::Vanish => panic!("the card vanished"),
        }
    }

    pub(crate) fn sw_of(card: &mut Card, apdu: &str) -> u16 {
        send(card, apdu).1
    }

    pub(crate) fn card(profile: Profile) -> Card {
        Card::new(&CardConfig::new(profile)).unwrap()
    }

    /// The certificate's SubjectPublicKeyInfo DER.
    pub(crate) fn spki(cert_der: &[u8]) -> Vec<u8> {
        use der::Encode;
        imza::cert::parse_der(cert_der)
            .unwrap()
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap()
    }

    pub(crate) fn pki(rel: &str) -> Vec<u8> {
        std::fs::read(default_keys_dir().join(rel)).unwrap()
    }
}
