//! JOSE integration tests (issue 4 item 8, interop aside): the RFC 7515 / 7520 / 7797 / 8037
//! vectors, the Wycheproof JSON web signature, key and crypto files, one test per pitfall of
//! the "JOSE pitfalls" list (each with its exact typed error), JWKS selection and caching
//! (fault-injection transport and real HTTP), and the issuing side with key rotation.
//!
//! Shared vectors (`jose/`, `wycheproof/`) come from `IMZA_SHARED_VECTORS` or
//! `../shared/test-vectors` next to the workspace; when they are absent, the tests that need
//! them fail under `CI=true` and print SKIPPED otherwise (`imza_test_support::shared`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use hmac::Mac;
use imza::crypto::{digest, EcdsaEncoding, HashAlgorithm, Signer, SigningKey};
use imza::jose::jwk::{Jwk, Jwks, JwksCache, KeyMaterial};
use imza::jose::jws::{sign_compact, sign_compact_hmac, Verified, Verifier, VerifyKey};
use imza::jose::jwt::{Claims, IdTokenValidation, TokenIssuer, Validation};
use imza::jose::{ClaimError, JoseError};
use imza::time::UnixTime;
use imza::transport::{Method, Request, Response, Transport};
use imza::trust::TrustStore;
use imza_test_support::shared;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// 2027-01-01T00:00:00Z, the test PKI's default validation time.
const NOW: u64 = 1_798_761_600;

fn now() -> UnixTime {
    UnixTime::from_secs(NOW)
}

/// Every JOSE algorithm imza implements: the most permissive allow-list an application can
/// configure, which is the harshest setting for the negative vectors.
const ALL_ALGS: [&str; 13] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "EdDSA",
];

fn local(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn unb64(s: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A PKCS#8 key from the crate's own test vectors; ECDSA switched to the JOSE r||s encoding.
fn signing_key(rel: &str) -> SigningKey {
    let pem = std::fs::read_to_string(local(rel)).unwrap();
    let k = SigningKey::from_pkcs8_pem(&pem).unwrap();
    let alg = k.algorithm().with_ecdsa_encoding(EcdsaEncoding::Fixed);
    k.with_algorithm(alg).unwrap()
}

fn es256_key() -> SigningKey {
    signing_key("test-vectors/certs/p256.key")
}

fn rsa_key() -> SigningKey {
    signing_key("test-vectors/certs/rsa2048.key")
}

/// A JWS over an arbitrary header text (to build what `sign_compact` would never make).
fn sign_raw(signer: &dyn Signer, header: &str, payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload));
    let sig = signer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", b64(&sig))
}

/// An HS256 JWS over an arbitrary header text, with an arbitrary secret.
fn hs256_raw(secret: &[u8], header: &str, payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

/// A JWT signed with `signer` (header `typ: JWT`, `kid` when given).
fn jwt(signer: &dyn Signer, kid: Option<&str>, claims: &Value) -> String {
    let header = obj(json!({"typ": "JWT"}));
    sign_compact(signer, kid, header, claims.to_string().as_bytes()).unwrap()
}

fn verifier_for(signer: &SigningKey) -> Verifier<'static> {
    let alg = signer.algorithm().jose_name().unwrap();
    Verifier::new(&[alg])
        .unwrap()
        .key(VerifyKey::public(alg, signer.public_key_spki()).unwrap())
}

/// Verifies with the ES256 test key and checks the claims.
fn es256_claims(token: &str, v: &Validation) -> Result<Claims, JoseError> {
    let verified = verifier_for(&es256_key()).verify_compact(token)?;
    Claims::validate(&verified, v)
}

/// Claims valid at NOW for five minutes (no `aud`: a verifier that names no audience
/// refuses tokens that carry one).
fn fresh_claims() -> Value {
    json!({"iss": "https://idp.example", "sub": "38001085718",
           "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 300})
}

/// Replaces one base64url character with another valid one (same length, still decodes).
fn flip_char(segment: &str, at: usize) -> String {
    let mut chars: Vec<char> = segment.chars().collect();
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

fn parts(token: &str) -> (String, String, String) {
    let mut it = token.split('.');
    let h = it.next().unwrap().to_string();
    let p = it.next().unwrap().to_string();
    let s = it.next().unwrap().to_string();
    assert!(it.next().is_none());
    (h, p, s)
}

/// The public members of a JWK (private members dropped), as the verifier would hold it.
fn public_part(jwk: &Value) -> Value {
    let mut m = jwk.as_object().unwrap().clone();
    for private in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
        m.remove(private);
    }
    Value::Object(m)
}

fn jwk_from(v: &Value) -> Result<Jwk, JoseError> {
    Jwk::from_json(v.to_string().as_bytes())
}

fn is_malformed(e: &JoseError, part: &str) -> bool {
    matches!(e, JoseError::Malformed { what, .. } if *what == part)
}

// ---------------------------------------------------------------------------------------------
// 1. RFC 7515 / RFC 7520 §4 / RFC 7797 / RFC 8037 vectors
// ---------------------------------------------------------------------------------------------

/// Loads a cookbook JWS example and its verification key (private members dropped; the
/// cookbook's JWK with `d` is refused as a public key, which is asserted).
fn cookbook(dir: &Path, rel: &str) -> (Value, Jwk) {
    let v = read_json(&dir.join(rel));
    let key = &v["input"]["key"];
    if key.get("d").is_some() {
        // imza refuses a private JWK where a public key is expected: the caller has mixed up
        // its key files, and a verifier must never hold signing material.
        let e = jwk_from(key).unwrap_err();
        assert!(
            matches!(&e, JoseError::Malformed { detail, .. } if detail.contains("private key")),
            "{rel}: {e:?}"
        );
    }
    let jwk = jwk_from(&public_part(key)).unwrap();
    (v, jwk)
}

fn payload_of(v: &Value) -> Vec<u8> {
    v["input"]["payload"].as_str().unwrap().as_bytes().to_vec()
}

/// Verifies a cookbook example in every serialization it has: compact, flattened JSON and
/// (refused by design) general JSON; then checks that a modified payload fails.
fn check_cookbook_jws(dir: &Path, rel: &str, verified: &mut Vec<String>) {
    let (v, jwk) = cookbook(dir, rel);
    let alg = v["input"]["alg"].as_str().unwrap();
    let verifier = Verifier::new(&[alg])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, alg).unwrap());
    let payload = payload_of(&v);

    let compact = v["output"]["compact"].as_str().unwrap();
    let ok = verifier.verify_compact(compact).unwrap();
    assert_eq!(ok.payload, payload, "{rel}");
    assert_eq!(ok.alg, alg);
    assert_eq!(
        ok.header.get("kid"),
        v["signing"]["protected"].get("kid"),
        "{rel}"
    );
    verified.push(format!("{rel} (compact)"));

    let flat = v["output"]["json_flat"].to_string();
    assert_eq!(
        verifier.verify_flattened(flat.as_bytes()).unwrap().payload,
        payload
    );
    verified.push(format!("{rel} (flattened JSON)"));

    // General JSON serialization: refused by design, even with one signature (imza verifies
    // exactly one signature per call; split the signatures into flattened objects instead).
    let general = v["output"]["json"].to_string();
    let e = verifier.verify_flattened(general.as_bytes()).unwrap_err();
    assert!(is_malformed(&e, "JWS JSON"), "{rel}: {e:?}");

    // A modified payload fails.
    let (h, _, s) = parts(compact);
    let mut changed = payload.clone();
    *changed.last_mut().unwrap() ^= 0x01;
    let tampered = format!("{h}.{}.{s}", b64(&changed));
    assert_eq!(
        verifier.verify_compact(&tampered).unwrap_err(),
        JoseError::BadSignature,
        "{rel}"
    );
    // ... and the same key under another algorithm name is not even built.
    let other = if alg.starts_with("HS") {
        "RS256"
    } else {
        "HS256"
    };
    assert!(matches!(
        VerifyKey::from_jwk(&jwk, other).unwrap_err(),
        JoseError::KeyMismatch(_)
    ));
}

#[test]
fn rfc7520_section4_signatures_verify() {
    let Some(dir) = shared("jose") else {
        return;
    };
    let mut verified = Vec::new();
    for rel in [
        "jws/4_1.rsa_v15_signature.json",
        "jws/4_2.rsa-pss_signature.json",
        "jws/4_3.ecdsa_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
    ] {
        check_cookbook_jws(&dir, rel, &mut verified);
    }
    println!("RFC 7520 vectors verified: {verified:#?}");
}

#[test]
fn rfc7520_4_5_detached_content() {
    let Some(dir) = shared("jose") else {
        return;
    };
    let (v, jwk) = cookbook(&dir, "jws/4_5.signature_with_detached_content.json");
    let verifier = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, "HS256").unwrap());
    let payload = payload_of(&v);
    let compact = v["output"]["compact"].as_str().unwrap();
    assert!(compact.contains(".."), "the payload segment is empty");
    // The detached content is given as the payload segment (base64url of the payload).
    let encoded = b64(&payload);
    let ok = verifier
        .verify_compact_detached(compact, Some(encoded.as_bytes()))
        .unwrap();
    assert_eq!(ok.payload, payload);
    // Other content, or none, fails.
    let other = b64(b"It's a dangerous business, Frodo");
    assert_eq!(
        verifier
            .verify_compact_detached(compact, Some(other.as_bytes()))
            .unwrap_err(),
        JoseError::BadSignature
    );
    assert_eq!(
        verifier.verify_compact(compact).unwrap_err(),
        JoseError::BadSignature
    );
    // Detached content beside a non-empty payload segment is ambiguous: refused.
    let attached = verifier.verify_compact_detached(
        &v["output"]["compact"]
            .as_str()
            .unwrap()
            .replacen("..", &format!(".{encoded}."), 1),
        Some(encoded.as_bytes()),
    );
    assert!(is_malformed(&attached.unwrap_err(), "token"));
    // The flattened form without "payload" (RFC 7515 Appendix F for JSON) is not supported:
    // imza takes detached content through the compact entry point only.
    let flat = v["output"]["json_flat"].to_string();
    assert!(is_malformed(
        &verifier.verify_flattened(flat.as_bytes()).unwrap_err(),
        "JWS JSON"
    ));
}

#[test]
fn rfc7520_4_6_protecting_specific_header_fields() {
    let Some(dir) = shared("jose") else {
        return;
    };
    let (v, jwk) = cookbook(&dir, "jws/4_6.protecting_specific_header_fields.json");
    let verifier = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, "HS256").unwrap());
    let flat = &v["output"]["json_flat"];
    let ok = verifier
        .verify_flattened(flat.to_string().as_bytes())
        .unwrap();
    assert_eq!(ok.payload, payload_of(&v));
    // kid came from the unprotected header and selected the key.
    assert_eq!(
        ok.header.get("kid").and_then(Value::as_str),
        Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037")
    );
    // An unprotected kid naming another key: no key matches.
    let mut other = flat.clone();
    other["header"]["kid"] = json!("someone-else");
    assert_eq!(
        verifier
            .verify_flattened(other.to_string().as_bytes())
            .unwrap_err(),
        JoseError::NoMatchingKey
    );
    // A modified payload fails.
    let mut tampered = flat.clone();
    tampered["payload"] = json!(b64(b"It's a safe business"));
    assert_eq!(
        verifier
            .verify_flattened(tampered.to_string().as_bytes())
            .unwrap_err(),
        JoseError::BadSignature
    );
    // Header members may not be in both headers, and alg/crit/b64/typ/cty only in the
    // protected one (an unprotected typ would let anyone retype the token).
    for (k, val) in [
        ("alg", json!("HS256")),
        ("crit", json!(["b64"])),
        ("b64", json!(true)),
        ("typ", json!("at+jwt")),
        ("cty", json!("JWT")),
    ] {
        let mut dup = flat.clone();
        dup["header"][k] = val;
        assert!(
            is_malformed(
                &verifier
                    .verify_flattened(dup.to_string().as_bytes())
                    .unwrap_err(),
                "header"
            ),
            "{k}"
        );
    }
    // The general serialization of the same example is refused by design.
    let general = v["output"]["json"].to_string();
    assert!(is_malformed(
        &verifier.verify_flattened(general.as_bytes()).unwrap_err(),
        "JWS JSON"
    ));
}

