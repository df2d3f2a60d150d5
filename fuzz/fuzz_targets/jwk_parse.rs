//! JWK and JWKS parsing must not panic or hang on any input; on what parses, the RFC 7638
//! thumbprint, the published form, key selection and making a verification key must not
//! either.
#![no_main]

use imza::jose::jwk::{Jwk, Jwks};
use imza::jose::jws::VerifyKey;
use libfuzzer_sys::fuzz_target;

const ALGS: [&str; 7] = [
    "ES256", "ES384", "ES512", "RS256", "PS256", "EdDSA", "HS256",
];

fn exercise(jwk: &Jwk) {
    let _ = jwk.thumbprint();
    let _ = jwk.to_public_json();
    for alg in ALGS {
        if jwk.usable_for(alg, jwk.kid.as_deref()) {
            let _ = VerifyKey::from_jwk(jwk, alg);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(jwk) = Jwk::from_json(data) {
        exercise(&jwk);
    }
    if let Ok(set) = Jwks::from_json(data) {
        for jwk in &set.keys {
            exercise(jwk);
        }
        let _ = set.to_json();
        for alg in ALGS {
            let _ = set.select(alg, None);
        }
    }
});
