//! Card logic over a scripted transport: the PIN rules, PIN pads, removal and reset at the
//! worst moment. The same profiles run against the virtual card through real pcscd in
//! `cli/tests/card_pcsc.rs`.
#![allow(
    clippy::cast_possible_truncation,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use imza::card::{
    piv::Piv, CardError, CardSigner, KeyPurpose, Pin, PinEntry, ReaderFeature, Registry, Scripted,
};
use imza::crypto::{digest, HashAlgorithm, Message, Signer, SigningKey};

fn tv(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(p)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match v.len() {
        l if l < 0x80 => out.push(l as u8),
        l if l < 0x100 => out.extend([0x81, l as u8]),
        l => out.extend([0x82, (l >> 8) as u8, l as u8]),
    }
    out.extend_from_slice(v);
    out
}

fn cert_object(der: &[u8]) -> String {
    let mut inner = tlv(0x70, der);
    inner.extend(tlv(0x71, &[0]));
    format!("{}9000", hex(&tlv(0x53, &inner)))
}

const SELECT: &str = "00A404000BA000000308000010000100*";
const GET_9A: &str = "00CB3FFF055C035FC10500";
const GET_9C: &str = "00CB3FFF055C035FC10A00";

/// A PIV card whose 9C key is the test PKI's P-256 signer: the script up to the signature.
fn piv_script() -> Scripted {
    let login = std::fs::read(tv("pki/ecdsa-p256/login.der")).unwrap();
    let signer = std::fs::read(tv("pki/ecdsa-p256/signer.der")).unwrap();
    Scripted::new(&[
        (SELECT, "9000"),
        (GET_9A, &cert_object(&login)),
        (GET_9C, &cert_object(&signer)),
    ])
}

fn software_signature(msg: &[u8]) -> Vec<u8> {
    let key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/signer.key")).unwrap(),
    )
    .unwrap();
    key.sign(msg).unwrap()
}

fn ga_reply(sig: &[u8]) -> String {
    format!("{}9000", hex(&tlv(0x7C, &tlv(0x82, sig))))
}

fn pin() -> PinEntry {
    PinEntry::Keyboard(Pin::new(b"123456").unwrap())
}

#[test]
fn signs_after_reading_the_pin_state_and_verifying() {
    let msg = b"signed attributes";
    let t = piv_script()
        .then(SELECT, "9000")
        .then("00200080", "63C3")
        .then("00200080083132333435 36FFFF", "9000")
        .then("0087119C*", &ga_reply(&software_signature(msg)));
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin()).unwrap();
    let sig = signer.sign(msg).unwrap();
    let h = digest(HashAlgorithm::Sha256, msg);
    imza::crypto::verify(
        signer.algorithm(),
        signer.public_key_spki(),
        Message::Digest(h.as_ref()),
        &sig,
    )
    .unwrap();
    let t = signer.into_transport();
    assert!(t.is_done());
    // The PIN went to the card once, padded; nothing else carried it.
    let verify: Vec<&Vec<u8>> = t
        .sent
        .iter()
        .filter(|c| c.starts_with(&[0, 0x20, 0, 0x80, 8]))
        .collect();
    assert_eq!(verify.len(), 1);
}

#[test]
fn wrong_pin_reports_the_tries_left() {
    let t = piv_script()
        .then(SELECT, "9000")
        .then("00200080", "63C3")
        .then("00200080*", "63C2");
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin()).unwrap();
    let e = signer
        .sign_digest(HashAlgorithm::Sha256, &[0; 32])
        .unwrap_err();
    assert_eq!(e, CardError::WrongPin { tries_left: 2 });
    assert_eq!(
        e.to_string(),
        "wrong PIN; 2 tries left before it is blocked"
    );
}

#[test]
fn blocked_pin_is_reported_without_sending_it() {
    let t = piv_script().then(SELECT, "9000").then("00200080", "6983");
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin()).unwrap();
    assert_eq!(
        signer.sign_digest(HashAlgorithm::Sha256, &[0; 32]),
        Err(CardError::PinBlocked)
    );
    let t = signer.into_transport();
    assert!(t.is_done(), "no VERIFY with data was sent");
}

#[test]
fn the_last_try_is_spent_only_when_allowed() {
    let t = piv_script().then(SELECT, "9000").then("00200080", "63C1");
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin()).unwrap();
    assert_eq!(
        signer.sign_digest(HashAlgorithm::Sha256, &[0; 32]),
        Err(CardError::LastTryRefused)
    );
    assert!(signer.into_transport().is_done());

    let msg = b"x";
    let t = piv_script()
        .then(SELECT, "9000")
        .then("00200080", "63C1")
        .then("00200080*", "9000")
        .then("0087119C*", &ga_reply(&software_signature(msg)));
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin())
        .unwrap()
        .allow_last_try(true);
    signer.sign(msg).unwrap();
}

