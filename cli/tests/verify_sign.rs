//! `imza sign` and `imza verify` end to end: the real binary on the test PKI
//! (`test-vectors/pki/`), the exit-code contract, the JSON report, the text summary, and the
//! DSS CAdES vectors of the shared corpus (`../shared/test-vectors/docsig/cades/`, or
//! `IMZA_SHARED_VECTORS`; when absent a failure under `CI=true` or `IMZA_REQUIRE_SHARED=1`, a
//! SKIPPED line on stderr elsewhere).
//!
//! Nothing here needs the network or external tools: time-stamping and LT against live
//! services are in `cms_interop.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const CONTENT: &[u8] = b"imza verify/sign test content.\n";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pki(rel: &str) -> PathBuf {
    repo().join("test-vectors/pki").join(rel)
}

/// One finished `imza` run.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    cmd: String,
}

impl Out {
    fn ctx(&self) -> String {
        format!(
            "{}\n--- exit {} stdout:\n{}\n--- stderr:\n{}",
            self.cmd, self.code, self.stdout, self.stderr
        )
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.ctx()))
    }

    /// Exit code, and for codes 64 and up: nothing on stdout, one line on stderr.
    fn code(&self, want: i32) -> &Self {
        assert_eq!(self.code, want, "exit code: {}", self.ctx());
        if want >= 64 {
            assert!(
                self.stdout.is_empty(),
                "no output on failure: {}",
                self.ctx()
            );
            assert_eq!(
                self.stderr.trim_end().lines().count(),
                1,
                "one line on stderr: {}",
                self.ctx()
            );
            assert!(
                self.stderr.starts_with("imza: ") || want == 64,
                "{}",
                self.ctx()
            );
        }
        self
    }
}

fn imza<I, S>(args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut c = Command::new(env!("CARGO_BIN_EXE_imza"));
    c.args(args).stdin(Stdio::null());
    let cmd = format!("{c:?}");
    let out = c.output().expect("imza runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        cmd,
    }
}

