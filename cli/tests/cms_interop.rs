//! CMS / CAdES interop of `imza verify` and `imza sign` with OpenSSL, both ways, on the test
//! PKI in `test-vectors/pki/`:
//!
//! - OpenSSL → imza: fresh `openssl cms -sign` signatures (RSA and ECDSA P-256, attached and
//!   detached, with and without signed attributes, two signers, subjectKeyIdentifier signer
//!   id, BER from `-stream -indef`, PEM, `-cades`) verify in imza; other content, an
//!   untrusted root, an expired certificate without proof of existence do not.
//! - imza → OpenSSL: `imza sign --format cades` output verifies in `openssl cms -verify` (also
//!   with `-cades`), and OpenSSL sees contentType, signingTime, messageDigest and
//!   signingCertificateV2.
//! - Timestamps: a real RFC 3161 TSA (`test-vectors/tsa/tsa-server.py`, i.e. `openssl ts
//!   -reply`) serves `imza sign --level T`; `openssl ts -verify` accepts the token over the
//!   signature value, and the timestamp keeps the signature valid after the signer
//!   certificate expired. `--level LT` with a live `openssl ocsp` responder on 127.0.0.1:18080
//!   (the URL the certificates name) embeds revocation data that `imza verify --offline` uses.
//!
//! Every signature is made at run time in a fresh temp directory (kept on failure). The
//! checked-in OpenSSL fixtures are in `test-vectors/cms/` (`test-vectors/generate-cms.sh`).
//!
//! Needs `openssl` (3.x) and `python3`, and for LT the ports 18080 and 18090. Under `CI=true`
//! a missing tool or a busy port fails the test; elsewhere it skips it with a SKIPPED line on
//! stderr (`imza_test_support`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

mod common;

// ==== paths, tools, processes ================================================================

/// The signed content of every test (the detached tests give it with `--detached`).
const CONTENT: &[u8] = b"imza CMS interop test content, signed at run time.\n";
/// Same length, one character different.
const OTHER_CONTENT: &[u8] = b"imza CMS interop test content, signed at run time!\n";

/// The OCSP URL in the ecdsa-p256 certificates' AIA, and the CRL distribution point port.
const OCSP_PORT: u16 = 18080;
const CRL_PORT: u16 = 18090;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pki(rel: &str) -> PathBuf {
    repo().join("test-vectors/pki").join(rel)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Whether openssl runs; a missing one skips the test (a failure under `CI=true`).
fn have_openssl() -> bool {
    imza_test_support::have_tool("openssl", &["version"])
}

fn have_openssl_and_python() -> bool {
    have_openssl() && imza_test_support::have_tool("python3", &["--version"])
}

/// One finished process.
#[derive(Debug)]
struct Out {
    /// Exit code; -1 when killed by a signal.
    code: i32,
    stdout: String,
    stderr: String,
    cmd: String,
}

impl Out {
    /// For assertion messages.
    fn ctx(&self) -> String {
        format!(
            "{}\n--- exit {} stdout:\n{}\n--- stderr:\n{}",
            self.cmd, self.code, self.stdout, self.stderr
        )
    }

    fn success(self) -> Self {
        assert_eq!(self.code, 0, "command failed: {}", self.ctx());
        self
    }
}

fn run(mut cmd: Command) -> Out {
    let desc = format!("{cmd:?}");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {desc}: {e}"));
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        cmd: desc,
    }
}

fn openssl(args: &[&str]) -> Out {
    let mut c = Command::new("openssl");
    c.args(args);
    run(c)
}

/// A fresh directory under the system temp dir with `content.txt` and `other.txt`; removed
/// on drop unless the test is failing (then its path is printed, to look at the files).
#[derive(Debug)]
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "imza-cms-interop-{}-{n}-{test}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("content.txt"), CONTENT).unwrap();
        fs::write(dir.join("other.txt"), OTHER_CONTENT).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn content(&self) -> PathBuf {
        self.path("content.txt")
    }

    fn other_content(&self) -> PathBuf {
        self.path("other.txt")
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

/// Serialises the tests that need the fixed ports 18080 (OCSP) and 18090 (CRLs). A test that
/// failed while holding it must not fail the others, so poisoning is ignored.
fn fixed_ports() -> MutexGuard<'static, ()> {
    static PORTS: Mutex<()> = Mutex::new(());
    PORTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

// ==== time ===================================================================================

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// (year, month, day, hour, minute, second) in UTC of a Unix time.
fn civil(secs: u64) -> (i64, i64, i64, u64, u64, u64) {
    let days = i64::try_from(secs / 86_400).unwrap();
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `2026-11-21T10:00:00Z`
fn rfc3339(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `20261121100000Z`, as `openssl ca -startdate/-enddate` take it.
fn ca_time(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z")
}

// ==== the signers ============================================================================

/// A signing certificate of the test PKI (or one issued at run time) with what the report
/// must say about it.
#[derive(Debug, Clone)]
struct Signer {
    cert: PathBuf,
    key: PathBuf,
    intermediate: PathBuf,
    root: PathBuf,
    /// Part of the subject DN.
    cn: &'static str,
    /// Part of the `signature_algorithm` name (case-insensitive).
    alg: &'static str,
}

fn rsa() -> Signer {
    Signer {
        cert: pki("rsa/signer.pem"),
        key: pki("rsa/signer.key"),
        intermediate: pki("rsa/intermediate.pem"),
        root: pki("rsa/root.pem"),
        cn: "RSA Signer",
        alg: "RSA",
    }
}

fn ec() -> Signer {
    Signer {
        cert: pki("ecdsa-p256/signer.pem"),
        key: pki("ecdsa-p256/signer.key"),
        intermediate: pki("ecdsa-p256/intermediate.pem"),
        root: pki("ecdsa-p256/root.pem"),
        cn: "P-256 Signer",
        alg: "ECDSA",
    }
}

impl Signer {
    /// The certificate's serial number as lower-case hex without leading zeros.
    fn serial(&self) -> String {
        let out = openssl(&["x509", "-in", s(&self.cert), "-noout", "-serial"]).success();
        norm_hex(out.stdout.trim().trim_start_matches("serial="))
    }
}

/// Hex digits only, lower case, no leading zeros: `0x10:0A` and `100a` compare equal.
fn norm_hex(x: &str) -> String {
    let x = x.trim_start_matches("0x").trim_start_matches("0X");
    let digits: String = x
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_ascii_lowercase();
    let t = digits.trim_start_matches('0');
    if t.is_empty() { "0" } else { t }.to_owned()
}

/// A certificate for a fresh P-256 key, valid only `not_before..not_after`, issued by the
/// ecdsa-p256 intermediate with the signer profile, made by `openssl ca` on a COPY of the
/// intermediate's database (the checked-in one is never touched).
fn short_lived_signer(dir: &Scratch, not_before: u64, not_after: u64) -> Signer {
    let ca = dir.path("ca/intermediate");
    fs::create_dir_all(ca.join("newcerts")).unwrap();
    for entry in fs::read_dir(pki("ecdsa-p256/intermediate")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), ca.join(entry.file_name())).unwrap();
        }
    }
    for f in ["intermediate.pem", "intermediate.key"] {
        fs::copy(
            pki(&format!("ecdsa-p256/{f}")),
            dir.path(&format!("ca/{f}")),
        )
        .unwrap();
    }
    fs::write(ca.join("serial"), "3001\n").unwrap();
    fs::write(
        dir.path("req.cnf"),
        "[ req ]\ndistinguished_name = dn\nprompt = no\nstring_mask = utf8only\n[ dn ]\nCN = x\n",
    )
    .unwrap();
    let (key, csr, cert) = (
        dir.path("short-lived.key"),
        dir.path("short-lived.csr"),
        dir.path("short-lived.pem"),
    );
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        s(&key),
    ])
    .success();
    openssl(&[
        "req",
        "-new",
        "-config",
        s(&dir.path("req.cnf")),
        "-key",
        s(&key),
        "-subj",
        "/C=AZ/O=Imza Test/CN=P-256 Short-Lived Signer",
        "-out",
        s(&csr),
    ])
    .success();
    let mut c = Command::new("openssl");
    c.current_dir(&ca)
        .args(["ca", "-config", "openssl.cnf", "-batch", "-notext"])
        .args(["-in", s(&csr), "-out", s(&cert)])
        .args(["-extensions", "leaf_signer"])
        .args(["-startdate", &ca_time(not_before)])
        .args(["-enddate", &ca_time(not_after)]);
    run(c).success();
    Signer {
        cert,
        key,
        cn: "P-256 Short-Lived Signer",
        ..ec()
    }
}

