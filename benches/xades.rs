//! XAdES validation in-process: verifications per second of a small enveloped
//! XAdES-BASELINE-T, and where the time goes.
//!
//! Run with `cargo bench --bench xades`. The inputs are committed fixtures in
//! `test-vectors/xml/bench/` (see its PROVENANCE.md), made by
//! `bash benches/xades_verify.sh --fixtures`: a 2 KB order (`order.xml`) signed by
//! `imza sign --format xades --level T` with `pki/ecdsa-p256/signer` (`order-p256-t.xml`) and
//! `pki/rsa/signer` (`order-rsa-t.xml`, RSA-2048 PKCS #1 v1.5), each time-stamped by the
//! loopback TSA (`test-vectors/tsa/tsa-server.py`, `openssl ts -reply`) with that PKI's TSA,
//! and the same document at B-B (`order-p256-b.xml`). The validation time is fixed
//! (2027-06-01, inside every certificate's validity and after the time-stamps), so the bench
//! keeps working as the fixtures age; revocation is skipped, as `imza verify
//! --no-revocation` does in `benches/xades_verify.sh`.
//!
//! Groups:
//! - `xades verify`: one iteration is `imza::verify(bytes, Content::Attached, &opts)`, the
//!   whole validation: parse, both references digested (the document without the signature,
//!   and SignedProperties), SignedInfo canonicalized and its signature checked, the signing
//!   certificate identified, the signature time-stamp validated (its CMS signature, the
//!   imprint over the canonical SignatureValue, the TSA's chain for time-stamping), the
//!   signer's 3-certificate chain validated against the root, the report built. Trust store
//!   and options are built once.
//! - `xades parts/<variant>`: the steps of the XMLDSig core on the same bytes, each alone:
//!   `xml::parse` (pre-scan and tree), `parse + Signature::read` (the ds:Signature read,
//!   base64 of the value and certificates), `c14n SignedInfo` (on a read signature),
//!   `references` (both references resolved, canonicalized and SHA-256 digested),
//!   `signature check` (the raw public-key check of SignatureValue over the already
//!   canonical SignedInfo, `crypto::verify_with`), and `trust store` (loading root.pem, what
//!   each `imza verify` process does once). What `xades verify` takes beyond their sum is
//!   the time-stamp, the two path validations and the report.
//!
//! Every fixture is verified once before measuring and must be TOTAL_PASSED at its level.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use der::{Decode, Encode};
use imza::report::{Indication, Level};
use imza::xml::{self, Limits};
use imza::xmldsig::{self, Signature};
use imza::{crypto, Content, RevocationPolicy, TrustStore, UnixTime, VerifyOptions};

const BENCH: &str = "test-vectors/xml/bench";

/// The validation time: inside the test PKI's validity (2025-2035), after the fixtures'
/// time-stamps (December 2026).
const AT: &str = "2027-06-01T00:00:00Z";

fn read(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (remake the fixtures with `bash benches/xades_verify.sh --fixtures`)",
            p.display()
        )
    })
}

struct Input {
    name: &'static str,
    file: &'static str,
    pki: &'static str,
    level: Level,
    timestamps: usize,
}

const INPUTS: [Input; 3] = [
    Input {
        name: "B-T P-256",
        file: "order-p256-t.xml",
        pki: "ecdsa-p256",
        level: Level::XadesT,
        timestamps: 1,
    },
    Input {
        name: "B-T RSA-2048",
        file: "order-rsa-t.xml",
        pki: "rsa",
        level: Level::XadesT,
        timestamps: 1,
    },
    Input {
        name: "B-B P-256",
        file: "order-p256-b.xml",
        pki: "ecdsa-p256",
        level: Level::XadesB,
        timestamps: 0,
    },
];

fn trust(pki: &str) -> TrustStore {
    let mut t = TrustStore::new();
    t.add_pem_or_der(&read(&format!("test-vectors/pki/{pki}/root.pem")))
        .unwrap();
    t
}

fn bench(c: &mut Criterion) {
    let at = UnixTime::parse_rfc3339(AT).unwrap();
    let loaded: Vec<(&Input, Vec<u8>, TrustStore)> = INPUTS
        .iter()
        .map(|i| (i, read(&format!("{BENCH}/{}", i.file)), trust(i.pki)))
        .collect();
    let options = |t| {
        let mut o = VerifyOptions::new(t, at);
        o.revocation = RevocationPolicy::Skip;
        o
    };
    for (i, bytes, t) in &loaded {
        let report = imza::verify(bytes, Content::Attached, &options(t)).unwrap();
        let s = &report.signatures;
        assert!(
            report.indication == Indication::TOTAL_PASSED
                && s.len() == 1
                && s[0].level == i.level
                && s[0].timestamps.len() == i.timestamps,
            "{}: expected TOTAL_PASSED at {:?} with {} time-stamp(s), got {:?} / {:?}: {:?}",
            i.file,
            i.level,
            i.timestamps,
            report.indication,
            report.sub_indication,
            s.iter()
                .map(|s| (s.level, s.timestamps.len(), &s.errors))
                .collect::<Vec<_>>()
        );
    }

    let mut g = c.benchmark_group("xades verify");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (i, bytes, t) in &loaded {
        let opts = options(t);
        g.bench_function(i.name, |b| {
            b.iter(|| imza::verify(black_box(bytes), Content::Attached, &opts).unwrap())
        });
    }
    g.finish();

    for (i, bytes, _) in loaded.iter().filter(|(i, ..)| i.level == Level::XadesT) {
        let mut g = c.benchmark_group(format!("xades parts/{}", i.name));
        g.sample_size(30)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        let limits = Limits::default();
        g.bench_function("xml::parse", |b| {
            b.iter(|| xml::parse(black_box(bytes), &limits).unwrap())
        });
        g.bench_function("parse + Signature::read", |b| {
            b.iter(|| {
                let doc = xml::parse(black_box(bytes), &limits).unwrap();
                let node = xmldsig::signatures(&doc)[0];
                Signature::read(node).unwrap().value.len()
            })
        });

        let doc = xml::parse(bytes, &limits).unwrap();
        let sig = Signature::read(xmldsig::signatures(&doc)[0]).unwrap();
        g.bench_function("c14n SignedInfo", |b| {
            b.iter(|| black_box(&sig).signed_info_bytes().unwrap())
        });
        g.bench_function("references", |b| {
            b.iter(|| {
                let checked = black_box(&sig)
                    .check_references(&doc, &mut |_, _| Ok(None))
                    .unwrap();
                assert!(checked.iter().all(|r| r.intact));
                checked.len()
            })
        });
        let signed = sig.signed_info_bytes().unwrap();
        let cert = x509_cert::Certificate::from_der(&sig.certificates[0]).unwrap();
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .unwrap();
        let policy = crypto::Policy::default();
        g.bench_function("signature check", |b| {
            b.iter(|| {
                crypto::verify_with(
                    None,
                    &policy,
                    sig.algorithm,
                    black_box(&spki),
                    crypto::Message::Data(black_box(&signed)),
                    &sig.value,
                )
                .unwrap()
            })
        });
        g.bench_function("trust store", |b| b.iter(|| trust(black_box(i.pki))));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
