//! The PIV card application (NIST SP 800-73-4, part 2).

use crate::apdu::{sw, Command, Response};
use crate::keys::Key;
use crate::{read_file, tlv, CardConfig, Error, Pin, Profile};

/// A YubiKey 4's ATR (T=1).
pub(crate) const ATR: &[u8] = &[
    0x3B, 0xF8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x59, 0x75, 0x62, 0x69, 0x6B, 0x65, 0x79,
    0x34, 0xD4,
];

/// The PIV application identifier with its version (PIX 00 00 10 00 01 00).
const AID: &[u8] = &[
    0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
];

/// The application property template answered to SELECT.
const APT: &[u8] = &[
    0x61, 0x11, 0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x79, 0x07, 0x4F, 0x05, 0xA0, 0x00,
    0x00, 0x03, 0x08,
];

/// Algorithm identifiers (SP 800-78-4 table 6-2).
const ALG_RSA_2048: u8 = 0x07;
const ALG_ECC_P256: u8 = 0x11;
const ALG_ECC_P384: u8 = 0x14;

#[derive(Debug)]
struct Slot {
    /// Key reference: 9A authentication, 9C digital signature.
    reference: u8,
    /// The certificate object's tag (5FC105, 5FC10A).
    object: u32,
    alg: u8,
    key: Key,
    cert: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct Piv {
    selected: bool,
    pin: Pin,
    slots: Vec<Slot>,
}

/// GENERAL AUTHENTICATE is the signing command.
pub(crate) fn is_signing(cmd: &Command) -> bool {
    cmd.ins == 0x87
}

impl Piv {
    pub(crate) fn new(config: &CardConfig) -> Result<Self, Error> {
        let dir = match config.profile {
            Profile::PivRsa => "rsa",
            _ => "ecdsa-p256",
        };
        let dir = config.keys_dir.join(dir);
        let slot = |reference: u8, object: u32, name: &str| -> Result<Slot, Error> {
            let key = Key::load(&dir.join(format!("{name}.key")))?;
            let alg = match &key {
                Key::P256(_) => ALG_ECC_P256,
                Key::P384(_) => ALG_ECC_P384,
                Key::Rsa(_) if key.size() == 256 => ALG_RSA_2048,
                Key::Rsa(_) => return Err(Error::new(format!("{name}.key: not RSA 2048"))),
            };
            Ok(Slot {
                reference,
                object,
                alg,
                key,
                cert: read_file(&dir.join(format!("{name}.der")))?,
            })
        };
        Ok(Self {
            selected: false,
            pin: Pin::new(&config.piv_pin, 8)?,
            slots: vec![
                slot(0x9A, 0x5FC105, "login")?,
                slot(0x9C, 0x5FC10A, "signer")?,
            ],
        })
    }

    pub(crate) fn reset(&mut self) {
        self.selected = false;
        self.pin.clear();
    }

    pub(crate) fn process(&mut self, cmd: &Command) -> Response {
        if cmd.ins == 0xA4 {
            return self.select(cmd);
        }
        if !self.selected {
            // Another application (or none) has the command: it knows none of these.
            return sw::INS_NOT_SUPPORTED.into();
        }
        match cmd.ins {
            0xCB => self.get_data(cmd),
            0x20 => self.verify(cmd),
            0x87 => self.general_authenticate(cmd),
            _ => sw::INS_NOT_SUPPORTED.into(),
        }
    }

    fn select(&mut self, cmd: &Command) -> Response {
        if cmd.p1p2() != 0x0400 {
            return sw::WRONG_P1P2.into();
        }
        // The RID + PIX prefix (A0 00 00 03 08), or more of the AID, with or without version.
        if cmd.data.len() < 5 || !AID.starts_with(&cmd.data) {
            return sw::NOT_FOUND.into();
        }
        self.selected = true;
        Response::ok(APT.to_vec())
    }

