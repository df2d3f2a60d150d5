//! The cross-reference chain of every DSS PDF in `../shared/test-vectors/docsig/` (pades and
//! attacks/pdf): each is read to its first revision, or refused with a typed error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use imza::pdf::xref::{chain, XrefLimits};

#[test]
fn dss_pdfs_have_readable_revision_chains() {
    let Some(shared) = imza_test_support::shared("docsig") else {
        return;
    };
    let mut seen = 0;
    for dir in ["pades", "attacks/pdf"] {
        let mut files: Vec<_> = std::fs::read_dir(shared.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let mut src: &[u8] = &bytes;
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            match chain(&mut src, &XrefLimits::default()) {
                Ok(s) => {
                    let kinds: Vec<String> = s
                        .iter()
                        .map(|x| {
                            format!(
                                "{}@{}:{}",
                                if x.stream { "stream" } else { "table" },
                                x.offset,
                                x.entries.len()
                            )
                        })
                        .collect();
                    eprintln!("{name}: {} sections {}", s.len(), kinds.join(" "));
                }
                Err(e) => eprintln!("{name}: refused: {e}"),
            }
            seen += 1;
        }
    }
    assert!(seen >= 14, "{seen}");
}
