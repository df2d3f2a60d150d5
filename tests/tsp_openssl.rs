//! RFC 3161 against OpenSSL: imza's requests are read by `openssl ts`, and `openssl ts -reply`
//! answers (test-vectors/cms/, made by test-vectors/generate-cms.sh, and live) are parsed,
//! matched to their request and validated.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::process::Command;

use der::Decode;
use imza::crypto::{digest, HashAlgorithm};
use imza::tsp::{parse_response, parse_token, request, TimestampRequest, TspError};

fn tv(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(p)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("imza-tsp-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The request openssl made for the checked-in reply, as imza's matching record.
fn fixture_request() -> TimestampRequest {
    let tsq = std::fs::read(tv("cms/ts-query.tsq")).unwrap();
    let q = x509_tsp::TimeStampReq::from_der(&tsq).unwrap();
    let content = std::fs::read(tv("cms/content.txt")).unwrap();
    let d = digest(HashAlgorithm::Sha256, &content);
    assert_eq!(q.message_imprint.hashed_message.as_bytes(), d.as_ref());
    TimestampRequest {
        der: tsq.clone(),
        digest: d,
        nonce: q.nonce.map(|n| n.as_bytes().to_vec()),
    }
}

#[test]
fn openssl_reply_is_parsed_and_matched() {
    let resp = std::fs::read(tv("cms/ts-reply.tsr")).unwrap();
    let req = fixture_request();
    let token = parse_response(&resp, &req).unwrap();
    assert_eq!(token, std::fs::read(tv("cms/ts-token.der")).unwrap());
    let t = parse_token(&token).unwrap();
    assert_eq!(t.info.policy.to_string(), "1.3.6.1.4.1.99999.1.3");
    assert_eq!(t.info.hash, HashAlgorithm::Sha256);
    assert!(t.info.gen_time.as_secs() > 1_700_000_000);

    // Another nonce or another imprint: the reply does not answer this request.
    let mut other = req.clone();
    if let Some(n) = other.nonce.as_mut() {
        let last = n.len() - 1;
        n[last] ^= 1;
        assert_eq!(
            parse_response(&resp, &other),
            Err(TspError::Mismatch("nonce"))
        );
    }
    let mut other = req;
    other.digest = digest(HashAlgorithm::Sha256, b"something else");
    assert_eq!(
        parse_response(&resp, &other),
        Err(TspError::Mismatch("message imprint"))
    );
}

#[test]
fn imza_request_is_answered_by_openssl_ts() {
    if !imza_test_support::have_tool("openssl", &["version"]) {
        return;
    }
    let dir = tmp("live");
    let d = digest(HashAlgorithm::Sha256, b"document");
    let req = request(&d, Some(&[0x81, 2, 3, 4, 5, 6, 7, 8]), None).unwrap();
    std::fs::write(dir.join("q.tsq"), &req.der).unwrap();
    let text = Command::new("openssl")
        .args(["ts", "-query", "-in"])
        .arg(dir.join("q.tsq"))
        .arg("-text")
        .output()
        .unwrap();
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let text = String::from_utf8_lossy(&text.stdout).to_uppercase();
    assert!(text.contains("CERTIFICATE REQUIRED: YES"), "{text}");
    assert!(text.contains("0X810203"), "{text}");

    let cnf = std::fs::read_to_string(tv("tsa/tsa.cnf"))
        .unwrap()
        .replace("@SERIAL@", dir.join("serial").to_str().unwrap())
        .replace("@POLICY@", "1.3.6.1.4.1.99999.1.3")
        .replace("@DIGEST@", "sha256");
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    std::fs::write(dir.join("tsa.cnf"), cnf).unwrap();
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(dir.join("tsa.cnf"))
        .args(["-section", "tsa_config1", "-queryfile"])
        .arg(dir.join("q.tsq"))
        .arg("-signer")
        .arg(tv("pki/ecdsa-p256/tsa.pem"))
        .arg("-inkey")
        .arg(tv("pki/ecdsa-p256/tsa.key"))
        .arg("-chain")
        .arg(tv("pki/ecdsa-p256/intermediate.pem"))
        .arg("-out")
        .arg(dir.join("r.tsr"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = parse_response(&std::fs::read(dir.join("r.tsr")).unwrap(), &req).unwrap();
    let t = parse_token(&token).unwrap();
    assert_eq!(t.info.imprint, d.as_ref());
    assert_eq!(
        t.info.nonce.as_deref(),
        Some(&[0, 0x81, 2, 3, 4, 5, 6, 7, 8][..])
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn rejection_and_garbage_are_typed_errors() {
    let req = fixture_request();
    // PKIStatusInfo { rejection(2), statusString "bad" }, no token.
    let rejected = [
        0x30, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x02, 0x30, 0x05, 0x0c, 0x03, b'b', b'a', b'd',
    ];
    assert!(
        matches!(parse_response(&rejected, &req), Err(TspError::Rejected(s)) if s.contains("rejection") && s.contains("bad"))
    );
    for junk in [
        &b""[..],
        b"\x30\x80\x00",
        b"<html>",
        b"\x30\x03\x30\x01\x02",
    ] {
        assert!(
            matches!(parse_response(junk, &req), Err(TspError::Malformed(_))),
            "{junk:?}"
        );
    }
}
