//! CRL parsing (DER and PEM) must not panic or hang; a parsed CRL is then checked against a
//! fixed issuer and certificate.
#![no_main]

use imza::crl::Crl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(crl) = Crl::parse(data) {
        let _ = crl.len();
        if let (Ok(issuer), Ok(cert)) = (
            imza::path::ParsedCert::from_der(include_bytes!("../../test-vectors/pki/ecdsa-p256/intermediate.der")),
            imza::path::ParsedCert::from_der(include_bytes!("../../test-vectors/pki/ecdsa-p256/signer.der")),
        ) {
            let opts = imza::ocsp::Options::new(imza::time::UnixTime::from_secs(1_798_761_600));
            let _ = crl.check(&cert, &issuer, &opts);
        }
    }
});
