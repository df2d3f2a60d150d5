//! `imza mobile sign` and `imza mobile login` end to end against the scripted Mobile-ID REST
//! API and Smart-ID RP API v2 of `test-vectors/mobile-server/mobile_server.py`, with the fake
//! people of `test-vectors/mobile/` (README there):
//!
//! - the confirming person signs (attached and detached, Mobile-ID with the P-256 hierarchy,
//!   Smart-ID by identity number and by document number with the RSA hierarchy); the
//!   signatures pass `imza verify` and `openssl cms -verify`, and fail over tampered content;
//! - every scripted failure ends with its own one-line message and the exit code of who must
//!   act (1 the person, 65 a response imza refused, 69 the service or the relying party), and
//!   writes no output file;
//! - retries (HTTP 500 twice), slow answers, a server that ignores the long poll (no busy
//!   wait, checked with the server's `/stats`), the overall deadline;
//! - login (text and JSON), a wrong relying-party UUID, input refused before it is sent;
//! - the relying-party UUID (a credential) never appears in imza's output.
//!
//! Every test starts its own server on a free loopback port (stopped on drop by closing its
//! stdin) and works in a fresh temp directory (kept on failure).
//!
//! Needs `python3` and `openssl` (the server signs with it; the tests verify with it). Under
//! `CI=true` a missing tool fails the test; elsewhere it skips it with a SKIPPED line on stderr
//! (`imza_test_support`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

// ==== paths, tools, processes ================================================================

/// The relying-party UUID every server here is configured with. Not the API's demo UUID, so
/// that finding it in imza's output can only mean a leak.
const RP_UUID: &str = "5d1c7a3e-9b2f-4e81-a6c4-0f7e2d9b8a15";
/// A well-formed UUID the servers do not accept.
const WRONG_RP_UUID: &str = "c0ffee00-1234-4abc-8def-9876543210ab";
const RP_NAME: &str = "DEMO";

/// The signed document.
const CONTENT: &[u8] = b"imza mobile ID test document: signed with a phone.\n";

/// The confirming people's subject, as `Signing as` and `login` print it.
const CONFIRM_NAME: &str = "MARY ÄNN O’CONNEŽ-ŠUSLIK TESTNUMBER (PNOEE-60001019906)";
const CONFIRM_ID: &str = "60001019906";

/// No mobile command may run longer than this (a hang fails the test instead of the run).
const RUN_LIMIT: Duration = Duration::from_secs(90);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pki(rel: &str) -> PathBuf {
    repo().join("test-vectors/pki").join(rel)
}

fn fixtures() -> PathBuf {
    repo().join("test-vectors/mobile")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// python3 runs the server, openssl signs in it and verifies here.
fn have_tools() -> bool {
    imza_test_support::have_tool("python3", &["--version"])
        && imza_test_support::have_tool("openssl", &["version"])
}

fn imza() -> Command {
    Command::new(env!("CARGO_BIN_EXE_imza"))
}

/// One finished process.
#[derive(Debug)]
struct Out {
    /// Exit code; -1 when killed by a signal.
    code: i32,
    stdout: String,
    stderr: String,
    cmd: String,
    elapsed: Duration,
}

impl Out {
    /// For assertion messages (the relying-party UUID redacted from the command line).
    fn ctx(&self) -> String {
        format!(
            "{}\n--- exit {} after {:?}; stdout:\n{}\n--- stderr:\n{}",
            self.cmd.replace(RP_UUID, "<rp-uuid>"),
            self.code,
            self.elapsed,
            self.stdout,
            self.stderr
        )
    }

    fn success(self) -> Self {
        assert_eq!(self.code, 0, "command failed: {}", self.ctx());
        self
    }

    /// The `imza: ...` failure line; there must be exactly one.
    fn failure_line(&self) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("imza:"))
            .collect();
        assert_eq!(lines.len(), 1, "one failure line: {}", self.ctx());
        lines[0]
    }

    /// The 4-digit verification code shown on stderr.
    fn verification_code(&self) -> String {
        let code = self
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("Verification code: "))
            .unwrap_or_else(|| panic!("no verification code: {}", self.ctx()));
        assert!(
            code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()),
            "verification code {code:?}: {}",
            self.ctx()
        );
        code.to_owned()
    }
}