// ==== OpenSSL side ===========================================================================

/// `openssl cms -sign -binary -md sha256` over the scratch content by every signer, with
/// their intermediates embedded (`-certfile`), DER unless `extra` says otherwise.
fn openssl_sign(
    dir: &Scratch,
    name: &str,
    signers: &[&Signer],
    attached: bool,
    extra: &[&str],
) -> PathBuf {
    let out = dir.path(name);
    let bundle = dir.path(&format!("{name}.intermediates.pem"));
    let mut pem = Vec::new();
    for sg in signers {
        pem.extend(fs::read(&sg.intermediate).unwrap());
    }
    fs::write(&bundle, pem).unwrap();
    let content = dir.content();
    let mut args = vec![
        "cms",
        "-sign",
        "-binary",
        "-md",
        "sha256",
        "-in",
        s(&content),
    ];
    for sg in signers {
        args.extend(["-signer", s(&sg.cert), "-inkey", s(&sg.key)]);
    }
    args.extend(["-certfile", s(&bundle), "-outform", "DER", "-out", s(&out)]);
    if attached {
        args.push("-nodetach");
    }
    args.extend(extra);
    openssl(&args).success();
    out
}

/// `openssl cms -verify` of a DER signature against one root (`-purpose any`: the test
/// certificates have no S/MIME extended key usage). Returns the process result; on success
/// the verified content is in `<sig>.verified`.
fn openssl_verify(sig: &Path, root: &Path, detached: Option<&Path>, extra: &[&str]) -> Out {
    let verified = sig.with_extension("verified");
    let mut args = vec![
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        s(sig),
        "-CAfile",
        s(root),
        "-purpose",
        "any",
        "-out",
        s(&verified),
    ];
    if let Some(c) = detached {
        args.extend(["-content", s(c)]);
    }
    args.extend(extra);
    openssl(&args)
}

/// OpenSSL's structure dump (`cms -cmsout -print`) of a DER signature.
fn openssl_print(sig: &Path) -> String {
    openssl(&["cms", "-cmsout", "-print", "-inform", "DER", "-in", s(sig)])
        .success()
        .stdout
}

// ==== imza side ==============================================================================

/// `imza verify FILE [--detached C] --trust ROOT... --json [extra]`: the result and the JSON.
#[derive(Debug)]
struct Verdict {
    out: Out,
    json: Value,
}

impl Verdict {
    fn ctx(&self) -> String {
        self.out.ctx()
    }

    fn signatures(&self) -> &Vec<Value> {
        self.json["signatures"]
            .as_array()
            .unwrap_or_else(|| panic!("no signatures array: {}", self.ctx()))
    }

    /// Exit code, overall indication and sub-indication (`None` = JSON null).
    fn expect(&self, code: i32, indication: &str, sub: Option<&str>) {
        assert_eq!(self.out.code, code, "exit code: {}", self.ctx());
        assert_eq!(
            self.json["indication"],
            indication,
            "indication: {}",
            self.ctx()
        );
        match sub {
            Some(sub) => assert_eq!(
                self.json["sub_indication"],
                sub,
                "sub_indication: {}",
                self.ctx()
            ),
            None => assert!(
                self.json["sub_indication"].is_null(),
                "sub_indication should be null: {}",
                self.ctx()
            ),
        }
        assert!(
            self.json["validation_time"].is_string(),
            "validation_time: {}",
            self.ctx()
        );
    }

    /// Exit 0, TOTAL_PASSED, exactly one signature, passed, by `signer`; returns it.
    fn passed_one(&self, signer: &Signer) -> &Value {
        self.expect(0, "TOTAL_PASSED", None);
        let sigs = self.signatures();
        assert_eq!(sigs.len(), 1, "one signature: {}", self.ctx());
        signature_passed(&sigs[0], signer, &self.ctx());
        &sigs[0]
    }
}

