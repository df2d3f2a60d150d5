//! Web eID certificate login tokens: the vectors in `$IMZA_SHARED_VECTORS/webeid/`
//! (`IMZA_SHARED_VECTORS` defaults to `../shared/test-vectors`, relative to the workspace
//! root), the reference validators' test certificates and OCSP responses, tampered tokens,
//! format 1.1, and the challenge stores (Redis against a real `redis-server` on loopback,
//! with the `redis` feature).
//!
//! Without the vector folder the vector tests fail under `CI=true` or
//! `IMZA_REQUIRE_WEBEID=1` and print SKIPPED otherwise; without `redis-server` the Redis test
//! does the same, its switch being `IMZA_REQUIRE_REDIS=1` (`imza_test_support`).
//!
//! Revocation: the vectors' OCSP responders cannot be asked again and no recorded responses
//! cover the token certificates, so the token vectors run with `RevocationMode::Off`. The
//! recorded responses of the Web eID Java tests cover another certificate of the same CA
//! (`JAAK_KRISTJAN_ESTEID2018_CERT`); `ocsp_offline_*` run those through
//! `RevocationMode::Offline` at their own times.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use base64ct::{Base64, Encoding};
use imza::path::PathError;
use imza::time::UnixTime;
use imza::trust::TrustStore;
use imza::webeid::{
    self, Challenge, ChallengeError, ChallengeStore, MemoryChallengeStore, RevocationCheck,
    RevocationMode, WebEidError, WebEidOptions,
};
use imza_test_support::{shared_required_by, REQUIRE_WEBEID};
use serde_json::Value;

/// `$IMZA_SHARED_VECTORS/webeid`, or `None` when the test is skipped (`imza_test_support`).
fn vectors_dir() -> Option<PathBuf> {
    shared_required_by(REQUIRE_WEBEID, "webeid/webeid-test-tokens.json")
        .and_then(|f| f.parent().map(PathBuf::from))
}

fn at(s: &str) -> UnixTime {
    UnixTime::parse_rfc3339(s).unwrap()
}

fn trust(dir: &std::path::Path, files: &[&str]) -> TrustStore {
    let mut store = TrustStore::new();
    for f in files {
        let bytes = std::fs::read(dir.join("certs").join(f)).unwrap();
        store.add_pem_or_der(&bytes).unwrap();
    }
    store
}

