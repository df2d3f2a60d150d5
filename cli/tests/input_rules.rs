//! How `imza` treats inputs it must refuse, by the exit codes of `cli/src/exit.rs`: a file
//! over the size limit is refused by its size before it is read (65), and a token on stdin
//! that is not UTF-8 is an invalid token (1), not an unreadable input (66).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn imza(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imza"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// A scratch directory of this test, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!("imza-input-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Self(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sparse file of `len` bytes: its size is known without a byte written.
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().set_len(len).unwrap();
    p
}

#[test]
fn a_file_over_the_size_limit_is_refused_by_its_size_without_being_read() {
    let dir = Scratch::new("limit");
    // The signature limit (imza::cms::MAX_CMS_LEN, 512 MiB) plus one byte, and the small-input
    // limit (16 MiB, keys and certificates) plus one byte.
    let cms_limit = 512u64 << 20;
    let big_sig = sparse(&dir.0, "big.p7s", cms_limit + 1);
    let big_key = sparse(&dir.0, "big.pem", (16 << 20) + 1);
    let cases: [(&[&str], u64); 2] = [
        (&["verify", big_sig.to_str().unwrap()], cms_limit + 1),
        (
            &[
                "token",
                "verify",
                "--key",
                big_key.to_str().unwrap(),
                "x.y.z",
            ],
            (16 << 20) + 1,
        ),
    ];
    for (args, size) in cases {
        let started = Instant::now();
        let out = imza(args, b"");
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{args:?}: {stderr}");
        // The size in the message comes from the file's metadata: it was refused by it,
        // not after reading past the limit (which can only say "larger than").
        assert!(
            stderr.contains(&format!("({size} bytes)")),
            "{args:?}: {stderr}"
        );
        assert!(elapsed < Duration::from_secs(20), "{args:?}: {elapsed:?}");
    }
}

#[test]
fn a_token_on_stdin_that_is_not_utf8_is_an_invalid_token_not_an_unreadable_input() {
    let key = root().join("test-vectors/certs/p256.pem");
    let key = key.to_str().unwrap();
    // A token-shaped input with one byte that is not UTF-8 (0xff).
    let token = b"eyJhbGciOiJFUzI1NiJ9.\xff.sig\n";
    let out = imza(&["token", "verify", "--key", key, "--json"], token);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert!(
        json["reason"].as_str().unwrap().contains("offset 21"),
        "{json}"
    );

    // The arguments are still checked first: no key is a usage error (64) whatever stdin holds.
    let out = imza(&["token", "verify"], token);
    assert_eq!(out.status.code(), Some(64));
}
