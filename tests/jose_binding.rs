//! `verify_jose`: the JOSE name binds algorithm, encoding and curve (RFC 7518 §3.4).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use imza::crypto::{verify_jose, EcdsaEncoding, Signer, SigningKey};
use imza::Error;

fn key(path: &str, fixed: bool) -> SigningKey {
    let pem = std::fs::read_to_string(format!(
        "{}/test-vectors/certs/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let k = SigningKey::from_pkcs8_pem(&pem).unwrap();
    if fixed {
        let alg = k.algorithm().with_ecdsa_encoding(EcdsaEncoding::Fixed);
        k.with_algorithm(alg).unwrap()
    } else {
        k
    }
}

#[test]
fn each_jose_name_verifies_with_its_own_key_type_only() {
    let msg = b"header.payload";
    let cases = [
        ("ES256", "p256.key"),
        ("ES384", "p384.key"),
        ("ES512", "p521.key"),
        ("RS256", "rsa2048.key"),
        ("EdDSA", "ed25519.key"),
    ];
    for (name, file) in cases {
        let k = key(file, true);
        let sig = k.sign(msg).unwrap();
        verify_jose(name, k.public_key_spki(), msg, &sig).unwrap();
        assert_eq!(
            verify_jose(name, k.public_key_spki(), b"header.payloaD", &sig),
            Err(Error::BadSignature),
            "{name}"
        );
    }
    // ES256 over a P-384 key and ES384 over a P-256 key: refused before any math.
    let p384 = key("p384.key", true);
    let sig = p384.sign(msg).unwrap();
    assert!(matches!(
        verify_jose("ES256", p384.public_key_spki(), msg, &sig),
        Err(Error::KeyMismatch { .. })
    ));
    let p256 = key("p256.key", true);
    let sig = p256.sign(msg).unwrap();
    assert!(matches!(
        verify_jose("ES384", p256.public_key_spki(), msg, &sig),
        Err(Error::KeyMismatch { .. })
    ));
    // RS256 with an EC key, and the names JOSE forbids here.
    assert!(matches!(
        verify_jose("RS256", p256.public_key_spki(), msg, &sig),
        Err(Error::KeyMismatch { .. })
    ));
    for bad in ["none", "HS256", "es256"] {
        assert!(matches!(
            verify_jose(bad, p256.public_key_spki(), msg, &sig),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }
}

#[test]
fn der_signature_is_not_accepted_for_es256() {
    let k = key("p256.key", false); // DER encoding
    let sig = k.sign(b"m").unwrap();
    assert_eq!(
        verify_jose("ES256", k.public_key_spki(), b"m", &sig),
        Err(Error::BadSignature)
    );
}
