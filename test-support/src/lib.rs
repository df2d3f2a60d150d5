//! One rule for every test of the workspace whose input may be missing: a tool (`openssl`,
//! `python3`, `pcscd`), a peer, a shared test vector, a port.
//!
//! - Under `CI=true` a missing input **fails** the test: a suite that passes because it did
//!   not run proves nothing, and CI is where nobody reads the log of a green run.
//! - Outside CI the test is skipped: it prints `SKIPPED <test>: <why>` to the process's real
//!   stderr and returns. The line is written with [`std::io::Write`] on [`std::io::stderr`],
//!   not with `eprintln!`, because the test harness captures `eprintln!` and shows it only
//!   for failed tests, so a skip would otherwise vanish from `cargo test`'s output.
//!
//! The `IMZA_REQUIRE_*` switches ([`REQUIRE_SHARED`], [`REQUIRE_WEBEID`], [`REQUIRE_REDIS`],
//! [`REQUIRE_LIMBO`]) do what `CI=true` does, for their domain only; `scripts/test.sh` sets
//! them for the steps that run one domain outside the workspace run.
//!
//! A skipping test returns early, so it must call these helpers before anything else:
//!
//! ```no_run
//! #[test]
//! fn rfc7520_vectors_verify() {
//!     let Some(dir) = imza_test_support::shared("jose") else {
//!         return;
//!     };
//!     // ... use dir
//! #   let _ = dir;
//! }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt::Display;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Makes a missing `../shared` vector fail the test (as `CI=true` does).
pub const REQUIRE_SHARED: &str = "IMZA_REQUIRE_SHARED";
/// Makes missing Web eID vectors (`$IMZA_SHARED_VECTORS/webeid`) fail the test.
pub const REQUIRE_WEBEID: &str = "IMZA_REQUIRE_WEBEID";
/// Makes a missing `redis-server` fail the Redis challenge store test.
pub const REQUIRE_REDIS: &str = "IMZA_REQUIRE_REDIS";
/// Makes a missing x509-limbo file fail the limbo conformance test.
pub const REQUIRE_LIMBO: &str = "IMZA_REQUIRE_LIMBO";

/// Whether the environment variable `name` is on: set, and not empty, `0` or `false`
/// (CI services set `CI=true`; `CI=false` or `CI=0` is how a person says "not CI").
fn on(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
    })
}

/// Whether this is a CI run (`CI` on), where a missing input fails the test.
pub fn in_ci() -> bool {
    on("CI")
}

/// The test being run: libtest runs each test on a thread named after it. A name typed by
/// hand at each call would go stale when the test is renamed.
fn current_test() -> String {
    std::thread::current()
        .name()
        .unwrap_or("(unnamed thread)")
        .to_owned()
}

/// Skips the current test because an input is missing (`why` says which and how to get it):
/// under CI this panics, failing the test; elsewhere it prints `SKIPPED <test>: <why>` to the
/// real stderr and returns, and the caller returns too.
#[track_caller]
pub fn skip(why: impl Display) {
    skip_or_fail(&["CI"], why);
}

/// As [`skip`], and the test also fails when the switch `require` (one of the
/// `IMZA_REQUIRE_*` constants) is on.
#[track_caller]
pub fn skip_unless(require: &str, why: impl Display) {
    skip_or_fail(&["CI", require], why);
}

#[track_caller]
#[allow(clippy::panic, reason = "a test fails by panicking")]
fn skip_or_fail(switches: &[&str], why: impl Display) {
    let test = current_test();
    if let Some(switch) = switches.iter().find(|s| on(s)) {
        panic!("{test}: {why} ({switch} is set: a missing input fails the test)");
    }
    // One write of the whole line, so that lines of parallel tests do not interleave.
    let line = format!("SKIPPED {test}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// The workspace root (where the top `Cargo.toml` is).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The shared test-vector folder: `IMZA_SHARED_VECTORS` (a relative path is taken from the
/// workspace root, whichever crate's test asks) or `../shared/test-vectors` next to the
/// workspace. It may not exist; [`shared`] checks.
pub fn shared_vectors() -> PathBuf {
    let root = workspace_root();
    match std::env::var_os("IMZA_SHARED_VECTORS") {
        Some(v) if !v.is_empty() => root.join(v),
        _ => root.join("../shared/test-vectors"),
    }
}

/// `rel` (a file or folder) inside the shared test vectors, or `None` after [`skip_unless`]
/// with [`REQUIRE_SHARED`] when it is not there.
#[track_caller]
pub fn shared(rel: &str) -> Option<PathBuf> {
    shared_required_by(REQUIRE_SHARED, rel)
}

/// As [`shared`], and a missing `rel` also fails the test when the domain switch `require`
/// is on.
#[track_caller]
pub fn shared_required_by(require: &str, rel: &str) -> Option<PathBuf> {
    let path = shared_vectors().join(rel);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "shared test vectors not found: {} (set IMZA_SHARED_VECTORS to the folder of \
         ../shared/test-vectors)",
        path.display()
    );
    skip_or_fail(&["CI", REQUIRE_SHARED, require], why);
    None
}

/// Whether `program args` runs and exits 0 (the args are a cheap probe such as `--version`);
/// otherwise [`skip`] with the reason and `false`.
#[track_caller]
pub fn have_tool(program: &str, args: &[&str]) -> bool {
    have_tool_required_by("CI", program, args)
}

/// As [`have_tool`], and a missing tool also fails the test when the switch `require` is on.
#[track_caller]
pub fn have_tool_required_by(require: &str, program: &str, args: &[&str]) -> bool {
    let why = match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => return true,
        Ok(o) => format!(
            "exit {:?}: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => e.to_string(),
    };
    skip_unless(
        require,
        format_args!("`{program}` is not available ({why})"),
    );
    false
}

/// A port free right now, from the system (binding port 0). Prefer it to a fixed port: a
/// fixed one collides with other test runs on the same machine. Bound on the wildcard
/// address: servers such as `openssl ocsp -port` bind that, and a port free on 127.0.0.1
/// alone may be the local end of an outgoing connection on another address.
#[allow(clippy::panic, reason = "a test fails by panicking")]
pub fn free_port() -> u16 {
    match TcpListener::bind("0.0.0.0:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(e) => panic!("no free loopback port: {e}"),
    }
}

/// Whether the fixed loopback `port` (one that fixtures name, so it cannot be chosen) is
/// free; a busy port is [`skip`]ped.
#[track_caller]
pub fn fixed_port_free(port: u16) -> bool {
    if TcpListener::bind(("127.0.0.1", port)).is_ok() {
        return true;
    }
    skip(format_args!("port {port} on 127.0.0.1 is busy"));
    false
}

/// Every order of `items`, for tests that show a verdict does not depend on input order.
pub fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first.clone());
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_name_comes_from_the_thread() {
        assert!(
            current_test().ends_with("the_test_name_comes_from_the_thread"),
            "{}",
            current_test()
        );
    }

    #[test]
    fn a_path_that_exists_is_returned() {
        // The workspace root holds Cargo.toml whatever IMZA_SHARED_VECTORS says.
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(free_port() > 0);
    }
}
