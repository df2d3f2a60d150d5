//! The committed C header must be exactly what the pinned cbindgen generates
//! (STYLE.md item 12). Set `IMZA_BLESS=1` to rewrite it instead.

// A test reports failure by panicking.
#![allow(clippy::panic)]

use std::path::Path;

const REGENERATE: &str = "IMZA_BLESS=1 cargo test -p imza-ffi --test header";

#[test]
fn header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("include").join("imza.h");
    let config = match cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => panic!("cannot read ffi/cbindgen.toml: {e}"),
    };
    let bindings = match cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(b) => b,
        Err(e) => panic!("cbindgen failed: {e}"),
    };
    let mut generated = Vec::new();
    bindings.write(&mut generated);

    if std::env::var_os("IMZA_BLESS").is_some_and(|v| v == "1") {
        if let Err(e) = std::fs::write(&header_path, &generated) {
            panic!("cannot write {}: {e}", header_path.display());
        }
        return;
    }

    let committed = std::fs::read(&header_path).unwrap_or_default();
    if committed != generated {
        let generated = String::from_utf8_lossy(&generated);
        let committed = String::from_utf8_lossy(&committed);
        let first_difference = generated
            .lines()
            .zip(committed.lines())
            .position(|(g, c)| g != c)
            .map_or_else(
                || "one file is a prefix of the other (or they differ only in line endings)".into(),
                |i| {
                    format!(
                        "line {}:\n  committed: {:?}\n  generated: {:?}",
                        i + 1,
                        committed.lines().nth(i).unwrap_or(""),
                        generated.lines().nth(i).unwrap_or(""),
                    )
                },
            );
        panic!(
            "ffi/include/imza.h is out of date with ffi/src/lib.rs (first difference at {first_difference}).\n\
             Do not edit the header by hand; regenerate it with:\n    {REGENERATE}\n\
             and commit the result."
        );
    }
}