/// Runs `cmd` to its end (killed after [`RUN_LIMIT`]).
fn run(mut cmd: Command) -> Out {
    let desc = format!("{cmd:?}");
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {desc}: {e}"));
    // Drain both pipes on threads, so that a chatty child never blocks on a full pipe.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out_pipe.read_to_end(&mut b);
        b
    });
    let err_thread = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err_pipe.read_to_end(&mut b);
        b
    });
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{} still ran after {RUN_LIMIT:?}; killed",
                desc.replace(RP_UUID, "<rp-uuid>")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    Out {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out_thread.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_thread.join().unwrap()).into_owned(),
        cmd: desc,
        elapsed,
    }
}

/// Runs an `imza mobile` command: the relying-party UUID must not appear in its output,
/// whatever the outcome.
fn run_mobile(cmd: Command) -> Out {
    let out = run(cmd);
    for uuid in [RP_UUID, WRONG_RP_UUID] {
        assert!(
            !out.stdout.contains(uuid) && !out.stderr.contains(uuid),
            "the relying-party UUID leaked into the output: {}",
            out.ctx()
        );
    }
    out
}

fn openssl(args: &[&str]) -> Out {
    let mut c = Command::new("openssl");
    c.args(args);
    run(c)
}

/// A fresh directory under the system temp dir with `doc.txt`; removed on drop unless the
/// test is failing (then its path is printed, to look at the files).
#[derive(Debug)]
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("imza-mobile-cli-{}-{n}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("doc.txt"), CONTENT).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn doc(&self) -> PathBuf {
        self.path("doc.txt")
    }

    /// The names of the files in the directory.
    fn files(&self) -> BTreeSet<String> {
        fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
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

// ==== the service and its people =============================================================

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Provider {
    Mid,
    SmartId,
}

impl Provider {
    /// The `--provider` value.
    fn arg(self) -> &'static str {
        match self {
            Provider::Mid => "mid",
            Provider::SmartId => "smartid",
        }
    }

    /// The provider in people.json.
    fn key(self) -> &'static str {
        match self {
            Provider::Mid => "mid",
            Provider::SmartId => "sid",
        }
    }

    /// The name imza gives it (`login --json`).
    fn name(self) -> &'static str {
        match self {
            Provider::Mid => "Mobile-ID",
            Provider::SmartId => "Smart-ID",
        }
    }

    /// The test PKI hierarchy that issues the provider's people.
    fn hierarchy(self) -> &'static str {
        match self {
            Provider::Mid => "ecdsa-p256",
            Provider::SmartId => "rsa",
        }
    }

    fn root(self) -> PathBuf {
        pki(&format!("{}/root.pem", self.hierarchy()))
    }

    fn intermediate(self) -> PathBuf {
        pki(&format!("{}/intermediate.pem", self.hierarchy()))
    }
}

/// The person of `provider` with `behaviour` in people.json.
fn person(provider: Provider, behaviour: &str) -> Value {
    let text = fs::read_to_string(fixtures().join("people.json")).unwrap();
    let people: Value = serde_json::from_str(&text).unwrap();
    people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == provider.key() && p["behaviour"] == behaviour)
        .unwrap_or_else(|| panic!("no {} person {behaviour} in people.json", provider.key()))
        .clone()
}

/// How the command names the person: `--phone P --id I` (Mobile-ID), `--id I` (Smart-ID).
fn person_args(provider: Provider, behaviour: &str) -> Vec<String> {
    let p = person(provider, behaviour);
    let id = p["id"].as_str().unwrap().to_owned();
    match provider {
        Provider::Mid => vec![
            "--phone".into(),
            p["phone"].as_str().unwrap().to_owned(),
            "--id".into(),
            id,
        ],
        Provider::SmartId => vec!["--id".into(), id],
    }
}