#[test]
fn rfc7520_4_7_unprotected_alg_is_refused() {
    let Some(dir) = shared("jose") else {
        return;
    };
    // §4.7 "protecting content only": no protected header, alg only in the unprotected one.
    // RFC 7515 §7.2.1 allows it, imza refuses it deliberately: an algorithm outside the
    // integrity protection can be swapped by anyone (the header-confusion pitfall).
    let (v, jwk) = cookbook(&dir, "jws/4_7.protecting_content_only.json");
    let verifier = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, "HS256").unwrap());
    let flat = v["output"]["json_flat"].to_string();
    let e = verifier.verify_flattened(flat.as_bytes()).unwrap_err();
    assert!(is_malformed(&e, "JWS JSON"), "{e:?}");
    // Even with an empty protected header the alg must be protected.
    let mut with_empty = v["output"]["json_flat"].clone();
    with_empty["protected"] = json!(b64(b"{}"));
    let e = verifier
        .verify_flattened(with_empty.to_string().as_bytes())
        .unwrap_err();
    assert!(is_malformed(&e, "header"), "{e:?}");
}

#[test]
fn rfc7520_4_8_multiple_signatures_one_at_a_time() {
    let Some(dir) = shared("jose") else {
        return;
    };
    let v = read_json(&dir.join("jws/4_8.multiple_signatures.json"));
    let keys: Vec<Jwk> = v["input"]["key"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| jwk_from(&public_part(k)).unwrap())
        .collect();
    let verifier = Verifier::new(&["RS256", "ES512", "HS256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&keys[0], "RS256").unwrap())
        .key(VerifyKey::from_jwk(&keys[1], "ES512").unwrap())
        .key(VerifyKey::from_jwk(&keys[2], "HS256").unwrap());
    let general = &v["output"]["json"];
    // The general serialization with three signatures is refused by design: "verified" would
    // have to mean "some" or "all" signatures, and each caller needs a different answer.
    let e = verifier
        .verify_flattened(general.to_string().as_bytes())
        .unwrap_err();
    assert!(is_malformed(&e, "JWS JSON"), "{e:?}");
    // Each signature as its own flattened JWS.
    let payload = general["payload"].clone();
    let sigs = general["signatures"].as_array().unwrap();
    let mut results = Vec::new();
    for sig in sigs {
        let mut flat = sig.as_object().unwrap().clone();
        flat.insert("payload".into(), payload.clone());
        results.push(verifier.verify_flattened(Value::Object(flat).to_string().as_bytes()));
    }
    assert_eq!(results[0].as_ref().unwrap().alg, "RS256");
    assert_eq!(results[0].as_ref().unwrap().payload, payload_of(&v));
    // The ES512 signature has its alg only in the unprotected header: refused (see §4.7).
    assert!(is_malformed(results[1].as_ref().unwrap_err(), "JWS JSON"));
    assert_eq!(results[2].as_ref().unwrap().alg, "HS256");
}

#[test]
fn rfc7515_appendix_a_examples() {
    // RFC 7515 A.1: the HS256 JWS example (key from A.1.1; the header and claims keep their
    // CRLF line breaks, which are part of the signed bytes).
    let key = unb64(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    );
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let verifier = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::hmac("HS256", &key).unwrap());
    let ok = verifier.verify_compact(token).unwrap();
    let claims = Claims::parse(&ok.payload).unwrap();
    assert_eq!(claims.iss.as_deref(), Some("joe"));
    assert_eq!(claims.exp, Some(1_300_819_380));
    // It expired in 2011.
    assert_eq!(
        Claims::validate(&ok, &Validation::new(now())).unwrap_err(),
        JoseError::Claim(ClaimError::Expired)
    );
    let (h, p, s) = parts(token);
    assert_eq!(
        verifier
            .verify_compact(&format!("{h}.{}.{s}", flip_char(&p, 5)))
            .unwrap_err(),
        JoseError::BadSignature
    );
    // RFC 7515 A.5: the unsecured JWS ("alg":"none") is never accepted.
    let unsecured = format!("eyJhbGciOiJub25lIn0.{p}.");
    assert_eq!(
        verifier.verify_compact(&unsecured).unwrap_err(),
        JoseError::AlgorithmNotAllowed("none".into())
    );
}

#[test]
fn rfc7797_unencoded_payload_through_crit() {
    let Some(dir) = shared("jose") else {
        return;
    };
    // The cookbook's compact-compatible b64:false example (header with crit ["b64"]).
    let v = read_json(&dir.join("rfc7797/hmac-sha2_b64_false.json"));
    let jwk = jwk_from(&v["input"]["key"]).unwrap();
    let verifier = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, "HS256").unwrap());
    let compact = v["output"]["compact"].as_str().unwrap();
    let ok = verifier.verify_compact(compact).unwrap();
    assert_eq!(ok.payload, b"This is the payload string!");
    assert_eq!(ok.header.get("b64"), Some(&json!(false)));
    let flat = v["output"]["json_flat"].to_string();
    assert_eq!(
        verifier.verify_flattened(flat.as_bytes()).unwrap().payload,
        b"This is the payload string!"
    );
    let tampered = compact.replace("payload string!", "payload string?");
    assert_eq!(
        verifier.verify_compact(&tampered).unwrap_err(),
        JoseError::BadSignature
    );

    // RFC 7797 §4.2 itself: payload "$.02", header {"alg":"HS256","b64":false,"crit":["b64"]}
    // (the signature value is the one printed in the RFC). The payload holds a '.', so it is
    // shown detached in the compact form and attached in the JSON form; both verify.
    let protected = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19";
    let sig = "A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";
    let detached = format!("{protected}..{sig}");
    assert_eq!(
        verifier
            .verify_compact_detached(&detached, Some(b"$.02"))
            .unwrap()
            .payload,
        b"$.02"
    );
    let flat = json!({"protected": protected, "payload": "$.02", "signature": sig});
    assert_eq!(
        verifier
            .verify_flattened(flat.to_string().as_bytes())
            .unwrap()
            .payload,
        b"$.02"
    );
    assert_eq!(
        verifier
            .verify_compact_detached(&detached, Some(b"$.03"))
            .unwrap_err(),
        JoseError::BadSignature
    );

    // The cookbook's "4.2" file predates the final RFC: its header has b64:false without
    // crit. RFC 7797 §6 requires b64 to be listed in crit, so imza refuses it.
    let old = read_json(&dir.join("rfc7797/4.2.hmac-sha2_b64_false.json"));
    let flat = old["output"]["json_flat"].to_string();
    assert_eq!(
        verifier.verify_flattened(flat.as_bytes()).unwrap_err(),
        JoseError::UnsupportedCritical("b64 without crit".into())
    );
}