/// The checks every passed signature by `signer` must satisfy.
fn signature_passed(sig: &Value, signer: &Signer, ctx: &str) {
    // The format the level names (CAdES-BASELINE-*, XAdES-BASELINE-*, PAdES-BASELINE-*).
    let level = sig["level"].as_str().unwrap_or_default();
    let format = ["XAdES", "PAdES"]
        .into_iter()
        .find(|f| level.starts_with(f))
        .unwrap_or("CAdES");
    assert_eq!(sig["format"], format, "format: {ctx}");
    assert_eq!(sig["indication"], "TOTAL_PASSED", "indication: {ctx}");
    assert!(sig["sub_indication"].is_null(), "sub_indication: {ctx}");
    assert_eq!(sig["intact"], true, "intact: {ctx}");
    assert_eq!(
        sig["digest_algorithm"], "SHA-256",
        "digest_algorithm: {ctx}"
    );
    let alg = sig["signature_algorithm"].as_str().unwrap_or_default();
    assert!(
        alg.to_ascii_uppercase().contains(signer.alg),
        "signature_algorithm {alg:?} should name {}: {ctx}",
        signer.alg
    );
    let subject = sig["signer"]["subject"].as_str().unwrap_or_default();
    assert!(
        subject.contains(signer.cn),
        "signer.subject {subject:?} should contain {:?}: {ctx}",
        signer.cn
    );
    let serial = sig["signer"]["serial"].as_str().unwrap_or_default();
    assert_eq!(norm_hex(serial), signer.serial(), "signer.serial: {ctx}");
    assert!(sig["signer"]["issuer"].is_string(), "signer.issuer: {ctx}");
    assert!(
        sig["best_signature_time"].is_string(),
        "best_signature_time: {ctx}"
    );
    let chain = sig["chain"]
        .as_array()
        .unwrap_or_else(|| panic!("chain: {ctx}"));
    let names: Vec<&str> = chain
        .iter()
        .map(|c| c["subject"].as_str().unwrap_or_default())
        .collect();
    assert!(
        names.iter().any(|n| n.contains(signer.cn)) && names.iter().any(|n| n.contains("Root CA")),
        "chain {names:?} should run from the signer to the root: {ctx}"
    );
    assert_eq!(sig["errors"], serde_json::json!([]), "errors: {ctx}");
}

fn imza_verify(file: &Path, detached: Option<&Path>, trust: &[&Path], extra: &[&str]) -> Verdict {
    let mut c = Command::new(env!("CARGO_BIN_EXE_imza"));
    c.arg("verify").arg(file);
    if let Some(d) = detached {
        c.arg("--detached").arg(d);
    }
    for t in trust {
        c.arg("--trust").arg(t);
    }
    // A revocation status is required by default: unless the test chooses how revocation
    // is checked, give the CRLs of each trusted hierarchy (pki/H/root.crl, intermediate.crl).
    let chooses = |f: &str| extra.contains(&f);
    if ![
        "--online",
        "--offline",
        "--no-revocation",
        "--crl",
        "--ocsp-response",
    ]
    .iter()
    .any(|f| chooses(f))
    {
        for t in trust {
            for crl in ["root.crl", "intermediate.crl"] {
                let p = t.with_file_name(crl);
                if p.is_file() {
                    c.arg("--crl").arg(p);
                }
            }
        }
    }
    c.arg("--json").args(extra);
    let out = run(c);
    let json = serde_json::from_str(&out.stdout).unwrap_or(Value::Null);
    Verdict { out, json }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    B,
    T,
    Lt,
}

impl Level {
    fn arg(self) -> &'static str {
        match self {
            Level::B => "B",
            Level::T => "T",
            Level::Lt => "LT",
        }
    }
}

/// `imza sign CONTENT --key --cert --chain INTERMEDIATE --format cades [--detached] --level L
/// [--tsa URL] -o NAME`.
fn imza_sign(
    dir: &Scratch,
    name: &str,
    signer: &Signer,
    detached: bool,
    level: Level,
    tsa: Option<&str>,
) -> (Out, PathBuf) {
    imza_sign_as(dir, name, signer, detached, level, tsa, "cades")
}

/// [`imza_sign`] in `format` (`cades` or `xades`).
fn imza_sign_as(
    dir: &Scratch,
    name: &str,
    signer: &Signer,
    detached: bool,
    level: Level,
    tsa: Option<&str>,
    format: &str,
) -> (Out, PathBuf) {
    let out = dir.path(name);
    let mut c = Command::new(env!("CARGO_BIN_EXE_imza"));
    c.arg("sign")
        .arg(dir.content())
        .arg("--key")
        .arg(&signer.key)
        .arg("--cert")
        .arg(&signer.cert)
        .arg("--chain")
        .arg(&signer.intermediate)
        .args(["--format", format, "--level", level.arg()]);
    if level == Level::Lt {
        // LT builds the signer's path to fetch its revocation data: the anchor comes from
        // the chain given (the self-signed root).
        c.arg("--chain").arg(&signer.root);
    }
    if detached {
        c.arg("--detached");
    }
    if let Some(url) = tsa {
        c.args(["--tsa", url]);
    }
    c.arg("-o").arg(&out);
    (run(c), out)
}

/// `imza sign` that must succeed.
fn imza_signed(
    dir: &Scratch,
    name: &str,
    signer: &Signer,
    detached: bool,
    level: Level,
    tsa: Option<&str>,
) -> PathBuf {
    let (out, path) = imza_sign(dir, name, signer, detached, level, tsa);
    out.success();
    assert!(
        fs::metadata(&path).is_ok_and(|m| m.len() > 0),
        "imza sign wrote no {}",
        path.display()
    );
    path
}

// ==== services: TSA, OCSP responder, CRL server =============================================

/// `test-vectors/tsa/tsa-server.py` (an `openssl ts -reply` TSA) on a free loopback port,
/// signing with pki/ecdsa-p256/tsa. Stopped on drop (the server then removes its temp
/// directory).
#[derive(Debug)]
struct Tsa {
    svc: common::Loopback,
}

impl Tsa {
    fn start(dir: &Scratch, extra: &[&str]) -> Tsa {
        let mut args = vec![
            "--cert".into(),
            pki("ecdsa-p256/tsa.pem").into_os_string(),
            "--key".into(),
            pki("ecdsa-p256/tsa.key").into_os_string(),
            "--chain".into(),
            pki("ecdsa-p256/intermediate.pem").into_os_string(),
        ];
        args.extend(extra.iter().map(std::ffi::OsString::from));
        Tsa {
            svc: common::Loopback::start(
                &repo().join("test-vectors/tsa/tsa-server.py"),
                args,
                dir.path("tsa-server.log"),
            ),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.svc.port)
    }

    /// The number of POSTs the TSA has answered (`GET /stats`).
    fn requests(&self) -> u64 {
        self.svc.requests()
    }
}

/// An `openssl ocsp` responder for the ecdsa-p256 intermediate's CA database, signing with
/// the delegated pki/ecdsa-p256/ocsp-responder, on 127.0.0.1:18080. Killed on drop.
#[derive(Debug)]
struct OcspResponder(Child);