fn tokens(dir: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("webeid-test-tokens.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

fn vector(dir: &std::path::Path, id: &str) -> Value {
    tokens(dir)
        .into_iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
}

fn java_cert(dir: &std::path::Path, name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(dir.join("webeid-java-test-certs.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    Base64::decode_vec(v["certs"][name].as_str().unwrap()).unwrap()
}

/// The validation time of a vector: its mocked date, or for the vectors whose Java or .NET
/// test ran on the real clock (with live OCSP) a time inside the certificate's validity:
/// the date the other Estonian vectors mock (2024-08-01), the .NET tests' clock
/// (2021-08-01), and for the Latvian signature-only vector 2020-01-01.
fn validation_time(v: &Value) -> UnixTime {
    if let Some(d) = v["mocked_validation_date"].as_str() {
        return at(&format!("{d}T00:00:00Z"));
    }
    match v["id"].as_str().unwrap() {
        "estonian-es384-valid-dotnet" => at("2021-08-01T00:00:00Z"),
        "latvian-rs256-signature-only" => at("2020-01-01T00:00:00Z"),
        _ => at("2024-08-01T00:00:00Z"),
    }
}

fn token_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(&v["token"]).unwrap()
}

fn run_vector(
    dir: &std::path::Path,
    v: &Value,
) -> (Result<webeid::AuthenticatedPerson, WebEidError>, TrustStore) {
    let files: Vec<&str> = v["trusted_ca_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let store = trust(dir, &files);
    let opts = WebEidOptions::new(validation_time(v), RevocationMode::Off);
    let got = webeid::validate(
        &token_bytes(v),
        v["origin"].as_str().unwrap(),
        v["challenge_nonce"].as_str().unwrap(),
        &store,
        &opts,
    );
    (got, store)
}

fn show(r: &Result<webeid::AuthenticatedPerson, WebEidError>) -> String {
    match r {
        Ok(p) => format!(
            "OK {} {:?} {:?} {:?}/{:?}",
            p.token.format,
            p.person.given_name,
            p.person.surname,
            p.person.personal_code_country,
            p.person.personal_code
        ),
        Err(e) => format!("ERR {}: {e}", e.kind()),
    }
}

#[test]
fn webeid_vectors_give_their_expected_results() {
    let Some(dir) = vectors_dir() else { return };
    let mut table = String::from("\nWeb eID vectors (id | expected | got)\n");
    let mut failures = Vec::new();
    let vectors = tokens(&dir);
    assert_eq!(vectors.len(), 10, "vector count changed");
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let expected = v["expected"].as_str().unwrap();
        let (got, _) = run_vector(&dir, v);
        let ok = match expected {
            "SUCCESS" | "SUCCESS (signature); chain per dotnet test clock" => got.is_ok(),
            "FAILURE:AuthTokenSignatureValidationException" => {
                matches!(got, Err(WebEidError::SignatureInvalid))
            }
            "SIGNATURE_VALID" => {
                // No CA for it in the vectors: the signature alone is checked, and a full
                // validation must fail for want of a chain, not for the signature.
                let token = webeid::parse(&token_bytes(v)).unwrap();
                let sig = webeid::verify_signature(
                    &token,
                    v["origin"].as_str().unwrap(),
                    v["challenge_nonce"].as_str().unwrap(),
                );
                table.push_str(&format!("  {id} (signature only): {sig:?}\n"));
                sig.is_ok()
                    && matches!(
                        got,
                        Err(WebEidError::NotTrusted(PathError::NoChainFound { .. }))
                    )
            }
            other => panic!("{id}: unknown expectation {other}"),
        };
        table.push_str(&format!(
            "  {id} | {expected} | {}{}\n",
            show(&got),
            if ok { "" } else { "   <== WRONG" }
        ));
        if !ok {
            failures.push(id.to_string());
        }
    }
    eprintln!("{table}");
    assert!(failures.is_empty(), "wrong results: {failures:?}{table}");
}

#[test]
fn authenticated_persons() {
    let Some(dir) = vectors_dir() else { return };
    let (ee, _) = run_vector(&dir, &vector(&dir, "estonian-es384-valid"));
    let ee = ee.unwrap();
    assert_eq!(ee.person.given_name.as_deref(), Some("JAAK-KRISTJAN"));
    assert_eq!(ee.person.surname.as_deref(), Some("JÕEORG"));
    assert_eq!(
        ee.person.common_name.as_deref(),
        Some("JÕEORG,JAAK-KRISTJAN,38001085718")
    );
    assert_eq!(ee.person.country.as_deref(), Some("EE"));
    assert_eq!(
        ee.person.serial_number.as_deref(),
        Some("PNOEE-38001085718")
    );
    assert_eq!(ee.person.personal_code.as_deref(), Some("38001085718"));
    assert_eq!(ee.person.personal_code_country.as_deref(), Some("EE"));
    assert_eq!(ee.person.personal_code_type.as_deref(), Some("PNO"));
    assert_eq!(ee.token.algorithm, "ES384");
    assert_eq!(ee.token.format, "web-eid:1.0");
    assert_eq!(ee.revocation, RevocationCheck::NotChecked);
    assert!(ee.certificate.trust_anchor.contains("TEST of ESTEID2018"));
    assert_eq!(
        ee.certificate.serial_number,
        "639386B21C683CC160F967DCD2014469"
    );
    let json = serde_json::to_value(&ee).unwrap();
    assert_eq!(json["personal_code"], "38001085718");
    assert_eq!(json["revocation"]["result"], "not_checked");
    assert_eq!(json["validation_time"], "2024-08-01T00:00:00Z");
    assert!(json["certificate"]["der"]
        .as_str()
        .unwrap()
        .starts_with("MIIE"));

    let (fi, _) = run_vector(&dir, &vector(&dir, "finnish-es384-backman"));
    let fi = fi.unwrap();
    assert_eq!(fi.person.given_name.as_deref(), Some("JUHANI"));
    assert_eq!(fi.person.surname.as_deref(), Some("SPECIMEN-BACKMAN"));
    assert_eq!(fi.person.personal_code.as_deref(), Some("999020016"));
    assert_eq!(fi.person.personal_code_country.as_deref(), Some("FI"));
    assert_eq!(fi.person.personal_code_type, None);

    let (fi_rsa, _) = run_vector(&dir, &vector(&dir, "finnish-ps256-babafo"));
    assert_eq!(
        fi_rsa.unwrap().person.surname.as_deref(),
        Some("SPECIMEN-BABAFÖ")
    );

    let (be, _) = run_vector(&dir, &vector(&dir, "belgian-rs256"));
    let be = be.unwrap();
    assert_eq!(be.person.given_name.as_deref(), Some("Nora Angèle"));
    assert_eq!(be.person.surname.as_deref(), Some("Specimen"));
    assert_eq!(be.person.personal_code.as_deref(), Some("01050399864"));
    assert_eq!(be.person.personal_code_country.as_deref(), Some("BE"));

    let lv = webeid::parse(&token_bytes(&vector(&dir, "latvian-rs256-signature-only"))).unwrap();
    assert_eq!(lv.algorithm, "RS256");
}

/// Validates the valid Estonian token after `edit` changed its JSON.
fn estonian_with(
    dir: &std::path::Path,
    edit: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> Result<webeid::AuthenticatedPerson, WebEidError> {
    let v = vector(dir, "estonian-es384-valid");
    let mut token = v["token"].as_object().unwrap().clone();
    edit(&mut token);
    let bytes = serde_json::to_vec(&token).unwrap();
    let store = trust(dir, &["TEST_of_ESTEID2018.cer"]);
    let opts = WebEidOptions::new(at("2024-08-01T00:00:00Z"), RevocationMode::Off);
    webeid::validate(&bytes, "https://ria.ee", NONCE, &store, &opts)
}

const NONCE: &str = "12345678123456781234567812345678912356789123";

#[test]
fn tampered_tokens_fail_with_the_check_that_caught_them() {
    let Some(dir) = vectors_dir() else { return };
    let s = |v: &str| Value::String(v.into());
    let kind = |r: Result<webeid::AuthenticatedPerson, WebEidError>| match r {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    };
    assert_eq!(kind(estonian_with(&dir, |_| {})), "ok");
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("algorithm".into(), s("ES256"));
        })),
        "key_mismatch"
    );
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("algorithm".into(), s("RS384"));
        })),
        "key_mismatch"
    );
    for alg in ["HS256", "none", "EdDSA", "es384"] {
        assert_eq!(
            kind(estonian_with(&dir, |t| {
                t.insert("algorithm".into(), s(alg));
            })),
            "unsupported_algorithm",
            "{alg}"
        );
    }
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("algorithm".into(), Value::from(384));
        })),
        "json"
    );
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.remove("algorithm");
        })),
        "missing_field"
    );
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("algorithm".into(), Value::Null);
        })),
        "missing_field"
    );
    for format in ["web-eid:2", "web-eid:0.9", "webeid:1", "web-eid:1.x", ""] {
        let got = estonian_with(&dir, |t| {
            t.insert("format".into(), s(format));
        });
        let want = if format.is_empty() {
            "missing_field"
        } else {
            "unsupported_format"
        };
        assert_eq!(kind(got), want, "{format:?}");
    }
    // "web-eid:1" and later 1.N minor versions are accepted (1.N by the 1.0 rules).
    for format in ["web-eid:1", "web-eid:1.2"] {
        assert_eq!(
            kind(estonian_with(&dir, |t| {
                t.insert("format".into(), s(format));
            })),
            "ok",
            "{format}"
        );
    }
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("unverifiedSigningCertificates".into(), Value::Array(vec![]));
        })),
        "field_not_allowed"
    );
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert(
                "unverifiedIntermediateCertificates".into(),
                Value::Array(vec![]),
            );
        })),
        "field_not_allowed"
    );
    let sig = vector(&dir, "estonian-es384-valid")["token"]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    // Base64 variants that lenient decoders accept.
    for bad in [
        sig.replace('/', "_").replace('+', "-"),
        sig.trim_end_matches('=').to_string(),
        format!(" {sig}"),
        format!("{}\n{}", &sig[..64], &sig[64..]),
    ] {
        if bad == sig {
            continue;
        }
        assert_eq!(
            kind(estonian_with(&dir, |t| {
                t.insert("signature".into(), s(&bad));
            })),
            "invalid_base64",
            "{bad:?}"
        );
    }
    // A valid signature cut short, one bit flipped, or r||s as DER: all invalid.
    let raw = Base64::decode_vec(&sig).unwrap();
    let mut flipped = raw.clone();
    flipped[10] ^= 1;
    for bad in [raw[..95].to_vec(), flipped, [raw.clone(), vec![0]].concat()] {
        assert_eq!(
            kind(estonian_with(&dir, |t| {
                t.insert("signature".into(), s(&Base64::encode_string(&bad)));
            })),
            "signature_invalid"
        );
    }
    // Another certificate of the same person (other key): the signature no longer fits.
    let other = vector(&dir, "estonian-es384-wrong-cert")["token"]["unverifiedCertificate"].clone();
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("unverifiedCertificate".into(), other);
        })),
        "signature_invalid"
    );
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("unverifiedCertificate".into(), s("MIIB"));
        })),
        "certificate_malformed"
    );
    // Padding the token out with an unknown field: too long; a stub: too short.
    assert_eq!(
        kind(estonian_with(&dir, |t| {
            t.insert("padding".into(), s(&"x".repeat(10_000)));
        })),
        "token_length"
    );
    let store = trust(&dir, &["TEST_of_ESTEID2018.cer"]);
    let opts = WebEidOptions::new(at("2024-08-01T00:00:00Z"), RevocationMode::Off);
    let validate = |t: &[u8], origin: &str, nonce: &str| {
        kind(webeid::validate(t, origin, nonce, &store, &opts))
    };
    assert_eq!(
        validate(br#"{"format":"web-eid:1"}"#, "https://ria.ee", NONCE),
        "token_length"
    );
    let padded = format!(r#"{{"format":"web-eid:1","x":"{}"}}"#, "y".repeat(200));
    assert_eq!(
        validate(padded.as_bytes(), "https://ria.ee", NONCE),
        "missing_field"
    );
    assert_eq!(validate(&[0xff; 200], "https://ria.ee", NONCE), "not_utf8");
    assert_eq!(validate(&[b'['; 200], "https://ria.ee", NONCE), "json");
    let valid = token_bytes(&vector(&dir, "estonian-es384-valid"));
    let mut dup = valid.clone();
    dup.pop();
    dup.extend_from_slice(br#","algorithm":"ES384"}"#);
    assert_eq!(validate(&dup, "https://ria.ee", NONCE), "json");
    assert_eq!(validate(&valid, "https://ria.ee/", NONCE), "invalid_origin");
    assert_eq!(validate(&valid, "http://ria.ee", NONCE), "invalid_origin");
    assert_eq!(validate(&valid, "https://ria.ee", ""), "invalid_challenge");
    assert_eq!(
        validate(&valid, "https://ria.ee", "12345678"),
        "signature_invalid"
    );
    assert_eq!(validate(&valid, "https://ria.ee", NONCE), "ok");
}

#[test]
fn validity_and_trust_are_judged_at_the_validation_time() {
    let Some(dir) = vectors_dir() else { return };
    let v = vector(&dir, "estonian-es384-valid");
    let token = token_bytes(&v);
    let store = trust(&dir, &["TEST_of_ESTEID2018.cer"]);
    let run = |t: &str, store: &TrustStore| {
        webeid::validate(
            &token,
            "https://ria.ee",
            NONCE,
            store,
            &WebEidOptions::new(at(t), RevocationMode::Off),
        )
    };
    assert!(run("2021-07-22T12:43:08Z", &store).is_ok());
    assert!(run("2026-07-09T21:59:59Z", &store).is_ok());
    assert!(matches!(
        run("2026-07-09T22:00:00Z", &store),
        Err(WebEidError::CertificateExpired { .. })
    ));
    assert!(matches!(
        run("2021-07-22T12:43:07Z", &store),
        Err(WebEidError::CertificateNotYetValid { .. })
    ));
    // Trusting another CA, or none.
    let other = trust(&dir, &["ESTEID2018.cer", "eID TEST EC Citizen CA.cer"]);
    assert!(matches!(
        run("2024-08-01T00:00:00Z", &other),
        Err(WebEidError::NotTrusted(PathError::NoChainFound { .. }))
    ));
    assert!(matches!(
        run("2024-08-01T00:00:00Z", &TrustStore::new()),
        Err(WebEidError::NotTrusted(_))
    ));
}

#[test]
fn certificate_checks_of_the_reference_validators() {
    let Some(dir) = vectors_dir() else { return };
    let store = trust(
        &dir,
        &["TEST_of_ESTEID2018.cer", "TEST_of_ESTEID-SK_2015.cer"],
    );
    let check = |name: &str, t: &str| {
        let der = java_cert(&dir, name);
        let opts = WebEidOptions::new(at(t), RevocationMode::Off);
        webeid::check_certificate(&der, &[], &store, &opts, None).map(|_| ())
    };
    let cases: &[(&str, &str, &str)] = &[
        (
            "MISSING_KEY_USAGE_CERT",
            "2024-08-01T00:00:00Z",
            "missing_key_usage",
        ),
        (
            "WRONG_PURPOSE_CERT",
            "2020-01-01T00:00:00Z",
            "wrong_purpose",
        ),
        (
            "MARILIIS_ESTEID2015_CERT",
            "2020-01-01T00:00:00Z",
            "wrong_purpose",
        ),
        (
            "WRONG_POLICY_CERT",
            "2020-01-01T00:00:00Z",
            "disallowed_policy",
        ),
        (
            "OLD_MOBILE_ID_CERT",
            "2020-01-01T00:00:00Z",
            "disallowed_policy",
        ),
        (
            "NEW_MOBILE_ID_CERT",
            "2024-08-01T00:00:00Z",
            "disallowed_policy",
        ),
        (
            "EXPIRED_RSA_CERT",
            "2024-08-01T00:00:00Z",
            "certificate_expired",
        ),
        (
            "EXPIRED_ECDSA_CERT",
            "2024-08-01T00:00:00Z",
            "certificate_expired",
        ),
        (
            "REVOKED_CERT",
            "2024-08-01T00:00:00Z",
            "certificate_expired",
        ),
        ("ORGANIZATION_CERT", "2024-08-01T00:00:00Z", "not_trusted"),
    ];
    for (name, t, want) in cases {
        let got = check(name, t);
        assert_eq!(
            got.as_ref().map_err(|e| e.kind()),
            Err(*want),
            "{name}: {got:?}"
        );
    }
    assert_eq!(
        check("JAAK_KRISTJAN_ESTEID2018_CERT", "2020-01-01T00:00:00Z"),
        Ok(())
    );
    // The disallowed list is configurable: without it the mobile-ID policy passes step 5
    // and the certificate then fails on its CA (ESTEID-SK 2015, not configured).
    let der = java_cert(&dir, "NEW_MOBILE_ID_CERT");
    let mut opts = WebEidOptions::new(at("2024-08-01T00:00:00Z"), RevocationMode::Off);
    opts.disallowed_policies.clear();
    let got = webeid::check_certificate(&der, &[], &store, &opts, None);
    assert!(matches!(got, Err(WebEidError::NotTrusted(_))), "{got:?}");
}

fn ocsp(dir: &std::path::Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join("certs").join(file)).unwrap()
}

/// `JAAK_KRISTJAN_ESTEID2018_CERT` with recorded OCSP responses at time `t`.
fn ocsp_offline(
    dir: &std::path::Path,
    responses: &[&str],
    t: &str,
) -> Result<RevocationCheck, WebEidError> {
    let der = java_cert(dir, "JAAK_KRISTJAN_ESTEID2018_CERT");
    let store = trust(dir, &["TEST_of_ESTEID2018.cer"]);
    let mode = RevocationMode::Offline {
        ocsp_responses: responses.iter().map(|f| ocsp(dir, f)).collect(),
    };
    let opts = WebEidOptions::new(at(t), mode);
    webeid::check_certificate(&der, &[], &store, &opts, None).map(|c| c.revocation)
}

#[test]
fn ocsp_offline_good_revoked_unknown_and_stale() {
    let Some(dir) = vectors_dir() else { return };
    // ocsp_response.der: good, thisUpdate 2021-09-17T18:25:24Z, delegated responder
    // "DEMO of ESTEID-SK 2018 AIA OCSP RESPONDER 2018" issued by TEST of ESTEID2018.
    let good = ocsp_offline(&dir, &["ocsp_response.der"], "2021-09-17T18:26:00Z").unwrap();
    let RevocationCheck::Good { evidence } = good else {
        panic!("{good:?}")
    };
    assert_eq!(evidence.status, imza::ocsp::Status::Good);
    assert!(format!("{:?}", evidence.source).contains("OCSP RESPONDER 2018"));
    // Two minutes is the most a thisUpdate may be older than the validation time ...
    assert!(ocsp_offline(&dir, &["ocsp_response.der"], "2021-09-17T18:27:24Z").is_ok());
    let stale = ocsp_offline(&dir, &["ocsp_response.der"], "2021-09-17T18:27:25Z");
    assert!(
        matches!(&stale, Err(WebEidError::RevocationUnknown { reason }) if reason.contains("before the validation time")),
        "{stale:?}"
    );
    // ... and fifteen minutes the most it may be newer.
    assert!(ocsp_offline(&dir, &["ocsp_response.der"], "2021-09-17T18:10:24Z").is_ok());
    let future = ocsp_offline(&dir, &["ocsp_response.der"], "2021-09-17T18:10:23Z");
    assert!(
        // The revocation layer's own rule (data dated after the current time, which is the
        // validation time here, plus the skew) refuses it first, at the same boundary.
        matches!(&future, Err(WebEidError::RevocationUnknown { reason }) if reason.contains("dated in the future")),
        "{future:?}"
    );
    // Revoked 2021-09-18T00:10:14Z (unspecified), response 00:13:43.
    let revoked = ocsp_offline(&dir, &["ocsp_response_revoked.der"], "2021-09-18T00:14:00Z");
    assert!(
        matches!(
            revoked,
            Err(WebEidError::Revoked {
                reason: Some(0),
                ..
            })
        ),
        "{revoked:?}"
    );
    // Signed by "TEST of SK OCSP RESPONDER 2020", which TEST of ESTEID2018 did not issue.
    let unknown = ocsp_offline(&dir, &["ocsp_response_unknown.der"], "2021-09-18T00:17:00Z");
    assert!(
        matches!(&unknown, Err(WebEidError::RevocationUnknown { reason }) if reason.contains("not authorised")),
        "{unknown:?}"
    );
    // Signed by a key the CA never authorised (responder id by key, ESTEID2018 certs).
    for f in [
        "ocsp_response_with_2_responder_certs.der",
        "ocsp_response_with_2_responses.der",
    ] {
        let got = ocsp_offline(&dir, &[f], "2021-09-23T17:32:00Z");
        assert!(
            matches!(got, Err(WebEidError::RevocationUnknown { .. })),
            "{f}: {got:?}"
        );
    }
    // Nothing supplied.
    let none = ocsp_offline(&dir, &[], "2021-09-17T18:26:00Z");
    assert!(
        matches!(&none, Err(WebEidError::RevocationUnknown { reason }) if reason.contains("no OCSP response")),
        "{none:?}"
    );
    // Online without a transport is a configuration error, not a silent "off".
    let der = java_cert(&dir, "JAAK_KRISTJAN_ESTEID2018_CERT");
    let opts = WebEidOptions::new(
        at("2021-09-17T18:26:00Z"),
        RevocationMode::Online { nonce: None },
    );
    let store = trust(&dir, &["TEST_of_ESTEID2018.cer"]);
    assert!(matches!(
        webeid::check_certificate(&der, &[], &store, &opts, None),
        Err(WebEidError::InvalidOptions { .. })
    ));
}

#[test]
fn token_with_offline_ocsp_for_another_certificate_is_unknown() {
    let Some(dir) = vectors_dir() else { return };
    let v = vector(&dir, "estonian-es384-valid");
    let store = trust(&dir, &["TEST_of_ESTEID2018.cer"]);
    let opts = WebEidOptions::new(
        at("2024-08-01T00:00:00Z"),
        RevocationMode::Offline {
            ocsp_responses: vec![ocsp(&dir, "ocsp_response.der")],
        },
    );
    let got = webeid::validate(&token_bytes(&v), "https://ria.ee", NONCE, &store, &opts);
    assert!(
        matches!(got, Err(WebEidError::RevocationUnknown { .. })),
        "{got:?}"
    );
}

/// The signing certificate of the .NET validator's `ValidV11AuthTokenStr`
/// (web-eid-authtoken-validation-dotnet `src/WebEid.Security.Tests/TestUtils/
/// AbstractTestWithValidator.cs`, MIT, Copyright (c) 2020-2025 Estonian Information System
/// Authority): JÕEORG JAAK-KRISTJAN's nonRepudiation certificate from TEST of ESTEID2018,
/// valid 2019-05-02 to 2029-05-02. Its token is the valid Estonian ES384 token with this
/// entry added and format `web-eid:1.1`.
const V11_SIGNING_CERT: &str = "MIID6zCCA02gAwIBAgIQT7j6zk6pmVRcyspLo5SqejAKBggqhkjOPQQDBDBgMQswCQYDVQQGEwJFRTEbMBkGA1UECgwSU0sgSUQgU29sdXRpb25zIEFTMRcwFQYDVQRhDA5OVFJFRS0xMDc0NzAxMzEbMBkGA1UEAwwSVEVTVCBvZiBFU1RFSUQyMDE4MB4XDTE5MDUwMjEwNDUzMVoXDTI5MDUwMjEwNDUzMVowfzELMAkGA1UEBhMCRUUxFjAUBgNVBCoMDUpBQUstS1JJU1RKQU4xEDAOBgNVBAQMB0rDlUVPUkcxKjAoBgNVBAMMIUrDlUVPUkcsSkFBSy1LUklTVEpBTiwzODAwMTA4NTcxODEaMBgGA1UEBRMRUE5PRUUtMzgwMDEwODU3MTgwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAASkwENR8GmCpEs6OshDWDfIiKvGuyNMOD2rjIQW321AnZD3oIsqD0svBMNEJJj9Dlvq/47TYDObIa12KAU5IuOBfJs2lrFdSXZjaM+a5TWT3O2JTM36YDH2GcMe/eisepejggGrMIIBpzAJBgNVHRMEAjAAMA4GA1UdDwEB/wQEAwIGQDBIBgNVHSAEQTA/MDIGCysGAQQBg5EhAQIBMCMwIQYIKwYBBQUHAgEWFWh0dHBzOi8vd3d3LnNrLmVlL0NQUzAJBgcEAIvsQAECMB0GA1UdDgQWBBTVX3s48Spy/Es2TcXgkRvwUn2YcjCBigYIKwYBBQUHAQMEfjB8MAgGBgQAjkYBATAIBgYEAI5GAQQwEwYGBACORgEGMAkGBwQAjkYBBgEwUQYGBACORgEFMEcwRRY/aHR0cHM6Ly9zay5lZS9lbi9yZXBvc2l0b3J5L2NvbmRpdGlvbnMtZm9yLXVzZS1vZi1jZXJ0aWZpY2F0ZXMvEwJFTjAfBgNVHSMEGDAWgBTAhJkpxE6fOwI09pnhClYACCk+ezBzBggrBgEFBQcBAQRnMGUwLAYIKwYBBQUHMAGGIGh0dHA6Ly9haWEuZGVtby5zay5lZS9lc3RlaWQyMDE4MDUGCCsGAQUFBzAChilodHRwOi8vYy5zay5lZS9UZXN0X29mX0VTVEVJRDIwMTguZGVyLmNydDAKBggqhkjOPQQDBAOBiwAwgYcCQgGBr+Jbo1GeqgWdIwgMo7SA29AP38JxNm2HWq2Qb+kIHpusAK574Co1K5D4+Mk7/ITTuXQaET5WphHoN7tdAciTaQJBAn0zBigYyVPYSTO68HM6hmlwTwi/KlJDdXW/2NsMjSqofFFJXpGvpxk2CTqSRCjcavxLPnkasTbNROYSJcmM8Xc=";

fn signing_entry(cert: &str) -> Value {
    serde_json::json!({
        "certificate": cert,
        "supportedSignatureAlgorithms": [
            {"cryptoAlgorithm": "RSA", "hashFunction": "SHA-256", "paddingScheme": "PKCS1.5"}
        ]
    })
}

#[test]
fn format_1_1_signing_certificates() {
    let Some(dir) = vectors_dir() else { return };
    let v11 = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        estonian_with(&dir, |t| {
            t.insert("format".into(), Value::String("web-eid:1.1".into()));
            t.insert(
                "unverifiedSigningCertificates".into(),
                Value::Array(vec![signing_entry(V11_SIGNING_CERT)]),
            );
            edit(t);
        })
    };
    let person = v11(&|_| {}).unwrap();
    assert_eq!(person.token.format, "web-eid:1.1");
    assert_eq!(person.signing_certificates.len(), 1);
    let json = serde_json::to_value(&person).unwrap();
    assert_eq!(
        json["signing_certificates"][0]["certificate"],
        V11_SIGNING_CERT
    );
    assert_eq!(
        json["signing_certificates"][0]["supported_signature_algorithms"][0]["paddingScheme"],
        "PKCS1.5"
    );

    let kind = |r: Result<webeid::AuthenticatedPerson, WebEidError>| match r {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    };
    // The authentication certificate as its own "signing certificate": no nonRepudiation.
    let auth = vector(&dir, "estonian-es384-valid")["token"]["unverifiedCertificate"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        kind(v11(&|t| {
            t.insert(
                "unverifiedSigningCertificates".into(),
                Value::Array(vec![signing_entry(&auth)]),
            );
        })),
        "signing_certificate"
    );
    // Somebody else's certificate.
    let latvian = vector(&dir, "latvian-rs256-signature-only")["token"]["unverifiedCertificate"]
        .as_str()
        .unwrap()
        .to_string();
    let other = v11(&|t| {
        t.insert(
            "unverifiedSigningCertificates".into(),
            Value::Array(vec![signing_entry(&latvian)]),
        );
    });
    assert!(
        matches!(&other, Err(WebEidError::SigningCertificate { reason }) if reason.contains("subject")),
        "{other:?}"
    );
    // List rules.
    assert_eq!(
        kind(v11(&|t| {
            t.remove("unverifiedSigningCertificates");
        })),
        "missing_field"
    );
    assert_eq!(
        kind(v11(&|t| {
            t.insert("unverifiedSigningCertificates".into(), Value::Array(vec![]));
        })),
        "missing_field"
    );
    assert_eq!(
        kind(v11(&|t| {
            let mut e = signing_entry(V11_SIGNING_CERT);
            e["supportedSignatureAlgorithms"] = Value::Array(vec![]);
            t.insert(
                "unverifiedSigningCertificates".into(),
                Value::Array(vec![e]),
            );
        })),
        "missing_field"
    );
    for (field, value) in [
        ("cryptoAlgorithm", "DSA"),
        ("hashFunction", "MD5"),
        ("paddingScheme", "OAEP"),
    ] {
        assert_eq!(
            kind(v11(&|t| {
                let mut e = signing_entry(V11_SIGNING_CERT);
                e["supportedSignatureAlgorithms"][0][field] = Value::String(value.into());
                t.insert(
                    "unverifiedSigningCertificates".into(),
                    Value::Array(vec![e]),
                );
            })),
            "unsupported_signing_algorithm",
            "{field}"
        );
    }
    // Intermediates given: signing certificates become optional; an empty list is refused.
    let ca =
        Base64::encode_string(&std::fs::read(dir.join("certs/TEST_of_ESTEID2018.cer")).unwrap());
    assert_eq!(
        kind(v11(&|t| {
            t.remove("unverifiedSigningCertificates");
            t.insert(
                "unverifiedIntermediateCertificates".into(),
                Value::Array(vec![Value::String(ca.clone())]),
            );
        })),
        "ok"
    );
    assert_eq!(
        kind(v11(&|t| {
            t.insert(
                "unverifiedIntermediateCertificates".into(),
                Value::Array(vec![]),
            );
        })),
        "missing_field"
    );
    // The signing certificate's chain is validated at the validation time too (here near
    // the end of the authentication certificate's validity; the signing one runs to 2029).
    let store = trust(&dir, &["TEST_of_ESTEID2018.cer"]);
    let mut token = vector(&dir, "estonian-es384-valid")["token"].clone();
    token["format"] = Value::String("web-eid:1.1".into());
    token["unverifiedSigningCertificates"] = Value::Array(vec![signing_entry(V11_SIGNING_CERT)]);
    let bytes = serde_json::to_vec(&token).unwrap();
    let opts = WebEidOptions::new(at("2026-07-01T00:00:00Z"), RevocationMode::Off);
    assert!(webeid::validate(&bytes, "https://ria.ee", NONCE, &store, &opts).is_ok());
}

