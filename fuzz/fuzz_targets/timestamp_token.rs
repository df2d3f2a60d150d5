//! RFC 3161 parsing must not panic or hang on any input: the bytes as a `TimeStampToken`
//! and as a `TimeStampResp` answering a request over a fixed SHA-256 digest (that of
//! test-vectors/cms/content.txt, which the checked-in reply test-vectors/cms/ts-reply.tsr
//! covers), with and without a nonce.
#![no_main]

use std::sync::OnceLock;

use imza::crypto::{digest, HashAlgorithm};
use imza::tsp::{self, TimestampRequest};
use libfuzzer_sys::fuzz_target;

fn requests() -> &'static [TimestampRequest; 2] {
    static R: OnceLock<[TimestampRequest; 2]> = OnceLock::new();
    R.get_or_init(|| {
        let d = digest(
            HashAlgorithm::Sha256,
            include_bytes!("../../test-vectors/cms/content.txt"),
        );
        [
            tsp::request(&d, None, None).expect("request"),
            tsp::request(&d, Some(&[0x80, 0, 0, 0, 0, 0, 0, 1]), None).expect("request"),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = tsp::parse_token(data) {
        let _ = imza::cades::required_digests(&token.signed_data);
    }
    for req in requests() {
        if let Ok(token) = tsp::parse_response(data, req) {
            let _ = tsp::parse_token(&token);
        }
    }
});