impl OcspResponder {
    fn start() -> OcspResponder {
        let child = Command::new("openssl")
            .current_dir(pki(""))
            .args(["ocsp", "-index", "ecdsa-p256/intermediate/index.txt"])
            .args(["-CA", "ecdsa-p256/intermediate.pem"])
            .args(["-rsigner", "ecdsa-p256/ocsp-responder.pem"])
            .args(["-rkey", "ecdsa-p256/ocsp-responder.key"])
            .args([
                "-port",
                &OCSP_PORT.to_string(),
                "-nmin",
                "60",
                "-ignore_err",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl ocsp starts");
        let mut r = OcspResponder(child);
        for _ in 0..200 {
            if let Ok(Some(status)) = r.0.try_wait() {
                panic!("openssl ocsp exited at start: {status}");
            }
            // Bound yet? Never a probe connection: the responder serves one client at a
            // time and would wait on an empty one.
            if TcpListener::bind(("127.0.0.1", OCSP_PORT)).is_err() {
                return r;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("openssl ocsp did not listen on {OCSP_PORT}");
    }
}

impl Drop for OcspResponder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Serves the ecdsa-p256 CRLs at the URLs the certificates name (127.0.0.1:18090
/// /ecdsa-p256.crl and /ecdsa-p256-root.crl) until dropped.
#[derive(Debug)]
struct CrlServer {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CrlServer {
    fn start() -> CrlServer {
        let listener = TcpListener::bind(("127.0.0.1", CRL_PORT)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => serve_crl(conn),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        CrlServer {
            stop,
            thread: Some(thread),
        }
    }
}

fn serve_crl(mut conn: TcpStream) {
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 4096];
    let n = conn.read(&mut buf).unwrap_or(0);
    let req = String::from_utf8_lossy(&buf[..n]);
    let file = match req.split_whitespace().nth(1).unwrap_or("") {
        "/ecdsa-p256.crl" => Some(pki("ecdsa-p256/intermediate.crl")),
        "/ecdsa-p256-root.crl" => Some(pki("ecdsa-p256/root.crl")),
        _ => None,
    };
    let reply = match file.and_then(|f| fs::read(f).ok()) {
        Some(body) => {
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = conn.write_all(&reply);
}

impl Drop for CrlServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ==== DER, to take a signature timestamp out of a CAdES signature ===========================

/// The DER TLV at `pos`: (tag, content start, end). Definite lengths only (imza writes DER).
fn tlv(d: &[u8], pos: usize) -> (u8, usize, usize) {
    let tag = d[pos];
    let first = d[pos + 1];
    let mut i = pos + 2;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        assert!(
            (1..=4).contains(&n),
            "indefinite or oversized length at {pos}"
        );
        let mut l = 0usize;
        for _ in 0..n {
            l = (l << 8) | usize::from(d[i]);
            i += 1;
        }
        l
    };
    assert!(i + len <= d.len(), "truncated DER at {pos}");
    (tag, i, i + len)
}

/// The TLVs inside `start..end`: (tag, TLV start, content start, end).
fn children(d: &[u8], start: usize, end: usize) -> Vec<(u8, usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let (tag, cs, ce) = tlv(d, i);
        out.push((tag, i, cs, ce));
        i = ce;
    }
    out
}

/// DER of id-aa-signatureTimeStampToken, 1.2.840.113549.1.9.16.2.14.
const OID_SIGNATURE_TIMESTAMP: &[u8] = &[
    0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0e,
];

/// (signature value, signature-time-stamp tokens) of the first SignerInfo of a DER
/// ContentInfo(SignedData).
fn signature_and_timestamps(cms: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let (tag, cs, ce) = tlv(cms, 0);
    assert_eq!(tag, 0x30, "ContentInfo");
    let explicit = children(cms, cs, ce)[1];
    assert_eq!(explicit.0, 0xa0, "ContentInfo [0]");
    let sd = children(cms, explicit.2, explicit.3)[0];
    assert_eq!(sd.0, 0x30, "SignedData");
    let signer_infos = *children(cms, sd.2, sd.3)
        .iter()
        .rfind(|c| c.0 == 0x31)
        .expect("signerInfos");
    let si = children(cms, signer_infos.2, signer_infos.3)[0];
    let fields = children(cms, si.2, si.3);
    let sig = fields
        .iter()
        .find(|f| f.0 == 0x04)
        .expect("SignerInfo.signature");
    let mut tokens = Vec::new();
    if let Some(unsigned) = fields.iter().find(|f| f.0 == 0xa1) {
        for attr in children(cms, unsigned.2, unsigned.3) {
            let parts = children(cms, attr.2, attr.3);
            if cms[parts[0].1..parts[0].3] == *OID_SIGNATURE_TIMESTAMP {
                for v in children(cms, parts[1].2, parts[1].3) {
                    tokens.push(cms[v.1..v.3].to_vec());
                }
            }
        }
    }
    (cms[sig.2..sig.3].to_vec(), tokens)
}

/// `openssl ts -verify` of each signature timestamp in `sig` over its signature value.
fn openssl_verifies_signature_timestamps(dir: &Scratch, sig: &Path) -> usize {
    let (value, tokens) = signature_and_timestamps(&fs::read(sig).unwrap());
    let value_file = dir.path("signature-value.bin");
    fs::write(&value_file, value).unwrap();
    // The TSA certificate too, in case imza's request did not ask for it (certReq); imza's
    // own verification below needs it in the token anyway.
    let untrusted = dir.path("tsa-untrusted.pem");
    let mut pem = fs::read(pki("ecdsa-p256/intermediate.pem")).unwrap();
    pem.extend(fs::read(pki("ecdsa-p256/tsa.pem")).unwrap());
    fs::write(&untrusted, pem).unwrap();
    for (i, token) in tokens.iter().enumerate() {
        let f = dir.path(&format!("timestamp-{i}.der"));
        fs::write(&f, token).unwrap();
        let root = pki("ecdsa-p256/root.pem");
        openssl(&[
            "ts",
            "-verify",
            "-data",
            s(&value_file),
            "-in",
            s(&f),
            "-token_in",
            "-CAfile",
            s(&root),
            "-untrusted",
            s(&untrusted),
        ])
        .success();
    }
    tokens.len()
}

// ==== OpenSSL → imza =========================================================================

#[test]
fn openssl_rsa_and_ecdsa_signatures_with_signed_attributes_pass_attached_and_detached() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-attrs");
    for signer in [rsa(), ec()] {
        for attached in [true, false] {
            let name = format!("{}-{attached}.p7", signer.alg);
            let sig = openssl_sign(&dir, &name, &[&signer], attached, &[]);
            let detached = (!attached).then(|| dir.content());
            let v = imza_verify(&sig, detached.as_deref(), &[&signer.root], &[]);
            let one = v.passed_one(&signer);
            // openssl cms -sign writes contentType, signingTime, messageDigest and
            // sMIMECapabilities, but no signing-certificate attribute: not CAdES baseline.
            assert_eq!(one["level"], "CMS", "level: {}", v.ctx());
            assert!(
                one["claimed_signing_time"].is_string(),
                "claimed_signing_time: {}",
                v.ctx()
            );
            assert!(
                one["timestamps"].as_array().is_some_and(Vec::is_empty),
                "no timestamps: {}",
                v.ctx()
            );
        }
    }
}

#[test]
fn openssl_rsa_and_ecdsa_signatures_without_signed_attributes_pass() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-noattr");
    for signer in [rsa(), ec()] {
        for attached in [true, false] {
            let name = format!("{}-noattr-{attached}.p7", signer.alg);
            let sig = openssl_sign(&dir, &name, &[&signer], attached, &["-noattr"]);
            assert!(!openssl_print(&sig).contains("signingTime"));
            let detached = (!attached).then(|| dir.content());
            let v = imza_verify(&sig, detached.as_deref(), &[&signer.root], &[]);
            let one = v.passed_one(&signer);
            assert_eq!(one["level"], "CMS", "level: {}", v.ctx());
            assert!(
                one["claimed_signing_time"].is_null(),
                "no signingTime attribute, so no claimed signing time: {}",
                v.ctx()
            );
        }
    }
}

#[test]
fn openssl_two_signers_are_both_reported_and_both_must_pass() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-two-signers");
    let (r, e) = (rsa(), ec());
    let sig = openssl_sign(&dir, "two.p7s", &[&r, &e], false, &[]);
    let content = dir.content();
    let v = imza_verify(&sig, Some(&content), &[&r.root, &e.root], &[]);
    v.expect(0, "TOTAL_PASSED", None);
    let sigs = v.signatures();
    assert_eq!(sigs.len(), 2, "both signers reported: {}", v.ctx());
    // In SignerInfo order (the order of -signer), but do not depend on it.
    for signer in [&r, &e] {
        let found = sigs
            .iter()
            .find(|x| {
                x["signer"]["subject"]
                    .as_str()
                    .is_some_and(|n| n.contains(signer.cn))
            })
            .unwrap_or_else(|| panic!("{} not reported: {}", signer.cn, v.ctx()));
        signature_passed(found, signer, &v.ctx());
    }

    // Only the EC root trusted: the RSA signature has no chain, so the whole is INDETERMINATE.
    let v = imza_verify(&sig, Some(&content), &[&e.root], &[]);
    v.expect(2, "INDETERMINATE", Some("NO_CERTIFICATE_CHAIN_FOUND"));
    let sigs = v.signatures();
    assert_eq!(sigs.len(), 2, "{}", v.ctx());
    for x in sigs {
        let subject = x["signer"]["subject"].as_str().unwrap_or_default();
        let want = if subject.contains("RSA Signer") {
            "INDETERMINATE"
        } else {
            "TOTAL_PASSED"
        };
        assert_eq!(x["indication"], want, "{subject}: {}", v.ctx());
    }
}

#[test]
fn openssl_subject_key_identifier_signer_id_passes() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-keyid");
    let e = ec();
    let sig = openssl_sign(&dir, "keyid.p7s", &[&e], false, &["-keyid"]);
    let printed = openssl_print(&sig);
    assert!(
        printed.contains("d.subjectKeyIdentifier"),
        "OpenSSL wrote an SKI signer id"
    );
    let content = dir.content();
    imza_verify(&sig, Some(&content), &[&e.root], &[]).passed_one(&e);
}

#[test]
fn openssl_ber_indefinite_length_stream_passes() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-stream");
    let e = ec();
    let sig = openssl_sign(&dir, "stream.p7m", &[&e], true, &["-stream", "-indef"]);
    let bytes = fs::read(&sig).unwrap();
    assert_eq!(
        &bytes[..2],
        &[0x30, 0x80],
        "openssl -stream writes indefinite lengths (BER)"
    );
    imza_verify(&sig, None, &[&e.root], &[]).passed_one(&e);
}

#[test]
fn openssl_pem_armoured_signature_passes() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-pem");
    let e = ec();
    let sig = openssl_sign(&dir, "attached.pem", &[&e], true, &["-outform", "PEM"]);
    let text = fs::read_to_string(&sig).unwrap();
    assert!(text.starts_with("-----BEGIN CMS-----"), "{text}");
    imza_verify(&sig, None, &[&e.root], &[]).passed_one(&e);
}

