//! Interop of `imza token issue` / `imza token verify` with two other JOSE implementations,
//! PyJWT (python) and panva `jose` (node), for ES256, ES384, ES512, RS256, PS256 and EdDSA
//! (Ed25519), both ways: tokens they issue verify in imza, tokens imza issues verify in
//! them. The helper scripts and pinned versions are in `interop/` (see its README).
//!
//! The peers must be installed: `bash .ci/run` does it, or
//! `python3 -m pip install -r interop/python/requirements.txt` and
//! `(cd interop/node && npm ci)`. A missing peer FAILS the test rather than skipping it, so
//! the interop cannot silently stop being checked.
//!
//! Run with the table: `cargo test -p imza-cli --test token_interop -- --nocapture`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const ISS: &str = "https://issuer.interop.imza.test";
const AUD: &str = "imza-interop-audience";
/// The `sub` claim both peers' issue scripts put in their tokens.
const SUB: &str = "imza-interop";

/// (JWS alg, key under test-vectors/certs without `.key`, the only alg then allowed by
/// `--alg` in the wrong-alg check, whether that alg fits the key). When it fits (RS256 and
/// PS256 share the RSA key) the token is simply not allowed: exit 1. When it does not fit
/// the key, imza may also refuse the arguments: 1, 64 (usage) or 65 (data) all reject.
const ALGS: &[(&str, &str, &str, bool)] = &[
    ("ES256", "p256", "ES384", false),
    ("ES384", "p384", "ES256", false),
    ("ES512", "p521", "ES384", false),
    ("RS256", "rsa2048", "PS256", true),
    ("PS256", "rsa2048", "RS256", true),
    ("EdDSA", "ed25519", "ES256", false),
];

const INSTALL_HINT: &str = "run `bash .ci/run` (it installs the interop peers), or by hand: \
     `python3 -m pip install -r interop/python/requirements.txt` and \
     `(cd interop/node && npm ci)`";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> String {
    std::env::var("IMZA_INTEROP_PYTHON").unwrap_or_else(|_| "python3".to_owned())
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

fn run(mut cmd: Command) -> Out {
    let desc = format!("{cmd:?}");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {desc}: {e}\n{INSTALL_HINT}"));
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        cmd: desc,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lib {
    PyJwt,
    Jose,
}

impl Lib {
    fn name(self) -> &'static str {
        match self {
            Lib::PyJwt => "PyJWT",
            Lib::Jose => "jose",
        }
    }

    /// Panics with the install hint when the peer is missing; returns its version.
    fn require(self) -> String {
        match self {
            Lib::PyJwt => {
                let mut cmd = Command::new(python());
                cmd.args(["-c", "import jwt, cryptography; print(jwt.__version__)"]);
                let out = cmd.stdin(Stdio::null()).output();
                match out {
                    Ok(o) if o.status.success() => {
                        String::from_utf8_lossy(&o.stdout).trim().to_owned()
                    }
                    Ok(o) => panic!(
                        "PyJWT (with cryptography) is not installed for {}: {}\n{INSTALL_HINT}",
                        python(),
                        String::from_utf8_lossy(&o.stderr).trim()
                    ),
                    Err(e) => panic!("cannot run {}: {e}\n{INSTALL_HINT}", python()),
                }
            }
            Lib::Jose => {
                if let Err(e) = Command::new("node")
                    .arg("--version")
                    .stdin(Stdio::null())
                    .output()
                {
                    panic!("cannot run node: {e}\n{INSTALL_HINT}");
                }
                let manifest = root().join("interop/node/node_modules/jose/package.json");
                let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
                    panic!(
                        "panva jose is not installed ({}: {e})\n{INSTALL_HINT}",
                        manifest.display()
                    )
                });
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                v["version"].as_str().unwrap_or("?").to_owned()
            }
        }
    }

    fn script(self, verb: &str) -> Command {
        match self {
            Lib::PyJwt => {
                let mut c = Command::new(python());
                c.arg(root().join(format!("interop/python/{verb}.py")));
                c
            }
            Lib::Jose => {
                let mut c = Command::new("node");
                c.arg(root().join(format!("interop/node/{verb}.mjs")));
                c
            }
        }
    }

    fn issue(self, key: &Path, alg: &str) -> Out {
        let mut c = self.script("issue");
        c.arg(key).args([alg, ISS, AUD]);
        run(c)
    }

    fn verify(self, public: &Path, alg: &str, token: &str) -> Out {
        let mut c = self.script("verify");
        c.arg(public).args([alg, ISS, AUD, token]);
        run(c)
    }
}

fn imza_issue(key: &Path, alg: &str) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_imza"));
    c.args(["token", "issue", "--key"])
        .arg(key)
        .args(["--alg", alg, "--iss", ISS, "--aud", AUD, "--ttl", "300"]);
    run(c)
}

