//! `imza cert verify` exit codes and JSON on the generated test PKI.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn pki(rel: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/pki")
        .join(rel);
    p.to_str().unwrap().to_owned()
}

/// Runs `imza cert verify --json` on an ecdsa-p256 leaf; returns (exit code, JSON).
fn verify(leaf: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "cert".to_owned(),
        "verify".to_owned(),
        "--json".to_owned(),
        pki(&format!("ecdsa-p256/{leaf}.pem")),
        "--intermediate".to_owned(),
        pki("ecdsa-p256/intermediate.pem"),
        "--trust".to_owned(),
        pki("ecdsa-p256/root.pem"),
    ];
    if !extra.contains(&"--at") {
        args.extend(["--at".to_owned(), "2027-01-01T00:00:00Z".to_owned()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = Command::new(env!("CARGO_BIN_EXE_imza"))
        .args(&args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap(), json)
}

#[test]
fn exit_codes_follow_the_indication() {
    let crls = [
        "--crl".to_owned(),
        pki("ecdsa-p256/intermediate.crl"),
        "--crl".to_owned(),
        pki("ecdsa-p256/root.crl.pem"),
    ];
    let crls: Vec<&str> = crls.iter().map(String::as_str).collect();
    let cases: &[(&str, &[&str], i32, &str)] = &[
        // No revocation data: a status is required unless the caller opts out.
        ("signer", &["--purpose", "signing"], 2, "TRY_LATER"),
        (
            "signer",
            &["--purpose", "signing", "--no-revocation"],
            0,
            "TOTAL_PASSED",
        ),
        ("signer", &crls, 0, "TOTAL_PASSED"),
        ("revoked", &crls, 1, "REVOKED"),
        ("revoked", &["--offline"], 2, "TRY_LATER"),
        ("expired", &[], 2, "OUT_OF_BOUNDS_NO_POE"),
        (
            "expired",
            &["--at", "2021-01-01T00:00:00Z", "--no-revocation"],
            0,
            "TOTAL_PASSED",
        ),
        ("not-yet-valid", &[], 1, "NOT_YET_VALID"),
        (
            "wrong-ku",
            &["--purpose", "signing"],
            1,
            "CHAIN_CONSTRAINTS_FAILURE",
        ),
        (
            "wrong-eku",
            &["--purpose", "auth"],
            1,
            "CHAIN_CONSTRAINTS_FAILURE",
        ),
        (
            "tsa",
            &["--purpose", "tsa", "--no-revocation"],
            0,
            "TOTAL_PASSED",
        ),
        (
            "login",
            &["--purpose", "tsa"],
            1,
            "CHAIN_CONSTRAINTS_FAILURE",
        ),
        (
            "unknown-critical-ext",
            &[],
            1,
            "CERTIFICATE_CHAIN_GENERAL_FAILURE",
        ),
    ];
    for (leaf, extra, code, expected) in cases {
        let (got, json) = verify(leaf, extra);
        assert_eq!(got, *code, "{leaf} {extra:?}: {json}");
        let label = json["sub_indication"]
            .as_str()
            .or(json["indication"].as_str());
        assert_eq!(label, Some(*expected), "{leaf} {extra:?}: {json}");
    }
    let (_, json) = verify("signer", &crls);
    assert_eq!(json["path"].as_array().unwrap().len(), 3);
    assert_eq!(json["path"][2]["trust_anchor"], true);
    assert_eq!(json["revocation"], "offline");
    assert_eq!(json["revocation_evidence"].as_array().unwrap().len(), 2);
    let (_, json) = verify("signer", &["--no-revocation"]);
    assert_eq!(json["revocation"], "not_checked_by_request");
}

#[test]
fn no_chain_is_indeterminate_and_trust_folders_load() {
    let out = Command::new(env!("CARGO_BIN_EXE_imza"))
        .args([
            "cert",
            "verify",
            &pki("ecdsa-p256/signer.pem"),
            "--trust",
            &pki("ecdsa-p256/root.pem"),
        ])
        .args(["--at", "2027-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NO_CERTIFICATE_CHAIN_FOUND"));

    // A folder of anchors: the certificates count, other files are skipped.
    let out = Command::new(env!("CARGO_BIN_EXE_imza"))
        .args([
            "cert",
            "verify",
            &pki("cross/leaf.pem"),
            "--intermediate",
            &pki("cross/intermediate.pem"),
        ])
        .args(["--trust", &pki("cross"), "--at", "2027-01-01T00:00:00Z"])
        .arg("--no-revocation")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn bad_arguments_and_inputs() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_imza"))
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    let leaf = pki("ecdsa-p256/signer.pem");
    let root = pki("ecdsa-p256/root.pem");
    assert_eq!(
        run(&["cert", "verify", &leaf]),
        Some(64),
        "--trust is required"
    );
    assert_eq!(
        run(&[
            "cert",
            "verify",
            &leaf,
            "--trust",
            &root,
            "--at",
            "yesterday"
        ]),
        Some(64)
    );
    assert_eq!(
        run(&["cert", "verify", &leaf, "--trust", &root, "--purpose", "x"]),
        Some(64)
    );
    assert_eq!(
        run(&[
            "cert",
            "verify",
            &leaf,
            "--trust",
            &root,
            "--offline",
            "--online"
        ]),
        Some(64)
    );
    assert_eq!(
        run(&["cert", "verify", "/nonexistent.pem", "--trust", &root]),
        Some(66)
    );
    assert_eq!(
        run(&["cert", "verify", &pki("README.md"), "--trust", &root]),
        Some(65)
    );
    assert_eq!(
        run(&["cert", "verify", &leaf, "--trust", &pki("README.md")]),
        Some(65)
    );
}
