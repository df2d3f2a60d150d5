//! `imza container list` and `imza verify` on containers: the DSS ASiC files
//! (`../shared/test-vectors/docsig`), listed and verified through the CLI.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::process::Command;

fn imza(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_imza"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn containers_are_listed_and_verified() {
    let Some(dir) = imza_test_support::shared("docsig/asice") else {
        return;
    };
    let ok = dir.join("dss-multifiles-ok.asice");
    let ok = ok.to_str().unwrap();
    let (code, out, err) = imza(&["container", "list", "--json", ok]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["kind"], "ASiC-E");
    let files: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["role"] == "file")
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["test.text", "test2.text"]);
    assert!(v["warnings"][0].as_str().unwrap().contains("not the first"));

    // Verified from the file (no trust: INDETERMINATE, exit 2); both signatures intact.
    let (code, out, _) = imza(&["verify", "--json", "--no-revocation", ok]);
    assert_eq!(code, 2, "{out}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["sub_indication"], "NO_CERTIFICATE_CHAIN_FOUND");
    assert_eq!(r["signatures"].as_array().unwrap().len(), 2);
    assert!(r["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["intact"] == true));
    // A file of the container replaced: not valid (exit 2, SIGNED_DATA_NOT_FOUND as DSS).
    let wrong = dir.join("dss-multifiles-wrong-file.asice");
    let (code, out, _) = imza(&[
        "verify",
        "--json",
        "--no-revocation",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}");
    // A container with --detached: usage error.
    let (code, _, err) = imza(&["verify", ok, "--detached", ok]);
    assert_eq!(code, 64, "{err}");
    // Not a ZIP at all: malformed (65).
    let (code, _, _) = imza(&["container", "list", env!("CARGO_MANIFEST_DIR")]);
    assert_ne!(code, 0);
}
