//! Web eID token parsing and validation must not panic or hang on any input: the whole
//! token path (length, JSON, base64, certificates, purpose, policies, chain, revocation
//! lookup, signature) against the test PKI's P-256 root, and the signature check alone.
#![no_main]

use imza::time::UnixTime;
use imza::trust::TrustStore;
use imza::webeid::{self, RevocationMode, WebEidOptions};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "https://ria.ee";
const CHALLENGE: &str = "12345678123456781234567812345678912356789123";

fuzz_target!(|data: &[u8]| {
    let mut trust = TrustStore::new();
    let _ = trust.add_pem_or_der(include_bytes!("../../test-vectors/pki/ecdsa-p256/root.der"));
    // 2024-08-01T00:00:00Z; offline OCSP with nothing supplied, so revocation fails closed.
    let opts = WebEidOptions::new(
        UnixTime::from_secs(1_722_470_400),
        RevocationMode::Offline {
            ocsp_responses: vec![],
        },
    );
    let _ = webeid::validate(data, ORIGIN, CHALLENGE, &trust, &opts);
    if let Ok(token) = webeid::parse(data) {
        let _ = webeid::verify_signature(&token, ORIGIN, CHALLENGE);
        let off = WebEidOptions::new(UnixTime::from_secs(1_722_470_400), RevocationMode::Off);
        let _ = webeid::validate_token(&token, ORIGIN, CHALLENGE, &trust, &off, None);
    }
});