fn pki(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors/pki")
        .join(rel)
}

fn now() -> UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    UnixTime::from_secs(secs)
}

/// A token made here with the test PKI's login key (`test-vectors/pki/<ca>/login.*`), as
/// the browser extension would make it: `algorithm` over `H(origin) || H(nonce)`.
fn make_token(ca: &str, alg: &str, origin: &str, nonce: &str, intermediates: bool) -> Vec<u8> {
    let alg_value = imza::crypto::SignatureAlgorithm::from_jose(alg).unwrap();
    let key = imza::crypto::SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(pki(&format!("{ca}/login.key"))).unwrap(),
    )
    .unwrap()
    .with_algorithm(alg_value)
    .unwrap();
    let h = alg_value.hash().unwrap();
    let mut data = imza::crypto::digest(h, origin.as_bytes()).as_ref().to_vec();
    data.extend_from_slice(imza::crypto::digest(h, nonce.as_bytes()).as_ref());
    let signature = imza::crypto::Signer::sign(&key, &data).unwrap();
    let b64 = |rel: &str| Base64::encode_string(&std::fs::read(pki(rel)).unwrap());
    let mut token = serde_json::json!({
        "algorithm": alg,
        "unverifiedCertificate": b64(&format!("{ca}/login.der")),
        "appVersion": "https://web-eid.eu/web-eid-app/releases/2.5.0+0",
        "signature": Base64::encode_string(&signature),
        "format": if intermediates { "web-eid:1.1" } else { "web-eid:1.0" },
    });
    if intermediates {
        token["unverifiedIntermediateCertificates"] =
            serde_json::json!([b64(&format!("{ca}/intermediate.der"))]);
    }
    serde_json::to_vec(&token).unwrap()
}

