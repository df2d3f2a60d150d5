//! The `imza` command without PC/SC: it builds without the PC/SC development files, its binary
//! does not link libpcsclite, and a card command on a machine without the library says what
//! to install and exits 69 (a service unavailable, as for a missing reader), without a crash.
//!
//! The PC/SC library is made unloadable with `IMZA_PCSC_LIBRARY` (imza-pcsc's override of the
//! library to load; only that file is tried) pointing at a file that does not exist, leaving
//! `LD_LIBRARY_PATH` and the installed libpcsclite alone.
//!
//! The build test checks that nothing in the command's dependency graph links PC/SC at build
//! time (`cargo tree`), that pkg-config pointed at an empty folder finds no `libpcsclite.pc`
//! (as on a machine without `libpcsclite-dev`), and that the binary cargo built does not link
//! libpcsclite (`ldd`). The release build with that empty `PKG_CONFIG_LIBDIR` runs in
//! `scripts/test.sh` on the shared target folder (a second target folder here cost minutes
//! of CI). `ldd` is needed: without it the test fails under `CI=true` and says SKIPPED
//! elsewhere (`imza_test_support`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// What a machine without PC/SC is told.
const NOT_INSTALLED: &str = "PC/SC is not installed: install pcscd (Debian: apt-get install pcscd)";
/// `imza card`'s exit code for a service that is not there (EX_UNAVAILABLE).
const UNAVAILABLE: i32 = 69;
/// A PC/SC library that cannot be loaded.
const NO_LIBRARY: &str = "/nonexistent/libpcsclite.so.1";

fn root() -> PathBuf {
    imza_test_support::workspace_root()
}

fn cargo() -> Command {
    // Cargo sets CARGO for the test processes it runs.
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `imza args...` with the PC/SC library made unloadable.
fn imza_without_pcsc(exe: &std::path::Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .env("IMZA_PCSC_LIBRARY", NO_LIBRARY)
        .output()
        .unwrap()
}

/// Checks that a card command said PC/SC is missing, exited 69 and did not crash.
fn assert_reports_missing_pcsc(o: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(UNAVAILABLE), "{what}: {}", show(o));
    assert!(stderr.contains(NOT_INSTALLED), "{what}: {}", show(o));
    assert!(
        stderr.contains(NO_LIBRARY),
        "{what}: the loader's reason is shown: {}",
        show(o)
    );
    assert!(!stderr.contains("panicked"), "{what}: {}", show(o));
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{what}: one line: {}",
        show(o)
    );
    assert!(
        o.stdout.is_empty(),
        "{what}: nothing on stdout: {}",
        show(o)
    );
}

#[test]
fn card_commands_without_the_pcsc_library_say_what_to_install_and_exit_69() {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_imza"));
    for args in [
        &["card", "list"][..],
        &["card", "list", "--json"],
        &["card", "certs"],
        &["card", "certs", "--reader", "Virtual PCD 00 00", "--json"],
    ] {
        let o = imza_without_pcsc(&exe, args);
        assert_reports_missing_pcsc(&o, &args.join(" "));
    }
    // Commands that need no card never load the library.
    let o = imza_without_pcsc(
        &exe,
        &[
            "cert",
            "show",
            root().join("test-vectors/certs/p521.pem").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", show(&o));
}

#[test]
fn the_cli_builds_without_pcsc_development_files_and_does_not_link_libpcsclite() {
    if !imza_test_support::have_tool("ldd", &["--version"]) {
        return;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_relative() { root().join(t) } else { t })
        .unwrap_or_else(|| root().join("target"))
        .join("no-pcsc");
    let empty = target.join("empty-pkgconfig");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(
        std::fs::read_dir(&empty).unwrap().next().is_none(),
        "{} must stay empty",
        empty.display()
    );

    // The setup hides libpcsclite.pc where there is one: pkg-config, if installed, cannot
    // find it any more.
    if let Ok(o) = Command::new("pkg-config")
        .args(["--exists", "libpcsclite"])
        .env("PKG_CONFIG_LIBDIR", &empty)
        .env("PKG_CONFIG_PATH", "")
        .output()
    {
        assert!(
            !o.status.success(),
            "pkg-config still finds libpcsclite with PKG_CONFIG_LIBDIR={}",
            empty.display()
        );
    }

    // Nothing in the command's dependency graph links PC/SC at build time.
    let tree = cargo()
        .current_dir(root())
        .args([
            "tree",
            "-p",
            "imza-cli",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .output()
        .unwrap();
    assert!(tree.status.success(), "{}", show(&tree));
    let tree = String::from_utf8_lossy(&tree.stdout);
    assert!(
        tree.contains("imza-pcsc"),
        "imza-pcsc is in the tree:\n{tree}"
    );
    for crate_name in ["pcsc-sys ", "pcsc ", "pkg-config "] {
        assert!(
            !tree.lines().any(|l| l.starts_with(crate_name)),
            "{} is a dependency of imza-cli:\n{tree}",
            crate_name.trim()
        );
    }

    // The binary cargo built for this test, with the default features (http, pcsc).
    // scripts/test.sh also builds the release binary with PKG_CONFIG_LIBDIR pointing at an
    // empty folder and checks `ldd target/release/imza` (the README's promise).
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_imza"));
    let ldd = Command::new("ldd").arg(&exe).output().unwrap();
    assert!(ldd.status.success(), "{}", show(&ldd));
    let libs = String::from_utf8_lossy(&ldd.stdout);
    assert!(
        !libs.contains("pcsclite"),
        "{} links libpcsclite:\n{libs}",
        exe.display()
    );
    assert!(
        libs.contains("libc.so"),
        "ldd listed the libraries:\n{libs}"
    );

    // That binary starts, and without PC/SC its card command says so.
    let o = imza_without_pcsc(&exe, &["card", "list"]);
    assert_reports_missing_pcsc(&o, "card list (binary built without pkg-config)");
}
