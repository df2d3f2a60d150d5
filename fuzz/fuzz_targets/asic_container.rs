//! ZIP container reading and verification must not panic, hang or allocate without bound on
//! any input: opening (directory, names, local headers, classification), listing, reading
//! every entry through the streaming inflater under the limits, the manifests, and the
//! front door's container verification (XAdES, CAdES, time-stamp and UDF signatures over
//! the entries) against the test PKI's P-256 root.
#![no_main]

use std::sync::OnceLock;

use imza::asic::{Container, Limits};
use imza::{Content, TrustStore, UnixTime, VerifyOptions};
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
    // Small budgets, so that a bomb stops quickly under the fuzzer.
    let mut limits = Limits::default();
    limits.max_total_size = 64 << 20;
    limits.max_in_memory = 4 << 20;
    if let Ok(c) = Container::from_slice(data, &limits) {
        let names: Vec<String> = c.entries().iter().map(|e| e.name.clone()).collect();
        for n in &names {
            let _ = c.stream(n, &mut |_: &[u8]| -> Result<(), imza::Error> { Ok(()) });
        }
        let _ = c.odf_manifest();
        for n in &names {
            let _ = c.asic_manifest(n);
        }
    }
    // 2027-01-15T08:00:00Z: inside the test PKI's validity.
    let opts = VerifyOptions::new(trust(), UnixTime::from_secs(1_800_000_000));
    let _ = imza::verify(data, Content::Attached, &opts);
});
