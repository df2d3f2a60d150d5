//! The EU DSS project's CAdES files (../shared/test-vectors/docsig/cades/) give the outcomes
//! their PROVENANCE records. The DSS tests run without trust anchors, so a signature that
//! DSS calls "valid" (B-level technically valid) is `intact` here with INDETERMINATE /
//! NO_CERTIFICATE_CHAIN_FOUND; validation time is "now" as in DSS.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use imza::cades::{verify, Content, VerifyOptions};
use imza::report::{Indication, Report, SubIndication, TimestampKind};
use imza::time::UnixTime;
use imza::trust::TrustStore;

/// `$IMZA_SHARED_VECTORS/docsig/cades`, or `None` when the test is skipped (a missing folder
/// fails it under `CI=true` or `IMZA_REQUIRE_SHARED=1`).
fn dir() -> Option<PathBuf> {
    imza_test_support::shared("docsig/cades")
}

fn now() -> UnixTime {
    UnixTime::from_secs(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
}

fn run(name: &str, detached: Option<&str>) -> Option<Report> {
    let d = dir()?;
    let sig = std::fs::read(d.join(name)).unwrap();
    let store = TrustStore::new();
    let opts = VerifyOptions::new(&store, now());
    let content = detached.map(|c| std::fs::read(d.join(c)).unwrap());
    let report = match &content {
        Some(c) => verify(&sig, Content::Detached(c), &opts),
        None => verify(&sig, Content::Attached, &opts),
    }
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    eprintln!("{name}: {}", serde_json::to_string_pretty(&report).unwrap());
    Some(report)
}

fn one(r: &Report) -> &imza::report::SignatureReport {
    assert_eq!(r.signatures.len(), 1);
    &r.signatures[0]
}

/// DSS "B-level technically valid" without trust anchors: intact, no chain.
fn valid_crypto(name: &str, detached: Option<&str>) {
    let Some(r) = run(name, detached) else { return };
    let s = one(&r);
    assert!(s.intact, "{name}: {:?}", s.errors);
    assert_eq!(s.indication, Indication::INDETERMINATE, "{name}");
    assert_eq!(
        s.sub_indication,
        Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
        "{name}"
    );
}

const HELLO: &str = "dss2011-cades-detached.content-HelloWorld.txt";

#[test]
fn valid_crypto_vectors() {
    // Skipped once here rather than once per file.
    if dir().is_none() {
        return;
    }
    valid_crypto("dss-cades-bes-signeddata-enveloping.p7m", None);
    valid_crypto("dss-cades-bes-signeddata-detached.p7s", Some(HELLO));
    valid_crypto("dss2011-cades-detached.pkcs7", Some(HELLO));
    valid_crypto("dss2011-cades-enveloping.pkcs7", None);
    // BER with indefinite lengths, signed attributes out of DER order (signed sorted).
    valid_crypto("dss667-BER_reordered_prova.txt.p7m", None);
    valid_crypto("dss667-DER_reordered_prova.txt.p7m", None);
}

#[test]
fn plugtest_generalized_signing_time_is_intact_with_a_warning() {
    let Some(r) = run("dss-plugtest-Signature-CBp-B-1.p7m", None) else {
        return;
    };
    let s = one(&r);
    assert!(s.intact);
    // Deliberate difference: DSS drops a GeneralizedTime signing-time; imza reports it and warns.
    assert!(s.claimed_signing_time.is_some());
    assert!(s.warnings.iter().any(|w| w.contains("GeneralizedTime")));
}

#[test]
fn wrong_detached_content_is_a_hash_failure() {
    let Some(d) = dir() else { return };
    let sig = std::fs::read(d.join("dss2011-cades-detached.pkcs7")).unwrap();
    let store = TrustStore::new();
    let r = verify(
        &sig,
        Content::Detached(b"Bye World"),
        &VerifyOptions::new(&store, now()),
    )
    .unwrap();
    assert_eq!(r.indication, Indication::TOTAL_FAILED);
    assert_eq!(r.sub_indication, Some(SubIndication::HASH_FAILURE));
    // No content at all: the data is not found, which is not a failure of the signature.
    let r = verify(&sig, Content::Attached, &VerifyOptions::new(&store, now())).unwrap();
    assert_eq!(r.sub_indication, Some(SubIndication::SIGNED_DATA_NOT_FOUND));
    assert_eq!(r.indication, Indication::INDETERMINATE);
}

#[test]
fn tampered_and_broken_vectors() {
    let cases: &[(&str, Indication, SubIndication)] = &[
        (
            "dss2011-cades-enveloping-broken.pkcs7",
            Indication::TOTAL_FAILED,
            SubIndication::HASH_FAILURE,
        ),
        (
            "dss-cades-duplicated-signed-attrs.p7m",
            Indication::TOTAL_FAILED,
            SubIndication::FORMAT_FAILURE,
        ),
        (
            "dss-cms-no-sign-cert.p7m",
            Indication::INDETERMINATE,
            SubIndication::NO_SIGNING_CERTIFICATE_FOUND,
        ),
        // SHA3-256 with RSA is not implemented: not valid, and said so.
        (
            "dss1419-CAdES-BpB-att-SHA256-SHA3_256withRSA.p7m",
            Indication::INDETERMINATE,
            SubIndication::CRYPTO_CONSTRAINTS_FAILURE,
        ),
        // DSS only asserts that extending it fails; its signature value does not verify.
        (
            "dss-cades-broken-sig-tst.p7m",
            Indication::TOTAL_FAILED,
            SubIndication::SIG_CRYPTO_FAILURE,
        ),
    ];
    for (name, ind, sub) in cases {
        let Some(r) = run(name, None) else { return };
        let s = one(&r);
        assert!(!s.intact, "{name}");
        assert_eq!(
            (s.indication, s.sub_indication),
            (*ind, Some(*sub)),
            "{name}: {:?}",
            s.errors
        );
    }
}

#[test]
fn broken_timestamps_are_reported_and_prove_nothing() {
    // Signature time-stamp imprint modified.
    let Some(r) = run("dss1220-CAdES-BpT_modified_ts_hash.p7m", None) else {
        return;
    };
    let s = one(&r);
    assert!(s.intact);
    let ts = &s.timestamps[0];
    assert_eq!(ts.kind, TimestampKind::Signature);
    assert_eq!(ts.imprint_intact, Some(false));
    assert_eq!(
        (ts.indication, ts.sub_indication),
        (Indication::TOTAL_FAILED, Some(SubIndication::HASH_FAILURE))
    );
    assert_eq!(s.best_signature_time, r.validation_time);

    // Archive time-stamp whose hash index was modified.
    let Some(r) = run("dss1220-CAdES-BpLTA_modified_ats_hash_element.p7m", None) else {
        return;
    };
    let s = one(&r);
    let ats = s
        .timestamps
        .iter()
        .find(|t| t.kind == TimestampKind::ArchiveV3)
        .unwrap();
    assert_ne!(ats.indication, Indication::TOTAL_PASSED);
    assert_eq!(ats.imprint_intact, Some(false));

    // Timestamp whose signing-certificate reference is wrong.
    let Some(r) = run("dss-cms-wrong-sign-cert-ref.p7m", None) else {
        return;
    };
    let s = one(&r);
    let ts = &s.timestamps[0];
    assert_eq!(
        (ts.indication, ts.sub_indication),
        (
            Indication::INDETERMINATE,
            Some(SubIndication::NO_SIGNING_CERTIFICATE_FOUND)
        )
    );
}
