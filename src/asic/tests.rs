//! Name rules and roles, one table each.

use super::*;
use alloc::string::ToString;

#[test]
fn unsafe_names_are_refused_with_the_rule_they_break() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "empty name"),
        (b"../evil", "'..' path segment"),
        (b"a/../../evil", "'..' path segment"),
        (b"a/./b", "'.' path segment"),
        (b"./a", "'.' path segment"),
        (b"a//b", "empty path segment"),
        (b"/abs", "absolute path"),
        (b"\\abs", "backslash"),
        (b"a\\b", "backslash"),
        (b"C:\\x", "backslash"),
        (b"C:x", "drive letter"),
        (b"c:/x", "drive letter"),
        (b"a\0b", "control character"),
        (b"a\nb", "control character"),
        (b"a\x7fb", "control character"),
        (b"a\xc2\x85b", "control character"),
        (b"\xff\xfe", "not UTF-8"),
    ];
    for (raw, reason) in cases {
        match names::check(raw) {
            Err(ContainerError::UnsafeName { reason: r, .. }) => {
                assert_eq!(r, *reason, "{raw:?}");
            }
            other => panic!("{raw:?}: {other:?}"),
        }
    }
}

#[test]
fn ordinary_names_folders_and_unicode_pass() {
    for name in [
        "mimetype",
        "META-INF/",
        "META-INF/signatures0.xml",
        "a/b/c.pdf",
        "dilekçe ğüşıö.pdf",
        "a..b",
        ".hidden",
        "ab:c",
    ] {
        assert_eq!(names::check(name.as_bytes()).unwrap(), name);
    }
}

#[test]
fn duplicates_exact_and_by_case_are_refused() {
    let mut seen = names::Seen::default();
    seen.insert("Doc.pdf").unwrap();
    seen.insert("other.pdf").unwrap();
    let e = seen.insert("Doc.pdf").unwrap_err();
    assert_eq!(e.code(), 1352);
    let e = seen.insert("DOC.PDF").unwrap_err();
    assert!(e.to_string().contains("differ only in case"), "{e}");
    let e = seen
        .insert("İstanbul")
        .and_then(|()| seen.insert("i̇stanbul"));
    assert!(e.is_err());
}

#[test]
fn roles_follow_en_319_162_names() {
    let cases = [
        ("mimetype", Role::Mimetype),
        ("META-INF/", Role::Directory),
        ("doc.pdf", Role::DataObject),
        ("sub/mimetype", Role::DataObject),
        ("META-INF/manifest.xml", Role::OdfManifest),
        ("META-INF/signatures.xml", Role::XadesSignatures),
        ("META-INF/signatures001.xml", Role::XadesSignatures),
        ("META-INF/signatures-1.xml", Role::XadesSignatures),
        ("META-INF/signature.p7s", Role::CadesSignature),
        ("META-INF/signature001.p7s", Role::CadesSignature),
        ("META-INF/timestamp.tst", Role::Timestamp),
        ("META-INF/timestamp001.tst", Role::Timestamp),
        ("META-INF/ASiCManifest.xml", Role::AsicManifest),
        ("META-INF/ASiCManifest1.xml", Role::AsicManifest),
        (
            "META-INF/ASiCArchiveManifest.xml",
            Role::AsicArchiveManifest,
        ),
        ("META-INF/container.xml", Role::OtherMeta),
        ("META-INF/sub/signatures.xml", Role::OtherMeta),
        ("META-INF/evidencerecord.ers", Role::OtherMeta),
    ];
    for (name, role) in cases {
        assert_eq!(Role::of(name), role, "{name}");
    }
}
