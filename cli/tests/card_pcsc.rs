//! Smart cards through the real PC/SC stack: `pcscd` with Debian's `vsmartcard-vpcd`
//! reader driver, and the project's virtual card (`imza-vcard`, PIV and eID profiles with
//! the test PKI's keys) connected to it. `scripts/card-env.sh start` starts pcscd (the test
//! suite does it); each test here starts its own card and the tests run one at a time.
//!
//! Without pcscd (or the built card) the tests fail under `CI=true` and say SKIPPED on stderr
//! elsewhere (`imza_test_support`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const READER: &str = "Virtual PCD 00 00";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pki(p: &str) -> PathBuf {
    root().join("test-vectors/pki").join(p)
}

fn imza() -> Command {
    Command::new(env!("CARGO_BIN_EXE_imza"))
}

fn vcard_bin() -> PathBuf {
    // Built by the workspace test run (`cargo test --workspace` builds every binary).
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_imza"));
    exe.with_file_name("imza-vcard")
}

/// Whether the reader stack is up and the virtual card built; when not, the test is skipped
/// (a failure under `CI=true`).
fn stack_ready() -> bool {
    let out = imza().args(["card", "list", "--json"]).output().unwrap();
    if !(out.status.success() && String::from_utf8_lossy(&out.stdout).contains(READER)) {
        imza_test_support::skip(format_args!(
            "pcscd with the vpcd readers is not running (bash scripts/card-env.sh start): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
        return false;
    }
    if !vcard_bin().exists() {
        imza_test_support::skip(format_args!(
            "{} is not built (cargo build -p imza-vcard)",
            vcard_bin().display()
        ));
        return false;
    }
    true
}

/// A virtual card in the first vpcd slot; removed (process killed) on drop.
struct VirtualCard(Child);

impl VirtualCard {
    fn start(profile: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(vcard_bin())
            .args(["--profile", profile, "--port", "35963", "--keys"])
            .arg(root().join("test-vectors/pki"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("imza-vcard starts");
        let stdout = child.stdout.take().unwrap();
        // From here on, a failure still removes the card (Drop kills the process).
        let me = Self(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(line.contains("connected"), "vcard said {line:?}");
        // Wait until pcscd reports the card in the reader (never probe the vpcd port: a
        // connection there is a card insertion).
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = imza().args(["card", "list", "--json"]).output().unwrap();
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
            let present = v.as_array().into_iter().flatten().any(|r| {
                r["name"] == READER && r["card_present"] == true && !r["profile"].is_null()
            });
            if present {
                return me;
            }
            assert!(
                Instant::now() < deadline,
                "the virtual card did not appear: {v}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        // Let pcscd notice the removal before the next card is inserted.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let out = imza().args(["card", "list", "--json"]).output();
            let gone = out.is_ok_and(|o| {
                let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
                !v.as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| r["name"] == READER && r["card_present"] == true)
            });
            if gone {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn run_with_stdin(mut c: Command, stdin: &str) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("imza-card-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn card_sign(dir: &Path, pin: &str, extra: &[&str]) -> (Output, PathBuf) {
    let content = dir.join("doc.txt");
    std::fs::write(&content, b"A decision signed with an ID card.\n").unwrap();
    let out = dir.join("doc.txt.p7m");
    let _ = std::fs::remove_file(&out);
    let mut c = imza();
    c.args(["card", "sign"])
        .arg(&content)
        .args(["--reader", READER, "--pin-stdin", "--format", "cades", "-o"])
        .arg(&out)
        .args(extra);
    (run_with_stdin(c, &format!("{pin}\n")), out)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn piv_and_eid_cards_are_listed_with_their_certificates() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    for (profile, name, auth_cn, sign_cn) in [
        ("piv", "PIV", "P-256 Login", "P-256 Signer"),
        ("eid", "EstEID (IDEMIA)", "P-256 Login", "P-384 Signer"),
    ] {
        let _card = VirtualCard::start(profile, &[]);
        let out = imza().args(["card", "list"]).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{READER}: {name} card")));
        let out = imza()
            .args(["card", "certs", "--reader", READER, "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["profile"], name);
        let certs = v["certificates"].as_array().unwrap();
        assert_eq!(certs.len(), 2, "{v}");
        assert_eq!(certs[0]["purpose"], "authentication");
        assert!(
            certs[0]["subject"].as_str().unwrap().contains(auth_cn),
            "{v}"
        );
        assert_eq!(certs[1]["purpose"], "signing");
        assert!(
            certs[1]["subject"].as_str().unwrap().contains(sign_cn),
            "{v}"
        );
    }
}

#[test]
fn wrong_pins_report_tries_left_then_blocked() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("pins");
    let _card = VirtualCard::start("piv", &[]);
    let (o, out) = card_sign(&dir, "000000", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 tries left"),
        "PIN state read first: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("wrong PIN; 2 tries left"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let (o, _) = card_sign(&dir, "000000", &[]);
    assert!(
        stderr(&o).contains("wrong PIN; 1 tries left"),
        "{}",
        stderr(&o)
    );
    // The last try is not spent without permission, even with the right PIN.
    let (o, _) = card_sign(&dir, "123456", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("only one PIN try is left"),
        "{}",
        stderr(&o)
    );
    let (o, _) = card_sign(&dir, "000000", &["--allow-last-try"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("blocked"), "{}", stderr(&o));
    let (o, _) = card_sign(&dir, "123456", &["--allow-last-try"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the PIN is blocked"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}

fn verify_both(sig: &Path, hierarchy: &str) {
    // A revocation status is required (issue 12 rule 7): the hierarchy's CRLs.
    let out = imza()
        .arg("verify")
        .arg(sig)
        .arg("--trust")
        .arg(pki(&format!("{hierarchy}/root.pem")))
        .arg("--crl")
        .arg(pki(&format!("{hierarchy}/intermediate.crl")))
        .arg("--crl")
        .arg(pki(&format!("{hierarchy}/root.crl")))
        .arg("--json")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["signatures"][0]["level"], "CAdES-BASELINE-B");
    let ossl = Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
        .arg(sig)
        .arg("-CAfile")
        .arg(pki(&format!("{hierarchy}/root.pem")))
        .args(["-out", "/dev/null"])
        .output()
        .expect("openssl");
    assert!(
        ossl.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&ossl.stderr)
    );
}

#[test]
fn card_signatures_verify_in_imza_and_openssl() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("sign");
    for (profile, pin, hierarchy) in [
        ("piv", "123456", "ecdsa-p256"),
        // RSA 2048: GENERAL AUTHENTICATE by command chaining, the answer by GET RESPONSE.
        ("piv-rsa", "123456", "rsa"),
        ("eid", "12345", "ecdsa-p384"),
    ] {
        let _card = VirtualCard::start(profile, &[]);
        let chain = pki(&format!("{hierarchy}/intermediate.pem"));
        let (o, sig) = card_sign(&dir, pin, &["--chain", chain.to_str().unwrap(), "--stats"]);
        assert_eq!(o.status.code(), Some(0), "{profile}: {}", stderr(&o));
        // One card signature: the APDU count and the time, for the README.
        let stats = stderr(&o);
        let line = stats.lines().find(|l| l.contains("APDUs")).unwrap();
        println!("{profile}: {line}");
        verify_both(&sig, hierarchy);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_card_signs_an_asic_e_container_of_two_files() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("asice");
    let (a, b) = (dir.join("karar.txt"), dir.join("ek 1.txt"));
    std::fs::write(&a, b"A decision signed with an ID card.\n").unwrap();
    std::fs::write(&b, b"Its annex.\n").unwrap();
    let out = dir.join("karar.asice");
    let _card = VirtualCard::start("eid", &[]);
    let chain = pki("ecdsa-p384/intermediate.pem");
    let mut c = imza();
    c.args(["card", "sign"])
        .arg(&a)
        .arg(&b)
        .args([
            "--reader",
            READER,
            "--pin-stdin",
            "--format",
            "asice",
            "--chain",
        ])
        .arg(&chain)
        .arg("-o")
        .arg(&out);
    let o = run_with_stdin(c, "12345\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = imza()
        .arg("verify")
        .arg(&out)
        .arg("--trust")
        .arg(pki("ecdsa-p384/root.pem"))
        .arg("--crl")
        .arg(pki("ecdsa-p384/intermediate.crl"))
        .arg("--crl")
        .arg(pki("ecdsa-p384/root.crl"))
        .arg("--json")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(v.status.code(), Some(0), "{json}");
    let s = &json["signatures"][0];
    assert_eq!(s["level"], "XAdES-BASELINE-B", "{json}");
    assert_eq!(s["scope"][0]["name"], "karar.txt", "{json}");
    assert_eq!(s["scope"][1]["name"], "ek 1.txt", "{json}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_card_signs_a_pdf() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("pades");
    let input = imza_test_support::workspace_root().join("test-vectors/pdf/form.pdf");
    let out = dir.join("form-signed.pdf");
    let _card = VirtualCard::start("eid", &[]);
    let chain = pki("ecdsa-p384/intermediate.pem");
    let mut c = imza();
    c.args(["card", "sign"])
        .arg(&input)
        .args([
            "--reader",
            READER,
            "--pin-stdin",
            "--format",
            "pades",
            "--chain",
        ])
        .arg(&chain)
        .arg("-o")
        .arg(&out);
    let o = run_with_stdin(c, "12345\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let signed = std::fs::read(&out).unwrap();
    assert!(signed.starts_with(&std::fs::read(&input).unwrap()));
    let v = imza()
        .arg("verify")
        .arg(&out)
        .arg("--trust")
        .arg(pki("ecdsa-p384/root.pem"))
        .arg("--crl")
        .arg(pki("ecdsa-p384/intermediate.crl"))
        .arg("--crl")
        .arg(pki("ecdsa-p384/root.crl"))
        .arg("--json")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(v.status.code(), Some(0), "{json}");
    let s = &json["signatures"][0];
    assert_eq!(s["level"], "PAdES-BASELINE-B", "{json}");
    assert_eq!(s["pdf"]["coverage"], "entire file", "{json}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn card_login_tokens_validate() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("login");
    let nonce = "12345678901234567890123456789012345678901234";
    for (profile, pin) in [("piv", "123456"), ("eid", "1234")] {
        let _card = VirtualCard::start(profile, &[]);
        let mut c = imza();
        c.args([
            "card",
            "login",
            "--origin",
            "https://portal.example",
            "--challenge",
            nonce,
        ])
        .args(["--reader", READER, "--pin-stdin"]);
        let o = run_with_stdin(c, &format!("{pin}\n"));
        assert_eq!(o.status.code(), Some(0), "{profile}: {}", stderr(&o));
        let token = dir.join(format!("{profile}.json"));
        std::fs::write(&token, &o.stdout).unwrap();
        let v = imza()
            .args(["token", "webeid-verify"])
            .arg(&token)
            .args([
                "--origin",
                "https://portal.example",
                "--challenge",
                nonce,
                "--trust",
            ])
            .arg(pki("ecdsa-p256/intermediate.pem"))
            .output()
            .unwrap();
        assert_eq!(v.status.code(), Some(0), "{profile}: {}", stderr(&v));
        assert!(String::from_utf8_lossy(&v.stdout).contains("P-256 Login"));
        // Another origin: refused.
        let v = imza()
            .args(["token", "webeid-verify"])
            .arg(&token)
            .args([
                "--origin",
                "https://evil.example",
                "--challenge",
                nonce,
                "--trust",
            ])
            .arg(pki("ecdsa-p256/intermediate.pem"))
            .output()
            .unwrap();
        assert_ne!(v.status.code(), Some(0));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn card_removed_mid_signature_is_a_removal_error() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("removed");
    let _card = VirtualCard::start("piv", &["--vanish-on-sign"]);
    let (o, out) = card_sign(&dir, "123456", &[]);
    assert_eq!(o.status.code(), Some(69), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the card was removed during the operation"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_card_held_exclusively_elsewhere_is_a_sharing_error() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let dir = scratch("exclusive");
    let _card = VirtualCard::start("piv", &[]);
    // Another process connects exclusively and then waits for its PIN on stdin.
    let content = dir.join("x.txt");
    std::fs::write(&content, b"x").unwrap();
    let mut holder = imza()
        .args(["card", "sign"])
        .arg(&content)
        .args([
            "--reader",
            READER,
            "--exclusive",
            "--pin-stdin",
            "--format",
            "cades",
            "-o",
        ])
        .arg(dir.join("x.p7m"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It shows the PIN state once it holds the card, then waits for the PIN.
    let mut line = String::new();
    BufReader::new(holder.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("tries left"), "holder said {line:?}");
    let o = imza()
        .args(["card", "certs", "--reader", READER])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(69), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another application is using the card exclusively"),
        "{}",
        stderr(&o)
    );
    let _ = holder.kill();
    let _ = holder.wait();
    // pcscd releases the exclusive hold when the holder's connection goes; wait for that
    // before the card is removed, so the next test starts from a quiet reader.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = imza().args(["card", "list", "--json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let held = v
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["exclusive_elsewhere"] == true);
        if !held {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "pcscd still reports the exclusive hold: {v}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn insertion_and_removal_are_seen_while_waiting() {
    use imza::card::pcsc::{Context, ReaderEvent};
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !stack_ready() {
        return;
    }
    let waiter = std::thread::spawn(|| {
        let ctx = Context::establish().unwrap();
        ctx.wait_for_change(Duration::from_secs(20)).unwrap()
    });
    // Give the waiter time to learn the current state (an empty reader) first.
    std::thread::sleep(Duration::from_millis(500));
    let card = VirtualCard::start("piv", &[]);
    let events = waiter.join().unwrap();
    assert!(
        events.contains(&ReaderEvent::CardInserted(READER.into())),
        "{events:?}"
    );
    let waiter = std::thread::spawn(|| {
        let ctx = Context::establish().unwrap();
        ctx.wait_for_change(Duration::from_secs(20)).unwrap()
    });
    std::thread::sleep(Duration::from_millis(500));
    drop(card);
    let events = waiter.join().unwrap();
    assert!(
        events.contains(&ReaderEvent::CardRemoved(READER.into())),
        "{events:?}"
    );
}
