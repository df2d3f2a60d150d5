//! JWS and JWT parsing must not panic or hang on any input. The bytes go, unchanged, to a
//! verifier holding one ES256 key (test-vectors/certs/p256.key) and one HS256 secret: as a
//! compact token (also with detached content when its payload segment is empty) and as the
//! flattened JSON serialization. The claims parser then gets the raw bytes, the compact
//! token's decoded payload segment and, when a signature verifies (seeded tokens), the
//! verified payload through `Claims::validate` and the ID-token checks.
#![no_main]

use std::sync::OnceLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use imza::crypto::{Signer, SigningKey};
use imza::jose::jws::{Verified, Verifier, VerifyKey};
use imza::jose::jwt::{Claims, IdTokenValidation, Validation};
use imza::time::UnixTime;
use libfuzzer_sys::fuzz_target;

/// The HS256 secret the seeds in fuzz/seeds/jws_parse are signed with.
const HS256_SECRET: &[u8] = b"imza-fuzz-jws_parse-hs256-secret-32+";
/// Detached content (RFC 7515 Appendix F): the base64url of "detached content", which the
/// unencoded (`b64: false`) form takes as is.
const DETACHED: &[u8] = b"ZGV0YWNoZWQgY29udGVudA";
/// 2026-01-01T00:00:00Z.
const AT: u64 = 1_767_225_600;

fn verifier() -> &'static Verifier<'static> {
    static V: OnceLock<Verifier<'static>> = OnceLock::new();
    V.get_or_init(|| {
        let pem = include_str!("../../test-vectors/certs/p256.key");
        let key = SigningKey::from_pkcs8_pem(pem).expect("p256.key");
        Verifier::new(&["ES256", "HS256"])
            .expect("algorithms")
            .key(VerifyKey::public("ES256", key.public_key_spki()).expect("ES256 key"))
            .key(VerifyKey::hmac("HS256", HS256_SECRET).expect("HS256 key"))
    })
}

fn check_claims(v: &Verified) {
    let _ = Claims::parse(&v.payload);
    let mut val = Validation::new(UnixTime::from_secs(AT));
    let _ = Claims::validate(v, &val);
    val.issuer = Some("https://login.example.ee".into());
    val.audiences = vec!["portal".into()];
    val.max_age = Some(600);
    val.typ = Some("JWT".into());
    let _ = Claims::validate(v, &val);
    let mut id = IdTokenValidation::new(
        UnixTime::from_secs(AT),
        "https://login.example.ee",
        "portal",
    );
    id.nonce = Some("n-0S6_WzA2Mj".into());
    id.max_auth_age = Some(3600);
    id.access_token = Some("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y".into());
    id.code = Some("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk".into());
    let _ = id.validate(v);
}

fuzz_target!(|data: &[u8]| {
    let v = verifier();
    let _ = Claims::parse(data);
    if let Ok(token) = std::str::from_utf8(data) {
        if let Ok(verified) = v.verify_compact(token) {
            check_claims(&verified);
        }
        let mut parts = token.split('.');
        if let (Some(_), Some(p), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            if p.is_empty() {
                if let Ok(verified) = v.verify_compact_detached(token, Some(DETACHED)) {
                    check_claims(&verified);
                }
            } else if let Ok(payload) = Base64UrlUnpadded::decode_vec(p) {
                let _ = Claims::parse(&payload);
            }
        }
    }
    if let Ok(verified) = v.verify_flattened(data) {
        check_claims(&verified);
    }
});