/// `test-vectors/mobile-server/mobile_server.py` on a free loopback port, with the relying
/// party [`RP_UUID`] / [`RP_NAME`]. Stopped on drop.
#[derive(Debug)]
struct MobileServer {
    svc: common::Loopback,
}

impl MobileServer {
    /// A server whose "never" people time out after `session_timeout` seconds.
    fn start(dir: &Scratch, session_timeout: u32) -> MobileServer {
        let timeout = session_timeout.to_string();
        let fixtures = fixtures();
        let args: [&std::ffi::OsStr; 8] = [
            "--fixtures".as_ref(),
            fixtures.as_os_str(),
            "--session-timeout".as_ref(),
            timeout.as_ref(),
            "--rp-uuid".as_ref(),
            RP_UUID.as_ref(),
            "--rp-name".as_ref(),
            RP_NAME.as_ref(),
        ];
        MobileServer {
            svc: common::Loopback::start(
                &repo().join("test-vectors/mobile-server/mobile_server.py"),
                args,
                dir.path("mobile-server.log"),
            ),
        }
    }

    fn url(&self, provider: Provider) -> String {
        match provider {
            Provider::Mid => format!("http://127.0.0.1:{}/mid-api", self.svc.port),
            Provider::SmartId => format!("http://127.0.0.1:{}/smart-id-rp/v2", self.svc.port),
        }
    }

    /// `GET /stats`: `{"requests", "max_requests_per_second", "sessions": {id: {"polls",
    /// "max_polls_per_second"}}}`.
    fn stats(&self) -> Value {
        self.svc.stats()
    }

    fn requests(&self) -> u64 {
        self.svc.requests()
    }

