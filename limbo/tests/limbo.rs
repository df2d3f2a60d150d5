//! Runs the x509-limbo suite through imza (see `src/lib.rs`) when the limbo file is there.
//!
//! The file is `$IMZA_SHARED_VECTORS/x509-limbo/limbo.json`, `IMZA_SHARED_VECTORS`
//! defaulting to `../shared/test-vectors`; a relative path is taken from the workspace
//! root. Without the file the test fails under `CI=true`, `IMZA_REQUIRE_LIMBO=1` or
//! `IMZA_REQUIRE_SHARED=1` (so a moved file cannot turn the suite off silently) and prints
//! SKIPPED on stderr elsewhere (`imza_test_support`).
//!
//! It asserts: no accepted case that must be rejected, no rejected case that must be
//! accepted unless `exceptions.json` gives the reason, no stale exception, and at most 15%
//! of the cases skipped. Run with `--nocapture` to see the summary.

use std::path::PathBuf;

/// At most this share of the cases may be skipped (issue "path validation", item 9).
const MAX_SKIP_RATE: f64 = 0.15;

#[test]
fn x509_limbo() {
    let Some(path) = imza_test_support::shared_required_by(
        imza_test_support::REQUIRE_LIMBO,
        "x509-limbo/limbo.json",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let limbo: imza_limbo::Limbo = serde_json::from_str(&text).unwrap();
    let exceptions =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("exceptions.json"))
            .unwrap();
    let exceptions = imza_limbo::exceptions::load(&exceptions).unwrap();
    let report = imza_limbo::run(&limbo, &exceptions).unwrap();
    eprintln!("{} ({})", report.summary(), path.display());

    assert!(
        !report.results.is_empty(),
        "no testcases in {}",
        path.display()
    );
    let wrong_accepts: Vec<_> = report.wrong_accepts().iter().map(|r| &r.id).collect();
    assert!(
        wrong_accepts.is_empty(),
        "imza accepted cases that must be rejected (security bugs): {wrong_accepts:?}"
    );
    let wrong_rejects: Vec<_> = report.wrong_rejects().iter().map(|r| &r.id).collect();
    assert!(
        wrong_rejects.is_empty(),
        "imza rejected valid cases not listed in exceptions.json: {wrong_rejects:?}"
    );
    assert!(
        report.stale_exceptions.is_empty(),
        "exceptions.json lists cases that now pass: {:?}",
        report.stale_exceptions
    );
    assert!(
        report.skip_rate() <= MAX_SKIP_RATE,
        "{:.1}% of the cases skipped (at most {:.0}%)",
        report.skip_rate() * 100.0,
        MAX_SKIP_RATE * 100.0
    );
}

/// The harness's plumbing on a two-case file, independent of the shared vectors: a leaf
/// that does not parse is a rejection (here a wrong reject), a case needing policy
/// constraints is skipped, and the result file is limbo's format.
#[test]
fn harness_plumbing() {
    let json = r#"{"version": 1, "testcases": [
        {"id": "x::bad-leaf", "validation_kind": "SERVER", "trusted_certs": [],
         "untrusted_intermediates": [], "peer_certificate": "not PEM",
         "signature_algorithms": [], "key_usage": [], "extended_key_usage": [],
         "expected_result": "SUCCESS", "expected_peer_names": []},
        {"id": "x::pc", "features": ["has-policy-constraints"], "validation_kind": "SERVER",
         "trusted_certs": [], "untrusted_intermediates": [], "peer_certificate": "",
         "signature_algorithms": [], "key_usage": [], "extended_key_usage": [],
         "expected_result": "FAILURE", "expected_peer_names": []}
    ]}"#;
    let limbo: imza_limbo::Limbo = serde_json::from_str(json).unwrap();
    let report = imza_limbo::run(&limbo, &Default::default()).unwrap();
    assert_eq!(report.wrong_rejects().len(), 1);
    assert_eq!(report.skipped(), 1);
    let out = report.to_limbo_json();
    assert_eq!(out["version"], 1);
    assert_eq!(out["results"][0]["id"], "x::bad-leaf");
    assert_eq!(out["results"][0]["actual_result"], "FAILURE");
    assert_eq!(out["results"][1]["actual_result"], "SKIPPED");
}
