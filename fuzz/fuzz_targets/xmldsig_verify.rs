//! XMLDSig/XAdES validation must not panic or hang on any input: the front door with XML
//! (format detection, parsing, ds:Signature and reference resolution, transforms and
//! canonicalization, digests, the signature value, XAdES signed properties, chain building,
//! offline revocation with the embedded data, algorithm policy) against the test PKI's
//! P-256 root, with the content the signature carries and with detached content, and the
//! same through the streaming `DocumentVerifier`.
#![no_main]

use std::sync::OnceLock;

use imza::{Content, DocumentVerifier, TrustStore, UnixTime, VerifyOptions};
use libfuzzer_sys::fuzz_target;

/// The detached content the seeds in fuzz/seeds/xmldsig_verify name (a file `hello`).
const HELLO: &[u8] = b"hello";

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
    let _ = imza::verify(data, Content::Attached, &opts);
    let _ = imza::verify(data, Content::Detached(HELLO), &opts);
    if let Ok(mut v) = DocumentVerifier::new(data) {
        let _ = v.update(HELLO);
        let _ = v.verify(&opts);
    }
});
