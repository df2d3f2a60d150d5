//! PDF reading and PAdES verification must not panic, hang or allocate without bound on any
//! input: the cross-reference chain and revisions, objects resolved in every revision, the
//! signature fields, ByteRange coverage, the modification analysis after each signed
//! revision, and the front door (`imza::verify`) against the test PKI's P-256 root.
#![no_main]

use std::sync::OnceLock;

use imza::pdf::xref::XrefLimits;
use imza::pdf::Document;
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
    // Small budgets, so that a large declared size stops quickly under the fuzzer.
    let mut limits = XrefLimits::default();
    limits.max_window = 4 << 20;
    limits.max_entries = 100_000;
    if let Ok(mut d) = Document::open(data, limits) {
        let n = d.revisions().len();
        for rev in 0..n {
            if let Ok(fields) = d.signature_fields(rev) {
                for f in fields {
                    if let Some(v) = f.value {
                        let c = imza::pdf::coverage::check(&v, d.revisions(), data.len() as u64);
                        if let Some(r) = c.revision {
                            let _ = imza::pdf::modification::analyse(&mut d, r);
                        }
                    }
                }
            }
        }
    }
    let opts = VerifyOptions::new(trust(), UnixTime::from_secs(1_800_000_000));
    let _ = imza::verify(data, Content::Attached, &opts);
});