    /// `(polls, max_polls_per_second)` of every session.
    fn sessions(&self) -> Vec<(u64, u64)> {
        let v = self.stats();
        v["sessions"]
            .as_object()
            .unwrap_or_else(|| panic!("/stats: {v}"))
            .values()
            .map(|s| {
                (
                    s["polls"].as_u64().unwrap(),
                    s["max_polls_per_second"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// `imza mobile <op>` against this server for the person named by `person`, trusting the
    /// provider's hierarchy, with the relying-party UUID in `IMZA_RP_UUID`.
    fn mobile(&self, op: &str, provider: Provider, person: &[String]) -> Command {
        let mut c = imza();
        c.args(["mobile", op, "--provider", provider.arg(), "--url"])
            .arg(self.url(provider))
            .args(["--rp-name", RP_NAME, "--trust"])
            .arg(provider.root())
            .arg("--intermediate")
            .arg(provider.intermediate())
            .args(person)
            .env("IMZA_RP_UUID", RP_UUID);
        c
    }

    /// `imza mobile sign DOC --format cades [--detached] -o OUT` (plus `extra`).
    fn sign_cmd(
        &self,
        dir: &Scratch,
        provider: Provider,
        person: &[String],
        detached: bool,
        out: &Path,
        extra: &[&str],
    ) -> Command {
        let mut c = self.mobile("sign", provider, person);
        c.arg(dir.doc()).args(["--format", "cades"]);
        if detached {
            c.arg("--detached");
        }
        c.arg("-o").arg(out).args(extra);
        c
    }

    fn sign(
        &self,
        dir: &Scratch,
        provider: Provider,
        behaviour: &str,
        out: &Path,
        extra: &[&str],
    ) -> Out {
        let person = person_args(provider, behaviour);
        run_mobile(self.sign_cmd(dir, provider, &person, false, out, extra))
    }

    fn login(&self, provider: Provider, behaviour: &str, extra: &[&str]) -> Out {
        let mut c = self.mobile("login", provider, &person_args(provider, behaviour));
        c.args(extra);
        run_mobile(c)
    }
}

// ==== verification ===========================================================================

/// `imza verify SIG [--detached CONTENT] --trust ROOT`.
fn imza_verify(sig: &Path, detached: Option<&Path>, root: &Path) -> Out {
    let mut c = imza();
    c.arg("verify").arg(sig);
    if let Some(d) = detached {
        c.arg("--detached").arg(d);
    }
    c.arg("--trust").arg(root);
    // A revocation status is required: the hierarchy's CRLs (pki/H/root.crl,
    // intermediate.crl), which do not list the mobile test certificates.
    for crl in ["root.crl", "intermediate.crl"] {
        c.arg("--crl").arg(root.with_file_name(crl));
    }
    run(c)
}

/// `openssl cms -verify` of a DER signature against one root (`-purpose any`: the test
/// certificates have no S/MIME extended key usage). On success the verified content is in
/// `<sig>.verified`.
fn openssl_verify(sig: &Path, root: &Path, detached: Option<&Path>) -> Out {
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
    openssl(&args)
}

/// Both verifiers accept `sig` (over the document, given separately when `detached`), and
/// OpenSSL recovers the document from an attached signature.
fn both_accept(dir: &Scratch, sig: &Path, provider: Provider, detached: bool) {
    let doc = dir.doc();
    let d = detached.then_some(doc.as_path());
    let v = imza_verify(sig, d, &provider.root());
    assert_eq!(v.code, 0, "imza verify: {}", v.ctx());
    assert!(v.stdout.contains("TOTAL_PASSED"), "{}", v.ctx());
    let o = openssl_verify(sig, &provider.root(), d);
    assert_eq!(o.code, 0, "OpenSSL rejects the signature: {}", o.ctx());
    if !detached {
        let content = fs::read(sig.with_extension("verified")).unwrap();
        assert_eq!(content, CONTENT, "the encapsulated content");
    }
}

/// Checks the stderr of a successful `mobile sign` by the confirming person.
fn signed_by_confirm(out: &Out, sig: &Path) {
    out.verification_code();
    assert!(
        out.stderr.contains(&format!("Signing as {CONFIRM_NAME}")),
        "{}",
        out.ctx()
    );
    assert!(
        out.stderr
            .contains(&format!("Signed; wrote {}", sig.display())),
        "{}",
        out.ctx()
    );
    assert!(!out.stderr.contains("imza:"), "{}", out.ctx());
}

/// The confirming person signs attached and detached; both verify; the detached one fails
/// over content with one byte changed.
fn confirm_attached_and_detached(
    dir: &Scratch,
    server: &MobileServer,
    provider: Provider,
    person: &[String],
    tag: &str,
) {
    let attached = dir.path(&format!("{tag}.p7m"));
    let out = run_mobile(server.sign_cmd(dir, provider, person, false, &attached, &[])).success();
    signed_by_confirm(&out, &attached);
    both_accept(dir, &attached, provider, false);

    let detached = dir.path(&format!("{tag}.p7s"));
    let out = run_mobile(server.sign_cmd(dir, provider, person, true, &detached, &[])).success();
    signed_by_confirm(&out, &detached);
    both_accept(dir, &detached, provider, true);

    // One byte of the content changed: both verifiers refuse.
    let mut tampered = CONTENT.to_vec();
    tampered[5] ^= 0x01;
    let other = dir.path(&format!("{tag}-tampered.txt"));
    fs::write(&other, &tampered).unwrap();
    let v = imza_verify(&detached, Some(&other), &provider.root());
    assert_eq!(v.code, 1, "imza verify over tampered content: {}", v.ctx());
    assert!(v.stdout.contains("TOTAL_FAILED"), "{}", v.ctx());
    let o = openssl_verify(&detached, &provider.root(), Some(&other));
    assert_ne!(o.code, 0, "OpenSSL accepts tampered content: {}", o.ctx());
}

// ==== signing ================================================================================

#[test]
fn mobile_id_signature_attached_and_detached_verifies_in_imza_and_openssl() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("mid-confirm");
    let server = MobileServer::start(&dir, 3);
    let person = person_args(Provider::Mid, "confirm");
    confirm_attached_and_detached(&dir, &server, Provider::Mid, &person, "mid");
}

#[test]
fn smart_id_signature_by_id_and_by_document_verifies_in_imza_and_openssl() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("sid-confirm");
    let server = MobileServer::start(&dir, 3);
    let by_id = person_args(Provider::SmartId, "confirm");
    assert_eq!(by_id, ["--id", CONFIRM_ID]);
    confirm_attached_and_detached(&dir, &server, Provider::SmartId, &by_id, "sid-id");

    let by_document = [
        "--document".to_owned(),
        format!("PNOEE-{CONFIRM_ID}-MOCK-Q"),
    ];
    confirm_attached_and_detached(&dir, &server, Provider::SmartId, &by_document, "sid-doc");

    // The UUID on the command line instead of the environment works the same.
    let sig = dir.path("sid-flag.p7m");
    let mut c = server.sign_cmd(&dir, Provider::SmartId, &by_document, false, &sig, &[]);
    c.env_remove("IMZA_RP_UUID").args(["--rp-uuid", RP_UUID]);
    let out = run_mobile(c).success();
    signed_by_confirm(&out, &sig);
    both_accept(&dir, &sig, Provider::SmartId, false);
}

/// One scripted failure: the person's behaviour, the exit code, a part of the message.
type Failure = (&'static str, i32, &'static str);

/// Runs `mobile sign` for every person of `table` at once (they are independent sessions on
/// one server) and checks the exit code, the message, that the messages differ, and that no
/// file was written.
fn failures_of_sign(provider: Provider, table: &[Failure]) {
    let dir = Scratch::new(&format!("{}-failures", provider.arg()));
    let server = MobileServer::start(&dir, 3);
    let outs: Vec<Out> = std::thread::scope(|scope| {
        let handles: Vec<_> = table
            .iter()
            .map(|&(behaviour, _, _)| {
                let (dir, server) = (&dir, &server);
                scope.spawn(move || {
                    let out = dir.path(&format!("{behaviour}.p7m"));
                    server.sign(dir, provider, behaviour, &out, &[])
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut messages = BTreeSet::new();
    for (&(behaviour, code, text), out) in table.iter().zip(&outs) {
        assert_eq!(out.code, code, "{behaviour}: exit code: {}", out.ctx());
        let line = out.failure_line();
        assert!(
            line.starts_with("imza: mobile ID: "),
            "{behaviour}: {}",
            out.ctx()
        );
        assert!(
            line.contains(text),
            "{behaviour}: expected {text:?} in the message: {}",
            out.ctx()
        );
        assert!(out.stdout.is_empty(), "{behaviour}: {}", out.ctx());
        assert!(
            !out.stderr.contains("Signed; wrote"),
            "{behaviour}: {}",
            out.ctx()
        );
        assert!(
            messages.insert(line.to_owned()),
            "{behaviour}: the same message as another failure: {line}"
        );
    }
    // Neither an output file nor a temporary one is left behind.
    let files = dir.files();
    let expected: BTreeSet<String> = ["doc.txt", "mobile-server.log"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(files, expected, "files written by failed signings");
}

#[test]
fn mobile_id_failures_have_their_own_message_and_exit_code() {
    if !have_tools() {
        return;
    }
    failures_of_sign(
        Provider::Mid,
        &[
            ("cancel", 1, "the person cancelled on the phone"),
            ("never", 1, "did not answer on the phone in time"),
            ("none", 1, "has no mobile ID with this service"),
            ("absent", 1, "the phone is off or out of coverage"),
            ("delivery", 1, "could not be delivered to the phone"),
            ("sim", 1, "the SIM card failed"),
            ("hashmismatch", 1, "the SIM card must be replaced"),
            ("garbage", 65, "malformed Mobile-ID session status"),
            ("wrongkey", 65, "signature does not verify over the hash"),
            ("untrusted", 65, "certificate is not trusted"),
            ("always500", 69, "failed with HTTP 500 (4 attempts)"),
            (
                "badrequest",
                69,
                "refused the request as malformed (HTTP 400)",
            ),
        ],
    );
}

#[test]
fn smart_id_failures_have_their_own_message_and_exit_code() {
    if !have_tools() {
        return;
    }
    failures_of_sign(
        Provider::SmartId,
        &[
            ("cancel", 1, "the person cancelled on the phone"),
            ("never", 1, "did not answer on the phone in time"),
            ("none", 1, "has no mobile ID with this service"),
            ("wrongvc", 1, "chose the wrong verification code"),
            (
                "refusedpin",
                1,
                "refused on the phone (USER_REFUSED_DISPLAYTEXTANDPIN)",
            ),
            ("unusable", 1, "Smart-ID account cannot be used"),
            ("nosuitable", 1, "no account of the requested level"),
            ("viewapp", 1, "must open the Smart-ID app or portal"),
            ("maintenance", 69, "under maintenance"),
            ("garbage", 65, "malformed Smart-ID session status"),
            ("wrongkey", 65, "signature does not verify over the hash"),
            ("untrusted", 65, "certificate is not trusted"),
        ],
    );
}

#[test]
fn retried_server_errors_and_slow_answers_still_sign() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("flaky-slow");
    let flaky = MobileServer::start(&dir, 3);
    let slow = MobileServer::start(&dir, 3);
    let cases = [
        (&flaky, Provider::Mid, "flaky"),
        (&flaky, Provider::SmartId, "flaky"),
        (&slow, Provider::Mid, "slow"),
        (&slow, Provider::SmartId, "slow"),
    ];
    let outs: Vec<(PathBuf, Out)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|&(server, provider, behaviour)| {
                let dir = &dir;
                scope.spawn(move || {
                    let sig = dir.path(&format!("{}-{behaviour}.p7m", provider.arg()));
                    let out = server.sign(dir, provider, behaviour, &sig, &[]);
                    (sig, out)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((_, provider, behaviour), (sig, out)) in cases.iter().zip(&outs) {
        assert_eq!(out.code, 0, "{behaviour}: {}", out.ctx());
        out.verification_code();
        assert!(
            out.stderr.contains(&format!(
                "Signing as {} TESTNUMBER",
                behaviour.to_uppercase()
            )),
            "{}",
            out.ctx()
        );
        both_accept(&dir, sig, *provider, false);
    }
    // Every flaky session (Mobile-ID signature; Smart-ID certificate choice and signature)
    // answered 500 twice and was polled a third time.
    let sessions = flaky.sessions();
    assert_eq!(sessions.len(), 3, "{sessions:?}");
    assert!(
        sessions.iter().all(|&(polls, _)| polls == 3),
        "{sessions:?}"
    );
}

// ==== login ==================================================================================

#[test]
fn login_prints_who_authenticated_as_text_and_json() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("login");
    let server = MobileServer::start(&dir, 3);
    for provider in [Provider::Mid, Provider::SmartId] {
        let out = server.login(provider, "confirm", &[]).success();
        out.verification_code();
        assert_eq!(
            out.stdout,
            format!("authenticated: {CONFIRM_NAME}\n"),
            "{}",
            out.ctx()
        );

        let out = server.login(provider, "confirm", &["--json"]).success();
        let code = out.verification_code();
        let v: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("login --json is not JSON ({e}): {}", out.ctx()));
        assert_eq!(v["provider"], provider.name(), "{v}");
        assert_eq!(v["verification_code"], code.as_str(), "{v}");
        let id = &v["identity"];
        assert_eq!(id["personal_code"], CONFIRM_ID, "{v}");
        assert_eq!(id["serial_number"], format!("PNOEE-{CONFIRM_ID}"), "{v}");
        assert_eq!(id["given_name"], "MARY ÄNN", "{v}");
        assert_eq!(id["surname"], "O’CONNEŽ-ŠUSLIK TESTNUMBER", "{v}");
        assert_eq!(id["country"], "EE", "{v}");
        match provider {
            Provider::Mid => assert!(id["document_number"].is_null(), "{v}"),
            Provider::SmartId => {
                assert_eq!(
                    id["document_number"],
                    format!("PNOEE-{CONFIRM_ID}-MOCK-Q"),
                    "{v}"
                );
            }
        }
        // The certificate is the person's authentication certificate.
        let auth = person(provider, "confirm")["auth_cert"]
            .as_str()
            .unwrap()
            .to_owned();
        let expected = fs::read_to_string(fixtures().join(auth)).unwrap();
        let b64 = |pem: &str| -> String {
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>()
        };
        let pem = v["certificate"].as_str().unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{v}");
        assert_eq!(
            b64(pem),
            b64(&expected),
            "not the authentication certificate"
        );

        let out = server.login(provider, "cancel", &["--json"]);
        assert_eq!(out.code, 1, "{}", out.ctx());
        assert!(
            out.failure_line()
                .contains("the person cancelled on the phone"),
            "{}",
            out.ctx()
        );
        assert!(out.stdout.is_empty(), "{}", out.ctx());
    }
}

// ==== relying party, input, polling, deadline ================================================

#[test]
fn wrong_relying_party_uuid_is_a_service_problem_and_not_printed() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("wrong-rp");
    let server = MobileServer::start(&dir, 3);
    for provider in [Provider::Mid, Provider::SmartId] {
        let before = server.requests();
        let sig = dir.path(&format!("{}.p7m", provider.arg()));
        let mut c = server.sign_cmd(
            &dir,
            provider,
            &person_args(provider, "confirm"),
            false,
            &sig,
            &[],
        );
        c.env("IMZA_RP_UUID", WRONG_RP_UUID);
        let out = run_mobile(c);
        assert_eq!(out.code, 69, "{}", out.ctx());
        assert!(
            out.failure_line().contains("relying party"),
            "{}",
            out.ctx()
        );
        assert!(!sig.exists());
        assert!(
            server.requests() > before,
            "the request did not reach the server"
        );
    }
}

#[test]
fn bad_input_is_refused_as_usage() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("bad-input");
    let server = MobileServer::start(&dir, 3);
    let sig = dir.path("x.p7m");

    // A phone number that is not E.164: refused before anything is sent.
    let before = server.requests();
    let person = ["--phone", "12345", "--id", CONFIRM_ID].map(String::from);
    let out = run_mobile(server.sign_cmd(&dir, Provider::Mid, &person, false, &sig, &[]));
    assert_eq!(out.code, 64, "{}", out.ctx());
    assert!(
        out.failure_line().contains("invalid phone number"),
        "{}",
        out.ctx()
    );
    assert_eq!(server.requests(), before, "a request was sent");

    // Mobile-ID display texts: 101 GSM-7 characters, 51 UCS-2 ones (õ is not GSM-7).
    let gsm = "a".repeat(101);
    let ucs = "õ".repeat(51);
    for (text, what) in [(&gsm, "101 GSM-7 units"), (&ucs, "51 UCS-2 units")] {
        let out = server.sign(
            &dir,
            Provider::Mid,
            "confirm",
            &sig,
            &["--display-text", text],
        );
        assert_eq!(out.code, 64, "{}", out.ctx());
        assert!(out.failure_line().contains(what), "{}", out.ctx());
        assert!(!sig.exists());
    }
    // A text no provider would take is refused before the certificate step, so the person
    // is never asked for anything (Smart-ID's certificate choice is a session of its own).
    let before = server.requests();
    let long = "a".repeat(201);
    for provider in [Provider::Mid, Provider::SmartId] {
        let out = server.sign(&dir, provider, "confirm", &sig, &["--display-text", &long]);
        assert_eq!(out.code, 64, "{}", out.ctx());
        assert!(!sig.exists());
    }
    assert_eq!(server.requests(), before, "a request was sent");
    // SK's current limits (40 GSM-7 characters) refuse what the default accepts.
    let forty_one = "a".repeat(41);
    let out = server.sign(
        &dir,
        Provider::Mid,
        "confirm",
        &sig,
        &["--mid-text-limits", "sk", "--display-text", &forty_one],
    );
    assert_eq!(out.code, 64, "{}", out.ctx());
    assert!(out.failure_line().contains("at most 40"), "{}", out.ctx());
    assert_eq!(server.requests(), before, "a request was sent");
    // At the limit, a UCS-2 text is fine.
    let out = server.sign(
        &dir,
        Provider::Mid,
        "confirm",
        &sig,
        &["--display-text", &"õ".repeat(50)],
    );
    assert_eq!(out.code, 0, "{}", out.ctx());
    fs::remove_file(&sig).unwrap();

    // Smart-ID takes UTF-8, emoji included.
    let out = server
        .sign(
            &dir,
            Provider::SmartId,
            "confirm",
            &sig,
            &["--display-text", "Allkirjasta leping 😀 nr 12 — Şəhər"],
        )
        .success();
    signed_by_confirm(&out, &sig);
    both_accept(&dir, &sig, Provider::SmartId, false);
}

#[test]
fn a_server_that_answers_running_at_once_is_not_busy_polled() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("impatient");
    let server = MobileServer::start(&dir, 3);
    let sig = dir.path("impatient.p7m");
    let out = server.sign(&dir, Provider::Mid, "impatient", &sig, &[]);
    assert_eq!(out.code, 0, "{}", out.ctx());
    both_accept(&dir, &sig, Provider::Mid, false);
    let sessions = server.sessions();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    for &(polls, per_second) in &sessions {
        assert!(per_second <= 2, "busy wait: {sessions:?}");
        assert!((2..=6).contains(&polls), "polls: {sessions:?}");
    }
    let total: u64 = sessions.iter().map(|&(p, _)| p).sum();
    assert!(total <= 6, "{total} polls: {sessions:?}");
}

#[test]
fn the_deadline_ends_a_session_the_person_never_answers() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("deadline");
    // The "never" people would time out on the server only after a minute.
    let server = MobileServer::start(&dir, 60);
    let outs: Vec<(PathBuf, Out)> = std::thread::scope(|scope| {
        let handles: Vec<_> = [Provider::Mid, Provider::SmartId]
            .into_iter()
            .map(|provider| {
                let (dir, server) = (&dir, &server);
                scope.spawn(move || {
                    let sig = dir.path(&format!("{}.p7m", provider.arg()));
                    let out = server.sign(dir, provider, "never", &sig, &["--timeout", "2"]);
                    (sig, out)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (sig, out) in &outs {
        assert_eq!(out.code, 69, "{}", out.ctx());
        assert!(out.failure_line().contains("deadline"), "{}", out.ctx());
        assert!(!sig.exists());
    }
}

/// `--timeout` covers the whole command, not each session: the impatient Smart-ID person
/// keeps each of the two sessions (certificate choice, signature) running for 3 s, so 4 s
/// are not enough for both.
#[test]
fn the_timeout_covers_certificate_choice_and_signature_together() {
    if !have_tools() {
        return;
    }
    let dir = Scratch::new("whole-timeout");
    let server = MobileServer::start(&dir, 3);
    let sig = dir.path("x.p7m");
    let out = server.sign(
        &dir,
        Provider::SmartId,
        "impatient",
        &sig,
        &["--timeout", "4"],
    );
    assert_eq!(out.code, 69, "{}", out.ctx());
    assert!(out.failure_line().contains("deadline"), "{}", out.ctx());
    assert!(!sig.exists());
}