/// `imza token verify TOKEN --key PUBLIC --alg ALG --iss ISS --aud AUD [extra]`. The token
/// goes first so that a multi-valued `--alg` cannot swallow it.
fn imza_verify(public: &Path, alg: &str, token: &str, extra: &[&str]) -> Out {
    let mut c = Command::new(env!("CARGO_BIN_EXE_imza"));
    c.args(["token", "verify", token, "--key"])
        .arg(public)
        .args(["--alg", alg, "--iss", ISS, "--aud", AUD])
        .args(extra);
    run(c)
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    let (mut bits, mut n, mut out) = (0usize, 0usize, Vec::new());
    for c in s.bytes() {
        let v = B64URL.iter().position(|&b| b == c)?;
        bits = ((bits << 6) | v) & 0xffff;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push(u8::try_from((bits >> n) & 0xff).unwrap());
        }
    }
    Some(out)
}

fn b64url_encode(data: &[u8]) -> String {
    let (mut bits, mut n, mut out) = (0usize, 0usize, String::new());
    for &b in data {
        bits = ((bits << 8) | usize::from(b)) & 0xffff;
        n += 8;
        while n >= 6 {
            n -= 6;
            out.push(char::from(B64URL[(bits >> n) & 63]));
        }
    }
    if n > 0 {
        out.push(char::from(B64URL[(bits << (6 - n)) & 63]));
    }
    out
}