/// A fresh temp directory with `content.txt` and `other.txt`; removed on drop unless the
/// test failed.
#[derive(Debug)]
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "imza-verify-sign-{}-{n}-{test}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("content.txt"), CONTENT).unwrap();
        fs::write(dir.join("other.txt"), b"something else entirely\n").unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept the files of the failed test in {}", self.0.display());
        } else {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// A hierarchy of the test PKI: `ecdsa-p256` or `rsa`.
fn signer_args(h: &str) -> Vec<PathBuf> {
    vec![
        "--key".into(),
        pki(&format!("{h}/signer.key")),
        "--cert".into(),
        pki(&format!("{h}/signer.pem")),
        "--chain".into(),
        pki(&format!("{h}/intermediate.pem")),
        "--chain".into(),
        pki(&format!("{h}/root.pem")),
    ]
}

/// `imza sign FILE <signer of h> --format cades [--detached] [extra] -o OUT`.
fn sign(file: &Path, h: &str, detached: bool, out: &Path, extra: &[&str]) -> Out {
    let mut args: Vec<PathBuf> = vec!["sign".into(), file.into()];
    args.extend(signer_args(h));
    args.extend(["--format".into(), "cades".into()]);
    if detached {
        args.push("--detached".into());
    }
    args.extend(extra.iter().map(PathBuf::from));
    args.extend(["-o".into(), out.into()]);
    imza(args)
}

/// A signature that must be made.
fn signed(dir: &Scratch, name: &str, h: &str, detached: bool) -> PathBuf {
    let out = dir.path(name);
    let o = sign(&dir.path("content.txt"), h, detached, &out, &[]);
    o.code(0);
    assert!(fs::metadata(&out).unwrap().len() > 0, "{}", o.ctx());
    out
}

/// `imza verify SIG [--detached C] [--trust T]... [extra]`.
fn verify(sig: &Path, detached: Option<&Path>, trust: &[PathBuf], extra: &[&str]) -> Out {
    let mut args: Vec<PathBuf> = vec!["verify".into(), sig.into()];
    if let Some(d) = detached {
        args.extend(["--detached".into(), d.into()]);
    }
    for t in trust {
        args.extend(["--trust".into(), t.clone()]);
    }
    // A revocation status is required by default: unless the test chooses how revocation
    // is checked, give the CRLs of each trusted hierarchy (pki/H/root.crl, intermediate.crl).
    let flags = [
        "--online",
        "--offline",
        "--no-revocation",
        "--crl",
        "--ocsp-response",
    ];
    if !extra.iter().any(|e| flags.contains(e)) {
        for t in trust {
            for crl in ["root.crl", "intermediate.crl"] {
                let p = t.with_file_name(crl);
                if p.is_file() {
                    args.extend(["--crl".into(), p]);
                }
            }
        }
    }
    args.extend(extra.iter().map(PathBuf::from));
    imza(args)
}

fn verify_json(
    sig: &Path,
    detached: Option<&Path>,
    trust: &[PathBuf],
    extra: &[&str],
) -> (Out, Value) {
    let mut e = vec!["--json"];
    e.extend(extra);
    let out = verify(sig, detached, trust, &e);
    let json = out.json();
    (out, json)
}

/// Exit code, overall indication and sub-indication (`None` = null), one signature; returns it.
fn expect_one(out: &Out, json: &Value, code: i32, indication: &str, sub: Option<&str>) -> Value {
    assert_eq!(out.code, code, "exit code: {}", out.ctx());
    assert_eq!(json["indication"], indication, "{}", out.ctx());
    match sub {
        Some(s) => assert_eq!(json["sub_indication"], s, "{}", out.ctx()),
        None => assert!(json["sub_indication"].is_null(), "{}", out.ctx()),
    }
    assert!(json["validation_time"].is_string(), "{}", out.ctx());
    let sigs = json["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 1, "one signature: {}", out.ctx());
    assert_eq!(sigs[0]["indication"], indication, "{}", out.ctx());
    sigs[0].clone()
}

fn root(h: &str) -> Vec<PathBuf> {
    vec![pki(&format!("{h}/root.pem"))]
}

// ==== the good cases =========================================================================

#[test]
fn attached_and_detached_signatures_pass_at_level_b() {
    let dir = Scratch::new("pass");
    for detached in [false, true] {
        let sig = signed(&dir, &format!("sig-{detached}.p7"), "ecdsa-p256", detached);
        let bytes = fs::read(&sig).unwrap();
        let embeds = bytes.windows(CONTENT.len()).any(|w| w == CONTENT);
        assert_eq!(embeds, !detached, "content encapsulated iff attached");

        let content = dir.path("content.txt");
        let d = detached.then_some(content.as_path());
        let (out, json) = verify_json(&sig, d, &root("ecdsa-p256"), &[]);
        let one = expect_one(&out, &json, 0, "TOTAL_PASSED", None);
        assert_eq!(one["level"], "CAdES-BASELINE-B", "{}", out.ctx());
        assert_eq!(one["format"], "CAdES", "{}", out.ctx());
        assert_eq!(one["intact"], true, "{}", out.ctx());
        assert_eq!(one["digest_algorithm"], "SHA-256", "{}", out.ctx());
        assert!(
            one["signature_algorithm"]
                .as_str()
                .unwrap()
                .contains("ECDSA"),
            "{}",
            out.ctx()
        );
        assert!(
            one["signer"]["subject"]
                .as_str()
                .unwrap()
                .contains("P-256 Signer"),
            "{}",
            out.ctx()
        );
        assert!(one["claimed_signing_time"].is_string(), "{}", out.ctx());
        assert_eq!(one["chain"].as_array().unwrap().len(), 3, "{}", out.ctx());
        assert_eq!(one["errors"], serde_json::json!([]), "{}", out.ctx());
        // Not a terminal: never a progress bar.
        assert!(
            out.stderr.is_empty(),
            "quiet stderr with --json: {}",
            out.ctx()
        );
    }
}

#[test]
fn rsa_signer_passes_with_rsa_pkcs1() {
    let dir = Scratch::new("rsa");
    let sig = signed(&dir, "rsa.p7m", "rsa", false);
    let (out, json) = verify_json(&sig, None, &root("rsa"), &[]);
    let one = expect_one(&out, &json, 0, "TOTAL_PASSED", None);
    let alg = one["signature_algorithm"].as_str().unwrap();
    assert!(
        alg.contains("RSA-PKCS1") && alg.contains("SHA256"),
        "{alg}: {}",
        out.ctx()
    );
}

#[test]
fn pem_armoured_signature_passes() {
    let dir = Scratch::new("pem");
    let sig = signed(&dir, "sig.p7m", "ecdsa-p256", false);
    let pem = dir.path("sig.pem");
    let mut text = String::from("-----BEGIN CMS-----\n");
    for line in base64(&fs::read(&sig).unwrap()).as_bytes().chunks(64) {
        text.push_str(std::str::from_utf8(line).unwrap());
        text.push('\n');
    }
    text.push_str("-----END CMS-----\n");
    fs::write(&pem, text).unwrap();
    let (out, json) = verify_json(&pem, None, &root("ecdsa-p256"), &[]);
    expect_one(&out, &json, 0, "TOTAL_PASSED", None);
}

#[test]
fn detached_content_of_several_chunks_is_streamed_and_passes() {
    let dir = Scratch::new("big");
    let big = dir.path("big.bin");
    // 3 MiB + 7 bytes: many read chunks and a short last one.
    let data: Vec<u8> = (0..3 * 1024 * 1024 + 7)
        .map(|i: u32| (i % 251) as u8)
        .collect();
    fs::write(&big, &data).unwrap();
    let sig = dir.path("big.p7s");
    sign(&big, "ecdsa-p256", true, &sig, &[]).code(0);
    assert!(
        fs::metadata(&sig).unwrap().len() < 16 * 1024,
        "detached: small"
    );
    let (out, json) = verify_json(&sig, Some(&big), &root("ecdsa-p256"), &[]);
    expect_one(&out, &json, 0, "TOTAL_PASSED", None);
    // One byte changed at the end.
    let mut changed = data;
    *changed.last_mut().unwrap() ^= 1;
    fs::write(&big, &changed).unwrap();
    let (out, json) = verify_json(&sig, Some(&big), &root("ecdsa-p256"), &[]);
    expect_one(&out, &json, 1, "TOTAL_FAILED", Some("HASH_FAILURE"));
}

#[test]
fn text_output_is_a_short_summary_per_signature() {
    let dir = Scratch::new("text");
    let sig = signed(&dir, "sig.p7s", "ecdsa-p256", true);
    let out = verify(
        &sig,
        Some(&dir.path("content.txt")),
        &root("ecdsa-p256"),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.ctx());
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "S-1: TOTAL_PASSED (CAdES-BASELINE-B)",
        "{}",
        out.ctx()
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("  signer: ") && l.contains("P-256 Signer")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("  signed at (claimed): ")));
    assert!(
        lines.contains(&"  algorithms: SHA-256 / ECDSA-SHA256"),
        "{}",
        out.ctx()
    );
    assert_eq!(
        lines.last(),
        Some(&"overall: TOTAL_PASSED"),
        "{}",
        out.ctx()
    );
    // stderr is not a terminal here: no progress bar, not even a carriage return.
    assert!(!out.stderr.contains('\r'), "{}", out.ctx());

    // A failure names the sub-indication and the error.
    let out = verify(&sig, Some(&dir.path("other.txt")), &root("ecdsa-p256"), &[]);
    assert_eq!(out.code, 1, "{}", out.ctx());
    assert!(
        out.stdout
            .starts_with("S-1: TOTAL_FAILED / HASH_FAILURE (CAdES-BASELINE-B)\n"),
        "{}",
        out.ctx()
    );
    assert!(out.stdout.contains("  error: "), "{}", out.ctx());
    assert!(
        out.stdout
            .ends_with("overall: TOTAL_FAILED / HASH_FAILURE\n"),
        "{}",
        out.ctx()
    );
}

