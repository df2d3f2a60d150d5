//! CMS/CAdES validation must not panic or hang on any input: the whole entry point (PEM
//! armour, parsing, signer identification, content and signature checks, time-stamps,
//! chain building, offline revocation with the embedded data, algorithm policy) against the
//! test PKI's P-256 root, with the encapsulated content and with detached content.
#![no_main]

use std::sync::OnceLock;

use imza::cades::{self, Content, VerifyOptions};
use imza::time::UnixTime;
use imza::trust::TrustStore;
use libfuzzer_sys::fuzz_target;

fn trust() -> &'static TrustStore {
    static T: OnceLock<TrustStore> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = TrustStore::new();
        t.add_pem_or_der(include_bytes!("../../test-vectors/pki/ecdsa-p256/root.der"))
            .expect("root.der");
        t
    })
}

fuzz_target!(|data: &[u8]| {
    // 2027-01-15T08:00:00Z: inside the test PKI's validity.
    let opts = VerifyOptions::new(trust(), UnixTime::from_secs(1_800_000_000));
    let _ = cades::verify(data, Content::Attached, &opts);
    let _ = cades::verify(data, Content::Detached(b"hello"), &opts);
});
