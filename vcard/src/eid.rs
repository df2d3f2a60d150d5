//! A national eID card (ISO 7816-4/-8), modelled on the Estonian IDEMIA card as public
//! middleware drives it: a main application with the certificate files and PIN1 for
//! authentication, a "QSCD" application with PIN2 for qualified signatures.

use crate::apdu::{sw, Command, Response};
use crate::keys::Key;
use crate::{read_file, tlv, CardConfig, Error, Pin};

/// The IDEMIA Cosmo card's ATR.
pub(crate) const ATR: &[u8] = &[
    0x3B, 0xDB, 0x96, 0x00, 0x80, 0xB1, 0xFE, 0x45, 0x1F, 0x83, 0x00, 0x12, 0x23, 0x3F, 0x53, 0x65,
    0x49, 0x44, 0x0F, 0x90, 0x00, 0xF1,
];

const MAIN_AID: &[u8] = &[
    0xA0, 0x00, 0x00, 0x00, 0x77, 0x01, 0x08, 0x00, 0x07, 0x00, 0x00, 0xFE, 0x00, 0x00, 0x01, 0x00,
];
const QSCD_AID: &[u8] = b"QSCD Application";

const AUTH_CERT_PATH: &[u8] = &[0xAD, 0xF1, 0x34, 0x01];
const SIGN_CERT_PATH: &[u8] = &[0xAD, 0xF2, 0x34, 0x01];

/// MSE:SET for signing: DST, algorithm 54, key 9F (QSCD application).
const MSE_SIGN: &[u8] = &[0x80, 0x01, 0x54, 0x84, 0x01, 0x9F];
/// MSE:SET for authentication: AT, algorithm 04, key 81 (main application).
const MSE_AUTH: &[u8] = &[0x80, 0x01, 0x04, 0x84, 0x01, 0x81];