#[test]
fn openssl_cades_signature_with_signing_certificate_v2_is_baseline_b() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-cades");
    let e = ec();
    let sig = openssl_sign(&dir, "cades.p7s", &[&e], false, &["-cades"]);
    assert!(openssl_print(&sig).contains("id-smime-aa-signingCertificateV2"));
    let content = dir.content();
    let v = imza_verify(&sig, Some(&content), &[&e.root], &[]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "CAdES-BASELINE-B", "level: {}", v.ctx());
}

#[test]
fn detached_signature_over_other_content_is_hash_failure() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-wrong-content");
    let e = ec();
    let other = dir.other_content();

    // With signed attributes: the messageDigest attribute does not match.
    let sig = openssl_sign(&dir, "detached.p7s", &[&e], false, &[]);
    let v = imza_verify(&sig, Some(&other), &[&e.root], &[]);
    v.expect(1, "TOTAL_FAILED", Some("HASH_FAILURE"));
    let sigs = v.signatures();
    assert_eq!(sigs.len(), 1, "{}", v.ctx());
    assert_eq!(sigs[0]["indication"], "TOTAL_FAILED", "{}", v.ctx());
    assert_eq!(sigs[0]["sub_indication"], "HASH_FAILURE", "{}", v.ctx());
    assert_eq!(sigs[0]["intact"], false, "{}", v.ctx());

    // Without signed attributes only the signature value can fail.
    let sig = openssl_sign(&dir, "noattr.p7s", &[&e], false, &["-noattr"]);
    let v = imza_verify(&sig, Some(&other), &[&e.root], &[]);
    assert_eq!(v.out.code, 1, "{}", v.ctx());
    assert_eq!(v.json["indication"], "TOTAL_FAILED", "{}", v.ctx());
    let sub = v.json["sub_indication"].as_str().unwrap_or_default();
    assert!(
        sub == "HASH_FAILURE" || sub == "SIG_CRYPTO_FAILURE",
        "{sub}: {}",
        v.ctx()
    );
}