/// A fresh OCSP response for the P-256 login certificate from the test PKI's CA database,
/// made by `openssl ocsp` now; `None` when openssl does not run (skipped: a failure under CI).
fn fresh_ocsp_response() -> Option<Vec<u8>> {
    let out = std::env::temp_dir().join(format!("imza-webeid-ocsp-{}.der", std::process::id()));
    let status = std::process::Command::new("openssl")
        .current_dir(pki(""))
        .args(["ocsp", "-index", "ecdsa-p256/intermediate/index.txt"])
        .args(["-CA", "ecdsa-p256/intermediate.pem"])
        .args(["-rsigner", "ecdsa-p256/ocsp-responder.pem"])
        .args(["-rkey", "ecdsa-p256/ocsp-responder.key"])
        .args(["-issuer", "ecdsa-p256/intermediate.pem"])
        .args(["-cert", "ecdsa-p256/login.pem"])
        .arg("-respout")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {
            let der = std::fs::read(&out).unwrap();
            let _ = std::fs::remove_file(&out);
            Some(der)
        }
        other => {
            imza_test_support::skip(format_args!(
                "the fresh-OCSP part: openssl ocsp did not run ({other:?})"
            ));
            None
        }
    }
}

#[test]
fn end_to_end_with_the_test_pki_challenge_store_and_fresh_ocsp() {
    let origin = "https://portal.example:8443";
    let t = now();
    let mut root = TrustStore::new();
    root.add_pem_or_der(&std::fs::read(pki("ecdsa-p256/root.pem")).unwrap())
        .unwrap();

    // Login page: a challenge for the session.
    let store = MemoryChallengeStore::new();
    let issued = Challenge::from_random(&[0x5a; 32], t);
    store.put("session-1", &issued).unwrap();

    // The browser answers with a web-eid:1.1 token carrying the intermediate CA.
    let token = make_token("ecdsa-p256", "ES256", origin, &issued.nonce, true);
    let challenge = store.take("session-1", t).unwrap();
    let revocation = match fresh_ocsp_response() {
        Some(r) => RevocationMode::Offline {
            ocsp_responses: vec![r],
        },
        None => RevocationMode::Off,
    };
    let checks_ocsp = revocation != RevocationMode::Off;
    let opts = WebEidOptions::new(t, revocation);
    let person = webeid::validate(&token, origin, &challenge.nonce, &root, &opts).unwrap();
    assert_eq!(person.person.common_name.as_deref(), Some("P-256 Login"));
    assert_eq!(person.token.format, "web-eid:1.1");
    assert!(person.certificate.trust_anchor.contains("Root"));
    if checks_ocsp {
        let RevocationCheck::Good { evidence } = &person.revocation else {
            panic!("{:?}", person.revocation)
        };
        assert!(evidence.subject.contains("P-256 Login"));
        // Two minutes later the same response is too old for a login.
        let later = WebEidOptions::new(
            UnixTime::from_secs(t.as_secs() + 180),
            opts.revocation.clone(),
        );
        assert!(matches!(
            webeid::validate(&token, origin, &challenge.nonce, &root, &later),
            Err(WebEidError::RevocationUnknown { .. })
        ));
    }
    // Replaying the token: the challenge is gone.
    assert_eq!(store.take("session-1", t), Err(ChallengeError::NotFound));

    // Without the intermediate (format 1.0) the root alone does not reach the leaf.
    let plain = make_token("ecdsa-p256", "ES256", origin, &issued.nonce, false);
    let off = WebEidOptions::new(t, RevocationMode::Off);
    assert!(matches!(
        webeid::validate(&plain, origin, &issued.nonce, &root, &off),
        Err(WebEidError::NotTrusted(PathError::NoChainFound { .. }))
    ));
    // Trusting the intermediate instead, it validates; for another origin it does not.
    let mut intermediate = TrustStore::new();
    intermediate
        .add_pem_or_der(&std::fs::read(pki("ecdsa-p256/intermediate.pem")).unwrap())
        .unwrap();
    assert!(webeid::validate(&plain, origin, &issued.nonce, &intermediate, &off).is_ok());
    assert_eq!(
        webeid::validate(
            &plain,
            "https://portal.example",
            &issued.nonce,
            &intermediate,
            &off
        ),
        Err(WebEidError::SignatureInvalid)
    );

    // RSA login certificate: PKCS#1 v1.5 and PSS.
    let mut rsa_root = TrustStore::new();
    rsa_root
        .add_pem_or_der(&std::fs::read(pki("rsa/root.pem")).unwrap())
        .unwrap();
    for alg in ["RS256", "RS512", "PS256", "PS384"] {
        let token = make_token("rsa", alg, origin, &issued.nonce, true);
        let got = webeid::validate(&token, origin, &issued.nonce, &rsa_root, &off);
        assert!(got.is_ok(), "{alg}: {got:?}");
    }
}