    fn get_data(&self, cmd: &Command) -> Response {
        if cmd.p1p2() != 0x3FFF {
            return sw::WRONG_P1P2.into();
        }
        let tag = match tlv::find(&cmd.data, 0x5C) {
            Some([a, b, c]) => u32::from_be_bytes([0, *a, *b, *c]),
            Some([a]) => u32::from(*a),
            _ => return sw::WRONG_DATA.into(),
        };
        let Some(slot) = self.slots.iter().find(|s| s.object == tag) else {
            return sw::NOT_FOUND.into();
        };
        let inner = tlv::concat(&[
            tlv::encode(&[0x70], &slot.cert),
            tlv::encode(&[0x71], &[0x00]),
            tlv::encode(&[0xFE], &[]),
        ]);
        Response::ok(tlv::encode(&[0x53], &inner))
    }

    fn verify(&mut self, cmd: &Command) -> Response {
        match (cmd.p1, cmd.p2) {
            (0x00, 0x80) => self.pin.verify(&cmd.data).into(),
            (0xFF, 0x80) if cmd.data.is_empty() => {
                self.pin.clear();
                sw::OK.into()
            }
            (0xFF, 0x80) => sw::WRONG_LENGTH.into(),
            _ => sw::WRONG_P1P2.into(),
        }
    }

    fn general_authenticate(&mut self, cmd: &Command) -> Response {
        let Some(slot) = self.slots.iter().find(|s| s.reference == cmd.p2) else {
            return sw::WRONG_P1P2.into();
        };
        if slot.alg != cmd.p1 {
            return sw::WRONG_P1P2.into();
        }
        // 7C { 82 00 (response wanted), 81 challenge }
        let Some(template) = tlv::parse(&cmd.data)
            .filter(|t| t.len() == 1)
            .and_then(|t| t.first().filter(|(tag, _)| *tag == 0x7C).map(|(_, v)| *v))
        else {
            return sw::WRONG_DATA.into();
        };
        let Some(items) = tlv::parse(template) else {
            return sw::WRONG_DATA.into();
        };
        let wants_response = items.iter().any(|(t, v)| *t == 0x82 && v.is_empty());
        let challenge = items.iter().find(|(t, _)| *t == 0x81).map(|(_, v)| *v);
        let (true, Some(challenge)) = (wants_response, challenge) else {
            return sw::WRONG_DATA.into();
        };
        if challenge.len() != slot.key.size() {
            return sw::WRONG_LENGTH.into();
        }
        if !self.pin.is_verified() {
            return sw::SECURITY_NOT_SATISFIED.into();
        }
        let signature = match &slot.key {
            Key::Rsa(_) => slot.key.rsa_raw(challenge),
            _ => slot.key.sign_prehash(challenge).map(|s| s.der),
        };
        let Some(signature) = signature else {
            return sw::WRONG_DATA.into();
        };
        // 9C: PIN "always", one signature per VERIFY.
        if slot.reference == 0x9C {
            self.pin.clear();
        }
        Response::ok(tlv::encode(&[0x7C], &tlv::encode(&[0x82], &signature)))
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{card, pki, send, send_bytes, spki, sw_of};
    use crate::{Card, CardConfig, Profile, Reply};
    use imza::crypto::{digest, verify, EcdsaEncoding, HashAlgorithm, Message, SignatureAlgorithm};

    const SELECT: &str = "00 A4 04 00 05 A0 00 00 03 08";
    const VERIFY_OK: &str = "00 20 00 80 08 31 32 33 34 35 36 FF FF";
    const VERIFY_BAD: &str = "00 20 00 80 08 39 39 39 39 39 39 FF FF";

    fn selected(profile: Profile) -> Card {
        let mut c = card(profile);
        assert_eq!(sw_of(&mut c, SELECT), 0x9000);
        c
    }

    /// GENERAL AUTHENTICATE data: 7C { 82 00, 81 challenge }.
    fn ga_data(challenge: &[u8]) -> Vec<u8> {
        let inner = [
            crate::tlv::encode(&[0x82], &[]),
            crate::tlv::encode(&[0x81], challenge),
        ]
        .concat();
        crate::tlv::encode(&[0x7C], &inner)
    }

    fn short_apdu(header: [u8; 4], data: &[u8], le: Option<u8>) -> Vec<u8> {
        let mut a = header.to_vec();
        a.push(u8::try_from(data.len()).unwrap());
        a.extend_from_slice(data);
        a.extend(le);
        a
    }

    /// The 82 value out of a 7C { 82 sig } answer.
    fn signature_of(resp: &[u8]) -> Vec<u8> {
        let inner = crate::tlv::find(resp, 0x7C).unwrap();
        crate::tlv::find(inner, 0x82).unwrap().to_vec()
    }

    fn ecdsa_der(hash: HashAlgorithm) -> SignatureAlgorithm {
        SignatureAlgorithm::Ecdsa {
            hash,
            encoding: EcdsaEncoding::Der,
        }
    }

    #[test]
    fn atr_and_select() {
        let mut c = card(Profile::Piv);
        assert_eq!(
            hex::encode_upper(c.atr()),
            "3BF81300008131FE15597562696B657934D4"
        );
        // Nothing works before SELECT.
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x6D00);
        assert_eq!(sw_of(&mut c, "00 A4 04 00 05 A0 00 00 03 09"), 0x6A82);
        assert_eq!(sw_of(&mut c, "00 A4 04 00 04 A0 00 00 03"), 0x6A82);
        assert_eq!(sw_of(&mut c, "00 A4 00 00 05 A0 00 00 03 08"), 0x6A86);
        let (data, sw) = send(&mut c, SELECT);
        assert_eq!(sw, 0x9000);
        assert_eq!(
            hex::encode_upper(data),
            "61114F0600001000010079074F05A000000308"
        );
        assert_eq!(
            sw_of(&mut c, "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00 00"),
            0x9000
        );
        assert_eq!(
            sw_of(&mut c, "00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"),
            0x9000
        );
        assert_eq!(sw_of(&mut c, "00 A4 04 00 05 A0 00 00 03 07"), 0x6A82);
        // A failed SELECT leaves PIV selected.
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        assert_eq!(sw_of(&mut c, "00 FF 00 00"), 0x6D00);
        assert_eq!(sw_of(&mut c, "80 20 00 80"), 0x6E00);
        assert_eq!(sw_of(&mut c, "00 20 00 80 08 31 32"), 0x6700);
        // Reset: deselected, PIN state lost.
        c.reset();
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x6D00);
        assert_eq!(sw_of(&mut c, SELECT), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C3);
    }