// ==== invalid and indeterminate ==============================================================

#[test]
fn detached_signature_over_other_content_is_hash_failure() {
    let dir = Scratch::new("wrong-content");
    let sig = signed(&dir, "sig.p7s", "ecdsa-p256", true);
    let (out, json) = verify_json(&sig, Some(&dir.path("other.txt")), &root("ecdsa-p256"), &[]);
    let one = expect_one(&out, &json, 1, "TOTAL_FAILED", Some("HASH_FAILURE"));
    assert_eq!(one["intact"], false, "{}", out.ctx());
}

#[test]
fn detached_signature_without_its_content_is_signed_data_not_found() {
    let dir = Scratch::new("no-content");
    let sig = signed(&dir, "sig.p7s", "ecdsa-p256", true);
    let (out, json) = verify_json(&sig, None, &root("ecdsa-p256"), &[]);
    expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("SIGNED_DATA_NOT_FOUND"),
    );
}

#[test]
fn untrusted_root_is_indeterminate_no_chain() {
    let dir = Scratch::new("untrusted");
    let sig = signed(&dir, "sig.p7m", "ecdsa-p256", false);
    // The RSA hierarchy's root does not issue the P-256 chain.
    let (out, json) = verify_json(&sig, None, &root("rsa"), &[]);
    let one = expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );
    assert_eq!(one["intact"], true, "{}", out.ctx());
    // No --trust at all: the same.
    let (out, json) = verify_json(&sig, None, &[], &[]);
    expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );
}

