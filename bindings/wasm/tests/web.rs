//! The crate's exported Rust functions, run as WebAssembly by wasm-bindgen-test: in Node.js
//! and in headless Chromium (`bindings/wasm/tests/wasm-bindgen-test.sh` runs both; the mode
//! comes from the environment, `WASM_BINDGEN_USE_BROWSER=1` for the browser, so this file
//! has no `wasm_bindgen_test_configure!`). The fixtures are the repository's OpenSSL-made
//! ones, compiled in with `include_bytes!`, so the tests read no files and need no server.
//!
//! These call the Rust functions under the JavaScript glue (`DocumentVerifierCore`,
//! `validatePathCore`, `Exchanges` ...); the package's own API (`api.js`) is tested by
//! `node --test bindings/wasm/tests/` and in Chromium by `browser.sh`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

use imza_wasm::{DocumentVerifier, Exchanges};
use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const ROOT_PEM: &str = include_str!("../../../test-vectors/pki/ecdsa-p256/root.pem");
const RSA_ROOT_PEM: &str = include_str!("../../../test-vectors/pki/rsa/root.pem");
const INTERMEDIATE_PEM: &str =
    include_str!("../../../test-vectors/pki/ecdsa-p256/intermediate.pem");
const SIGNER_PEM: &str = include_str!("../../../test-vectors/pki/ecdsa-p256/signer.pem");
const SIGNER_KEY: &str = include_str!("../../../test-vectors/pki/ecdsa-p256/signer.key");
const LOGIN_DER: &[u8] = include_bytes!("../../../test-vectors/pki/ecdsa-p256/login.der");
const LOGIN_KEY: &str = include_str!("../../../test-vectors/pki/ecdsa-p256/login.key");
const REVOKED_PEM: &str = include_str!("../../../test-vectors/pki/ecdsa-p256/revoked.pem");
const ROOT_CRL: &[u8] = include_bytes!("../../../test-vectors/pki/ecdsa-p256/root.crl");
const INTERMEDIATE_CRL: &[u8] =
    include_bytes!("../../../test-vectors/pki/ecdsa-p256/intermediate.crl");
const CONTRACT: &[u8] = include_bytes!("../../../test-vectors/sample/contract.p7m");
const DETACHED: &[u8] = include_bytes!("../../../test-vectors/cms/ossl-ec-cades-detached.p7s");
const CONTENT: &[u8] = include_bytes!("../../../test-vectors/cms/content.txt");
const TAMPERED: &[u8] = include_bytes!("../../../test-vectors/cms/ossl-ec-attached-tampered.p7m");

/// The default validation time of the test PKI (test-vectors/pki/README.md).
const AT: &str = "2027-01-01T00:00:00Z";

/// A plain JS object from `(name, value)` pairs.
fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

fn crls() -> JsValue {
    Array::of2(&bytes(ROOT_CRL), &bytes(INTERMEDIATE_CRL)).into()
}