    #[test]
    fn get_data_through_get_response_and_extended_le() {
        for (tag, file) in [
            ("05", "ecdsa-p256/login.der"),
            ("0A", "ecdsa-p256/signer.der"),
        ] {
            let cert = pki(file);
            let mut c = selected(Profile::Piv);
            let (mut all, mut sw) = send(&mut c, &format!("00 CB 3F FF 05 5C 03 5F C1 {tag} 00"));
            assert_eq!(all.len(), 256);
            assert_eq!(sw >> 8, 0x61);
            while sw >> 8 == 0x61 {
                let le = sw & 0xFF;
                let (part, next) = send(&mut c, &format!("00 C0 00 00 {le:02X}"));
                assert_eq!(part.len(), if le == 0 { 256 } else { usize::from(le) });
                all.extend(part);
                sw = next;
            }
            assert_eq!(sw, 0x9000);
            assert_eq!(sw_of(&mut c, "00 C0 00 00 00"), 0x6985);
            let inner = crate::tlv::find(&all, 0x53).unwrap();
            assert_eq!(crate::tlv::find(inner, 0x70).unwrap(), &cert[..]);
            assert_eq!(crate::tlv::find(inner, 0x71).unwrap(), &[0]);
            let (whole, sw) = send(
                &mut c,
                &format!("00 CB 3F FF 00 00 05 5C 03 5F C1 {tag} 00 00"),
            );
            assert_eq!((whole, sw), (all, 0x9000));
        }
        let mut c = selected(Profile::Piv);
        // A small Le: that much now, the rest later.
        let (part, sw) = send(&mut c, "00 CB 3F FF 05 5C 03 5F C1 05 10");
        assert_eq!((part.len(), sw >> 8), (16, 0x61));
        // Another command drops the pending answer.
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C3);
        assert_eq!(sw_of(&mut c, "00 C0 00 00 00"), 0x6985);
        assert_eq!(sw_of(&mut c, "00 CB 3F FF 05 5C 03 5F C1 02 00"), 0x6A82);
        assert_eq!(sw_of(&mut c, "00 CB 3F FF 05 5C 03 5F C1 01 00"), 0x6A82);
        assert_eq!(sw_of(&mut c, "00 CB 3F 00 05 5C 03 5F C1 05 00"), 0x6A86);
        assert_eq!(sw_of(&mut c, "00 CB 3F FF 02 5C 01"), 0x6A80);
        assert_eq!(sw_of(&mut c, "00 CB 3F FF 03 5C 01 7E 00"), 0x6A82);
    }

    #[test]
    fn pin_counter() {
        let mut c = selected(Profile::Piv);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C3);
        assert_eq!(sw_of(&mut c, VERIFY_BAD), 0x63C2);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C2);
        // Right: counter back to 3.
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 FF 80"), 0x9000);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C3);
        assert_eq!(sw_of(&mut c, VERIFY_BAD), 0x63C2);
        // The PIN without the padding is wrong too.
        assert_eq!(sw_of(&mut c, "00 20 00 80 06 31 32 33 34 35 36"), 0x6700);
        assert_eq!(
            sw_of(&mut c, "00 20 00 80 08 31 32 33 34 35 36 00 00"),
            0x63C1
        );
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C1);
        assert_eq!(sw_of(&mut c, VERIFY_BAD), 0x6983);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x6983);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x6983);
        assert_eq!(
            sw_of(&mut c, "00 20 00 81 08 31 32 33 34 35 36 FF FF"),
            0x6A86
        );
        // Blocked survives a reset.
        c.reset();
        assert_eq!(sw_of(&mut c, SELECT), 0x9000);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x6983);
    }

    #[test]
    fn custom_pin() {
        let mut config = CardConfig::new(Profile::Piv);
        config.piv_pin = "87654321".into();
        let mut c = Card::new(&config).unwrap();
        assert_eq!(sw_of(&mut c, SELECT), 0x9000);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x63C2);
        assert_eq!(
            sw_of(&mut c, "00 20 00 80 08 38 37 36 35 34 33 32 31"),
            0x9000
        );
        config.piv_pin = "123456789".into();
        assert!(Card::new(&config).is_err());
    }

    #[test]
    fn ecdsa_9a_stays_verified_9c_consumes_the_pin() {
        let mut c = selected(Profile::Piv);
        let hash = digest(HashAlgorithm::Sha256, b"to be signed");
        let apdu_9a = short_apdu([0, 0x87, 0x11, 0x9A], &ga_data(hash.as_ref()), Some(0));
        let apdu_9c = short_apdu([0, 0x87, 0x11, 0x9C], &ga_data(hash.as_ref()), Some(0));
        assert_eq!(send_bytes(&mut c, &apdu_9a).1, 0x6982);
        assert_eq!(send_bytes(&mut c, &apdu_9c).1, 0x6982);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        for (apdu, cert) in [
            (&apdu_9a, "ecdsa-p256/login.der"),
            (&apdu_9a, "ecdsa-p256/login.der"),
            (&apdu_9c, "ecdsa-p256/signer.der"),
        ] {
            let (resp, sw) = send_bytes(&mut c, apdu);
            assert_eq!(sw, 0x9000);
            let sig = signature_of(&resp);
            assert_eq!(sig[0], 0x30, "DER");
            let spki = spki(&pki(cert));
            verify(
                ecdsa_der(HashAlgorithm::Sha256),
                &spki,
                Message::Digest(hash.as_ref()),
                &sig,
            )
            .unwrap();
            // Not the other slot's key.
            let other = if cert.ends_with("login.der") {
                "signer"
            } else {
                "login"
            };
            let other = spki_of(&format!("ecdsa-p256/{other}.der"));
            assert!(verify(
                ecdsa_der(HashAlgorithm::Sha256),
                &other,
                Message::Digest(hash.as_ref()),
                &sig
            )
            .is_err());
        }
        // 9C consumed the verification; 9A needs it again too.
        assert_eq!(send_bytes(&mut c, &apdu_9c).1, 0x6982);
        assert_eq!(send_bytes(&mut c, &apdu_9a).1, 0x6982);
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x63C3);
    }

    fn spki_of(file: &str) -> Vec<u8> {
        spki(&pki(file))
    }

    #[test]
    fn general_authenticate_errors() {
        let mut c = selected(Profile::Piv);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        let hash = [7u8; 32];
        let ok = ga_data(&hash);
        // Wrong algorithm for the slot, unknown slot.
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0, 0x87, 0x07, 0x9A], &ok, Some(0))).1,
            0x6A86
        );
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0, 0x87, 0x14, 0x9C], &ok, Some(0))).1,
            0x6A86
        );
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0, 0x87, 0x11, 0x9D], &ok, Some(0))).1,
            0x6A86
        );
        // A 48-byte hash for P-256: wrong length.
        let long = ga_data(&[7u8; 48]);
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0, 0x87, 0x11, 0x9A], &long, Some(0))).1,
            0x6700
        );
        // No 82 00, not a 7C template, trailing bytes.
        let no_82 = crate::tlv::encode(&[0x7C], &crate::tlv::encode(&[0x81], &hash));
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0, 0x87, 0x11, 0x9A], &no_82, Some(0))).1,
            0x6A80
        );
        let mut trailing = ok.clone();
        trailing.push(0);
        assert_eq!(
            send_bytes(
                &mut c,
                &short_apdu([0, 0x87, 0x11, 0x9A], &trailing, Some(0))
            )
            .1,
            0x6A80
        );
        assert_eq!(
            send_bytes(
                &mut c,
                &short_apdu([0, 0x87, 0x11, 0x9A], &[0x7D, 0], Some(0))
            )
            .1,
            0x6A80
        );
        // Still fine afterwards.
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0, 0x87, 0x11, 0x9A], &ok, Some(0))).1,
            0x9000
        );
    }

    /// EMSA-PKCS1-v1_5 for SHA-256 (RFC 8017 §9.2), 256 bytes: what the host sends.
    fn pkcs1_block(hash: &[u8]) -> Vec<u8> {
        let prefix = hex::decode("3031300d060960864801650304020105000420").unwrap();
        let t = [prefix, hash.to_vec()].concat();
        let mut block = vec![0x00, 0x01];
        block.resize(256 - t.len() - 1, 0xFF);
        block.push(0x00);
        block.extend(t);
        assert_eq!(block.len(), 256);
        block
    }

    fn check_rsa(resp: &[u8], cert: &str, hash: &[u8]) {
        let sig = signature_of(resp);
        assert_eq!(sig.len(), 256);
        verify(
            SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256),
            &spki_of(cert),
            Message::Digest(hash),
            &sig,
        )
        .unwrap();
    }

    #[test]
    fn rsa_by_chaining_and_get_response() {
        let mut c = selected(Profile::PivRsa);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        let hash = digest(HashAlgorithm::Sha256, b"rsa message");
        let data = ga_data(&pkcs1_block(hash.as_ref()));
        assert_eq!(data.len(), 266);
        // An ECC algorithm on an RSA slot.
        let (first, last) = data.split_at(200);
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0x10, 0x87, 0x07, 0x9C], first, None)).1,
            0x9000
        );
        let (mut resp, sw) =
            send_bytes(&mut c, &short_apdu([0x00, 0x87, 0x07, 0x9C], last, Some(0)));
        // 7C 82 01 04 82 82 01 00 <256>: 264 bytes, 8 more.
        assert_eq!((resp.len(), sw), (256, 0x6108));
        let (rest, sw) = send(&mut c, "00 C0 00 00 08");
        assert_eq!(sw, 0x9000);
        resp.extend(rest);
        check_rsa(&resp, "rsa/signer.der", hash.as_ref());
        // The card's raw RSA equals the rsa crate's PKCS#1 v1.5 signature.
        let key =
            crate::keys::Key::load(&crate::default_keys_dir().join("rsa/signer.key")).unwrap();
        let crate::keys::Key::Rsa(key) = key else {
            panic!()
        };
        let prefixed = [
            hex::decode("3031300d060960864801650304020105000420").unwrap(),
            hash.as_ref().to_vec(),
        ]
        .concat();
        let expected = key
            .sign(rsa::Pkcs1v15Sign::new_unprefixed(), &prefixed)
            .unwrap();
        assert_eq!(signature_of(&resp), expected);
        // 9C consumed the PIN.
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0x10, 0x87, 0x07, 0x9C], first, None)).1,
            0x9000
        );
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0x00, 0x87, 0x07, 0x9C], last, Some(0))).1,
            0x6982
        );
        // Chaining in three parts, with 9A; the ECC algorithm is refused.
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        let parts: Vec<&[u8]> = data.chunks(100).collect();
        for p in &parts[..2] {
            assert_eq!(
                send_bytes(&mut c, &short_apdu([0x10, 0x87, 0x07, 0x9A], p, None)).1,
                0x9000
            );
        }
        let (mut resp, sw) = send_bytes(
            &mut c,
            &short_apdu([0x00, 0x87, 0x07, 0x9A], parts[2], Some(0)),
        );
        assert_eq!(sw, 0x6108);
        resp.extend(send(&mut c, "00 C0 00 00 00").0);
        check_rsa(&resp, "rsa/login.der", hash.as_ref());
        assert_eq!(
            send_bytes(
                &mut c,
                &short_apdu([0, 0x87, 0x11, 0x9A], &ga_data(&[1; 32]), Some(0))
            )
            .1,
            0x6A86
        );
        // A chain broken by another command is abandoned: the tail alone is malformed.
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0x10, 0x87, 0x07, 0x9A], first, None)).1,
            0x9000
        );
        assert_eq!(sw_of(&mut c, "00 20 00 80"), 0x9000);
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0x00, 0x87, 0x07, 0x9A], last, Some(0))).1,
            0x6A80
        );
        // The block must be as long as the modulus and below it.
        let short = ga_data(&pkcs1_block(hash.as_ref())[1..]);
        let mut ext = vec![0x00, 0x87, 0x07, 0x9A, 0x00, 0x01, 0x09];
        ext.extend(short);
        ext.extend([0, 0]);
        assert_eq!(send_bytes(&mut c, &ext).1, 0x6700);
        let mut ext = vec![0x00, 0x87, 0x07, 0x9A, 0x00, 0x01, 0x0A];
        ext.extend(ga_data(&[0xFF; 256]));
        ext.extend([0, 0]);
        assert_eq!(send_bytes(&mut c, &ext).1, 0x6A80);
    }

    #[test]
    fn rsa_by_extended_apdu() {
        let mut c = selected(Profile::PivRsa);
        assert_eq!(sw_of(&mut c, VERIFY_OK), 0x9000);
        let hash = digest(HashAlgorithm::Sha256, b"extended");
        let data = ga_data(&pkcs1_block(hash.as_ref()));
        let mut apdu = vec![0x00, 0x87, 0x07, 0x9A, 0x00, 0x01, 0x0A];
        apdu.extend(&data);
        apdu.extend([0x00, 0x00]);
        let (resp, sw) = send_bytes(&mut c, &apdu);
        assert_eq!((resp.len(), sw), (264, 0x9000));
        check_rsa(&resp, "rsa/login.der", hash.as_ref());
        // Extended Lc without Le: answered whole as well.
        apdu.truncate(apdu.len() - 2);
        let (resp, sw) = send_bytes(&mut c, &apdu);
        assert_eq!((resp.len(), sw), (264, 0x9000));
    }

    #[test]
    fn vanish_on_sign() {
        let mut config = CardConfig::new(Profile::PivRsa);
        config.vanish_on_sign = true;
        let mut c = Card::new(&config).unwrap();
        assert_eq!(sw_of(&mut c, SELECT), 0x9000);
        let data = ga_data(&[0; 256]);
        let (first, last) = data.split_at(200);
        assert_eq!(
            send_bytes(&mut c, &short_apdu([0x10, 0x87, 0x07, 0x9C], first, None)).1,
            0x9000
        );
        assert_eq!(
            c.transmit(&short_apdu([0x00, 0x87, 0x07, 0x9C], last, Some(0))),
            Reply::Vanish
        );
    }
}