#[test]
fn signature_under_an_untrusted_root_is_indeterminate_no_chain() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("ossl-untrusted");
    let e = ec();
    let sig = openssl_sign(&dir, "attached.p7m", &[&e], true, &[]);
    // The RSA hierarchy's root does not issue the P-256 chain.
    let v = imza_verify(&sig, None, &[&rsa().root], &[]);
    v.expect(2, "INDETERMINATE", Some("NO_CERTIFICATE_CHAIN_FOUND"));
    let sigs = v.signatures();
    assert_eq!(sigs.len(), 1, "{}", v.ctx());
    assert_eq!(sigs[0]["indication"], "INDETERMINATE", "{}", v.ctx());
    assert_eq!(
        sigs[0]["sub_indication"],
        "NO_CERTIFICATE_CHAIN_FOUND",
        "{}",
        v.ctx()
    );
    // The signature itself is fine; only trust is missing.
    assert_eq!(sigs[0]["intact"], true, "{}", v.ctx());
}

// ==== imza → OpenSSL =========================================================================

#[test]
fn imza_cades_signatures_verify_in_openssl_attached_and_detached() {
    if !have_openssl() {
        return;
    }
    let dir = Scratch::new("imza-to-ossl");
    let content = dir.content();
    for signer in [rsa(), ec()] {
        for detached in [false, true] {
            let name = format!("imza-{}-{detached}.p7", signer.alg);
            let sig = imza_signed(&dir, &name, &signer, detached, Level::B, None);
            let d = detached.then_some(content.as_path());

            let out = openssl_verify(&sig, &signer.root, d, &[]);
            assert_eq!(
                out.code,
                0,
                "OpenSSL rejects imza's signature: {}",
                out.ctx()
            );
            // And with OpenSSL's CAdES check of signingCertificateV2 against the signer.
            let out = openssl_verify(&sig, &signer.root, d, &["-cades"]);
            assert_eq!(out.code, 0, "openssl cms -verify -cades: {}", out.ctx());
            if !detached {
                let verified = fs::read(sig.with_extension("verified")).unwrap();
                assert_eq!(verified, CONTENT, "the encapsulated content");
            }
            // And OpenSSL refuses it over other content.
            if detached {
                let other = dir.other_content();
                let out = openssl_verify(&sig, &signer.root, Some(&other), &[]);
                assert_ne!(out.code, 0, "OpenSSL accepts other content: {}", out.ctx());
            }

            let printed = openssl_print(&sig);
            for attr in [
                "contentType",
                "signingTime",
                "messageDigest",
                "id-smime-aa-signingCertificateV2",
            ] {
                assert!(
                    printed.contains(&format!("object: {attr} ")),
                    "{name}: OpenSSL does not see the {attr} attribute:\n{printed}"
                );
            }
            assert_eq!(
                printed.contains("eContent: <ABSENT>"),
                detached,
                "{name}: encapsulated content present iff attached:\n{printed}"
            );

            // imza's own verdict on its signature: CAdES-BASELINE-B.
            let v = imza_verify(&sig, d, &[&signer.root], &[]);
            let one = v.passed_one(&signer);
            assert_eq!(one["level"], "CAdES-BASELINE-B", "{}", v.ctx());
        }
    }
}

// ==== timestamps =============================================================================