#[test]
fn intermediate_certificates_complete_a_chain_the_signature_lacks() {
    let dir = Scratch::new("intermediate");
    // Signed without --chain: only the signer's certificate is inside.
    let out_path = dir.path("bare.p7m");
    let mut args: Vec<PathBuf> = vec!["sign".into(), dir.path("content.txt")];
    args.extend([
        "--key".into(),
        pki("ecdsa-p256/signer.key"),
        "--cert".into(),
        pki("ecdsa-p256/signer.pem"),
        "--format".into(),
        "cades".into(),
        "-o".into(),
        out_path.clone(),
    ]);
    imza(args).code(0);
    let (out, json) = verify_json(&out_path, None, &root("ecdsa-p256"), &["--no-revocation"]);
    expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );
    let inter = pki("ecdsa-p256/intermediate.pem");
    let inter = inter.to_str().unwrap();
    let (out, json) = verify_json(
        &out_path,
        None,
        &root("ecdsa-p256"),
        &["--no-revocation", "--intermediate", inter],
    );
    let one = expect_one(&out, &json, 0, "TOTAL_PASSED", None);
    assert_eq!(
        one["chain"].as_array().map(Vec::len),
        Some(3),
        "{}",
        out.ctx()
    );
    // An intermediate is not an anchor: without --trust nothing passes.
    let (out, json) = verify_json(
        &out_path,
        None,
        &[],
        &["--no-revocation", "--intermediate", inter],
    );
    expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );
}

#[test]
fn after_the_signer_certificate_expired_without_poe_is_out_of_bounds() {
    let dir = Scratch::new("expired");
    let sig = signed(&dir, "sig.p7m", "ecdsa-p256", false);
    let (out, json) = verify_json(
        &sig,
        None,
        &root("ecdsa-p256"),
        &["--at", "2036-01-01T00:00:00Z"],
    );
    expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("OUT_OF_BOUNDS_NO_POE"),
    );
    assert_eq!(
        json["validation_time"],
        "2036-01-01T00:00:00Z",
        "{}",
        out.ctx()
    );
}

#[test]
fn online_requires_a_revocation_status() {
    // The certificates name OCSP and CRL services on 127.0.0.1:18080 / 18090. When nothing
    // listens there, --online finds no status: TRY_LATER. (cms_interop.rs may run real
    // responders there meanwhile; then the signature passes with online evidence.)
    let dir = Scratch::new("online");
    let sig = signed(&dir, "sig.p7m", "ecdsa-p256", false);
    // Offline without any revocation data: no status, so no pass, and a hint in text.
    let (out, json) = verify_json(&sig, None, &root("ecdsa-p256"), &["--offline"]);
    expect_one(&out, &json, 2, "INDETERMINATE", Some("TRY_LATER"));
    let out = verify(&sig, None, &root("ecdsa-p256"), &["--offline"]);
    assert!(
        out.stdout.contains("hint: no revocation status"),
        "{}",
        out.ctx()
    );
    // Not checking is the caller's explicit choice, and the report says so.
    let (out, json) = verify_json(&sig, None, &root("ecdsa-p256"), &["--no-revocation"]);
    let one = expect_one(&out, &json, 0, "TOTAL_PASSED", None);
    assert!(
        one["warnings"]
            .as_array()
            .unwrap()
            .contains(&Value::from("revocation not checked, by request")),
        "{}",
        out.ctx()
    );
    let (out, json) = verify_json(&sig, None, &root("ecdsa-p256"), &["--online"]);
    if out.code == 0 {
        let one = expect_one(&out, &json, 0, "TOTAL_PASSED", None);
        assert!(
            !one["revocation"].as_array().unwrap().is_empty(),
            "{}",
            out.ctx()
        );
    } else {
        expect_one(&out, &json, 2, "INDETERMINATE", Some("TRY_LATER"));
    }
}