/// A JS value as JSON, to look into with serde_json.
fn json(v: &JsValue) -> Value {
    let text = JSON::stringify(v).unwrap().as_string().unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The indication and sub-indication of a report or certificate document.
fn verdict(v: &Value) -> (String, Option<String>) {
    (
        v["indication"].as_str().unwrap().to_owned(),
        v["sub_indication"].as_str().map(str::to_owned),
    )
}

fn passed() -> (String, Option<String>) {
    ("TOTAL_PASSED".into(), None)
}

/// Runs a verifier once, without network (no answers in the exchanges).
fn verify(mut v: DocumentVerifier) -> Value {
    json(&v.verify(&Exchanges::new()).unwrap())
}

#[wasm_bindgen_test]
fn version_describe_and_algorithms() {
    assert_eq!(imza_wasm::version(), env!("CARGO_PKG_VERSION"));
    assert!(imza_wasm::describe(103).is_some_and(|d| !d.is_empty()));
    assert_eq!(imza_wasm::describe(99_999), None);
    assert!(imza_wasm::algorithms().iter().any(|a| a == "ES256"));
}

#[wasm_bindgen_test]
fn the_sample_contract_passes() {
    let opts = obj(&[("trust", ROOT_PEM.into()), ("at", AT.into())]);
    let v = DocumentVerifier::new(CONTRACT, opts).unwrap();
    assert_eq!(v.format(), "CMS");
    assert!(!v.needs_content());
    let report = verify(v);
    assert_eq!(verdict(&report), passed());
    assert_eq!(report["validation_time"], AT);
    assert_eq!(report["signatures"][0]["level"], "CAdES-BASELINE-LT");
}

#[wasm_bindgen_test]
fn detached_content_in_chunks_passes_and_other_content_fails() {
    let opts = || {
        obj(&[
            ("trust", ROOT_PEM.into()),
            ("crls", crls()),
            ("at", AT.into()),
        ])
    };
    let mut v = DocumentVerifier::new(DETACHED, opts()).unwrap();
    assert!(v.needs_content());
    for chunk in CONTENT.chunks(7) {
        v.update(chunk).unwrap();
    }
    assert_eq!(v.bytes_hashed(), 45.0);
    let report = verify(v);
    assert_eq!(verdict(&report), passed());
    assert_eq!(
        report["signatures"][0]["scope"][0]["name"],
        "detached content"
    );

    let mut w = DocumentVerifier::new(DETACHED, opts()).unwrap();
    w.update(b"other content\n").unwrap();
    assert_eq!(
        verdict(&verify(w)),
        ("TOTAL_FAILED".into(), Some("HASH_FAILURE".into()))
    );
}

#[wasm_bindgen_test]
fn tampered_untrusted_and_no_revocation_data() {
    let tampered = DocumentVerifier::new(
        TAMPERED,
        obj(&[
            ("trust", ROOT_PEM.into()),
            ("crls", crls()),
            ("at", AT.into()),
        ]),
    )
    .unwrap();
    assert_eq!(
        verdict(&verify(tampered)),
        ("TOTAL_FAILED".into(), Some("HASH_FAILURE".into()))
    );

    let untrusted = DocumentVerifier::new(
        CONTRACT,
        obj(&[("trust", RSA_ROOT_PEM.into()), ("at", AT.into())]),
    )
    .unwrap();
    assert_eq!(
        verdict(&verify(untrusted)),
        (
            "INDETERMINATE".into(),
            Some("NO_CERTIFICATE_CHAIN_FOUND".into())
        )
    );

    let mut offline = DocumentVerifier::new(
        DETACHED,
        obj(&[("trust", ROOT_PEM.into()), ("at", AT.into())]),
    )
    .unwrap();
    offline.update(CONTENT).unwrap();
    assert_eq!(
        verdict(&verify(offline)),
        ("INDETERMINATE".into(), Some("TRY_LATER".into()))
    );

    let mut skipped = DocumentVerifier::new(
        DETACHED,
        obj(&[
            ("trust", ROOT_PEM.into()),
            ("at", AT.into()),
            ("revocation", "skip".into()),
        ]),
    )
    .unwrap();
    skipped.update(CONTENT).unwrap();
    let report = verify(skipped);
    assert_eq!(verdict(&report), passed());
    assert!(report["signatures"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("not checked, by request")));
}

#[wasm_bindgen_test]
fn errors_carry_the_core_codes() {
    let mut attached = DocumentVerifier::new(CONTRACT, JsValue::UNDEFINED).unwrap();
    assert_eq!(attached.update(b"x").unwrap_err().0.code(), 102);
    for junk in [&b"<?xml version=\"1.0\"?><a/>"[..], b""] {
        let err = DocumentVerifier::new(junk, JsValue::UNDEFINED).unwrap_err();
        assert_eq!(err.0.code(), 103, "{err:?}");
    }
    // A PDF without its cross-reference section: the PDF reader's "malformed".
    let err = DocumentVerifier::new(b"%PDF-1.7\n", JsValue::UNDEFINED).unwrap_err();
    assert_eq!(err.0.code(), 1400, "{err:?}");
    // A ZIP that is not one: the container reader's "malformed ZIP".
    let err =
        DocumentVerifier::new(b"PK\x03\x04 not really a zip", JsValue::UNDEFINED).unwrap_err();
    assert_eq!(err.0.code(), 1350, "{err:?}");
    let bad = obj(&[("revocation", "sometimes".into())]);
    assert_eq!(
        DocumentVerifier::new(CONTRACT, bad).unwrap_err().0.code(),
        105
    );
    // The value JavaScript receives: an Error named ImzaError with the numeric code.
    let thrown: JsValue = DocumentVerifier::new(b"", JsValue::UNDEFINED)
        .unwrap_err()
        .into();
    assert!(thrown.is_instance_of::<js_sys::Error>());
    assert_eq!(
        Reflect::get(&thrown, &"name".into()).unwrap(),
        JsValue::from_str("ImzaError")
    );
    assert_eq!(
        Reflect::get(&thrown, &"code".into()).unwrap(),
        JsValue::from_f64(103.0)
    );
}

#[wasm_bindgen_test]
fn parse_certificate_summarises_the_login_certificate() {
    let doc = json(&imza_wasm::parse_certificate(bytes(LOGIN_DER)).unwrap());
    let c = &doc["certificates"][0];
    assert_eq!(c["subject"], "CN=P-256 Login,O=Imza Test,C=AZ");
    assert_eq!(c["extended_key_usage"][0], "clientAuth");
    assert_eq!(c["ocsp_urls"][0], "http://127.0.0.1:18080/");
    let err = imza_wasm::parse_certificate(bytes(b"\x30\x03\x02\x01\x01")).unwrap_err();
    assert_eq!(err.0.code(), 100);
}

#[wasm_bindgen_test]
fn validate_path_login_for_auth_and_revoked_with_crls() {
    let opts = || {
        obj(&[
            ("trust", ROOT_PEM.into()),
            ("intermediates", INTERMEDIATE_PEM.into()),
            ("crls", crls()),
            ("at", AT.into()),
        ])
    };
    let ex = Exchanges::new();
    let login =
        imza_wasm::validate_path(bytes(LOGIN_DER), Some("auth".into()), opts(), &ex).unwrap();
    let login = json(&login);
    assert_eq!(verdict(&login), passed());
    assert_eq!(login["purpose"], "authentication");
    let revoked =
        imza_wasm::validate_path(REVOKED_PEM.into(), Some("signing".into()), opts(), &ex).unwrap();
    assert_eq!(
        verdict(&json(&revoked)),
        ("TOTAL_FAILED".into(), Some("REVOKED".into()))
    );
}

/// The rounds of an asynchronous host: a run asks for what it cannot answer, the host
/// fetches it (here: fails to), and the next run decides with what the host gave.
#[wasm_bindgen_test]
fn online_revocation_goes_through_the_hosts_exchanges() {
    let opts = obj(&[
        ("trust", ROOT_PEM.into()),
        ("intermediates", INTERMEDIATE_PEM.into()),
        ("revocation", "online".into()),
    ]);
    let mut ex = Exchanges::new();
    let signer = JsValue::from_str(SIGNER_PEM);
    let first = imza_wasm::validate_path(signer.clone(), None, opts.clone(), &ex).unwrap();
    assert_ne!(json(&first)["indication"], "TOTAL_PASSED");
    let pending = ex.pending();
    let field = |p: &JsValue, k: &str| Reflect::get(p, &k.into()).unwrap();
    let asked: Vec<String> = pending
        .iter()
        .map(|p| {
            let m = field(&p, "method").as_string().unwrap();
            format!("{m} {}", field(&p, "url").as_string().unwrap())
        })
        .collect();
    assert!(
        asked.iter().any(|a| a == "POST http://127.0.0.1:18080/"),
        "{asked:?}"
    );
    for p in pending.iter() {
        let body = Uint8Array::new(&field(&p, "body")).to_vec();
        ex.fail(
            &field(&p, "method").as_string().unwrap(),
            &field(&p, "url").as_string().unwrap(),
            &body,
            "network unreachable",
        )
        .unwrap();
    }
    let second = json(&imza_wasm::validate_path(signer, None, opts, &ex).unwrap());
    assert_eq!(
        verdict(&second),
        ("INDETERMINATE".into(), Some("TRY_LATER".into()))
    );
    assert_eq!(ex.pending().length(), 0, "nothing more to fetch");
}

/// A JWT signed in the test by the core's issuer with the test PKI's login key.
fn login_token(now: u64, audience: &str) -> String {
    let key = imza::SigningKey::from_pkcs8_pem(LOGIN_KEY)
        .unwrap()
        .with_algorithm(imza::crypto::SignatureAlgorithm::from_jose("ES256").unwrap())
        .unwrap();
    let mut issuer =
        imza::TokenIssuer::new("https://login.example.az", Box::new(key), Some("login")).unwrap();
    issuer.audience = vec![audience.into()];
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), "user-1".into());
    issuer
        .issue(imza::UnixTime::from_secs(now), &claims)
        .unwrap()
}