#[test]
fn pin_pad_readers_verify_on_the_reader() {
    let msg = b"y";
    let t = piv_script()
        .with_features(&[ReaderFeature::VerifyPinDirect(0x4200_3136)])
        .then(SELECT, "9000")
        .then("00200080", "63C3")
        .then("CONTROL", "9000")
        .then("0087119C*", &ga_reply(&software_signature(msg)));
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, PinEntry::PinPad).unwrap();
    signer.sign(msg).unwrap();
    let t = signer.into_transport();
    let (code, structure) = &t.controls[0];
    assert_eq!(*code, 0x4200_3136);
    // PIN_VERIFY_STRUCTURE: 8-byte block, 6..8 digits, and the VERIFY APDU template with
    // FF padding that the reader fills; no PIN bytes from the host.
    assert_eq!(structure[3], 0x08);
    assert_eq!((structure[5], structure[6]), (8, 6));
    assert_eq!(
        &structure[19..],
        &[0, 0x20, 0, 0x80, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
    );

    // Cancelled on the pad, and a reader without a pad.
    let t = piv_script()
        .with_features(&[ReaderFeature::VerifyPinDirect(1)])
        .then(SELECT, "9000")
        .then("00200080", "63C3")
        .then("CONTROL", "6401");
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, PinEntry::PinPad).unwrap();
    assert_eq!(
        signer.sign_digest(HashAlgorithm::Sha256, &[0; 32]),
        Err(CardError::PinPadCancelled)
    );
    let t = piv_script().then(SELECT, "9000").then("00200080", "63C3");
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, PinEntry::PinPad).unwrap();
    assert_eq!(
        signer.sign_digest(HashAlgorithm::Sha256, &[0; 32]),
        Err(CardError::NotSupported)
    );
}

#[test]
fn removal_or_reset_after_the_pin_is_reported_not_retried() {
    for fault in [CardError::Removed, CardError::Reset] {
        let t = piv_script()
            .then(SELECT, "9000")
            .then("00200080", "63C3")
            .then("00200080*", "9000")
            .then_fail("0087119C*", fault.clone());
        let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin()).unwrap();
        assert_eq!(
            signer.sign_digest(HashAlgorithm::Sha256, &[0; 32]),
            Err(fault.clone())
        );
        let t = signer.into_transport();
        // Exactly one signature command; nothing after the fault.
        assert!(t.is_done());
        assert_eq!(
            t.sent.iter().filter(|c| c.starts_with(&[0, 0x87])).count(),
            1
        );
    }
}

#[test]
fn a_card_that_signs_with_another_key_is_caught() {
    let other = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/login.key")).unwrap(),
    )
    .unwrap();
    let msg = b"z";
    let t = piv_script()
        .then(SELECT, "9000")
        .then("00200080", "9000")
        .then("0087119C*", &ga_reply(&other.sign(msg).unwrap()));
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin()).unwrap();
    assert!(matches!(
        signer.sign(msg),
        Err(imza::Error::Card(CardError::Malformed(_)))
    ));
}

#[test]
fn registry_detects_by_atr_then_by_probing() {
    let registry = Registry::default();
    let est_atr = [
        0x3B, 0xDB, 0x96, 0x00, 0x80, 0xB1, 0xFE, 0x45, 0x1F, 0x83, 0x00, 0x12, 0x23, 0x3F, 0x53,
        0x65, 0x49, 0x44, 0x0F, 0x90, 0x00, 0xF1,
    ];
    let mut t = Scripted::new(&[]).with_atr(&est_atr);
    assert_eq!(registry.detect(&mut t).unwrap().name(), "EstEID (IDEMIA)");
    // Unknown ATR: the eID probe (SELECT QSCD) fails, PIV's SELECT answers.
    let mut t = Scripted::new(&[("00A4040C10*", "6A82"), (SELECT, "9000")]).with_atr(&[0x3B, 0x00]);
    assert_eq!(registry.detect(&mut t).unwrap().name(), "PIV");
    let mut t = Scripted::new(&[("00A4040C10*", "6A82"), (SELECT, "6A82")]).with_atr(&[0x3B, 0x00]);
    assert_eq!(registry.detect(&mut t).unwrap_err(), CardError::UnknownCard);
}

#[test]
fn a_card_issues_jws_tokens_in_the_jose_encoding() {
    use imza::crypto::EcdsaEncoding;
    use imza::jose::jws::{sign_compact, Verifier, VerifyKey};
    // The card (PIV) answers DER; the JWS needs r||s: the signer converts.
    let key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/signer.key")).unwrap(),
    )
    .unwrap();
    let header_b64 = "eyJhbGciOiJFUzI1NiJ9"; // {"alg":"ES256"}
    let payload = br#"{"sub":"card"}"#;
    let signing_input = format!("{header_b64}.{}", base64url(payload));
    let t = piv_script()
        .then(SELECT, "9000")
        .then("00200080", "63C3")
        .then("00200080*", "9000")
        .then(
            "0087119C*",
            &ga_reply(&key.sign(signing_input.as_bytes()).unwrap()),
        );
    let signer = CardSigner::new(t, &Piv, KeyPurpose::Signing, pin())
        .unwrap()
        .with_encoding(EcdsaEncoding::Fixed);
    let jws = sign_compact(&signer, None, serde_json::Map::new(), payload).unwrap();
    assert!(jws.starts_with(header_b64), "{jws}");
    let verifier = Verifier::new(&["ES256"])
        .unwrap()
        .key(VerifyKey::public("ES256", signer.public_key_spki()).unwrap());
    let verified = verifier.verify_compact(&jws).unwrap();
    assert_eq!(verified.payload, payload);
}

fn base64url(b: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(b)
}