// ==== exit codes of bad input ================================================================

#[test]
fn verify_exit_codes_for_bad_input() {
    let dir = Scratch::new("bad-input");
    let sig = signed(&dir, "sig.p7s", "ecdsa-p256", true);
    let garbage = dir.path("garbage.p7s");
    fs::write(&garbage, b"this is not a CMS signature at all").unwrap();
    let trust = root("ecdsa-p256");

    // Unparsable signature: 65, naming the file, in text and JSON mode.
    for extra in [&[][..], &["--json"][..]] {
        let out = verify(&garbage, None, &trust, extra);
        out.code(65);
        assert!(out.stderr.contains("garbage.p7s"), "{}", out.ctx());
    }
    verify(
        &garbage,
        Some(&dir.path("content.txt")),
        &trust,
        &["--json"],
    )
    .code(65);
    // Missing or unreadable files: 66.
    let missing = dir.path("missing.p7s");
    verify(&missing, None, &trust, &["--json"]).code(66);
    verify(&sig, Some(&dir.path("missing.txt")), &trust, &["--json"]).code(66);
    verify(&sig, Some(&dir.0), &trust, &["--json"]).code(66);
    verify(&dir.0, None, &trust, &["--json"]).code(66);
    verify(&sig, None, &[dir.path("missing-root.pem")], &["--json"]).code(66);
    // A trust file that holds no certificate: 65.
    verify(&sig, None, &[dir.path("content.txt")], &["--json"]).code(65);
    // Usage: 64.
    verify(&sig, None, &trust, &["--at", "yesterday"]).code(64);
    assert_eq!(
        verify(&sig, None, &trust, &["--online", "--offline"]).code,
        64
    );
    assert_eq!(imza(["verify"]).code, 64);
}

#[test]
fn sign_exit_codes_for_bad_input() {
    let dir = Scratch::new("sign-bad");
    let content = dir.path("content.txt");
    let out = dir.path("out.p7s");
    let usage = |extra: &[&str]| {
        let o = sign(&content, "ecdsa-p256", true, &out, extra);
        assert_eq!(o.code, 64, "{}", o.ctx());
        assert!(!out.exists());
    };
    // An unknown format is a usage error; enveloped XAdES over a file that is not XML, and
    // PAdES over a file that is not a PDF, are malformed input, and nothing is written.
    let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
    args.extend(signer_args("ecdsa-p256"));
    args.extend(["--format".into(), "jades".into(), "-o".into(), out.clone()]);
    assert_eq!(imza(&args).code, 64);
    for format in ["xades", "pades"] {
        let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
        args.extend(signer_args("ecdsa-p256"));
        args.extend(["--format".into(), format.into(), "-o".into(), out.clone()]);
        assert_eq!(imza(&args).code, 65, "{format}");
        assert!(!out.exists(), "{format}");
    }
    // --format is required.
    let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
    args.extend(signer_args("ecdsa-p256"));
    args.extend(["-o".into(), out.clone()]);
    assert_eq!(imza(&args).code, 64);
    // T and LT need a TSA; B takes none.
    usage(&["--level", "T"]);
    usage(&["--level", "LT"]);
    usage(&["--level", "B", "--tsa", "http://127.0.0.1:9/"]);
    usage(&["--level", "X"]);
    assert!(!out.exists(), "no output after a failure");

    // LT needs the root among --chain, checked before the TSA is asked (port 9: discard,
    // nothing listens).
    let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
    args.extend(signer_args("ecdsa-p256").into_iter().take(6)); // without the root
    args.extend(
        [
            "--format",
            "cades",
            "--level",
            "LT",
            "--tsa",
            "http://127.0.0.1:9/",
            "-o",
        ]
        .map(PathBuf::from),
    );
    args.push(out.clone());
    let o = imza(&args);
    o.code(64);
    assert!(o.stderr.contains("root"), "{}", o.ctx());

    // The key does not match the certificate: 65.
    let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
    args.extend(["--key".into(), pki("rsa/signer.key")]);
    args.extend(["--cert".into(), pki("ecdsa-p256/signer.pem")]);
    args.extend(["--format", "cades", "-o"].map(PathBuf::from));
    args.push(out.clone());
    imza(&args).code(65);
    // Not a key: 65. Missing files: 66.
    let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
    args.extend(["--key".into(), pki("ecdsa-p256/signer.pem")]);
    args.extend(["--cert".into(), pki("ecdsa-p256/signer.pem")]);
    args.extend(["--format", "cades", "-o"].map(PathBuf::from));
    args.push(out.clone());
    imza(&args).code(65);
    for detached in [false, true] {
        sign(&dir.path("missing.txt"), "ecdsa-p256", detached, &out, &[]).code(66);
    }
    let mut args: Vec<PathBuf> = vec!["sign".into(), content.clone()];
    args.extend(["--key".into(), dir.path("missing.key")]);
    args.extend(["--cert".into(), pki("ecdsa-p256/signer.pem")]);
    args.extend(["--format", "cades", "-o"].map(PathBuf::from));
    args.push(out.clone());
    imza(&args).code(66);
    assert!(!out.exists(), "no output after a failure");
    // The output cannot be written: 73.
    sign(
        &content,
        "ecdsa-p256",
        true,
        &dir.path("no/such/dir/out.p7s"),
        &[],
    )
    .code(73);
}