#[wasm_bindgen_test]
fn verify_token_good_expired_wrong_audience_and_refused_alg() {
    const NOW: u64 = 1_798_761_600; // 2027-01-01
    let opts = |algs: &[&str], aud: &str, at: u64| {
        let list = Array::new();
        for a in algs {
            list.push(&JsValue::from_str(a));
        }
        obj(&[
            ("key", bytes(LOGIN_DER)),
            ("algorithms", list.into()),
            ("iss", "https://login.example.az".into()),
            ("aud", aud.into()),
            ("at", JsValue::from_f64(at as f64)),
        ])
    };
    let token = login_token(NOW, "portal");
    let good =
        json(&imza_wasm::verify_token(&token, opts(&["ES256"], "portal", NOW + 10)).unwrap());
    assert_eq!(good["valid"], true);
    assert_eq!(good["claims"]["sub"], "user-1");
    let code = |r: Result<JsValue, imza_wasm::Failure>| r.unwrap_err().0.code();
    assert_eq!(
        code(imza_wasm::verify_token(
            &token,
            opts(&["ES256"], "portal", NOW + 3600)
        )),
        1152
    );
    assert_eq!(
        code(imza_wasm::verify_token(
            &token,
            opts(&["ES256"], "elsewhere", NOW)
        )),
        1156
    );
    assert_eq!(
        code(imza_wasm::verify_token(
            &token,
            opts(&["RS256"], "portal", NOW)
        )),
        1103
    );
    let none = format!(
        "{}.{}.",
        b64url(br#"{"alg":"none"}"#),
        token.split('.').nth(1).unwrap()
    );
    assert_eq!(
        code(imza_wasm::verify_token(
            &none,
            opts(&["ES256"], "portal", NOW)
        )),
        1103
    );
}

fn b64url(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = c.iter().fold(0u32, |n, &x| n << 8 | u32::from(x)) << (8 * (3 - c.len()));
        for i in 0..=c.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[wasm_bindgen_test]
fn challenges_are_44_base64_characters_and_fresh() {
    let a = json(&imza_wasm::create_challenge(JsValue::UNDEFINED).unwrap());
    let b = json(&imza_wasm::create_challenge(JsValue::UNDEFINED).unwrap());
    assert_eq!(a["nonce"].as_str().unwrap().len(), 44);
    assert_ne!(a["nonce"], b["nonce"]);
}

#[wasm_bindgen_test]
fn sign_document_then_verify_it() {
    let opts = obj(&[
        ("key", SIGNER_KEY.into()),
        ("certificate", SIGNER_PEM.into()),
        ("chain", INTERMEDIATE_PEM.into()),
        ("signingTime", "2026-12-01T00:00:00Z".into()),
    ]);
    let sig = imza_wasm::sign_document(b"signed in WebAssembly\n", opts).unwrap();
    let v = DocumentVerifier::new(
        &sig,
        obj(&[
            ("trust", ROOT_PEM.into()),
            ("crls", crls()),
            ("at", AT.into()),
        ]),
    )
    .unwrap();
    let report = verify(v);
    assert_eq!(verdict(&report), passed());
    assert_eq!(report["signatures"][0]["level"], "CAdES-BASELINE-B");
}
