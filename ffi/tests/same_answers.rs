//! Same answers through every face: each case of `test-vectors/sample/same-answers.json`
//! (valid, tampered, untrusted, expired with and without a time-stamp, revoked, no
//! revocation data) gives the same indication and sub-indication from the Rust API, the C
//! ABI (the exported functions, called here in-process) and `imza verify --json` — the one
//! the table expects. The Python package over `libimza` answers the same table in
//! `bindings/python/tests/test_same_answers.py` (run by `scripts/test.sh` once the release
//! library is built).
#![allow(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::ffi::{c_char, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;

use imza_ffi::document::*;
use imza_ffi::report::*;
use imza_ffi::trust::*;
use imza_ffi::{imza_string_free, IMZA_OK};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Answer {
    indication: String,
    sub_indication: Option<String>,
}

fn answer_of(json: &Value) -> Answer {
    Answer {
        indication: json["indication"].as_str().unwrap().to_owned(),
        sub_indication: json["sub_indication"].as_str().map(str::to_owned),
    }
}

struct Case {
    name: String,
    signature: PathBuf,
    detached: Option<PathBuf>,
    trust: Vec<PathBuf>,
    crls: Vec<PathBuf>,
    at: Option<String>,
    expected: Answer,
}

fn root() -> PathBuf {
    imza_test_support::workspace_root()
}

fn cases() -> Vec<Case> {
    let table: Value = serde_json::from_slice(
        &std::fs::read(root().join("test-vectors/sample/same-answers.json")).unwrap(),
    )
    .unwrap();
    let paths = |v: &Value| -> Vec<PathBuf> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| root().join(p.as_str().unwrap()))
            .collect()
    };
    table["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_owned(),
            signature: root().join(c["signature"].as_str().unwrap()),
            detached: c["detached"].as_str().map(|p| root().join(p)),
            trust: paths(&c["trust"]),
            crls: paths(&c["crls"]),
            at: c["at"].as_str().map(str::to_owned),
            expected: answer_of(c),
        })
        .collect()
}

fn now() -> imza::UnixTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    imza::UnixTime::from_secs(secs)
}

fn rust_api(c: &Case) -> Answer {
    let mut trust = imza::TrustStore::new();
    for t in &c.trust {
        trust.add_pem_or_der(&std::fs::read(t).unwrap()).unwrap();
    }
    let now = now();
    let at =
        c.at.as_deref()
            .map_or(now, |s| imza::UnixTime::parse_rfc3339(s).unwrap());
    let mut opts = imza::VerifyOptions::new(&trust, at);
    opts.now = now;
    opts.crls = c.crls.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let sig = std::fs::read(&c.signature).unwrap();
    let content = c.detached.as_ref().map(|p| std::fs::read(p).unwrap());
    let content = match &content {
        Some(b) => imza::Content::Detached(b),
        None => imza::Content::Attached,
    };
    let report = imza::verify(&sig, content, &opts).unwrap();
    answer_of(&serde_json::from_str(&report.to_json().unwrap()).unwrap())
}

fn c_abi(c: &Case) -> Answer {
    let cpath = |p: &Path| CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: every pointer passed comes from a live Rust value (a handle made just before,
    // a CString, a slice with its length) and handles are freed once, at the end.
    unsafe {
        let mut store = ptr::null_mut();
        assert_eq!(imza_trust_store_new(&mut store), IMZA_OK);
        for t in &c.trust {
            assert_eq!(imza_trust_store_add_path(store, cpath(t).as_ptr()), IMZA_OK);
        }
        let mut opts = ptr::null_mut();
        assert_eq!(imza_verify_options_new(store, &mut opts), IMZA_OK);
        imza_trust_store_free(store);
        for crl in &c.crls {
            let b = std::fs::read(crl).unwrap();
            assert_eq!(
                imza_verify_options_add_crl(opts, b.as_ptr(), b.len()),
                IMZA_OK
            );
        }
        if let Some(at) = &c.at {
            let secs = imza::UnixTime::parse_rfc3339(at).unwrap().as_secs();
            assert_eq!(
                imza_verify_options_set_time(opts, i64::try_from(secs).unwrap()),
                IMZA_OK
            );
        }
        let sig = cpath(&c.signature);
        let detached = c.detached.as_deref().map(cpath);
        let mut report = ptr::null_mut();
        let r = imza_verify_document_file(
            opts,
            sig.as_ptr(),
            detached.as_ref().map_or(ptr::null(), |d| d.as_ptr()),
            &mut report,
        );
        assert_eq!(r, IMZA_OK, "{}", c.name);
        let mut json: *mut c_char = ptr::null_mut();
        assert_eq!(imza_report_json(report, &mut json), IMZA_OK);
        let text = CStr::from_ptr(json).to_str().unwrap().to_owned();
        // The accessors agree with the JSON.
        let answer = answer_of(&serde_json::from_str(&text).unwrap());
        let code = imza_report_indication(report);
        let by_code = ["", "TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"][code as usize];
        assert_eq!(by_code, answer.indication, "{}", c.name);
        let sub = imza_report_sub_indication(report);
        let sub = (!sub.is_null()).then(|| CStr::from_ptr(sub).to_str().unwrap().to_owned());
        assert_eq!(sub, answer.sub_indication, "{}", c.name);
        imza_string_free(json);
        imza_report_free(report);
        imza_verify_options_free(opts);
        answer
    }
}

/// `target/<profile>/`, where `cargo test --workspace` has built the `imza` binary.
fn target_profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

fn cli(c: &Case, imza: &Path) -> Answer {
    let mut cmd = Command::new(imza);
    cmd.arg("verify").arg(&c.signature).arg("--json");
    if let Some(d) = &c.detached {
        cmd.arg("--detached").arg(d);
    }
    for t in &c.trust {
        cmd.arg("--trust").arg(t);
    }
    for crl in &c.crls {
        cmd.arg("--crl").arg(crl);
    }
    if let Some(at) = &c.at {
        cmd.args(["--at", at]);
    }
    let out = cmd.output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: {e}: {}", c.name, String::from_utf8_lossy(&out.stderr)));
    let answer = answer_of(&json);
    let code = match answer.indication.as_str() {
        "TOTAL_PASSED" => 0,
        "TOTAL_FAILED" => 1,
        _ => 2,
    };
    assert_eq!(out.status.code(), Some(code), "{}: exit code", c.name);
    answer
}

#[test]
fn every_face_gives_the_table_answer() {
    let cases = cases();
    assert!(cases.len() >= 8, "the table lost cases");
    let dir = target_profile_dir();
    let imza = dir.join("imza");
    for c in &cases {
        assert_eq!(rust_api(c), c.expected, "Rust API: {}", c.name);
        assert_eq!(c_abi(c), c.expected, "C ABI: {}", c.name);
    }
    if imza.exists() {
        for c in &cases {
            assert_eq!(cli(c, &imza), c.expected, "imza verify --json: {}", c.name);
        }
    } else {
        imza_test_support::skip(format!(
            "same_answers: {} not built (cargo build -p imza-cli)",
            imza.display()
        ));
    }
}