#[test]
fn unreachable_tsa_is_unavailable_and_writes_nothing() {
    let dir = Scratch::new("tsa-down");
    // A port that was free a moment ago: connection refused.
    let port = TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let out = dir.path("t.p7s");
    let o = sign(
        &dir.path("content.txt"),
        "ecdsa-p256",
        true,
        &out,
        &["--level", "T", "--tsa", &url],
    );
    o.code(69);
    assert!(o.stderr.contains("--tsa"), "{}", o.ctx());
    assert!(!out.exists(), "no output after a failure");
}

// ==== DSS vectors ============================================================================

/// `../shared/test-vectors/docsig/cades` (or `$IMZA_SHARED_VECTORS/docsig/cades`); `None`
/// when the test is skipped (a failure under `CI=true` or `IMZA_REQUIRE_SHARED=1`).
fn dss_dir() -> Option<PathBuf> {
    imza_test_support::shared("docsig/cades")
}

#[test]
fn dss_detached_signature_is_intact_over_hello_world_only() {
    let Some(d) = dss_dir() else { return };
    let sig = d.join("dss2011-cades-detached.pkcs7");
    let hello = d.join("dss2011-cades-detached.content-HelloWorld.txt");
    // No trust anchor for the DSS test PKI: intact, but no chain.
    let (out, json) = verify_json(&sig, Some(&hello), &[], &[]);
    let one = expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );
    assert_eq!(one["intact"], true, "{}", out.ctx());
    // The same with an unrelated anchor.
    let (out, json) = verify_json(&sig, Some(&hello), &root("ecdsa-p256"), &[]);
    expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );

    // DSS CAdESDetachedWrongFileProvidedTest: "Bye World".
    let dir = Scratch::new("dss-bye");
    let bye = dir.path("bye.txt");
    fs::write(&bye, b"Bye World").unwrap();
    let (out, json) = verify_json(&sig, Some(&bye), &[], &[]);
    let one = expect_one(&out, &json, 1, "TOTAL_FAILED", Some("HASH_FAILURE"));
    assert_eq!(one["intact"], false, "{}", out.ctx());

    // The other detached DSS file (SignedData as the eContentType) over the same bytes.
    let sig = d.join("dss-cades-bes-signeddata-detached.p7s");
    let (out, json) = verify_json(&sig, Some(&hello), &[], &[]);
    let one = expect_one(
        &out,
        &json,
        2,
        "INDETERMINATE",
        Some("NO_CERTIFICATE_CHAIN_FOUND"),
    );
    assert_eq!(one["intact"], true, "{}", out.ctx());
}

