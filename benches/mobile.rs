//! Mobile ID on the relying party's side: what imza does per confirmed session besides
//! waiting for the person. No peer library runs here (SK's clients are Java), so the
//! reference in the same run is the bare signature check the validation contains.
//!
//! Run with `cargo bench --bench mobile`. Groups:
//! - `mobile validate`: [`mobile::validate`] of a signature result: algorithm-name parse,
//!   certificate parse, the signature over the hash (P-256 r‖s for Mobile-ID, RSA-2048
//!   PKCS#1 for Smart-ID), path building to the test root through one intermediate for the
//!   purpose, the subject check; next to `verify only`, the signature check alone;
//! - `mobile session`: one sans-IO Mobile-ID signature session (build the start request,
//!   parse the session ID, one RUNNING and one COMPLETE poll answer with a certificate):
//!   JSON and base64 work, no network.
//!
//! Fixtures: `test-vectors/mobile/{mid,sid}-confirm-sign.*` (the loopback server's people),
//! signed here with the same keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use imza::crypto::{self, HashAlgorithm, Message, Signer as _, SigningKey};
use imza::mobile::{
    self, mid::MobileId, Action, Completed, Config, Expect, Operation, Person, RelyingParty,
    Session, Start,
};
use imza::transport::Response;
use imza::trust::TrustStore;

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn der(rel: &str) -> Vec<u8> {
    der::Encode::to_der(&imza::cert::parse_any(&read(rel)).unwrap()[0]).unwrap()
}

struct Case {
    completed: Completed,
    person: Person,
    store: TrustStore,
    intermediates: Vec<Vec<u8>>,
    spki: Vec<u8>,
    alg: crypto::SignatureAlgorithm,
}

fn case(provider: &str, hierarchy: &str, alg_name: &str) -> Case {
    let key = String::from_utf8(read(&format!(
        "test-vectors/mobile/{provider}-confirm-sign.key"
    )))
    .unwrap();
    let mut key = SigningKey::from_pkcs8_pem(&key).unwrap();
    if provider == "mid" {
        key = key
            .with_algorithm(crypto::SignatureAlgorithm::Ecdsa {
                hash: HashAlgorithm::Sha256,
                encoding: crypto::EcdsaEncoding::Fixed,
            })
            .unwrap();
    }
    // The service signs the hash as a digest: H(message) is the hash sent.
    let sig = key.sign(b"message").unwrap();
    let mut completed = Completed::default();
    completed.certificate = Some(der(&format!(
        "test-vectors/mobile/{provider}-confirm-sign.pem"
    )));
    completed.signature = Some(sig);
    completed.signature_algorithm = Some(alg_name.into());
    completed.document_number = Some("PNOEE-60001019906-MOCK-Q".into());
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&read(&format!("test-vectors/pki/{hierarchy}/root.pem")))
        .unwrap();
    Case {
        completed,
        person: if provider == "mid" {
            Person::Phone {
                phone: "+37200000766".into(),
                national_id: "60001019906".into(),
            }
        } else {
            Person::Document("PNOEE-60001019906-MOCK-Q".into())
        },
        store,
        intermediates: vec![der(&format!(
            "test-vectors/pki/{hierarchy}/intermediate.pem"
        ))],
        spki: key.public_key_spki().to_vec(),
        alg: key.algorithm(),
    }
}

fn bench(c: &mut Criterion) {
    let hash = crypto::digest(HashAlgorithm::Sha256, b"message");
    let now = imza::time::UnixTime::from_secs(1_800_000_000);
    let mut g = c.benchmark_group("mobile validate");
    for (label, provider, hierarchy, name) in [
        (
            "Mobile-ID P-256",
            "mid",
            "ecdsa-p256",
            "SHA256WithECEncryption",
        ),
        ("Smart-ID RSA-2048", "sid", "rsa", "sha256WithRSAEncryption"),
    ] {
        let k = case(provider, hierarchy, name);
        let trust = mobile::Trust {
            store: &k.store,
            intermediates: &k.intermediates,
            time: now,
            policy: crypto::Policy::STRICT,
        };
        let expect = Expect {
            operation: Operation::Sign,
            hash: Some(&hash),
            person: &k.person,
            certificate: None,
        };
        mobile::validate(&k.completed, &expect, &trust, None).expect("validates");
        g.bench_function(format!("{label}/validate"), |b| {
            b.iter(|| mobile::validate(black_box(&k.completed), &expect, &trust, None).unwrap())
        });
        let sig = k.completed.signature.clone().unwrap();
        g.bench_function(format!("{label}/verify only"), |b| {
            b.iter(|| {
                crypto::verify(
                    k.alg,
                    &k.spki,
                    Message::Digest(hash.as_ref()),
                    black_box(&sig),
                )
                .unwrap()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("mobile session");
    let p = MobileId::new("http://127.0.0.1:1/mid-api").unwrap();
    let rp = RelyingParty::new("00000000-0000-0000-0000-000000000000", "DEMO").unwrap();
    let k = case("mid", "ecdsa-p256", "SHA256WithECEncryption");
    let complete = serde_json::json!({
        "state": "COMPLETE", "result": "OK",
        "signature": {"value": "A".repeat(88), "algorithm": "SHA256WithECEncryption"},
        "cert": base64_std(k.completed.certificate.as_deref().unwrap()),
        "time": "2026-11-21T14:00:00", "traceId": "0123456789abcdef",
    })
    .to_string();
    let answers = [
        r#"{"sessionID":"de305d54-75b4-431b-adb2-eb6b9e546014"}"#.to_string(),
        r#"{"state":"RUNNING"}"#.to_string(),
        complete,
    ];
    g.bench_function("Mobile-ID sign/state machine + JSON", |b| {
        b.iter(|| {
            let start = Start::sign(hash).with_display_text("Sign contract 12");
            let mut s = Session::new(
                &p,
                &rp,
                &k.person,
                &start,
                Config::default(),
                Duration::ZERO,
            )
            .unwrap();
            let mut now = Duration::ZERO;
            let mut i = 0;
            loop {
                match s.next(now).unwrap() {
                    Action::Send(req) => {
                        black_box(req.body.len());
                        let body = answers[i].as_bytes().to_vec();
                        i += 1;
                        let resp = Response {
                            status: 200,
                            content_type: None,
                            body,
                        };
                        s.receive(now, Ok(resp)).unwrap();
                    }
                    Action::Wait(t) => now = t,
                    Action::Done(c) => break black_box(c),
                }
            }
        })
    });
    g.finish();
}

fn base64_std(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

criterion_group!(benches, bench);
criterion_main!(benches);