#[test]
fn rfc8037_ed25519_signature_verifies() {
    let Some(dir) = shared("jose") else {
        return;
    };
    let (v, jwk) = cookbook(&dir, "curve25519/jws.json");
    assert!(matches!(
        jwk.material,
        KeyMaterial::Public {
            kind: imza::crypto::KeyKind::Ed25519,
            ..
        }
    ));
    let verifier = Verifier::new(&["EdDSA"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, "EdDSA").unwrap());
    let compact = v["output"]["compact"].as_str().unwrap();
    assert_eq!(
        verifier.verify_compact(compact).unwrap().payload,
        b"Example of Ed25519 signing"
    );
    let flat = v["output"]["json_flat"].to_string();
    assert_eq!(
        verifier.verify_flattened(flat.as_bytes()).unwrap().payload,
        b"Example of Ed25519 signing"
    );
    let (h, _, s) = parts(compact);
    let tampered = format!("{h}.{}.{s}", b64(b"Example of Ed25519 signinG"));
    assert_eq!(
        verifier.verify_compact(&tampered).unwrap_err(),
        JoseError::BadSignature
    );
    // RFC 8037 §3.1: the thumbprint of the example key (RFC 8037 Appendix A.3).
    assert_eq!(
        jwk.thumbprint().unwrap(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Wycheproof: json_web_signature, json_web_key, json_web_crypto
// ---------------------------------------------------------------------------------------------

/// The verifier an application builds from a key set: one key per (JWK, algorithm) pair the
/// JWK allows, with every JOSE algorithm allowed. imza selects by the token's alg and kid.
fn verifier_from_set(keys: &[Jwk]) -> Verifier<'static> {
    let mut v = Verifier::new(&ALL_ALGS).unwrap();
    for k in keys {
        for alg in ALL_ALGS {
            if let Ok(vk) = VerifyKey::from_jwk(k, alg) {
                v = v.key(vk);
            }
        }
    }
    v
}

/// The unverified `alg` and `kid` of a compact token, as a caller of `JwksCache::key` reads
/// them (test-side; failures are rejections).
fn peek(token: &str) -> Result<(String, Option<String>), JoseError> {
    let bad = || JoseError::Malformed {
        what: "test peek",
        detail: "unreadable header".into(),
    };
    let h = token.split('.').next().ok_or_else(bad)?;
    let bytes = Base64UrlUnpadded::decode_vec(h).map_err(|_| bad())?;
    let m: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let alg = m.get("alg").and_then(Value::as_str).ok_or_else(bad)?;
    Ok((
        alg.to_string(),
        m.get("kid").and_then(Value::as_str).map(String::from),
    ))
}

/// The other flow: select one JWK from the set by the token's alg/kid, bind it, verify.
fn verify_via_select(set: &Jwks, token: &str) -> Result<Verified, JoseError> {
    let (alg, kid) = peek(token)?;
    let jwk = set.select(&alg, kid.as_deref())?;
    let key = VerifyKey::from_jwk(jwk, &alg)?;
    Verifier::new(&ALL_ALGS)?.key(key).verify_compact(token)
}

/// How imza treated one Wycheproof case.
fn verdict(keys: &Result<Jwks, JoseError>, token: &str) -> Result<(), String> {
    let set = keys
        .as_ref()
        .map_err(|e| format!("key refused: {}", variant(e)))?;
    let a = verifier_from_set(&set.keys).verify_compact(token);
    let b = verify_via_select(set, token);
    assert_eq!(
        a.is_ok(),
        b.is_ok(),
        "the two verification flows disagree on {token:?}: {a:?} / {b:?}"
    );
    a.map(|_| ()).map_err(|e| variant(&e))
}

/// The same for a JWS in the JSON serialization: read as flattened JSON (general JSON is
/// refused by design), and never as a compact token.
fn verdict_json(keys: &Result<Jwks, JoseError>, json: &str) -> Result<(), String> {
    let set = keys
        .as_ref()
        .map_err(|e| format!("key refused: {}", variant(e)))?;
    let verifier = verifier_from_set(&set.keys);
    assert!(verifier.verify_compact(json).is_err());
    verifier
        .verify_flattened(json.as_bytes())
        .map(|_| ())
        .map_err(|e| variant(&e))
}

fn variant(e: &JoseError) -> String {
    match e {
        JoseError::Malformed { what, .. } => format!("Malformed({what})"),
        JoseError::Crypto(imza::Error::PolicyViolation { .. }) => "Crypto(PolicyViolation)".into(),
        JoseError::Crypto(imza::Error::KeyRejected { .. }) => "Crypto(KeyRejected)".into(),
        JoseError::Crypto(_) => "Crypto".into(),
        JoseError::KeyMismatch(_) => "KeyMismatch".into(),
        JoseError::AlgorithmNotAllowed(_) => "AlgorithmNotAllowed".into(),
        JoseError::UnsupportedCritical(_) => "UnsupportedCritical".into(),
        other => format!("{other:?}"),
    }
}

/// Wycheproof cases whose expected result contradicts the bytes or RFC 7515/7517, with what
/// imza must do instead (asserted) and why.
fn erratum(file: &str, tc: u64) -> Option<(bool, &'static str)> {
    match (file, tc) {
        ("json_web_signature_test.json", 346 | 350) => Some((
            false,
            "PS384 token, but the JWK says \"alg\":\"PS256\": RFC 7517 §4.4 binds the key to PS256",
        )),
        ("json_web_signature_test.json", 347 | 351) => Some((
            false,
            "ES512 token, but the JWK says \"alg\":\"ES521\" (no such JOSE algorithm): RFC 7517 §4.4",
        )),
        ("json_web_signature_test.json", 367 | 370) => Some((
            true,
            "expected invalid, but the token is byte-identical to the valid tcId 357 (the padding it names is absent)",
        )),
        ("json_web_signature_test.json", 372 | 373) => Some((
            false,
            "expected valid, but a '?' is inside a base64url segment: RFC 7515 §5.2 steps 2 and 6 require strict decoding, and the signing input then differs",
        )),
        _ => None,
    }
}

#[derive(Default)]
struct Tally {
    total: usize,
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable: BTreeMap<String, usize>,
    errata: Vec<String>,
    unsupported: BTreeMap<String, usize>,
    reasons: BTreeMap<String, usize>,
    wrong: Vec<String>,
}

impl Tally {
    fn print(&self, file: &str) {
        println!("== Wycheproof {file}: {} cases", self.total);
        println!("   valid accepted:   {}", self.valid_accepted);
        println!("   invalid rejected: {}", self.invalid_rejected);
        for (how, n) in &self.acceptable {
            println!("   acceptable, {how}: {n}");
        }
        for (why, n) in &self.unsupported {
            println!("   unsupported ({why}): {n}");
        }
        println!("   errata (expected result contradicts the data or the RFC; imza's answer asserted): {}", self.errata.len());
        for e in &self.errata {
            println!("      {e}");
        }
        println!("   rejection reasons: {:?}", self.reasons);
        println!("   WRONG: {}", self.wrong.len());
        for w in &self.wrong {
            println!("      {w}");
        }
    }
}

/// The key set a Wycheproof group gives: the public key(s) when present, else the secret
/// key(s). Asymmetric keys in a private-only set are reduced to their public members, as a
/// verifier would hold them (so a mixed set really is mixed, not refused for its `d`).
fn group_keys(group: &Value) -> Result<Jwks, JoseError> {
    let src = group
        .get("public")
        .filter(|v| !v.is_null())
        .or_else(|| group.get("private"))
        .unwrap();
    if let Some(keys) = src.get("keys").and_then(Value::as_array) {
        let keys: Vec<Value> = keys
            .iter()
            .map(|k| {
                if k.get("kty").and_then(Value::as_str) == Some("oct") {
                    k.clone()
                } else {
                    public_part(k)
                }
            })
            .collect();
        Jwks::from_json(json!({ "keys": keys }).to_string().as_bytes())
    } else {
        jwk_from(src).map(|k| Jwks { keys: vec![k] })
    }
}

fn run_wycheproof(dir: &Path, file: &str) -> Tally {
    let doc = read_json(&dir.join(file));
    let mut t = Tally::default();
    for group in doc["testGroups"].as_array().unwrap() {
        let keys = group_keys(group);
        let comment = group["comment"].as_str().unwrap_or("");
        for case in group["tests"].as_array().unwrap() {
            t.total += 1;
            let tc = case["tcId"].as_u64().unwrap();
            let expected = case["result"].as_str().unwrap();
            let label = format!(
                "tcId {tc} [{comment}] {} (expected {expected})",
                case["comment"].as_str().unwrap_or("")
            );
            if let Some(jwe) = case.get("jwe") {
                // JWE is not implemented: imza has no decryption entry point. What matters is
                // that the JWS verifier never takes a JWE for a JWS.
                let verifier =
                    verifier_from_set(&keys.as_ref().map(|s| s.keys.clone()).unwrap_or_default());
                let r = match jwe {
                    Value::String(s) => verifier.verify_compact(s),
                    other => verifier.verify_flattened(other.to_string().as_bytes()),
                };
                match r {
                    Ok(_) => t.wrong.push(format!("{label}: a JWE verified as a JWS")),
                    Err(e) => {
                        *t.unsupported
                            .entry(format!(
                                "JWE decryption is not implemented; the JWS verifier says {}",
                                variant(&e)
                            ))
                            .or_default() += 1;
                    }
                }
                continue;
            }
            let got = match &case["jws"] {
                Value::String(token) => verdict(&keys, token),
                // A JSON serialization where the compact one is expected (json_web_crypto).
                other => verdict_json(&keys, &other.to_string()),
            };
            if std::env::var_os("IMZA_WYCHEPROOF_VERBOSE").is_some() {
                println!("   {label}: {got:?}");
            }
            if let Some((must_accept, why)) = erratum(file, tc) {
                if got.is_ok() == must_accept {
                    t.errata.push(format!(
                        "{label}: imza {} ({why})",
                        if must_accept { "accepts" } else { "rejects" }
                    ));
                } else {
                    t.wrong
                        .push(format!("{label}: erratum not honoured: {got:?}"));
                }
                continue;
            }
            match (expected, &got) {
                ("valid", Ok(())) => t.valid_accepted += 1,
                ("invalid", Err(reason)) => {
                    t.invalid_rejected += 1;
                    *t.reasons.entry(reason.clone()).or_default() += 1;
                }
                ("acceptable", Ok(())) => *t.acceptable.entry("accepted".into()).or_default() += 1,
                ("acceptable", Err(r)) => {
                    *t.acceptable.entry(format!("rejected ({r})")).or_default() += 1;
                }
                _ => t.wrong.push(format!("{label}: got {got:?}")),
            }
        }
    }
    t.print(file);
    t
}

#[test]
fn wycheproof_json_web_signature() {
    let Some(dir) = shared("wycheproof") else {
        return;
    };
    let t = run_wycheproof(&dir, "json_web_signature_test.json");
    assert_eq!(t.total, 401);
    assert!(t.wrong.is_empty(), "{} wrong answers", t.wrong.len());
    assert_eq!(t.errata.len(), 8);
}

#[test]
fn wycheproof_json_web_key() {
    let Some(dir) = shared("wycheproof") else {
        return;
    };
    let t = run_wycheproof(&dir, "json_web_key_test.json");
    assert_eq!(t.total, 26);
    assert!(t.wrong.is_empty(), "{} wrong answers", t.wrong.len());
}

#[test]
fn wycheproof_json_web_crypto() {
    let Some(dir) = shared("wycheproof") else {
        return;
    };
    let t = run_wycheproof(&dir, "json_web_crypto_test.json");
    assert_eq!(t.total, 83);
    assert!(t.wrong.is_empty(), "{} wrong answers", t.wrong.len());
    // The 34 JWE cases are the only ones not run as JWS.
    assert_eq!(t.unsupported.values().sum::<usize>(), 34);
}

#[test]
fn wycheproof_errata_are_what_they_claim() {
    let Some(dir) = shared("wycheproof") else {
        return;
    };
    // Figure 20 / 27 (tcId 346, 347): refused only because the JWK's alg member names
    // another algorithm. Without that member the same keys verify the same tokens.
    let doc = read_json(&dir.join("json_web_signature_test.json"));
    let mut seen = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        for case in group["tests"].as_array().unwrap() {
            let tc = case["tcId"].as_u64().unwrap();
            if tc != 346 && tc != 347 {
                continue;
            }
            let token = case["jws"].as_str().unwrap();
            let mut key = group["public"].clone();
            let declared = key["alg"].as_str().unwrap().to_string();
            let (alg, _) = peek(token).unwrap();
            let jwk = jwk_from(&key).unwrap();
            assert!(matches!(
                VerifyKey::from_jwk(&jwk, &alg).unwrap_err(),
                JoseError::KeyMismatch(_)
            ));
            key.as_object_mut().unwrap().remove("alg");
            let jwk = jwk_from(&key).unwrap();
            let ok = Verifier::new(&[alg.as_str()])
                .unwrap()
                .key(VerifyKey::from_jwk(&jwk, &alg).unwrap())
                .verify_compact(token);
            assert!(
                ok.is_ok(),
                "tcId {tc} ({declared} key, {alg} token): {ok:?}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 2);
    // tcId 367 and 370 ("invalid") are the very bytes of tcId 357 ("valid"); tcId 372 and
    // 373 ("valid") hold a '?', outside the base64url alphabet, in the header or payload.
    let jws = |tc: u64| -> String {
        doc["testGroups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["tests"].as_array().unwrap())
            .find(|c| c["tcId"].as_u64() == Some(tc))
            .unwrap()["jws"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(jws(367), jws(357));
    assert_eq!(jws(370), jws(357));
    for tc in [372, 373] {
        let t = jws(tc);
        let (h, p, _) = parts(&t);
        assert!(h.contains('?') || p.contains('?'), "tcId {tc}");
    }
}

#[test]
fn rsa_keys_with_a_bad_exponent_or_the_roca_fingerprint_are_refused() {
    let Some(dir) = shared("wycheproof") else {
        return;
    };
    // Wycheproof's ROCA key (CVE-2017-15361) and e = 1 key, each refused when it is bound.
    let doc = read_json(&dir.join("json_web_key_test.json"));
    let mut seen = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let want = match group["comment"].as_str().unwrap() {
            "jws_rsa_roca_key" => "ROCA",
            "exponentOne" => "RFC 8017",
            _ => continue,
        };
        let jwk = jwk_from(&group["public"]["keys"][0]).unwrap();
        let e = VerifyKey::from_jwk(&jwk, "RS256").unwrap_err();
        assert!(
            matches!(&e, JoseError::Crypto(imza::Error::KeyRejected { reason }) if reason.contains(want)),
            "{e:?}"
        );
        seen += 1;
    }
    assert_eq!(seen, 2);
    // Exponents 2 (even), 3 (fine) and n (too large) on the RFC 7638 modulus.
    let n = unb64(RFC7638_N);
    for (e, ok) in [
        (vec![2u8], false),
        (vec![3u8], true),
        (vec![1u8, 0, 1], true),
        (n.clone(), false),
    ] {
        let jwk = jwk_from(&json!({"kty": "RSA", "n": RFC7638_N, "e": b64(&e)})).unwrap();
        assert_eq!(VerifyKey::from_jwk(&jwk, "RS256").is_ok(), ok, "e = {e:?}");
    }
    // Keys from sound generators do not have the fingerprint (the RFC 7520 key verified
    // above, the crate's test keys, the Wycheproof RSA keys in the runs above).
    assert!(VerifyKey::public("PS256", rsa_key().public_key_spki()).is_ok());
    assert!(VerifyKey::public(
        "RS256",
        signing_key("test-vectors/pki/rsa/login.key").public_key_spki()
    )
    .is_ok());
}

// ---------------------------------------------------------------------------------------------
// 3. The pitfalls, one test each, with the exact typed error
// ---------------------------------------------------------------------------------------------

#[test]
fn pitfall_alg_none_is_not_an_algorithm() {
    let key = es256_key();
    let claims = fresh_claims().to_string();
    let verifier = verifier_for(&key);
    for name in ["none", "None", "NONE", "nOnE"] {
        let token = format!(
            "{}.{}.",
            b64(format!("{{\"alg\":\"{name}\"}}").as_bytes()),
            b64(claims.as_bytes())
        );
        assert_eq!(
            verifier.verify_compact(&token).unwrap_err(),
            JoseError::AlgorithmNotAllowed(name.into())
        );
    }
    // It cannot be allowed either, nor made into a key.
    assert_eq!(
        Verifier::new(&["ES256", "none"]).unwrap_err(),
        JoseError::AlgorithmNotAllowed("none".into())
    );
    assert!(matches!(
        VerifyKey::public("none", key.public_key_spki()).unwrap_err(),
        JoseError::AlgorithmNotAllowed(_)
    ));
    // An algorithm imza implements but the verifier does not allow.
    let rs = rsa_key();
    let token = jwt(&rs, None, &fresh_claims());
    assert_eq!(
        verifier.verify_compact(&token).unwrap_err(),
        JoseError::AlgorithmNotAllowed("RS256".into())
    );
}

/// The RSA public key as PEM text, which the classic attack uses as the HMAC secret.
fn public_pem(spki: &[u8]) -> String {
    let body = Base64::encode_string(spki);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

#[test]
fn pitfall_rs256_public_key_as_hs256_secret() {
    let rs = rsa_key();
    let spki = rs.public_key_spki();
    // The public key cannot even become an HS256 key, through any constructor.
    assert!(matches!(
        VerifyKey::public("HS256", spki).unwrap_err(),
        JoseError::KeyMismatch(_)
    ));
    let jwk = Jwk::from_spki(spki).unwrap();
    assert!(matches!(
        VerifyKey::from_jwk(&jwk, "HS256").unwrap_err(),
        JoseError::KeyMismatch(_)
    ));
    assert!(matches!(
        VerifyKey::from_jwk(&jwk, "RS256").unwrap().algorithm(),
        imza::jose::jws::JwsAlgorithm::Signature(_)
    ));

    // The forged token: HS256 with the PEM bytes (and the DER bytes) as the secret.
    let pem = public_pem(spki);
    for secret in [pem.as_bytes(), spki] {
        let forged = sign_compact_hmac(
            "HS256",
            secret,
            None,
            obj(json!({"typ": "JWT"})),
            fresh_claims().to_string().as_bytes(),
        )
        .unwrap();
        // A verifier allowing RS256 only refuses the algorithm.
        let strict = Verifier::new(&["RS256"])
            .unwrap()
            .key(VerifyKey::public("RS256", spki).unwrap());
        assert_eq!(
            strict.verify_compact(&forged).unwrap_err(),
            JoseError::AlgorithmNotAllowed("HS256".into())
        );
        // Even a verifier that allows HS256 has no HS256 key: the RSA key is RS256 only.
        let lax = Verifier::new(&["RS256", "HS256"])
            .unwrap()
            .key(VerifyKey::public("RS256", spki).unwrap());
        assert_eq!(
            lax.verify_compact(&forged).unwrap_err(),
            JoseError::NoMatchingKey
        );
    }
}

#[test]
fn pitfall_embedded_jwk_jku_x5u_are_never_used() {
    let real = es256_key();
    let attacker = signing_key("test-vectors/pki/ecdsa-p256/login.key");
    let verifier = Verifier::new(&["ES256"]).unwrap().key(
        VerifyKey::public("ES256", real.public_key_spki())
            .unwrap()
            .with_kid(Some("real".into())),
    );
    let attacker_jwk = Value::Object(
        Jwk::from_spki(attacker.public_key_spki())
            .unwrap()
            .to_public_json()
            .unwrap(),
    );
    let claims = fresh_claims().to_string();
    for (member, value) in [
        ("jwk", attacker_jwk),
        ("jku", json!("https://attacker.example/jwks.json")),
        ("x5u", json!("https://attacker.example/cert.pem")),
    ] {
        // Same kid as the real key: the real key is used, and the signature is not its own.
        let mut header = obj(json!({"typ": "JWT"}));
        header.insert(member.into(), value.clone());
        let token = sign_compact(&attacker, Some("real"), header, claims.as_bytes()).unwrap();
        assert_eq!(
            verifier.verify_compact(&token).unwrap_err(),
            JoseError::BadSignature,
            "{member}"
        );
        // A kid only the embedded key knows: nothing configured matches.
        let mut header = obj(json!({"typ": "JWT"}));
        header.insert(member.into(), value);
        let token = sign_compact(&attacker, Some("attacker"), header, claims.as_bytes()).unwrap();
        assert_eq!(
            verifier.verify_compact(&token).unwrap_err(),
            JoseError::NoMatchingKey,
            "{member}"
        );
    }
}

#[test]
fn pitfall_unknown_crit_is_refused() {
    let key = es256_key();
    let verifier = verifier_for(&key);
    let payload = fresh_claims().to_string();
    let cases = [
        (r#"{"alg":"ES256","crit":["exp"],"exp":1}"#, "exp"),
        (
            r#"{"alg":"ES256","crit":["http://example.invalid/x"],"http://example.invalid/x":true}"#,
            "http://example.invalid/x",
        ),
        // Listed but absent from the header (RFC 7515 §4.1.11).
        (r#"{"alg":"ES256","crit":["b64"]}"#, "b64"),
        (r#"{"alg":"ES256","crit":[]}"#, "crit is empty"),
        (
            r#"{"alg":"ES256","crit":"b64","b64":true}"#,
            "crit is not an array",
        ),
        (
            r#"{"alg":"ES256","crit":[7]}"#,
            "a crit entry is not a string",
        ),
        // Names defined by RFC 7515 itself must not be listed: not understood as crit.
        (r#"{"alg":"ES256","crit":["alg"]}"#, "alg"),
    ];
    for (header, what) in cases {
        let token = sign_raw(&key, header, payload.as_bytes());
        assert_eq!(
            verifier.verify_compact(&token).unwrap_err(),
            JoseError::UnsupportedCritical(what.into()),
            "{header}"
        );
    }
    // crit in the unprotected header of the JSON form is refused too.
    let token = sign_raw(&key, r#"{"alg":"ES256"}"#, payload.as_bytes());
    let (h, p, s) = parts(&token);
    let flat = json!({"protected": h, "payload": p, "signature": s,
                      "header": {"crit": ["exp"], "exp": 1}});
    assert!(is_malformed(
        &verifier
            .verify_flattened(flat.to_string().as_bytes())
            .unwrap_err(),
        "header"
    ));
}

#[test]
fn pitfall_malformed_exp_is_not_absent() {
    let key = es256_key();
    let v = Validation::new(now());
    for (claim, bad) in [
        ("exp", json!("tomorrow")),
        ("exp", json!(true)),
        ("exp", json!(null)),
        ("exp", json!(-5)),
        ("exp", json!([NOW + 300])),
        ("nbf", json!("2026-12-31")),
        ("iat", json!({"t": 1})),
    ] {
        let mut claims = fresh_claims();
        claims[claim] = bad.clone();
        let token = jwt(&key, None, &claims);
        let name = match claim {
            "exp" => "exp",
            "nbf" => "nbf",
            _ => "iat",
        };
        assert_eq!(
            es256_claims(&token, &v).unwrap_err(),
            JoseError::Claim(ClaimError::Malformed(name)),
            "{claim} = {bad}"
        );
    }
    // Even with exp not required, a malformed one is an error.
    let mut lax = Validation::new(now());
    lax.require_exp = false;
    let mut claims = fresh_claims();
    claims["exp"] = json!("tomorrow");
    assert_eq!(
        es256_claims(&jwt(&key, None, &claims), &lax).unwrap_err(),
        JoseError::Claim(ClaimError::Malformed("exp"))
    );
    // Absent is Missing when required, and fine when not.
    let mut claims = fresh_claims();
    claims.as_object_mut().unwrap().remove("exp");
    let token = jwt(&key, None, &claims);
    assert_eq!(
        es256_claims(&token, &v).unwrap_err(),
        JoseError::Claim(ClaimError::Missing("exp"))
    );
    assert!(es256_claims(&token, &lax).is_ok());
    // Malformed aud / iss / sub are malformed too.
    for (claim, bad) in [
        ("aud", json!(7)),
        ("aud", json!(["a", 1])),
        ("iss", json!(1)),
    ] {
        let mut claims = fresh_claims();
        claims[claim] = bad;
        let name = if claim == "aud" { "aud" } else { "iss" };
        assert_eq!(
            es256_claims(&jwt(&key, None, &claims), &v).unwrap_err(),
            JoseError::Claim(ClaimError::Malformed(name))
        );
    }
}

#[test]
fn pitfall_time_claims_and_default_leeway() {
    let key = es256_key();
    let v = Validation::new(now());
    assert_eq!(v.leeway, 60);
    assert!(v.check_nbf && v.require_exp);
    let with = |claim: &str, value: u64| {
        let mut c = fresh_claims();
        c[claim] = json!(value);
        jwt(&key, None, &c)
    };
    // exp: 30 s ago is within the 60 s leeway, 90 s ago is not.
    assert!(es256_claims(&with("exp", NOW - 30), &v).is_ok());
    assert_eq!(
        es256_claims(&with("exp", NOW - 90), &v).unwrap_err(),
        JoseError::Claim(ClaimError::Expired)
    );
    // Long expired.
    assert_eq!(
        es256_claims(&with("exp", NOW - 86_400), &v).unwrap_err(),
        JoseError::Claim(ClaimError::Expired)
    );
    // nbf (checked by default): 30 s ahead is tolerated, 90 s ahead is not yet valid.
    assert!(es256_claims(&with("nbf", NOW + 30), &v).is_ok());
    assert_eq!(
        es256_claims(&with("nbf", NOW + 90), &v).unwrap_err(),
        JoseError::Claim(ClaimError::NotYetValid)
    );
    // iat in the future beyond the leeway.
    assert_eq!(
        es256_claims(&with("iat", NOW + 90), &v).unwrap_err(),
        JoseError::Claim(ClaimError::IssuedAt)
    );
    // Leeway is configurable; with none, exp is exclusive (RFC 7519 §4.1.4: the current time
    // must be before exp) and nbf inclusive (§4.1.5: on or after nbf).
    let mut exact = Validation::new(now());
    exact.leeway = 0;
    assert_eq!(
        es256_claims(&with("exp", NOW - 30), &exact).unwrap_err(),
        JoseError::Claim(ClaimError::Expired)
    );
    assert_eq!(
        es256_claims(&with("exp", NOW), &exact).unwrap_err(),
        JoseError::Claim(ClaimError::Expired)
    );
    assert!(es256_claims(&with("exp", NOW + 1), &exact).is_ok());
    assert!(es256_claims(&with("nbf", NOW), &exact).is_ok());
    assert_eq!(
        es256_claims(&with("nbf", NOW + 1), &exact).unwrap_err(),
        JoseError::Claim(ClaimError::NotYetValid)
    );
    // max_age on iat.
    let mut young = Validation::new(now());
    young.max_age = Some(60);
    assert!(es256_claims(&with("iat", NOW - 100), &young).is_ok()); // 100 <= 60 + 60
    assert_eq!(
        es256_claims(&with("iat", NOW - 200), &young).unwrap_err(),
        JoseError::Claim(ClaimError::IssuedAt)
    );
    // Fractional NumericDates are numbers, hence allowed.
    let mut c = fresh_claims();
    c["exp"] = json!(NOW as f64 + 120.5);
    assert_eq!(
        es256_claims(&jwt(&key, None, &c), &v).unwrap().exp,
        Some(NOW + 120)
    );
}

#[test]
fn pitfall_wrong_audience_and_issuer() {
    let key = es256_key();
    let mut v = Validation::new(now());
    v.issuer = Some("https://idp.example".into());
    v.audiences = vec!["portal".into()];
    let mut c = fresh_claims();
    c["aud"] = json!("portal");
    let token = jwt(&key, None, &c);
    assert!(es256_claims(&token, &v).is_ok());
    // A verifier that names no audience identifies with none (RFC 7519 §4.1.3): a token
    // carrying aud is not for it. Without aud the token is accepted.
    assert_eq!(
        es256_claims(&token, &Validation::new(now())).unwrap_err(),
        JoseError::Claim(ClaimError::Audience)
    );
    assert!(es256_claims(&jwt(&key, None, &fresh_claims()), &Validation::new(now())).is_ok());

    let mut c = fresh_claims();
    c["aud"] = json!("other-portal");
    assert_eq!(
        es256_claims(&jwt(&key, None, &c), &v).unwrap_err(),
        JoseError::Claim(ClaimError::Audience)
    );
    c["aud"] = json!(["other-portal", "portal"]);
    assert!(es256_claims(&jwt(&key, None, &c), &v).is_ok());
    c.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        es256_claims(&jwt(&key, None, &c), &v).unwrap_err(),
        JoseError::Claim(ClaimError::Missing("aud"))
    );

    let mut c = fresh_claims();
    c["aud"] = json!("portal");
    c["iss"] = json!("https://idp.example/");
    assert_eq!(
        es256_claims(&jwt(&key, None, &c), &v).unwrap_err(),
        JoseError::Claim(ClaimError::Issuer)
    );
    c.as_object_mut().unwrap().remove("iss");
    assert_eq!(
        es256_claims(&jwt(&key, None, &c), &v).unwrap_err(),
        JoseError::Claim(ClaimError::Issuer)
    );
}

#[test]
fn pitfall_tampered_payload_and_signature() {
    let key = es256_key();
    let verifier = verifier_for(&key);
    let token = jwt(&key, None, &fresh_claims());
    assert!(verifier.verify_compact(&token).is_ok());
    let (h, p, s) = parts(&token);
    // Payload: a claim changed.
    let mut claims = fresh_claims();
    claims["sub"] = json!("38001085719");
    let forged = format!("{h}.{}.{s}", b64(claims.to_string().as_bytes()));
    assert_eq!(
        verifier.verify_compact(&forged).unwrap_err(),
        JoseError::BadSignature
    );
    // Signature: every byte flipped in turn.
    let sig = unb64(&s);
    for i in 0..sig.len() {
        let mut bad = sig.clone();
        bad[i] ^= 0x01;
        assert_eq!(
            verifier
                .verify_compact(&format!("{h}.{p}.{}", b64(&bad)))
                .unwrap_err(),
            JoseError::BadSignature,
            "byte {i}"
        );
    }
    // Header: typ changed.
    let header = b64(br#"{"typ":"jwt","alg":"ES256"}"#);
    assert_eq!(
        verifier
            .verify_compact(&format!("{header}.{p}.{s}"))
            .unwrap_err(),
        JoseError::BadSignature
    );
    // Truncated, extended, empty, and DER-encoded (not r||s) signatures.
    for bad in [
        sig[..63].to_vec(),
        [sig.clone(), vec![0]].concat(),
        Vec::new(),
    ] {
        assert_eq!(
            verifier
                .verify_compact(&format!("{h}.{p}.{}", b64(&bad)))
                .unwrap_err(),
            JoseError::BadSignature
        );
    }
    let der_key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(local("test-vectors/certs/p256.key")).unwrap(),
    )
    .unwrap();
    let der_sig = der_key.sign(format!("{h}.{p}").as_bytes()).unwrap();
    assert_eq!(
        verifier
            .verify_compact(&format!("{h}.{p}.{}", b64(&der_sig)))
            .unwrap_err(),
        JoseError::BadSignature
    );
    // HMAC: a tampered MAC.
    let secret = [7u8; 32];
    let hs = sign_compact_hmac("HS256", &secret, None, Map::new(), b"{}").unwrap();
    let hv = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::hmac("HS256", &secret).unwrap());
    assert!(hv.verify_compact(&hs).is_ok());
    let (h, p, s) = parts(&hs);
    assert_eq!(
        hv.verify_compact(&format!("{h}.{p}.{}", flip_char(&s, 3)))
            .unwrap_err(),
        JoseError::BadSignature
    );
}

#[test]
fn pitfall_ecdsa_r_s_zero_psychic_signature() {
    let key = es256_key();
    let verifier = verifier_for(&key);
    let token = jwt(&key, None, &fresh_claims());
    let (h, p, _) = parts(&token);
    // CVE-2022-21449: r = s = 0 must never verify (every backend: the Wycheproof ECDSA run
    // in tests/wycheproof.rs covers each one; this is the JWS path).
    let zero = format!("{h}.{p}.{}", b64(&[0u8; 64]));
    assert_eq!(
        verifier.verify_compact(&zero).unwrap_err(),
        JoseError::BadSignature
    );
    // r = s = n (the group order) reduces to zero too.
    let n =
        hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap();
    let rn = format!("{h}.{p}.{}", b64(&[n.clone(), n].concat()));
    assert_eq!(
        verifier.verify_compact(&rn).unwrap_err(),
        JoseError::BadSignature
    );
    // The same for ES384 and ES512.
    for (file, len) in [("p384.key", 96), ("p521.key", 132)] {
        let k = signing_key(&format!("test-vectors/certs/{file}"));
        let t = jwt(&k, None, &fresh_claims());
        let (h, p, _) = parts(&t);
        assert_eq!(
            verifier_for(&k)
                .verify_compact(&format!("{h}.{p}.{}", b64(&vec![0u8; len])))
                .unwrap_err(),
            JoseError::BadSignature,
            "{file}"
        );
    }
}

#[test]
fn pitfall_jwe_is_not_a_jws() {
    let key = es256_key();
    let verifier = verifier_for(&key);
    // RFC 7516 §7.1: five parts. The header says it is an encryption to our key.
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        b64(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
        b64(&[1; 256]),
        b64(&[2; 12]),
        b64(b"ciphertext"),
        b64(&[3; 16])
    );
    assert_eq!(
        verifier.verify_compact(&jwe).unwrap_err(),
        JoseError::NotAJws
    );
    // A JWE with "alg":"dir" has an empty encrypted key: still five parts.
    let dir = format!(
        "{}..{}.{}.{}",
        b64(br#"{"alg":"dir","enc":"A128GCM"}"#),
        b64(&[2; 12]),
        b64(b"x"),
        b64(&[3; 16])
    );
    assert_eq!(
        verifier.verify_compact(&dir).unwrap_err(),
        JoseError::NotAJws
    );
    // The JSON serialization of a JWE (RFC 7516 §7.2).
    let json = json!({"protected": b64(br#"{"enc":"A128GCM"}"#), "unprotected": {"alg": "dir"},
                      "iv": b64(&[2; 12]), "ciphertext": b64(b"x"), "tag": b64(&[3; 16])});
    assert_eq!(
        verifier
            .verify_flattened(json.to_string().as_bytes())
            .unwrap_err(),
        JoseError::NotAJws
    );
    // Four or two parts are just malformed.
    for bad in ["a.b.c.d", "a.b"] {
        assert!(is_malformed(
            &verifier.verify_compact(bad).unwrap_err(),
            "token"
        ));
    }
}

#[test]
fn pitfall_duplicate_members_are_malformed() {
    let key = es256_key();
    let verifier = verifier_for(&key);
    let payload = fresh_claims().to_string();
    // Duplicate alg: a parser keeping the first and one keeping the last disagree.
    for header in [
        r#"{"alg":"ES256","alg":"none"}"#,
        r#"{"alg":"none","alg":"ES256"}"#,
        r#"{"alg":"ES256","alg":"ES256"}"#,
        r#"{"alg":"ES256","kid":"a","kid":"b"}"#,
        r#"{"alg":"ES256","x":{"y":1,"y":2}}"#,
    ] {
        let token = sign_raw(&key, header, payload.as_bytes());
        let e = verifier.verify_compact(&token).unwrap_err();
        assert!(is_malformed(&e, "header"), "{header}: {e:?}");
    }
    // Duplicate claims, properly signed: the claims are malformed.
    let token = sign_raw(
        &key,
        r#"{"alg":"ES256"}"#,
        format!(r#"{{"sub":"a","exp":{},"sub":"b"}}"#, NOW + 60).as_bytes(),
    );
    let verified = verifier.verify_compact(&token).unwrap();
    let e = Claims::validate(&verified, &Validation::new(now())).unwrap_err();
    assert!(is_malformed(&e, "claims"), "{e:?}");
    // Other header shapes.
    for (header, what) in [
        (r#"{"alg":7}"#, "header"),
        (r#"{"kid":"x"}"#, "header"),
        (r#"["alg","ES256"]"#, "header"),
        (r#"{"alg":"ES256","kid":7}"#, "header"),
        (r#"{"alg":"ES256","b64":"false","crit":["b64"]}"#, "header"),
    ] {
        let token = sign_raw(&key, header, payload.as_bytes());
        let e = verifier.verify_compact(&token).unwrap_err();
        assert!(is_malformed(&e, what), "{header}: {e:?}");
    }
}

#[test]
fn pitfall_b64_false_without_crit() {
    let secret = [9u8; 32];
    let verifier = Verifier::new(&["HS256"])
        .unwrap()
        .key(VerifyKey::hmac("HS256", &secret).unwrap());
    // The signing input of an unencoded payload is header "." payload bytes.
    let raw = |header: &str, payload: &str| {
        let h = b64(header.as_bytes());
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
        mac.update(format!("{h}.{payload}").as_bytes());
        format!("{h}.{payload}.{}", b64(&mac.finalize().into_bytes()))
    };
    let ok = raw(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, "hello");
    assert_eq!(verifier.verify_compact(&ok).unwrap().payload, b"hello");
    // Without crit a verifier ignorant of RFC 7797 would read another payload (RFC 7797 §6).
    let bad = raw(r#"{"alg":"HS256","b64":false}"#, "hello");
    assert_eq!(
        verifier.verify_compact(&bad).unwrap_err(),
        JoseError::UnsupportedCritical("b64 without crit".into())
    );
    // b64:true needs crit as well when present.
    let t = hs256_raw(&secret, r#"{"alg":"HS256","b64":true}"#, b"x");
    assert_eq!(
        verifier.verify_compact(&t).unwrap_err(),
        JoseError::UnsupportedCritical("b64 without crit".into())
    );
    // crit listing b64 with b64:true is the ordinary encoding.
    let t = hs256_raw(
        &secret,
        r#"{"alg":"HS256","b64":true,"crit":["b64"]}"#,
        b"x",
    );
    assert_eq!(verifier.verify_compact(&t).unwrap().payload, b"x");
}

fn pki(rel: &str) -> PathBuf {
    local("test-vectors/pki").join(rel)
}

fn x5c_token(signer: &SigningKey, chain: &[&str], claims: &Value) -> String {
    let certs: Vec<Value> = chain
        .iter()
        .map(|c| Value::String(Base64::encode_string(&std::fs::read(pki(c)).unwrap())))
        .collect();
    let header = obj(json!({"typ": "JWT", "x5c": certs}));
    sign_compact(signer, None, header, claims.to_string().as_bytes()).unwrap()
}

fn store(root: &str) -> TrustStore {
    let mut s = TrustStore::new();
    s.add_pem_or_der(&std::fs::read(pki(root)).unwrap())
        .unwrap();
    s
}

#[test]
fn pitfall_x5c_without_trust_store_is_ignored() {
    let login = signing_key("test-vectors/pki/ecdsa-p256/login.key");
    let token = x5c_token(
        &login,
        &["ecdsa-p256/login.der", "ecdsa-p256/intermediate.der"],
        &fresh_claims(),
    );
    // No key configured, no trust store: the certificate in the token is not a key.
    let verifier = Verifier::new(&["ES256"]).unwrap();
    assert_eq!(
        verifier.verify_compact(&token).unwrap_err(),
        JoseError::NoMatchingKey
    );
    // With another configured key, that key is used and the signature is not its own.
    let other = es256_key();
    assert_eq!(
        verifier_for(&other).verify_compact(&token).unwrap_err(),
        JoseError::BadSignature
    );
}

#[test]
fn pitfall_x5c_with_trust_store_validates_the_chain() {
    let login = signing_key("test-vectors/pki/ecdsa-p256/login.key");
    let chain = ["ecdsa-p256/login.der", "ecdsa-p256/intermediate.der"];
    let token = x5c_token(&login, &chain, &fresh_claims());
    let p256_root = store("ecdsa-p256/root.pem");
    let verifier = Verifier::new(&["ES256"])
        .unwrap()
        .x5c_trust(&p256_root, now());
    let ok = verifier.verify_compact(&token).unwrap();
    assert_eq!(ok.alg, "ES256");
    assert!(Claims::validate(&ok, &Validation::new(now())).is_ok());

    // Another root: the chain does not validate.
    let rsa_root = store("rsa/root.pem");
    let wrong = Verifier::new(&["ES256"])
        .unwrap()
        .x5c_trust(&rsa_root, now());
    assert!(matches!(
        wrong.verify_compact(&token).unwrap_err(),
        JoseError::Certificate(_)
    ));
    // After the leaf expired (2035-01-01), and without the intermediate.
    let later = Verifier::new(&["ES256"])
        .unwrap()
        .x5c_trust(&p256_root, UnixTime::from_secs(2_082_758_400)); // 2036-01-01
    assert!(matches!(
        later.verify_compact(&token).unwrap_err(),
        JoseError::Certificate(_)
    ));
    let lonely = x5c_token(&login, &chain[..1], &fresh_claims());
    assert!(matches!(
        verifier.verify_compact(&lonely).unwrap_err(),
        JoseError::Certificate(_)
    ));
    // A valid chain, but the token was signed by someone else.
    let mallory = es256_key();
    let stolen = x5c_token(&mallory, &chain, &fresh_claims());
    assert_eq!(
        verifier.verify_compact(&stolen).unwrap_err(),
        JoseError::BadSignature
    );
    // A certificate for another purpose (wrong extended key usage) is refused.
    let wrong_eku = signing_key("test-vectors/pki/ecdsa-p256/wrong-eku.key");
    let t = x5c_token(
        &wrong_eku,
        &["ecdsa-p256/wrong-eku.der", "ecdsa-p256/intermediate.der"],
        &fresh_claims(),
    );
    assert!(matches!(
        verifier.verify_compact(&t).unwrap_err(),
        JoseError::Certificate(_)
    ));
    // The x5c entries are standard base64 with padding (RFC 7515 §4.1.6), not base64url;
    // a non-array, an empty array and undecodable entries are malformed.
    for x5c in [json!("MIIB"), json!([]), json!(["%%%"]), json!([1])] {
        let header = obj(json!({"x5c": x5c}));
        let t = sign_compact(&login, None, header, b"{}").unwrap();
        let e = verifier.verify_compact(&t).unwrap_err();
        assert!(is_malformed(&e, "header"), "{x5c}: {e:?}");
    }
}

#[test]
fn pitfall_typ_check() {
    let key = es256_key();
    let claims = fresh_claims().to_string();
    let token_with = |typ: Option<&str>| {
        let header = match typ {
            Some(t) => obj(json!({"typ": t})),
            None => Map::new(),
        };
        sign_compact(&key, None, header, claims.as_bytes()).unwrap()
    };
    let mut v = Validation::new(now());
    v.typ = Some("at+jwt".into());
    assert!(es256_claims(&token_with(Some("at+jwt")), &v).is_ok());
    // RFC 7515 §4.1.9: case-insensitive, "application/" may be omitted.
    assert!(es256_claims(&token_with(Some("application/AT+JWT")), &v).is_ok());
    for wrong in [Some("JWT"), Some("id+jwt"), None] {
        assert_eq!(
            es256_claims(&token_with(wrong), &v).unwrap_err(),
            JoseError::Claim(ClaimError::Type),
            "{wrong:?}"
        );
    }
    // Not checked unless asked for.
    assert!(es256_claims(&token_with(None), &Validation::new(now())).is_ok());
}

/// An ID token with `extra` claims merged into a valid base.
fn id_token(key: &SigningKey, extra: &Value) -> Verified {
    let mut c = json!({"iss": "https://idp.example", "sub": "alice", "aud": "client-1",
                       "iat": NOW - 5, "exp": NOW + 300, "nonce": "n-0S6_WzA2Mj",
                       "auth_time": NOW - 100});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    verifier_for(key)
        .verify_compact(&jwt(key, None, &c))
        .unwrap()
}

fn oidc() -> IdTokenValidation {
    let mut v = IdTokenValidation::new(now(), "https://idp.example", "client-1");
    v.nonce = Some("n-0S6_WzA2Mj".into());
    v
}

#[test]
fn pitfall_oidc_id_token_checks() {
    let key = es256_key();
    let v = oidc();
    assert!(v.validate(&id_token(&key, &json!({}))).is_ok());
    let err =
        |extra: Value, v: &IdTokenValidation| v.validate(&id_token(&key, &extra)).unwrap_err();

    // iss and aud.
    assert_eq!(
        err(json!({"iss": "https://evil.example"}), &v),
        JoseError::Claim(ClaimError::Issuer)
    );
    assert_eq!(
        err(json!({"aud": "client-2"}), &v),
        JoseError::Claim(ClaimError::Audience)
    );
    // azp: required with several audiences, and must be the client.
    assert_eq!(
        err(json!({"aud": ["client-1", "api"]}), &v),
        JoseError::Claim(ClaimError::AuthorizedParty)
    );
    assert!(v
        .validate(&id_token(
            &key,
            &json!({"aud": ["client-1", "api"], "azp": "client-1"})
        ))
        .is_ok());
    assert_eq!(
        err(json!({"aud": ["client-1", "api"], "azp": "api"}), &v),
        JoseError::Claim(ClaimError::AuthorizedParty)
    );
    assert_eq!(
        err(json!({"azp": "someone"}), &v),
        JoseError::Claim(ClaimError::AuthorizedParty)
    );
    // nonce.
    assert_eq!(
        err(json!({"nonce": "n-replayed"}), &v),
        JoseError::Claim(ClaimError::Nonce)
    );
    assert_eq!(
        err(json!({"nonce": null}), &v),
        JoseError::Claim(ClaimError::Missing("nonce"))
    );
    assert_eq!(
        err(json!({"nonce": 5}), &v),
        JoseError::Claim(ClaimError::Malformed("nonce"))
    );
    // iat is required in an ID token.
    assert_eq!(
        err(json!({"iat": null}), &v),
        JoseError::Claim(ClaimError::Missing("iat"))
    );
    // auth_time with max_age.
    let mut aged = oidc();
    aged.max_auth_age = Some(600);
    assert!(aged.validate(&id_token(&key, &json!({}))).is_ok());
    assert_eq!(
        err(json!({"auth_time": NOW - 3600}), &aged),
        JoseError::Claim(ClaimError::AuthTime)
    );
    assert_eq!(
        err(json!({"auth_time": null}), &aged),
        JoseError::Claim(ClaimError::Missing("auth_time"))
    );
    assert_eq!(
        err(json!({"auth_time": "yesterday"}), &aged),
        JoseError::Claim(ClaimError::Malformed("auth_time"))
    );
    // Expiry still applies.
    assert_eq!(
        err(json!({"exp": NOW - 3600}), &v),
        JoseError::Claim(ClaimError::Expired)
    );
}

#[test]
fn pitfall_oidc_at_hash_and_c_hash() {
    let key = es256_key();
    let access_token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
    // OIDC Core §3.1.3.6 / §3.2.2.9: the left half of SHA-256 (ES256's hash), base64url.
    let d = digest(HashAlgorithm::Sha256, access_token.as_bytes());
    let at_hash = b64(&d.as_ref()[..16]);
    let mut v = oidc();
    v.access_token = Some(access_token.into());
    assert!(v
        .validate(&id_token(&key, &json!({"at_hash": at_hash})))
        .is_ok());
    assert_eq!(
        v.validate(&id_token(&key, &json!({"at_hash": flip_char(&at_hash, 0)})))
            .unwrap_err(),
        JoseError::Claim(ClaimError::Hash("at_hash"))
    );
    // The full hash is not the left half.
    assert_eq!(
        v.validate(&id_token(&key, &json!({"at_hash": b64(d.as_ref())})))
            .unwrap_err(),
        JoseError::Claim(ClaimError::Hash("at_hash"))
    );
    // c_hash, and the hash follows the algorithm: ES384 uses SHA-384.
    let k384 = signing_key("test-vectors/certs/p384.key");
    let code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";
    let d = digest(HashAlgorithm::Sha384, code.as_bytes());
    let mut v = oidc();
    v.code = Some(code.into());
    assert!(v
        .validate(&id_token(&k384, &json!({"c_hash": b64(&d.as_ref()[..24])})))
        .is_ok());
    let d256 = digest(HashAlgorithm::Sha256, code.as_bytes());
    assert_eq!(
        v.validate(&id_token(
            &k384,
            &json!({"c_hash": b64(&d256.as_ref()[..16])})
        ))
        .unwrap_err(),
        JoseError::Claim(ClaimError::Hash("c_hash"))
    );
}

// ---------------------------------------------------------------------------------------------
// 4. JWK / JWKS
// ---------------------------------------------------------------------------------------------

const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

#[test]
fn jwk_thumbprint_rfc7638_example() {
    // RFC 7638 §3.1 (the RFC 7517 A.1 key); optional members do not change it.
    let jwk = jwk_from(&json!({"kty": "RSA", "n": RFC7638_N, "e": "AQAB",
                               "alg": "RS256", "kid": "2011-04-29"}))
    .unwrap();
    assert_eq!(
        jwk.thumbprint().unwrap(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    assert_eq!(jwk.kid.as_deref(), Some("2011-04-29"));
    // The same key through SPKI gives the same thumbprint (the kid TokenIssuer derives).
    let KeyMaterial::Public { spki, .. } = &jwk.material else {
        panic!()
    };
    assert_eq!(
        imza::jose::jwk::default_kid(spki).unwrap(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
    // Publishing round-trips.
    let published = Value::Object(jwk.to_public_json().unwrap());
    assert_eq!(published["n"], json!(RFC7638_N));
    assert_eq!(jwk_from(&published).unwrap(), jwk);
    // A secret is never published.
    let oct = jwk_from(&json!({"kty": "oct", "k": b64(&[1; 32])})).unwrap();
    assert!(is_malformed(&oct.to_public_json().unwrap_err(), "JWK"));
}

fn p256_jwk(kid: Option<&str>) -> Value {
    let mut m = Jwk::from_spki(es256_key().public_key_spki())
        .unwrap()
        .to_public_json()
        .unwrap();
    if let Some(k) = kid {
        m.insert("kid".into(), k.into());
    }
    Value::Object(m)
}

fn rsa_jwk(kid: &str) -> Value {
    let mut m = Jwk::from_spki(rsa_key().public_key_spki())
        .unwrap()
        .to_public_json()
        .unwrap();
    m.insert("kid".into(), kid.into());
    Value::Object(m)
}

#[test]
fn jwks_select_by_kid_and_alg() {
    let set = Jwks::from_json(
        json!({"keys": [p256_jwk(Some("ec-1")), rsa_jwk("rsa-1"), rsa_jwk("rsa-2")]})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(set.keys.len(), 3);
    assert_eq!(
        set.select("ES256", Some("ec-1")).unwrap().kid.as_deref(),
        Some("ec-1")
    );
    assert_eq!(
        set.select("RS256", Some("rsa-2")).unwrap().kid.as_deref(),
        Some("rsa-2")
    );
    assert_eq!(
        set.select("PS256", Some("rsa-1")).unwrap().kid.as_deref(),
        Some("rsa-1")
    );
    // The kid exists but not for that algorithm, or not at all.
    assert_eq!(
        set.select("ES256", Some("rsa-1")).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(
        set.select("ES384", Some("ec-1")).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(
        set.select("ES256", Some("ec-2")).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(
        set.select("HS256", None).unwrap_err(),
        JoseError::NoMatchingKey
    );
    // Without kid: one EC key is unambiguous, two RSA keys are not.
    assert_eq!(
        set.select("ES256", None).unwrap().kid.as_deref(),
        Some("ec-1")
    );
    assert_eq!(
        set.select("RS256", None).unwrap_err(),
        JoseError::AmbiguousKey
    );
    // A kid used twice for keys of the same type is ambiguous.
    let dup = Jwks::from_json(
        json!({"keys": [rsa_jwk("k"), rsa_jwk("k")]})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        dup.select("RS256", Some("k")).unwrap_err(),
        JoseError::AmbiguousKey
    );
    // The verifier itself: two keys answering to one kid and algorithm are ambiguous.
    let secret_a = [1u8; 32];
    let secret_b = [2u8; 32];
    let token = sign_compact_hmac("HS256", &secret_a, Some("k"), Map::new(), b"{}").unwrap();
    let twice = Verifier::new(&["HS256"])
        .unwrap()
        .key(
            VerifyKey::hmac("HS256", &secret_a)
                .unwrap()
                .with_kid(Some("k".into())),
        )
        .key(
            VerifyKey::hmac("HS256", &secret_b)
                .unwrap()
                .with_kid(Some("k".into())),
        );
    assert_eq!(
        twice.verify_compact(&token).unwrap_err(),
        JoseError::AmbiguousKey
    );
    // The JWK's own alg / use / key_ops restrict it.
    let mut restricted = rsa_jwk("r");
    restricted["alg"] = json!("PS256");
    let mut enc = rsa_jwk("e");
    enc["use"] = json!("enc");
    let mut sign_only = rsa_jwk("s");
    sign_only["key_ops"] = json!(["sign"]);
    let set = Jwks::from_json(
        json!({"keys": [restricted, enc, sign_only]})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        set.select("PS256", Some("r")).unwrap().kid.as_deref(),
        Some("r")
    );
    assert_eq!(
        set.select("RS256", Some("r")).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(
        set.select("RS256", Some("e")).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(
        set.select("RS256", Some("s")).unwrap_err(),
        JoseError::NoMatchingKey
    );
}

#[test]
fn jwks_unknown_key_types_are_skipped_broken_keys_are_not() {
    let set = Jwks::from_json(
        json!({"keys": [
            {"kty": "RSA-NEXT", "kid": "future", "n": "AQAB"},
            {"kty": "OKP", "crv": "X25519", "x": b64(&[9; 32]), "kid": "ecdh"},
            {"kty": "EC", "crv": "secp256k1", "x": b64(&[1; 32]), "y": b64(&[2; 32])},
            {"kty": "OKP", "crv": "Ed448", "x": b64(&[9; 57])},
            p256_jwk(Some("ec-1")),
        ]})
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(set.keys.len(), 1);
    assert_eq!(set.keys[0].kid.as_deref(), Some("ec-1"));
    // A key of a known type that is broken fails the whole set.
    let mut off_curve = p256_jwk(Some("bad"));
    off_curve["y"] = json!(b64(&[0x55; 32]));
    for broken in [
        off_curve,
        json!({"kty": "EC", "crv": "P-256", "x": b64(&[1; 31]), "y": b64(&[2; 32])}),
        json!({"kty": "RSA", "e": "AQAB"}),
        json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&[1; 31])}),
        json!({"kid": "no-kty", "n": RFC7638_N, "e": "AQAB"}),
        json!({"kty": "EC", "crv": "P-256", "x": "not base64!", "y": "x"}),
    ] {
        let e = Jwks::from_json(
            json!({"keys": [p256_jwk(Some("ec-1")), broken.clone()]})
                .to_string()
                .as_bytes(),
        )
        .unwrap_err();
        assert!(matches!(e, JoseError::Malformed { .. }), "{broken}: {e:?}");
    }
    // Symmetric and public keys in one set are refused (Wycheproof MixedKeySet); a set of
    // secrets only is a private configuration and fine.
    let oct = json!({"kty": "oct", "k": b64(&[5; 32]), "kid": "hs", "alg": "HS256"});
    assert!(matches!(
        Jwks::from_json(
            json!({"keys": [oct.clone(), p256_jwk(Some("ec-1"))]})
                .to_string()
                .as_bytes()
        )
        .unwrap_err(),
        JoseError::Malformed { what: "JWKS", .. }
    ));
    let secrets = Jwks::from_json(json!({"keys": [oct]}).to_string().as_bytes()).unwrap();
    assert_eq!(
        secrets.select("HS256", Some("hs")).unwrap().kid.as_deref(),
        Some("hs")
    );
    // Not a set at all.
    for bad in [r#"{}"#, r#"{"keys":{}}"#, r#"{"keys":[1]}"#, r#"[]"#] {
        assert!(matches!(
            Jwks::from_json(bad.as_bytes()).unwrap_err(),
            JoseError::Malformed { .. }
        ));
    }
}

/// An identity provider in memory that counts fetches (fault injection beside the real-HTTP
/// test below).
struct CountingIdp {
    body: RefCell<String>,
    status: Cell<u16>,
    fetches: Cell<u32>,
}

impl CountingIdp {
    fn new(keys: &[Value]) -> Self {
        Self {
            body: RefCell::new(json!({ "keys": keys }).to_string()),
            status: Cell::new(200),
            fetches: Cell::new(0),
        }
    }
    fn publish(&self, keys: &[Value]) {
        *self.body.borrow_mut() = json!({ "keys": keys }).to_string();
    }
}

impl Transport for CountingIdp {
    fn send(&self, req: &Request<'_>) -> Result<Response, imza::Error> {
        assert_eq!(req.method, Method::Get);
        assert_eq!(req.url, "https://idp.example/jwks");
        assert!(req.body.is_empty());
        assert_eq!(req.max_response_len, imza::jose::jwk::MAX_JWKS_LEN);
        self.fetches.set(self.fetches.get() + 1);
        Ok(Response {
            status: self.status.get(),
            content_type: Some("application/jwk-set+json".into()),
            body: self.body.borrow().as_bytes().to_vec(),
        })
    }
}

#[test]
fn jwks_cache_defaults_max_age_and_cooldown() {
    let cache = JwksCache::new("https://idp.example/jwks");
    assert_eq!(cache.max_age, std::time::Duration::from_secs(600));
    assert_eq!(cache.cooldown, std::time::Duration::from_secs(30));
    assert_eq!(cache.timeout, std::time::Duration::from_secs(10));

    let idp = CountingIdp::new(&[p256_jwk(Some("k1"))]);
    let mut cache = JwksCache::new("https://idp.example/jwks");
    let t0 = NOW;
    let at = |s: u64| UnixTime::from_secs(t0 + s);
    // First use fetches.
    assert_eq!(
        cache
            .key(&idp, at(0), "ES256", Some("k1"))
            .unwrap()
            .kid
            .as_deref(),
        Some("k1")
    );
    assert_eq!(idp.fetches.get(), 1);
    // Within max age: served from the cache.
    for s in [1, 100, 599] {
        cache.key(&idp, at(s), "ES256", Some("k1")).unwrap();
    }
    assert_eq!(idp.fetches.get(), 1);
    // At max age: refreshed.
    cache.key(&idp, at(600), "ES256", Some("k1")).unwrap();
    assert_eq!(idp.fetches.get(), 2);

    // Unknown kids right after a fetch: no refresh within the cooldown, whatever the flood.
    for i in 0..50 {
        assert_eq!(
            cache
                .key(
                    &idp,
                    at(601 + i % 29),
                    "ES256",
                    Some(&format!("random-{i}"))
                )
                .unwrap_err(),
            JoseError::NoMatchingKey
        );
    }
    assert_eq!(idp.fetches.get(), 2);
    // After the cooldown: one refresh, then the cooldown again.
    assert_eq!(
        cache
            .key(&idp, at(630), "ES256", Some("random"))
            .unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(idp.fetches.get(), 3);
    for s in [631, 640, 659] {
        assert!(cache.key(&idp, at(s), "ES256", Some("random")).is_err());
    }
    assert_eq!(idp.fetches.get(), 3);

    // The provider rotates: a new kid is found by the first refresh the cooldown allows.
    idp.publish(&[p256_jwk(Some("k1")), rsa_jwk("k2")]);
    assert_eq!(
        cache.key(&idp, at(640), "RS256", Some("k2")).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert_eq!(idp.fetches.get(), 3);
    assert_eq!(
        cache
            .key(&idp, at(660), "RS256", Some("k2"))
            .unwrap()
            .kid
            .as_deref(),
        Some("k2")
    );
    assert_eq!(idp.fetches.get(), 4);
    // Known kids never trigger a refresh inside the max age.
    for s in [661, 700, 1259] {
        cache.key(&idp, at(s), "ES256", Some("k1")).unwrap();
        cache.key(&idp, at(s), "RS256", Some("k2")).unwrap();
    }
    assert_eq!(idp.fetches.get(), 4);

    // A published set holding a secret is refused: anyone could mint HS256 tokens with it.
    idp.publish(&[json!({"kty": "oct", "k": b64(&[5; 32]), "kid": "k1", "alg": "HS256"})]);
    let e = cache.key(&idp, at(1260), "HS256", Some("k1")).unwrap_err();
    assert!(
        matches!(e, JoseError::Malformed { what: "JWKS", .. }),
        "{e:?}"
    );
    // Errors from the provider are errors, not an empty set.
    idp.status.set(503);
    let e = cache.key(&idp, at(1260), "ES256", Some("k1")).unwrap_err();
    assert!(
        matches!(e, JoseError::Crypto(imza::Error::Transport { .. })),
        "{e:?}"
    );
    idp.status.set(200);
    *idp.body.borrow_mut() = "{\"keys\":".into();
    assert!(matches!(
        cache.key(&idp, at(1261), "ES256", Some("k1")).unwrap_err(),
        JoseError::Malformed { .. }
    ));
}

#[test]
fn jwks_cache_key_verifies_tokens() {
    let key = es256_key();
    let idp = CountingIdp::new(&[p256_jwk(Some("k1")), rsa_jwk("k2")]);
    let mut cache = JwksCache::new("https://idp.example/jwks");
    let token = jwt(&key, Some("k1"), &fresh_claims());
    let (alg, kid) = peek(&token).unwrap();
    let jwk = cache.key(&idp, now(), &alg, kid.as_deref()).unwrap();
    let verified = Verifier::new(&["ES256", "RS256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, &alg).unwrap())
        .verify_compact(&token)
        .unwrap();
    assert_eq!(
        Claims::validate(&verified, &Validation::new(now()))
            .unwrap()
            .sub
            .as_deref(),
        Some("38001085718")
    );
}

#[cfg(feature = "http")]
#[test]
fn jwks_cache_over_real_http() {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let body = json!({"keys": [p256_jwk(Some("k1")), rsa_jwk("k2")]}).to_string();
    let server_hits = Arc::clone(&hits);
    let server = std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let mut s = stream.unwrap();
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            server_hits.fetch_add(1, Ordering::SeqCst);
            let reply = if req.starts_with("GET /.well-known/jwks.json ") {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
            };
            s.write_all(reply.as_bytes()).unwrap();
        }
    });

    let http = imza::transport::BlockingHttp::new();
    let mut cache = JwksCache::new(&format!("http://127.0.0.1:{port}/.well-known/jwks.json"));
    let key = es256_key();
    let token = jwt(&key, Some("k1"), &fresh_claims());
    let jwk = cache.key(&http, now(), "ES256", Some("k1")).unwrap();
    let verified = Verifier::new(&["ES256"])
        .unwrap()
        .key(VerifyKey::from_jwk(&jwk, "ES256").unwrap())
        .verify_compact(&token)
        .unwrap();
    assert!(Claims::validate(&verified, &Validation::new(now())).is_ok());
    // Cached: the second key comes without a request.
    assert_eq!(
        cache
            .key(&http, UnixTime::from_secs(NOW + 10), "RS256", Some("k2"))
            .unwrap()
            .kid
            .as_deref(),
        Some("k2")
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // A 404 from another path is an error.
    let mut missing = JwksCache::new(&format!("http://127.0.0.1:{port}/nope"));
    let e = missing.key(&http, now(), "ES256", None).unwrap_err();
    assert!(
        matches!(e, JoseError::Crypto(imza::Error::Transport { .. })),
        "{e:?}"
    );
    server.join().unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// 5. TokenIssuer
// ---------------------------------------------------------------------------------------------

/// What a relying party does: fetch the published JWKS, pick the key, verify, check claims.
fn relying_party(published: &str, token: &str) -> Result<Claims, JoseError> {
    let set = Jwks::from_json(published.as_bytes())?;
    let (alg, kid) = peek(token)?;
    let jwk = set.select(&alg, kid.as_deref())?;
    let verified = Verifier::new(&["ES256", "EdDSA", "RS256", "PS256"])?
        .key(VerifyKey::from_jwk(jwk, &alg)?)
        .verify_compact(token)?;
    let mut v = Validation::new(now());
    v.issuer = Some("https://portal.example".into());
    v.audiences = vec!["service-a".into()];
    v.typ = Some("JWT".into());
    Claims::validate(&verified, &v)
}

#[test]
fn token_issuer_publishes_and_rotates() {
    let old = es256_key();
    let old_kid = imza::jose::jwk::default_kid(old.public_key_spki()).unwrap();
    let mut issuer = TokenIssuer::new("https://portal.example", Box::new(old), None).unwrap();
    issuer.audience = vec!["service-a".into()];
    assert_eq!(issuer.lifetime, 300);
    let claims = obj(json!({"sub": "alice", "iss": "https://forged.example", "exp": 1}));
    let t_old = issuer.issue(now(), &claims).unwrap();
    assert_eq!(
        peek(&t_old).unwrap(),
        ("ES256".into(), Some(old_kid.clone()))
    );

    // jwks(): kid, alg and use:sig for every key; never private members.
    let published = issuer.jwks().unwrap().to_json().unwrap();
    let doc: Value = serde_json::from_str(&published).unwrap();
    let k = &doc["keys"][0];
    assert_eq!(k["kid"], json!(old_kid));
    assert_eq!(k["alg"], json!("ES256"));
    assert_eq!(k["use"], json!("sig"));
    assert_eq!(k["kty"], json!("EC"));
    assert!(k.get("d").is_none());
    let c = relying_party(&published, &t_old).unwrap();
    // The registered claims are the issuer's, not the caller's.
    assert_eq!(c.iss.as_deref(), Some("https://portal.example"));
    assert_eq!(c.exp, Some(NOW + 300));
    assert_eq!(c.nbf, Some(NOW));
    assert_eq!(c.sub.as_deref(), Some("alice"));

    // Rotation: add an Ed25519 key with an explicit kid, activate it.
    let new = signing_key("test-vectors/certs/ed25519.key");
    assert_eq!(
        issuer.add_key(Box::new(new), Some("2027-ed")).unwrap(),
        "2027-ed"
    );
    // The kid must be unique.
    assert!(matches!(
        issuer
            .add_key(
                Box::new(signing_key("test-vectors/certs/p384.key")),
                Some("2027-ed")
            )
            .unwrap_err(),
        JoseError::KeySet(_)
    ));
    // A key not yet active is already published (so clients learn it before its first token).
    let published = issuer.jwks().unwrap().to_json().unwrap();
    assert_eq!(issuer.jwks().unwrap().keys.len(), 2);
    assert_eq!(
        peek(&issuer.issue(now(), &claims).unwrap()).unwrap().1,
        Some(old_kid.clone())
    );
    issuer.activate("2027-ed").unwrap();
    let t_new = issuer.issue(now(), &claims).unwrap();
    assert_eq!(
        peek(&t_new).unwrap(),
        ("EdDSA".into(), Some("2027-ed".into()))
    );
    // Both the token from the old key and the one from the new key verify.
    assert!(relying_party(&published, &t_old).is_ok());
    assert!(relying_party(&published, &t_new).is_ok());
    // The active key cannot be retired; unknown kids are errors.
    assert!(matches!(
        issuer.retire("2027-ed").unwrap_err(),
        JoseError::KeySet(_)
    ));
    assert_eq!(issuer.retire("nope").unwrap_err(), JoseError::NoMatchingKey);
    assert_eq!(
        issuer.activate("nope").unwrap_err(),
        JoseError::NoMatchingKey
    );
    // Retiring the old key removes it from the JWKS: its tokens stop verifying.
    issuer.retire(&old_kid).unwrap();
    let published = issuer.jwks().unwrap().to_json().unwrap();
    assert_eq!(
        relying_party(&published, &t_old).unwrap_err(),
        JoseError::NoMatchingKey
    );
    assert!(relying_party(&published, &t_new).is_ok());
    assert!(relying_party(&published, &issuer.issue(now(), &claims).unwrap()).is_ok());
}

#[test]
fn token_issuer_refuses_der_ecdsa_signers() {
    // DER-encoded ECDSA has no JOSE name: a JWS needs r||s (RFC 7518 §3.4).
    let der = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(local("test-vectors/certs/p256.key")).unwrap(),
    )
    .unwrap();
    assert!(matches!(
        TokenIssuer::new("https://portal.example", Box::new(der), None).unwrap_err(),
        JoseError::KeyMismatch(_)
    ));
    let der = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(local("test-vectors/certs/p256.key")).unwrap(),
    )
    .unwrap();
    assert!(matches!(
        sign_compact(&der, None, Map::new(), b"{}").unwrap_err(),
        JoseError::KeyMismatch(_)
    ));
}

#[test]
fn hmac_issuing_round_trip() {
    let secret: Vec<u8> = (0u8..64).collect();
    for alg in ["HS256", "HS384", "HS512"] {
        let token = sign_compact_hmac(
            alg,
            &secret,
            Some("shared-1"),
            obj(json!({"typ": "JWT"})),
            fresh_claims().to_string().as_bytes(),
        )
        .unwrap();
        assert_eq!(peek(&token).unwrap(), (alg.into(), Some("shared-1".into())));
        let verifier = Verifier::new(&[alg]).unwrap().key(
            VerifyKey::hmac(alg, &secret)
                .unwrap()
                .with_kid(Some("shared-1".into())),
        );
        let verified = verifier.verify_compact(&token).unwrap();
        assert_eq!(verified.alg, alg);
        let c = Claims::validate(&verified, &Validation::new(now())).unwrap();
        assert_eq!(c.sub.as_deref(), Some("38001085718"));
        // Another secret does not verify it.
        let other = Verifier::new(&[alg])
            .unwrap()
            .key(VerifyKey::hmac(alg, &[0x42; 64]).unwrap());
        assert_eq!(
            other.verify_compact(&token).unwrap_err(),
            JoseError::BadSignature
        );
        // Via a JWK as well.
        let jwk =
            jwk_from(&json!({"kty": "oct", "k": b64(&secret), "alg": alg, "kid": "shared-1"}))
                .unwrap();
        assert!(Verifier::new(&[alg])
            .unwrap()
            .key(VerifyKey::from_jwk(&jwk, alg).unwrap())
            .verify_compact(&token)
            .is_ok());
    }
    // Secrets shorter than the hash output are refused for signing and verifying
    // (RFC 7518 §3.2).
    for (alg, len) in [("HS256", 31), ("HS384", 47), ("HS512", 63)] {
        assert!(matches!(
            sign_compact_hmac(alg, &secret[..len], None, Map::new(), b"{}").unwrap_err(),
            JoseError::KeyMismatch(_)
        ));
        assert!(matches!(
            VerifyKey::hmac(alg, &secret[..len]).unwrap_err(),
            JoseError::KeyMismatch(_)
        ));
    }
    // Only HMAC names make HMAC keys.
    assert!(matches!(
        sign_compact_hmac("RS256", &secret, None, Map::new(), b"{}").unwrap_err(),
        JoseError::KeyMismatch(_)
    ));
}