#[test]
fn dss_enveloping_signatures() {
    let Some(d) = dss_dir() else { return };
    // (file, exit code, sub-indication, intact): DSS's "technically valid" files are intact
    // here and INDETERMINATE only for want of a trust anchor.
    let cases: &[(&str, i32, &str, bool)] = &[
        (
            "dss2011-cades-enveloping.pkcs7",
            2,
            "NO_CERTIFICATE_CHAIN_FOUND",
            true,
        ),
        (
            "dss-cades-bes-signeddata-enveloping.p7m",
            2,
            "NO_CERTIFICATE_CHAIN_FOUND",
            true,
        ),
        (
            "dss-plugtest-Signature-CBp-B-1.p7m",
            2,
            "NO_CERTIFICATE_CHAIN_FOUND",
            true,
        ),
        // Signed attributes not in DER order: hashed as encoded.
        (
            "dss667-BER_reordered_prova.txt.p7m",
            2,
            "NO_CERTIFICATE_CHAIN_FOUND",
            true,
        ),
        (
            "dss667-DER_reordered_prova.txt.p7m",
            2,
            "NO_CERTIFICATE_CHAIN_FOUND",
            true,
        ),
        // Encapsulated content altered.
        (
            "dss2011-cades-enveloping-broken.pkcs7",
            1,
            "HASH_FAILURE",
            false,
        ),
        // CMSNoSigningCertificateTest.
        (
            "dss-cms-no-sign-cert.p7m",
            2,
            "NO_SIGNING_CERTIFICATE_FOUND",
            false,
        ),
    ];
    for (file, code, sub, intact) in cases {
        let (out, json) = verify_json(&d.join(file), None, &[], &[]);
        let indication = if *code == 1 {
            "TOTAL_FAILED"
        } else {
            "INDETERMINATE"
        };
        let one = expect_one(&out, &json, *code, indication, Some(sub));
        assert_eq!(one["intact"], *intact, "{file}: {}", out.ctx());
    }
    // DSS says not technically valid; only intact=false and not passed are asserted.
    for file in [
        "dss-cades-duplicated-signed-attrs.p7m",
        "dss1419-CAdES-BpB-att-SHA256-SHA3_256withRSA.p7m",
    ] {
        let (out, json) = verify_json(&d.join(file), None, &[], &[]);
        assert!(out.code == 1 || out.code == 2, "{file}: {}", out.ctx());
        assert_ne!(json["indication"], "TOTAL_PASSED", "{file}: {}", out.ctx());
        assert_eq!(
            json["signatures"][0]["intact"],
            false,
            "{file}: {}",
            out.ctx()
        );
    }
    // DSS1220: the signature time-stamp's imprint was modified; it must not count.
    let (out, json) = verify_json(
        &d.join("dss1220-CAdES-BpT_modified_ts_hash.p7m"),
        None,
        &[],
        &[],
    );
    let one = &json["signatures"][0];
    let ts = one["timestamps"].as_array().unwrap();
    assert_eq!(ts.len(), 1, "{}", out.ctx());
    assert_eq!(ts[0]["kind"], "signature", "{}", out.ctx());
    assert_eq!(ts[0]["imprint_intact"], false, "{}", out.ctx());
    assert_ne!(ts[0]["indication"], "TOTAL_PASSED", "{}", out.ctx());
    assert_eq!(
        one["best_signature_time"],
        json["validation_time"],
        "{}",
        out.ctx()
    );
}

// ==== helpers ================================================================================

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A signature that carries its content is verified over that content only: giving other
/// content with --detached is a usage error (64), even when it is the same content, and a
/// replaced embedded content cannot be hidden behind the original given separately.
#[test]
fn attached_signature_with_detached_content_is_a_usage_error() {
    let dir = Scratch::new("content-twice");
    let sig = signed(&dir, "sig.p7m", "ecdsa-p256", false);
    for content in ["content.txt", "other.txt"] {
        let out = verify(&sig, Some(&dir.path(content)), &root("ecdsa-p256"), &[]);
        out.code(64);
        assert!(out.stderr.contains("--detached"), "{}", out.ctx());
    }
}
