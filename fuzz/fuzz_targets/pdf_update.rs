//! PAdES creation must not panic on any input PDF: reading what the update needs (trailer,
//! catalog, first page, form), writing the incremental update and signing it. When signing
//! succeeds, imza's own reader must read the result, with one revision more than the input.
#![no_main]

use std::sync::OnceLock;

use imza::pdf::xref::XrefLimits;
use imza::pdf::Document;
use imza::{SignFormat, SignOptions, SigningKey, ToSign, UnixTime};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static SigningKey {
    static K: OnceLock<SigningKey> = OnceLock::new();
    K.get_or_init(|| {
        SigningKey::from_pkcs8_pem(include_str!("../../test-vectors/pki/ecdsa-p256/signer.key"))
            .expect("signer.key")
    })
}

fuzz_target!(|data: &[u8]| {
    let cert = include_bytes!("../../test-vectors/pki/ecdsa-p256/signer.der");
    let mut opts = SignOptions::new(UnixTime::from_secs(1_800_000_000));
    opts.format = SignFormat::Pades;
    let Ok(signed) = imza::sign(ToSign::Bytes(data), key(), cert, &opts) else {
        return;
    };
    assert!(signed.starts_with(data), "the original bytes changed");
    let before = Document::open(data, XrefLimits::default()).map(|d| d.revisions().len());
    let after = Document::open(&signed[..], XrefLimits::default())
        .map(|d| d.revisions().len())
        .expect("imza cannot read what it signed");
    if let Ok(n) = before {
        assert_eq!(after, n + 1, "one revision more");
    }
});
