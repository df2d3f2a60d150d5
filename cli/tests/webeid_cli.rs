//! `imza token webeid-verify` on the Estonian ID-card vector from ../shared/test-vectors/webeid
//! (or `$IMZA_SHARED_VECTORS/webeid`): when absent, a failure under `CI=true` or
//! `IMZA_REQUIRE_WEBEID=1`, a SKIPPED line on stderr elsewhere.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::process::Command;

#[test]
fn estonian_card_token_authenticates_and_wrong_origin_fails() {
    // A missing vector fails the test under CI=true or IMZA_REQUIRE_WEBEID=1.
    let Some(dir) =
        imza_test_support::shared_required_by(imza_test_support::REQUIRE_WEBEID, "webeid")
    else {
        return;
    };
    let all: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("webeid-test-tokens.json")).unwrap())
            .unwrap();
    let v = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "estonian-es384-valid")
        .unwrap();
    let token = std::env::temp_dir().join(format!("imza-webeid-{}.json", std::process::id()));
    std::fs::write(&token, v["token"].to_string()).unwrap();
    let run = |origin: &str| {
        Command::new(env!("CARGO_BIN_EXE_imza"))
            .args(["token", "webeid-verify", token.to_str().unwrap(), "--json"])
            .args([
                "--origin",
                origin,
                "--challenge",
                v["challenge_nonce"].as_str().unwrap(),
            ])
            .args([
                "--trust",
                dir.join("certs/TEST_of_ESTEID2018.cer").to_str().unwrap(),
            ])
            .args(["--at", "2024-08-01T00:00:00Z"])
            .output()
            .unwrap()
    };
    let ok = run(v["origin"].as_str().unwrap());
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.contains("38001085718"), "{out}");
    let bad = run("https://evil.example");
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stdout).contains("signature"),
        "{}",
        String::from_utf8_lossy(&bad.stdout)
    );
    std::fs::remove_file(&token).unwrap();
}