/// Most bytes one READ BINARY returns.
const MAX_READ: usize = 0xC0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Df {
    /// The MF, which is the main application.
    Main,
    Qscd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ef {
    AuthCert,
    SignCert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Env {
    Sign,
    Auth,
}

#[derive(Debug)]
pub(crate) struct Eid {
    df: Df,
    ef: Option<Ef>,
    env: Option<Env>,
    pin1: Pin,
    pin2: Pin,
    auth_key: Key,
    sign_key: Key,
    auth_cert: Vec<u8>,
    sign_cert: Vec<u8>,
}

/// PSO: COMPUTE DIGITAL SIGNATURE and INTERNAL AUTHENTICATE.
pub(crate) fn is_signing(cmd: &Command) -> bool {
    (cmd.ins == 0x2A && cmd.p1p2() == 0x9E9A) || cmd.ins == 0x88
}

impl Eid {
    pub(crate) fn new(config: &CardConfig) -> Result<Self, Error> {
        let dir = &config.keys_dir;
        let auth_key = Key::load(&dir.join("ecdsa-p256/login.key"))?;
        let sign_key = Key::load(&dir.join("ecdsa-p384/signer.key"))?;
        if !matches!(auth_key, Key::P256(_)) || !matches!(sign_key, Key::P384(_)) {
            return Err(Error::new(
                "the eID card needs a P-256 login key and a P-384 signer key".into(),
            ));
        }
        Ok(Self {
            df: Df::Main,
            ef: None,
            env: None,
            pin1: Pin::new(&config.pin1, 12)?,
            pin2: Pin::new(&config.pin2, 12)?,
            auth_key,
            sign_key,
            auth_cert: read_file(&dir.join("ecdsa-p256/login.der"))?,
            sign_cert: read_file(&dir.join("ecdsa-p384/signer.der"))?,
        })
    }

    pub(crate) fn reset(&mut self) {
        self.df = Df::Main;
        self.ef = None;
        self.env = None;
        self.pin1.clear();
        self.pin2.clear();
    }

    pub(crate) fn process(&mut self, cmd: &Command) -> Response {
        match cmd.ins {
            0xA4 => self.select(cmd),
            0xB0 => self.read_binary(cmd),
            0x22 => self.mse_set(cmd),
            0x20 => self.verify(cmd),
            0x2A => self.pso(cmd),
            0x88 => self.internal_authenticate(cmd),
            _ => sw::INS_NOT_SUPPORTED.into(),
        }
    }

    fn select(&mut self, cmd: &Command) -> Response {
        let fcp = match cmd.p2 {
            0x0C => false,
            0x00 | 0x04 => true,
            _ => return sw::WRONG_P1P2.into(),
        };
        match cmd.p1 {
            // MF (no data, or 3F00).
            0x00 if cmd.data.is_empty() || cmd.data == [0x3F, 0x00] => {
                self.enter(Df::Main);
                self.answer_df(fcp, MAIN_AID)
            }
            0x00 => sw::NOT_FOUND.into(),
            0x04 => {
                if cmd.data == MAIN_AID {
                    self.enter(Df::Main);
                    self.answer_df(fcp, MAIN_AID)
                } else if cmd.data == QSCD_AID {
                    self.enter(Df::Qscd);
                    self.answer_df(fcp, QSCD_AID)
                } else {
                    sw::NOT_FOUND.into()
                }
            }
            // Path from the MF (08) or from the current DF (09); the certificate DFs are
            // under the MF, not under the QSCD application.
            0x08 | 0x09 => {
                let from_mf = cmd.p1 == 0x08 || self.df == Df::Main;
                let path = cmd
                    .data
                    .strip_prefix(&[0x3F, 0x00][..])
                    .unwrap_or(&cmd.data);
                let ef = if !from_mf {
                    None
                } else if path == AUTH_CERT_PATH {
                    Some(Ef::AuthCert)
                } else if path == SIGN_CERT_PATH {
                    Some(Ef::SignCert)
                } else {
                    None
                };
                let Some(ef) = ef else {
                    return sw::NOT_FOUND.into();
                };
                if cmd.p1 == 0x08 && self.df != Df::Main {
                    self.enter(Df::Main);
                }
                self.ef = Some(ef);
                if fcp {
                    let size = u16::try_from(self.file(ef).len()).unwrap_or(u16::MAX);
                    let inner = tlv::concat(&[
                        tlv::encode(&[0x80], &size.to_be_bytes()),
                        tlv::encode(&[0x82], &[0x01]),
                        tlv::encode(&[0x83], path.get(2..).unwrap_or_default()),
                    ]);
                    Response::ok(tlv::encode(&[0x62], &inner))
                } else {
                    sw::OK.into()
                }
            }
            _ => sw::WRONG_P1P2.into(),
        }
    }

    /// Selecting a DF drops the current EF and the security environment.
    fn enter(&mut self, df: Df) {
        self.df = df;
        self.ef = None;
        self.env = None;
    }

    fn answer_df(&self, fcp: bool, name: &[u8]) -> Response {
        if fcp {
            Response::ok(tlv::encode(&[0x62], &tlv::encode(&[0x84], name)))
        } else {
            sw::OK.into()
        }
    }

    fn file(&self, ef: Ef) -> &[u8] {
        match ef {
            Ef::AuthCert => &self.auth_cert,
            Ef::SignCert => &self.sign_cert,
        }
    }

    fn read_binary(&self, cmd: &Command) -> Response {
        if cmd.p1 & 0x80 != 0 {
            // Short EF identifiers: not on this card.
            return sw::WRONG_P1P2.into();
        }
        let Some(ef) = self.ef else {
            return sw::NO_CURRENT_EF.into();
        };
        let file = self.file(ef);
        let offset = usize::from(cmd.p1p2());
        let Some(rest) = file.get(offset..).filter(|r| !r.is_empty()) else {
            return sw::OFFSET_OUTSIDE.into();
        };
        let want = match cmd.le {
            Some(n) if n <= MAX_READ => n,
            _ => MAX_READ,
        };
        Response::ok(rest.iter().take(want).copied().collect())
    }

    fn mse_set(&mut self, cmd: &Command) -> Response {
        let env = match cmd.p1p2() {
            0x41B6 => Env::Sign,
            0x41A4 => Env::Auth,
            _ => return sw::WRONG_P1P2.into(),
        };
        let valid = match env {
            Env::Sign => self.df == Df::Qscd && cmd.data == MSE_SIGN,
            Env::Auth => self.df == Df::Main && cmd.data == MSE_AUTH,
        };
        if !valid {
            self.env = None;
            return sw::WRONG_DATA.into();
        }
        self.env = Some(env);
        sw::OK.into()
    }

    fn verify(&mut self, cmd: &Command) -> Response {
        match (cmd.p1, cmd.p2) {
            (0x00, 0x01) => self.pin1.verify(&cmd.data).into(),
            (0x00, 0x85) => self.pin2.verify(&cmd.data).into(),
            _ => sw::WRONG_P1P2.into(),
        }
    }

    fn pso(&mut self, cmd: &Command) -> Response {
        if cmd.p1p2() != 0x9E9A {
            return sw::WRONG_P1P2.into();
        }
        if self.df != Df::Qscd || self.env != Some(Env::Sign) {
            return sw::CONDITIONS_NOT_SATISFIED.into();
        }
        if cmd.data.len() != 48 {
            return sw::WRONG_LENGTH.into();
        }
        if !self.pin2.is_verified() {
            return sw::SECURITY_NOT_SATISFIED.into();
        }
        let Some(sig) = self.sign_key.sign_prehash(&cmd.data) else {
            return sw::WRONG_DATA.into();
        };
        // PIN2 is good for one signature.
        self.pin2.clear();
        Response::ok(sig.raw)
    }

    fn internal_authenticate(&mut self, cmd: &Command) -> Response {
        if cmd.p1p2() != 0 {
            return sw::WRONG_P1P2.into();
        }
        if self.df != Df::Main || self.env != Some(Env::Auth) {
            return sw::CONDITIONS_NOT_SATISFIED.into();
        }
        if !matches!(cmd.data.len(), 32 | 48 | 64) {
            return sw::WRONG_LENGTH.into();
        }
        if !self.pin1.is_verified() {
            return sw::SECURITY_NOT_SATISFIED.into();
        }
        match self.auth_key.sign_prehash(&cmd.data) {
            Some(sig) => Response::ok(sig.raw),
            None => sw::WRONG_DATA.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{card, pki, send, send_bytes, spki, sw_of};
    use crate::{Card, CardConfig, Profile, Reply};
    use imza::crypto::{digest, verify, EcdsaEncoding, HashAlgorithm, Message, SignatureAlgorithm};

    const SELECT_MAIN: &str = "00 A4 04 0C 10 A0 00 00 00 77 01 08 00 07 00 00 FE 00 00 01 00";
    const SELECT_QSCD: &str = "00 A4 04 0C 10 51 53 43 44 20 41 70 70 6C 69 63 61 74 69 6F 6E";
    const MSE_SIGN: &str = "00 22 41 B6 06 80 01 54 84 01 9F";
    const MSE_AUTH: &str = "00 22 41 A4 06 80 01 04 84 01 81";
    const PIN1_OK: &str = "00 20 00 01 0C 31 32 33 34 FF FF FF FF FF FF FF FF";
    const PIN1_BAD: &str = "00 20 00 01 0C 31 31 31 31 FF FF FF FF FF FF FF FF";
    const PIN2_OK: &str = "00 20 00 85 0C 31 32 33 34 35 FF FF FF FF FF FF FF";
    const PIN2_BAD: &str = "00 20 00 85 0C 35 34 33 32 31 FF FF FF FF FF FF FF";

    fn fixed(hash: HashAlgorithm) -> SignatureAlgorithm {
        SignatureAlgorithm::Ecdsa {
            hash,
            encoding: EcdsaEncoding::Fixed,
        }
    }

    fn apdu(header: [u8; 4], data: &[u8]) -> Vec<u8> {
        let mut a = header.to_vec();
        a.push(u8::try_from(data.len()).unwrap());
        a.extend_from_slice(data);
        a.push(0);
        a
    }

    fn read_file(c: &mut Card, path: &str) -> Vec<u8> {
        let (fcp, sw) = send(c, &format!("00 A4 09 04 04 {path} 00"));
        assert_eq!(sw, 0x9000);
        let inner = crate::tlv::find(&fcp, 0x62).unwrap();
        let size = crate::tlv::find(inner, 0x80).unwrap();
        let size = usize::from(u16::from_be_bytes([size[0], size[1]]));
        let mut out = Vec::new();
        while out.len() < size {
            let (part, sw) = send(c, &format!("00 B0 {:04X} 00", out.len()));
            assert_eq!(sw, 0x9000);
            assert!(part.len() == 0xC0 || out.len() + part.len() == size);
            out.extend(part);
        }
        assert_eq!(sw_of(c, &format!("00 B0 {:04X} 00", out.len())), 0x6B00);
        out
    }

    #[test]
    fn atr_select_and_read_certificates() {
        let mut c = card(Profile::Eid);
        assert_eq!(
            hex::encode_upper(c.atr()),
            "3BDB960080B1FE451F830012233F536549440F9000F1"
        );
        assert_eq!(sw_of(&mut c, "00 B0 00 00 00"), 0x6986);
        assert_eq!(sw_of(&mut c, "00 A4 00 0C"), 0x9000);
        assert_eq!(sw_of(&mut c, SELECT_MAIN), 0x9000);
        assert_eq!(sw_of(&mut c, "00 A4 04 0C 05 A0 00 00 03 08"), 0x6A82);
        assert_eq!(
            read_file(&mut c, "AD F1 34 01"),
            pki("ecdsa-p256/login.der")
        );
        assert_eq!(
            read_file(&mut c, "AD F2 34 01"),
            pki("ecdsa-p384/signer.der")
        );
        // P2 0C: no FCP. Partial reads with a small Le; beyond the end.
        assert_eq!(send(&mut c, "00 A4 09 0C 04 AD F1 34 01"), (vec![], 0x9000));
        let cert = pki("ecdsa-p256/login.der");
        assert_eq!(send(&mut c, "00 B0 00 10 08").0, cert[0x10..0x18]);
        assert_eq!(send(&mut c, "00 B0 00 00 FF").0.len(), 0xC0);
        assert_eq!(sw_of(&mut c, "00 B0 7F 00 00"), 0x6B00);
        assert_eq!(sw_of(&mut c, "00 B0 81 00 00"), 0x6A86);
        assert_eq!(sw_of(&mut c, "00 A4 09 04 04 AD F3 34 01 00"), 0x6A82);
        assert_eq!(sw_of(&mut c, "00 A4 09 05 04 AD F1 34 01 00"), 0x6A86);
        assert_eq!(sw_of(&mut c, "00 A4 02 0C 02 34 01"), 0x6A86);
        // The certificate files are not in the QSCD application.
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(sw_of(&mut c, "00 B0 00 00 00"), 0x6986);
        assert_eq!(sw_of(&mut c, "00 A4 09 0C 04 AD F1 34 01"), 0x6A82);
        // ... but a path from the MF leaves it.
        assert_eq!(sw_of(&mut c, "00 A4 08 0C 04 AD F2 34 01"), 0x9000);
        assert_eq!(
            send(&mut c, "00 B0 00 00 04").0,
            pki("ecdsa-p384/signer.der")[..4]
        );
        assert_eq!(sw_of(&mut c, "00 FF 00 00"), 0x6D00);
    }

    #[test]
    fn mse_set() {
        let mut c = card(Profile::Eid);
        assert_eq!(sw_of(&mut c, SELECT_MAIN), 0x9000);
        assert_eq!(sw_of(&mut c, MSE_SIGN), 0x6A80);
        assert_eq!(sw_of(&mut c, MSE_AUTH), 0x9000);
        assert_eq!(sw_of(&mut c, "00 22 41 A4 06 80 01 04 84 01 82"), 0x6A80);
        assert_eq!(sw_of(&mut c, "00 22 81 B6 06 80 01 54 84 01 9F"), 0x6A86);
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(sw_of(&mut c, MSE_AUTH), 0x6A80);
        assert_eq!(sw_of(&mut c, MSE_SIGN), 0x9000);
        assert_eq!(sw_of(&mut c, "00 22 41 B6 06 80 01 54 84 01 9E"), 0x6A80);
    }

    #[test]
    fn pin_counters() {
        let mut c = card(Profile::Eid);
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 00 85"), 0x63C3);
        assert_eq!(sw_of(&mut c, PIN2_BAD), 0x63C2);
        assert_eq!(sw_of(&mut c, PIN2_BAD), 0x63C1);
        assert_eq!(sw_of(&mut c, "00 20 00 85"), 0x63C1);
        // PIN1 has its own counter.
        assert_eq!(sw_of(&mut c, "00 20 00 01"), 0x63C3);
        assert_eq!(sw_of(&mut c, PIN1_BAD), 0x63C2);
        assert_eq!(sw_of(&mut c, PIN1_OK), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 00 01"), 0x9000);
        assert_eq!(sw_of(&mut c, PIN2_OK), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 00 85"), 0x9000);
        c.reset();
        assert_eq!(sw_of(&mut c, "00 20 00 85"), 0x63C3);
        assert_eq!(sw_of(&mut c, "00 20 00 01"), 0x63C3);
        for expected in [0x63C2, 0x63C1, 0x6983, 0x6983] {
            assert_eq!(sw_of(&mut c, PIN2_BAD), expected);
        }
        assert_eq!(sw_of(&mut c, PIN2_OK), 0x6983);
        assert_eq!(sw_of(&mut c, "00 20 00 85"), 0x6983);
        assert_eq!(sw_of(&mut c, "00 20 00 85 05 31 32 33 34 35"), 0x6983);
        assert_eq!(sw_of(&mut c, "00 20 00 01 04 31 32 33 34"), 0x6700);
        assert_eq!(
            sw_of(&mut c, "00 20 00 02 0C 31 32 33 34 FF FF FF FF FF FF FF FF"),
            0x6A86
        );
        assert_eq!(sw_of(&mut c, PIN1_OK), 0x9000);
    }

    #[test]
    fn pso_compute_digital_signature() {
        let spki = spki(&pki("ecdsa-p384/signer.der"));
        let mut c = card(Profile::Eid);
        let h384 = digest(HashAlgorithm::Sha384, b"document");
        let pso = apdu([0x00, 0x2A, 0x9E, 0x9A], h384.as_ref());
        // Main application, no environment.
        assert_eq!(send_bytes(&mut c, &pso).1, 0x6985);
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(send_bytes(&mut c, &pso).1, 0x6985);
        assert_eq!(sw_of(&mut c, MSE_SIGN), 0x9000);
        assert_eq!(send_bytes(&mut c, &pso).1, 0x6982);
        assert_eq!(sw_of(&mut c, PIN2_OK), 0x9000);
        // A SHA-256 hash not padded to 48 bytes.
        let h256 = digest(HashAlgorithm::Sha256, b"document");
        assert_eq!(
            send_bytes(&mut c, &apdu([0x00, 0x2A, 0x9E, 0x9A], h256.as_ref())).1,
            0x6700
        );
        assert_eq!(
            send_bytes(&mut c, &apdu([0x00, 0x2A, 0x9E, 0x9B], h384.as_ref())).1,
            0x6A86
        );
        let (sig, sw) = send_bytes(&mut c, &pso);
        assert_eq!((sig.len(), sw), (96, 0x9000));
        verify(
            fixed(HashAlgorithm::Sha384),
            &spki,
            Message::Digest(h384.as_ref()),
            &sig,
        )
        .unwrap();
        // One signature per PIN2.
        assert_eq!(send_bytes(&mut c, &pso).1, 0x6982);
        assert_eq!(sw_of(&mut c, "00 20 00 85"), 0x63C3);
        // SHA-256 left-padded with zeros to 48 bytes: an ECDSA-with-SHA-256 signature.
        assert_eq!(sw_of(&mut c, PIN2_OK), 0x9000);
        let mut padded = vec![0u8; 16];
        padded.extend_from_slice(h256.as_ref());
        let (sig, sw) = send_bytes(&mut c, &apdu([0x00, 0x2A, 0x9E, 0x9A], &padded));
        assert_eq!(sw, 0x9000);
        verify(
            fixed(HashAlgorithm::Sha256),
            &spki,
            Message::Digest(h256.as_ref()),
            &sig,
        )
        .unwrap();
        assert!(verify(
            fixed(HashAlgorithm::Sha384),
            &spki,
            Message::Digest(h384.as_ref()),
            &sig
        )
        .is_err());
        // Selecting another application drops the environment.
        assert_eq!(sw_of(&mut c, PIN2_OK), 0x9000);
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(send_bytes(&mut c, &pso).1, 0x6985);
    }

    #[test]
    fn internal_authenticate() {
        let spki = spki(&pki("ecdsa-p256/login.der"));
        let mut c = card(Profile::Eid);
        let h256 = digest(HashAlgorithm::Sha256, b"origin||challenge");
        let h384 = digest(HashAlgorithm::Sha384, b"origin||challenge");
        let ia = apdu([0x00, 0x88, 0x00, 0x00], h256.as_ref());
        assert_eq!(sw_of(&mut c, SELECT_MAIN), 0x9000);
        assert_eq!(send_bytes(&mut c, &ia).1, 0x6985);
        assert_eq!(sw_of(&mut c, MSE_AUTH), 0x9000);
        assert_eq!(send_bytes(&mut c, &ia).1, 0x6982);
        assert_eq!(sw_of(&mut c, PIN1_OK), 0x9000);
        assert_eq!(
            send_bytes(&mut c, &apdu([0x00, 0x88, 0x00, 0x00], &[1; 20])).1,
            0x6700
        );
        for _ in 0..2 {
            // PIN1 stays verified.
            let (sig, sw) = send_bytes(&mut c, &ia);
            assert_eq!((sig.len(), sw), (64, 0x9000));
            verify(
                fixed(HashAlgorithm::Sha256),
                &spki,
                Message::Digest(h256.as_ref()),
                &sig,
            )
            .unwrap();
        }
        let (sig, sw) = send_bytes(&mut c, &apdu([0x00, 0x88, 0x00, 0x00], h384.as_ref()));
        assert_eq!((sig.len(), sw), (64, 0x9000));
        verify(
            fixed(HashAlgorithm::Sha384),
            &spki,
            Message::Digest(h384.as_ref()),
            &sig,
        )
        .unwrap();
        // In the QSCD application: no.
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(send_bytes(&mut c, &ia).1, 0x6985);
    }

    #[test]
    fn vanish_on_sign() {
        let mut config = CardConfig::new(Profile::Eid);
        config.vanish_on_sign = true;
        let mut c = Card::new(&config).unwrap();
        assert_eq!(sw_of(&mut c, SELECT_QSCD), 0x9000);
        assert_eq!(
            c.transmit(&apdu([0x00, 0x2A, 0x9E, 0x9A], &[0; 48])),
            Reply::Vanish
        );
        let mut c = Card::new(&config).unwrap();
        assert_eq!(
            c.transmit(&apdu([0x00, 0x88, 0x00, 0x00], &[0; 32])),
            Reply::Vanish
        );
        // Other commands still answer.
        assert_eq!(sw_of(&mut c, "00 20 00 01"), 0x63C3);
    }
}