/// The token with the middle character of its payload segment replaced (A <-> B).
fn flip_payload_char(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a compact JWS: {token}");
    let mut payload: Vec<char> = parts[1].chars().collect();
    let i = payload.len() / 2;
    payload[i] = if payload[i] == 'A' { 'B' } else { 'A' };
    let payload: String = payload.into_iter().collect();
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// The token with a well-formed but different payload (`sub` changed), same signature: only
/// the signature check can reject it.
fn edit_payload_claims(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "not a compact JWS: {token}");
    let bytes = b64url_decode(parts[1]).expect("payload is base64url");
    let mut claims: serde_json::Value = serde_json::from_slice(&bytes).expect("payload is JSON");
    claims["sub"] = serde_json::Value::from("imza-interop-tampered");
    let payload = b64url_encode(&serde_json::to_vec(&claims).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// Checks `imza token verify --json` output: header.alg, and the claims the peer issued.
fn json_matches(out: &Out, alg: &str) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_str(&out.stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
    let aud = &v["claims"]["aud"];
    let aud_ok = aud == AUD || aud.as_array().is_some_and(|a| a.iter().any(|x| x == AUD));
    if v["header"]["alg"] != alg {
        Err(format!("header.alg is {}, want {alg}", v["header"]["alg"]))
    } else if v["claims"]["iss"] != ISS || !aud_ok || v["claims"]["sub"] != SUB {
        Err(format!("claims are {}", v["claims"]))
    } else if !v["claims"]["exp"].is_number() {
        Err(format!("claims.exp is missing: {}", v["claims"]))
    } else {
        Ok(())
    }
}

/// At most three lines and 400 characters of a process's output, for failure messages.
fn clip(s: &str) -> String {
    let mut out: String = s.lines().take(3).collect::<Vec<_>>().join(" | ");
    if out.len() > 400 {
        let mut end = 400;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("...");
    }
    out
}

/// Collects the table cells of one algorithm's row and the details of what failed.
#[derive(Debug, Default)]
struct Row {
    cells: Vec<String>,
    failures: Vec<String>,
}

impl Row {
    fn pass(&mut self, cell: impl Into<String>) {
        self.cells.push(cell.into());
    }

    fn fail(&mut self, cell: impl Into<String>, what: &str, out: Option<&Out>, why: &str) {
        self.cells.push(cell.into());
        let mut msg = format!("{what}: {why}");
        if let Some(o) = out {
            write!(
                msg,
                "\n    command: {}\n    exit: {}\n    stdout: {}\n    stderr: {}",
                o.cmd,
                o.code,
                clip(&o.stdout),
                clip(&o.stderr)
            )
            .unwrap();
        }
        self.failures.push(msg);
    }

    /// A check that wants exit code `want`.
    fn expect_code(&mut self, what: &str, out: &Out, want: i32) {
        if out.code == want {
            self.pass(format!("ok({})", out.code));
        } else {
            let why = format!("exit code {}, want {want}", out.code);
            self.fail(format!("FAIL({})", out.code), what, Some(out), &why);
        }
    }
}

const COLUMNS: &[(&str, &str)] = &[
    ("lib->imza", "the peer issues; `imza token verify` exits 0"),
    (
        "json",
        "`imza token verify --json` shows header.alg and the peer's iss/aud/sub/exp",
    ),
    (
        "flip",
        "imza exits 1 for the peer's token with one payload character flipped",
    ),
    (
        "edit",
        "imza exits 1 for the peer's token with a re-encoded payload (sub changed)",
    ),
    (
        "wrong-alg",
        "imza rejects the peer's token when --alg allows only another algorithm",
    ),
    (
        "imza->lib",
        "`imza token issue --ttl 300`; the peer's verify exits 0 (exp, iss, aud, alg list)",
    ),
    (
        "lib-flip",
        "the peer exits 1 for imza's token with one payload character flipped",
    ),
];

fn interop(lib: Lib) {
    let version = lib.require();
    let certs = root().join("test-vectors/certs");
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "token-interop-{}-{}",
        lib.name(),
        std::process::id()
    ));
    std::fs::create_dir_all(&tmp).unwrap();

    let mut table = String::new();
    writeln!(
        table,
        "\n{} {version} <-> imza (iss {ISS}, aud {AUD})",
        lib.name()
    )
    .unwrap();
    write!(table, "{:<7}", "alg").unwrap();
    for (name, _) in COLUMNS {
        write!(table, "{name:<11}").unwrap();
    }
    table.push('\n');
    let mut failures = Vec::new();

    for &(alg, key_name, wrong_alg, fits) in ALGS {
        let key = certs.join(format!("{key_name}.key"));
        let public = tmp.join(format!("{key_name}.pub.pem"));
        if !public.exists() {
            let mut c = Command::new("openssl");
            c.arg("pkey")
                .arg("-in")
                .arg(&key)
                .arg("-pubout")
                .arg("-out")
                .arg(&public);
            let out = run(c);
            assert_eq!(out.code, 0, "openssl pkey -pubout failed: {out:?}");
        }
        let mut row = Row::default();

        // The peer issues, imza verifies.
        let issued = lib.issue(&key, alg);
        if issued.code != 0 || issued.stdout.split('.').count() != 3 {
            let why = format!("{} could not issue a token", lib.name());
            let what = format!("{alg}: {} issue", lib.name());
            row.fail(format!("FAIL({})", issued.code), &what, Some(&issued), &why);
            for _ in 1..5 {
                row.pass("n/a");
            }
        } else {
            let token = issued.stdout.as_str();
            let out = imza_verify(&public, alg, token, &[]);
            row.expect_code(
                &format!("{alg}: {} token, imza verify", lib.name()),
                &out,
                0,
            );

            let out = imza_verify(&public, alg, token, &["--json"]);
            let what = format!("{alg}: {} token, imza verify --json", lib.name());
            if out.code != 0 {
                let why = format!("exit code {}, want 0", out.code);
                row.fail(format!("FAIL({})", out.code), &what, Some(&out), &why);
            } else {
                match json_matches(&out, alg) {
                    Ok(()) => row.pass("ok"),
                    Err(why) => row.fail("FAIL", &what, Some(&out), &why),
                }
            }

            let out = imza_verify(&public, alg, &flip_payload_char(token), &[]);
            let what = format!("{alg}: {} token, payload char flipped", lib.name());
            row.expect_code(&what, &out, 1);

            let out = imza_verify(&public, alg, &edit_payload_claims(token), &[]);
            let what = format!("{alg}: {} token, payload re-encoded", lib.name());
            row.expect_code(&what, &out, 1);

            let out = imza_verify(&public, wrong_alg, token, &[]);
            let what = format!("{alg}: {} token, imza verify --alg {wrong_alg}", lib.name());
            if out.code == 1 || (!fits && (out.code == 64 || out.code == 65)) {
                row.pass(format!("ok({})", out.code));
            } else {
                let why = if fits {
                    format!("exit code {}, want 1", out.code)
                } else {
                    format!("exit code {}, want 1, 64 or 65", out.code)
                };
                row.fail(format!("FAIL({})", out.code), &what, Some(&out), &why);
            }
        }

        // imza issues, the peer verifies.
        let issued = imza_issue(&key, alg);
        let what = format!("{alg}: imza token issue");
        if issued.code != 0 || issued.stdout.split('.').count() != 3 {
            let why = "no compact JWS on stdout".to_owned();
            row.fail(format!("FAIL({})", issued.code), &what, Some(&issued), &why);
            row.pass("n/a");
        } else {
            let token = issued.stdout.as_str();
            let out = lib.verify(&public, alg, token);
            let what = format!("{alg}: imza token, {} verify", lib.name());
            row.expect_code(&what, &out, 0);

            let out = lib.verify(&public, alg, &flip_payload_char(token));
            let what = format!("{alg}: imza token flipped, {} verify", lib.name());
            row.expect_code(&what, &out, 1);
        }

        write!(table, "{alg:<7}").unwrap();
        for cell in &row.cells {
            write!(table, "{cell:<11}").unwrap();
        }
        table.push('\n');
        failures.extend(row.failures);
    }
    for (name, meaning) in COLUMNS {
        writeln!(table, "  {name:<10} {meaning}").unwrap();
    }
    // One print so that the two tests' tables do not interleave.
    println!("{table}");
    std::fs::remove_dir_all(&tmp).ok();

    assert!(
        failures.is_empty(),
        "{} interop failures with {} {version}:\n{}",
        failures.len(),
        lib.name(),
        failures.join("\n")
    );
}

#[test]
fn interop_with_pyjwt() {
    interop(Lib::PyJwt);
}

#[test]
fn interop_with_node_jose() {
    interop(Lib::Jose);
}

#[test]
fn base64url_round_trip() {
    for len in 0..40u8 {
        let data: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
        let enc = b64url_encode(&data);
        assert!(!enc.contains('='));
        assert_eq!(b64url_decode(&enc).unwrap(), data);
    }
    assert_eq!(b64url_encode(b"{\"a\":1}"), "eyJhIjoxfQ");
}
