//! Certificate parsing and the `imza cert show` description must not panic or hang on any
//! input, PEM or DER.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = imza::cert::parse_any(data) {
        for cert in &certs {
            if let Ok(summary) = imza::cert::CertificateSummary::new(cert) {
                let _ = summary.to_string();
            }
        }
    }
});