#[test]
fn imza_level_t_with_an_openssl_tsa_verifies_in_openssl_and_imza() {
    if !have_openssl_and_python() {
        return;
    }
    let dir = Scratch::new("level-t");
    let e = ec();
    let tsa = Tsa::start(&dir, &[]);
    assert_eq!(tsa.requests(), 0);
    let sig = imza_signed(&dir, "t.p7s", &e, true, Level::T, Some(&tsa.url()));
    assert_eq!(tsa.requests(), 1, "one timestamp request");
    let content = dir.content();

    let out = openssl_verify(&sig, &e.root, Some(&content), &[]);
    assert_eq!(out.code, 0, "{}", out.ctx());
    assert!(openssl_print(&sig).contains("id-smime-aa-timeStampToken"));
    // The token's message imprint is over the SignerInfo's signature value.
    assert_eq!(openssl_verifies_signature_timestamps(&dir, &sig), 1);

    let v = imza_verify(&sig, Some(&content), &[&e.root], &[]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "CAdES-BASELINE-T", "{}", v.ctx());
    let ts = one["timestamps"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", v.ctx()));
    assert_eq!(ts.len(), 1, "{}", v.ctx());
    assert_eq!(ts[0]["kind"], "signature", "{}", v.ctx());
    assert_eq!(ts[0]["imprint_intact"], true, "{}", v.ctx());
    assert_eq!(ts[0]["indication"], "TOTAL_PASSED", "{}", v.ctx());
    assert!(ts[0]["gen_time"].is_string(), "{}", v.ctx());
    // The timestamp is the best proof of existence there is.
    assert_eq!(one["best_signature_time"], ts[0]["gen_time"], "{}", v.ctx());
    // Verifying asks nobody.
    assert_eq!(tsa.requests(), 1);
}

#[test]
fn imza_sign_refuses_a_tsa_reply_that_is_not_der() {
    if !have_openssl_and_python() {
        return;
    }
    let dir = Scratch::new("tsa-garbage");
    let tsa = Tsa::start(&dir, &["--fault", "garbage"]);
    let (out, path) = imza_sign(&dir, "t.p7s", &ec(), true, Level::T, Some(&tsa.url()));
    assert_ne!(
        out.code,
        0,
        "signed with a garbage timestamp: {}",
        out.ctx()
    );
    assert!(!out.stderr.trim().is_empty(), "a reason on stderr");
    assert!(!path.exists(), "no output file after a failed signing");
    assert!(tsa.requests() >= 1);
}

#[test]
fn signature_timestamp_is_proof_of_existence_after_the_signer_certificate_expired() {
    if !have_openssl_and_python() {
        return;
    }
    let dir = Scratch::new("expired-signer");
    let now = now_secs();

    // The fixed PKI's signer expires 2035-01-01: at 2036 a B-level signature has no proof of
    // existence before that.
    let e = ec();
    let content = dir.content();
    let b = imza_signed(&dir, "b.p7s", &e, true, Level::B, None);
    imza_verify(&b, Some(&content), &[&e.root], &[]).passed_one(&e);
    let v = imza_verify(
        &b,
        Some(&content),
        &[&e.root],
        &["--at", "2036-01-01T00:00:00Z"],
    );
    v.expect(2, "INDETERMINATE", Some("OUT_OF_BOUNDS_NO_POE"));

    // A T-level signature keeps passing after its signer certificate expired, as long as the
    // timestamp itself can still be validated: the TSA certificate (like every test PKI
    // leaf) also expires 2035-01-01, so the signer here is a certificate valid for one day
    // from now and the validation time is a week later.
    let short = short_lived_signer(&dir, now - 3600, now + 86_400);
    let later = rfc3339(now + 7 * 86_400);
    let tsa = Tsa::start(&dir, &[]);
    let b = imza_signed(&dir, "short-b.p7s", &short, true, Level::B, None);
    let t = imza_signed(
        &dir,
        "short-t.p7s",
        &short,
        true,
        Level::T,
        Some(&tsa.url()),
    );
    drop(tsa);
    for sig in [&b, &t] {
        imza_verify(sig, Some(&content), &[&short.root], &[]).passed_one(&short);
    }
    let v = imza_verify(&b, Some(&content), &[&short.root], &["--at", &later]);
    v.expect(2, "INDETERMINATE", Some("OUT_OF_BOUNDS_NO_POE"));
    let v = imza_verify(&t, Some(&content), &[&short.root], &["--at", &later]);
    let one = v.passed_one(&short);
    assert_eq!(one["level"], "CAdES-BASELINE-T", "{}", v.ctx());
    assert_eq!(v.json["validation_time"], later.as_str(), "{}", v.ctx());
}

#[test]
fn imza_level_lt_embeds_openssl_ocsp_responses_and_verifies_offline() {
    if !have_openssl_and_python() {
        return;
    }
    let _ports = fixed_ports();
    // Fixed: `imza` fetches what the certificates name. A busy one skips the test (a failure
    // under CI=true).
    if !imza_test_support::fixed_port_free(OCSP_PORT)
        || !imza_test_support::fixed_port_free(CRL_PORT)
    {
        return;
    }
    let dir = Scratch::new("level-lt");
    let e = ec();
    let content = dir.content();
    let sig = {
        let _crls = CrlServer::start();
        let _ocsp = OcspResponder::start();
        let tsa = Tsa::start(&dir, &[]);
        let sig = imza_signed(&dir, "lt.p7s", &e, true, Level::Lt, Some(&tsa.url()));
        assert_eq!(tsa.requests(), 1, "one timestamp request");
        sig
    }; // the responders are gone: what follows can only use what the file carries

    let out = openssl_verify(&sig, &e.root, Some(&content), &[]);
    assert_eq!(out.code, 0, "{}", out.ctx());
    assert_eq!(openssl_verifies_signature_timestamps(&dir, &sig), 1);

    let v = imza_verify(&sig, Some(&content), &[&e.root], &["--offline"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "CAdES-BASELINE-LT", "{}", v.ctx());
    let revocation = one["revocation"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", v.ctx()));
    assert!(
        !revocation.is_empty(),
        "revocation data from the file: {}",
        v.ctx()
    );
    assert_eq!(
        one["timestamps"].as_array().map(Vec::len),
        Some(1),
        "{}",
        v.ctx()
    );
}

// ==== XAdES through the same TSA, OCSP responder and CRL server ============================

#[test]
fn imza_xades_levels_t_and_lt_with_openssl_services() {
    if !have_openssl_and_python() {
        return;
    }
    let _ports = fixed_ports();
    if !imza_test_support::fixed_port_free(OCSP_PORT)
        || !imza_test_support::fixed_port_free(CRL_PORT)
    {
        return;
    }
    let dir = Scratch::new("xades-t-lt");
    let e = ec();
    let content = dir.content();
    let (t, lt) = {
        let _crls = CrlServer::start();
        let _ocsp = OcspResponder::start();
        let tsa = Tsa::start(&dir, &[]);
        let (out, t) = imza_sign_as(&dir, "t.xml", &e, true, Level::T, Some(&tsa.url()), "xades");
        out.success();
        let (out, lt) = imza_sign_as(
            &dir,
            "lt.xml",
            &e,
            true,
            Level::Lt,
            Some(&tsa.url()),
            "xades",
        );
        out.success();
        assert_eq!(tsa.requests(), 2, "one time-stamp per signature");
        (t, lt)
    }; // the services are gone: what follows uses only what the files carry

    let v = imza_verify(&t, Some(&content), &[&e.root], &["--no-revocation"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "XAdES-BASELINE-T", "{}", v.ctx());
    let ts = one["timestamps"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", v.ctx()));
    assert_eq!(ts.len(), 1, "{}", v.ctx());
    assert_eq!(ts[0]["kind"], "signature", "{}", v.ctx());
    assert_eq!(ts[0]["imprint_intact"], true, "{}", v.ctx());
    assert_eq!(ts[0]["indication"], "TOTAL_PASSED", "{}", v.ctx());
    assert_eq!(one["best_signature_time"], ts[0]["gen_time"], "{}", v.ctx());
    assert_eq!(one["scope"][0]["name"], "content.txt", "{}", v.ctx());

    let v = imza_verify(&lt, Some(&content), &[&e.root], &["--offline"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "XAdES-BASELINE-LT", "{}", v.ctx());
    assert_eq!(one["legacy_level"], "XAdES-X-L", "{}", v.ctx());
    let revocation = one["revocation"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", v.ctx()));
    assert!(
        !revocation.is_empty(),
        "revocation data from the file: {}",
        v.ctx()
    );

    // The time-stamp's token changed by one byte inside: the imprint or its signature
    // fails, and it proves nothing (the signature falls back to B).
    let text = fs::read_to_string(&t).unwrap();
    let at = text.find("EncapsulatedTimeStamp>").unwrap() + 200;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let bad = dir.path("t-bad-token.xml");
    fs::write(&bad, &bytes).unwrap();
    let v = imza_verify(&bad, Some(&content), &[&e.root], &["--no-revocation"]);
    let sig = &v.signatures()[0];
    assert_ne!(
        sig["timestamps"][0]["indication"],
        "TOTAL_PASSED",
        "{}",
        v.ctx()
    );
    assert_eq!(sig["level"], "XAdES-BASELINE-B", "{}", v.ctx());
    // Other content under the name: HASH_FAILURE.
    let v = imza_verify(
        &t,
        Some(&dir.other_content()),
        &[&e.root],
        &["--no-revocation"],
    );
    v.expect(1, "TOTAL_FAILED", Some("HASH_FAILURE"));
}

// ==== ASiC-E through the same services =====================================================

#[test]
fn imza_asice_levels_t_and_lt_with_openssl_services() {
    if !have_openssl_and_python() {
        return;
    }
    let _ports = fixed_ports();
    if !imza_test_support::fixed_port_free(OCSP_PORT)
        || !imza_test_support::fixed_port_free(CRL_PORT)
    {
        return;
    }
    let dir = Scratch::new("asice-t-lt");
    let e = ec();
    let (t, lt) = {
        let _crls = CrlServer::start();
        let _ocsp = OcspResponder::start();
        let tsa = Tsa::start(&dir, &[]);
        let (out, t) = imza_sign_as(
            &dir,
            "t.asice",
            &e,
            false,
            Level::T,
            Some(&tsa.url()),
            "asice",
        );
        out.success();
        let (out, lt) = imza_sign_as(
            &dir,
            "lt.asice",
            &e,
            false,
            Level::Lt,
            Some(&tsa.url()),
            "asice",
        );
        out.success();
        assert_eq!(tsa.requests(), 2, "one time-stamp per container");
        (t, lt)
    }; // the services are gone: what follows uses only what the containers carry

    let v = imza_verify(&t, None, &[&e.root], &["--no-revocation"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "XAdES-BASELINE-T", "{}", v.ctx());
    assert_eq!(
        one["timestamps"][0]["indication"],
        "TOTAL_PASSED",
        "{}",
        v.ctx()
    );
    assert_eq!(one["scope"][0]["name"], "content.txt", "{}", v.ctx());

    let v = imza_verify(&lt, None, &[&e.root], &["--offline"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "XAdES-BASELINE-LT", "{}", v.ctx());
    let revocation = one["revocation"].to_string().to_lowercase();
    assert!(
        revocation.contains("ocsp"),
        "the signer's status from an embedded OCSP response: {}",
        v.ctx()
    );
}

// ==== PAdES through the same services =====================================================

/// `imza sign --format pades` of test-vectors/pdf/hello.pdf at `level`, through `tsa`; LT
/// and LTA get the root in the chain (their anchor for the validation data).
fn imza_sign_pdf(dir: &Scratch, name: &str, signer: &Signer, level: &str, tsa: &str) -> PathBuf {
    let out = dir.path(name);
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/pdf/hello.pdf");
    let mut c = Command::new(env!("CARGO_BIN_EXE_imza"));
    c.arg("sign")
        .arg(&pdf)
        .arg("--key")
        .arg(&signer.key)
        .arg("--cert")
        .arg(&signer.cert)
        .arg("--chain")
        .arg(&signer.intermediate)
        .args(["--format", "pades", "--level", level, "--tsa", tsa]);
    if level != "T" {
        c.arg("--chain").arg(&signer.root);
    }
    c.arg("-o").arg(&out);
    run(c).success();
    let original = fs::read(&pdf).unwrap();
    let signed = fs::read(&out).unwrap();
    assert!(
        signed.starts_with(&original),
        "{name}: the original bytes must stay as they were"
    );
    out
}

#[test]
fn imza_pades_levels_t_lt_and_lta_with_openssl_services() {
    if !have_openssl_and_python() {
        return;
    }
    let _ports = fixed_ports();
    if !imza_test_support::fixed_port_free(OCSP_PORT)
        || !imza_test_support::fixed_port_free(CRL_PORT)
    {
        return;
    }
    let dir = Scratch::new("pades-t-lt-lta");
    let e = ec();
    let (t, lt, lta) = {
        let _crls = CrlServer::start();
        let _ocsp = OcspResponder::start();
        let tsa = Tsa::start(&dir, &[]);
        let t = imza_sign_pdf(&dir, "t.pdf", &e, "T", &tsa.url());
        let lt = imza_sign_pdf(&dir, "lt.pdf", &e, "LT", &tsa.url());
        let lta = imza_sign_pdf(&dir, "lta.pdf", &e, "LTA", &tsa.url());
        assert_eq!(
            tsa.requests(),
            4,
            "one signature time-stamp each, and LTA's document time-stamp"
        );
        (t, lt, lta)
    }; // the services are gone: what follows uses only what the files carry

    let v = imza_verify(&t, None, &[&e.root], &["--no-revocation"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "PAdES-BASELINE-T", "{}", v.ctx());
    assert_eq!(
        one["timestamps"][0]["indication"],
        "TOTAL_PASSED",
        "{}",
        v.ctx()
    );
    assert_eq!(
        one["pdf"]["sub_filter"],
        "ETSI.CAdES.detached",
        "{}",
        v.ctx()
    );
    assert_eq!(one["pdf"]["modification"], "none", "{}", v.ctx());

    // B-LT: the validation data is in /DSS (a later revision), offline.
    let v = imza_verify(&lt, None, &[&e.root], &["--offline"]);
    let one = v.passed_one(&e);
    assert_eq!(one["level"], "PAdES-BASELINE-LT", "{}", v.ctx());
    assert_eq!(
        one["pdf"]["modification"],
        "DSS and time-stamps only",
        "{}",
        v.ctx()
    );
    let revocation = one["revocation"].to_string().to_lowercase();
    assert!(
        revocation.contains("ocsp"),
        "the signer's status from an OCSP response in /DSS: {}",
        v.ctx()
    );

    // B-LTA: the signature, then the document time-stamp over everything before it.
    let v = imza_verify(&lta, None, &[&e.root], &["--offline"]);
    v.expect(0, "TOTAL_PASSED", None);
    let sigs = v.signatures();
    assert_eq!(
        sigs.len(),
        2,
        "the signature and the document time-stamp: {}",
        v.ctx()
    );
    signature_passed(&sigs[0], &e, &v.ctx());
    assert_eq!(sigs[0]["level"], "PAdES-BASELINE-LTA", "{}", v.ctx());
    assert_eq!(sigs[1]["pdf"]["sub_filter"], "ETSI.RFC3161", "{}", v.ctx());
    assert_eq!(sigs[1]["indication"], "TOTAL_PASSED", "{}", v.ctx());

    // One changed byte in the first revision breaks both.
    let mut bytes = fs::read(&lta).unwrap();
    let at = bytes.windows(10).position(|w| w == b"Hello imza").unwrap();
    bytes[at] = b'J';
    let bad = dir.path("lta-tampered.pdf");
    fs::write(&bad, &bytes).unwrap();
    let v = imza_verify(&bad, None, &[&e.root], &["--offline"]);
    v.expect(1, "TOTAL_FAILED", Some("HASH_FAILURE"));
    for s in v.signatures() {
        assert_eq!(s["indication"], "TOTAL_FAILED", "{}", v.ctx());
        assert_eq!(s["sub_indication"], "HASH_FAILURE", "{}", v.ctx());
    }
}
