//! OCSP response parsing and verification must not panic or hang on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (Ok(issuer), Ok(cert)) = (
        imza::path::ParsedCert::from_der(include_bytes!("../../test-vectors/pki/ecdsa-p256/intermediate.der")),
        imza::path::ParsedCert::from_der(include_bytes!("../../test-vectors/pki/ecdsa-p256/signer.der")),
    ) else {
        return;
    };
    let mut opts = imza::ocsp::Options::new(imza::time::UnixTime::from_secs(1_798_761_600));
    let _ = imza::ocsp::check_response(data, &cert, &issuer, &opts);
    opts.nonce = Some(vec![1, 2, 3]);
    let _ = imza::ocsp::check_response(data, &cert, &issuer, &opts);
});