#[test]
fn challenge_flow_with_the_memory_store() {
    let store = MemoryChallengeStore::new();
    let now = at("2024-08-01T00:00:00Z");
    let c = Challenge::from_random(&[42u8; 32], now);
    assert_eq!(c.nonce.len(), 44);
    store.put("session-a", &c).unwrap();
    let later = UnixTime::from_secs(now.as_secs() + 299);
    assert_eq!(store.take("session-a", later).unwrap().nonce, c.nonce);
    // Replay: the same session's token a second time.
    assert_eq!(
        store.take("session-a", later),
        Err(ChallengeError::NotFound)
    );
    // Expired.
    store.put("session-b", &c).unwrap();
    let too_late = UnixTime::from_secs(now.as_secs() + 301);
    assert!(matches!(
        store.take("session-b", too_late),
        Err(ChallengeError::Expired { .. })
    ));
}

#[cfg(feature = "redis")]
mod redis_store {
    use super::*;
    use imza::webeid::RedisChallengeStore;
    use std::process::{Child, Command, Stdio};
    use std::sync::{Arc, Barrier};
    use std::time::{Duration, Instant};

    /// A `redis-server` on a free loopback port, killed on drop.
    struct Server {
        child: Child,
        url: String,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn start() -> Option<Server> {
        // Debian package redis-server.
        if !imza_test_support::have_tool_required_by(
            imza_test_support::REQUIRE_REDIS,
            "redis-server",
            &["--version"],
        ) {
            return None;
        }
        let port = imza_test_support::free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let ready = redis::Client::open(server.url.as_str())
                .and_then(|c| c.get_connection_with_timeout(Duration::from_millis(200)))
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if ready.is_ok() {
                return Some(server);
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not start: {ready:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    const T0: UnixTime = UnixTime::from_secs(1_722_470_400);

    #[test]
    fn redis_store_single_use_expiry_wrong_nonce_and_concurrent_takers() {
        let Some(server) = start() else { return };
        let store = RedisChallengeStore::open(&server.url).unwrap();
        assert!(!format!("{store:?}").contains("127.0.0.1"));

        // Single use.
        let c = Challenge::from_random(&[1u8; 32], T0);
        store.put(&c.nonce, &c).unwrap();
        assert_eq!(store.take(&c.nonce, T0), Ok(c.clone()));
        assert_eq!(store.take(&c.nonce, T0), Err(ChallengeError::NotFound));

        // Expiry judged at the caller's time; the expired challenge is gone afterwards.
        store.put("session-x", &c).unwrap();
        let late = UnixTime::from_secs(T0.as_secs() + 301);
        assert_eq!(
            store.take("session-x", late),
            Err(ChallengeError::Expired {
                expired_at: c.expires_at
            })
        );
        assert_eq!(store.take("session-x", T0), Err(ChallengeError::NotFound));

        // A wrong nonce takes nothing, and leaves the right one.
        store.put(&c.nonce, &c).unwrap();
        let wrong = Challenge::from_random(&[2u8; 32], T0).nonce;
        assert_eq!(store.take(&wrong, T0), Err(ChallengeError::NotFound));
        assert!(store.take(&c.nonce, T0).is_ok());

        // The value carries the expiry and Redis a TTL a minute past it.
        store.put("ttl", &c).unwrap();
        let mut conn = redis::Client::open(server.url.as_str())
            .unwrap()
            .get_connection()
            .unwrap();
        let key = format!("{}ttl", RedisChallengeStore::DEFAULT_PREFIX);
        let ttl: i64 = redis::cmd("TTL").arg(&key).query(&mut conn).unwrap();
        assert!((300..=360).contains(&ttl), "TTL {ttl}");
        let raw: String = redis::cmd("GET").arg(&key).query(&mut conn).unwrap();
        assert_eq!(
            raw,
            format!("v1:{}:{}:{}", T0.as_secs(), T0.as_secs() + 300, c.nonce)
        );
        // Junk under a key is a store error, not a challenge.
        let _: () = redis::cmd("SET")
            .arg(&key)
            .arg("junk")
            .query(&mut conn)
            .unwrap();
        assert!(matches!(
            store.take("ttl", T0),
            Err(ChallengeError::Store { .. })
        ));

        // Prefixes keep portals apart.
        let other = RedisChallengeStore::open(&server.url)
            .unwrap()
            .with_prefix("other:");
        store.put("shared-key", &c).unwrap();
        assert_eq!(other.take("shared-key", T0), Err(ChallengeError::NotFound));
        assert!(store.take("shared-key", T0).is_ok());

        // Two nodes (two stores, two connections) race for each of 200 challenges: each is
        // taken exactly once.
        let nodes: Vec<Arc<RedisChallengeStore>> = (0..2)
            .map(|_| Arc::new(RedisChallengeStore::open(&server.url).unwrap()))
            .collect();
        let rounds = 200u32;
        let keys: Vec<String> = (0..rounds).map(|i| format!("race-{i}")).collect();
        for k in &keys {
            store.put(k, &c).unwrap();
        }
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = nodes
            .iter()
            .map(|node| {
                let (node, barrier, keys) = (Arc::clone(node), Arc::clone(&barrier), keys.clone());
                std::thread::spawn(move || {
                    let mut won = Vec::new();
                    for k in &keys {
                        barrier.wait();
                        match node.take(k, T0) {
                            Ok(_) => won.push(k.clone()),
                            Err(ChallengeError::NotFound) => {}
                            Err(e) => panic!("{k}: {e}"),
                        }
                    }
                    won
                })
            })
            .collect();
        let results: Vec<Vec<String>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let total: usize = results.iter().map(Vec::len).sum();
        assert_eq!(total, keys.len(), "every challenge taken exactly once");
        for k in &keys {
            let winners = results.iter().filter(|w| w.contains(k)).count();
            assert_eq!(winners, 1, "{k} taken {winners} times");
        }
        eprintln!(
            "Redis race: node A took {}, node B took {} of {rounds} challenges",
            results[0].len(),
            results[1].len()
        );

        // The server going away is a store error, not a "not found".
        drop(server);
        let gone = store.take("anything", T0);
        assert!(
            matches!(gone, Err(ChallengeError::Store { .. })),
            "{gone:?}"
        );
    }

    #[test]
    fn redis_store_refuses_bad_urls_and_keys() {
        assert!(matches!(
            RedisChallengeStore::open("not a url"),
            Err(ChallengeError::Store { .. })
        ));
        // Nothing listens on port 1: a store error, reported quickly.
        let store = RedisChallengeStore::open("redis://127.0.0.1:1/")
            .unwrap()
            .with_timeout(Duration::from_millis(500));
        let c = Challenge::from_random(&[3u8; 32], T0);
        let refused = store.put("k", &c);
        eprintln!("nothing listening: {refused:?}");
        assert!(
            matches!(&refused, Err(ChallengeError::Store { reason }) if reason.contains("connect")),
            "{refused:?}"
        );
        assert_eq!(store.put("", &c), Err(ChallengeError::InvalidKey));
    }
}

/// Tokens made by `webeid::create_token` (what `imza card login` sends) pass the validator;
/// the same signer with DER ECDSA is refused at creation, and a token for another origin
/// fails validation.
#[test]
fn created_tokens_validate() {
    use imza::crypto::{EcdsaEncoding, HashAlgorithm, SignatureAlgorithm, SigningKey};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki/ecdsa-p256");
    let key = SigningKey::from_pkcs8_pem(&std::fs::read_to_string(dir.join("login.key")).unwrap())
        .unwrap()
        .with_algorithm(SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha256,
            encoding: EcdsaEncoding::Fixed,
        })
        .unwrap();
    let cert = std::fs::read(dir.join("login.der")).unwrap();
    let nonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let token =
        webeid::create_token(&key, &cert, "https://portal.example", nonce, "imza test").unwrap();
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&std::fs::read(dir.join("root.pem")).unwrap())
        .unwrap();
    let opts = WebEidOptions::new(at("2026-11-21T00:00:00Z"), RevocationMode::Off);
    // web-eid:1.0 carries no intermediate: the portal configures its card CAs (here the
    // intermediate) as anchors, as Web eID deployments do; the root alone finds no chain.
    let r = webeid::validate(
        token.as_bytes(),
        "https://portal.example",
        nonce,
        &store,
        &opts,
    );
    assert!(matches!(r, Err(WebEidError::NotTrusted(_))), "{r:?}");
    let mut store2 = store.clone();
    store2
        .add_pem_or_der(&std::fs::read(dir.join("intermediate.pem")).unwrap())
        .unwrap();
    let person = webeid::validate(
        token.as_bytes(),
        "https://portal.example",
        nonce,
        &store2,
        &opts,
    )
    .unwrap();
    assert_eq!(person.person.common_name.as_deref(), Some("P-256 Login"));
    let wrong = webeid::validate(
        token.as_bytes(),
        "https://other.example",
        nonce,
        &store2,
        &opts,
    );
    assert!(wrong.is_err());
    let der = SigningKey::from_pkcs8_pem(&std::fs::read_to_string(dir.join("login.key")).unwrap())
        .unwrap();
    assert!(webeid::create_token(&der, &cert, "https://portal.example", nonce, "x").is_err());
}
