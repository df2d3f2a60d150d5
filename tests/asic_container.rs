//! ZIP containers: the DSS ASiC files (`../shared/test-vectors/docsig/asice`, `asics`) are
//! classified, listed and read; containers built here carry each attack the reader must
//! refuse (names, duplicates, bombs, lying headers, CRC, encryption) with its code; large
//! entries stream through in chunks; a UYAP `.udf` is recognised.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::io::Read;
use std::path::Path;

use imza::asic::{Container, ContainerError, Kind, Limits, Role, Warning};
use imza::crypto::HashAlgorithm;
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------
// A ZIP writer with every field under the test's control.

#[derive(Clone)]
struct Item {
    name: Vec<u8>,
    /// The bytes as they lie in the file (compressed or stored).
    payload: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    size: u64,
    extra: Vec<u8>,
    /// The name written in the local header, when it differs.
    local_name: Option<Vec<u8>>,
}

fn stored(name: &str, content: &[u8]) -> Item {
    Item {
        name: name.as_bytes().to_vec(),
        payload: content.to_vec(),
        method: 0,
        flags: 0,
        crc: rawzip::crc32(content),
        size: content.len() as u64,
        extra: Vec::new(),
        local_name: None,
    }
}

fn deflated(name: &str, content: &[u8]) -> Item {
    Item {
        payload: miniz_oxide::deflate::compress_to_vec(content, 6),
        method: 8,
        ..stored(name, content)
    }
}

fn with_name(mut item: Item, raw: &[u8]) -> Item {
    item.name = raw.to_vec();
    item
}

fn u16le(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Appends a local header and the entry's payload.
fn local(out: &mut Vec<u8>, it: &Item) {
    let name = it.local_name.as_ref().unwrap_or(&it.name);
    u32le(out, 0x0403_4b50);
    u16le(out, 20);
    u16le(out, it.flags);
    u16le(out, it.method);
    u32le(out, 0); // time, date
    u32le(out, it.crc);
    u32le(out, it.payload.len() as u32);
    u32le(out, it.size as u32);
    u16le(out, name.len() as u16);
    u16le(out, it.extra.len() as u16);
    out.extend_from_slice(name);
    out.extend_from_slice(&it.extra);
    out.extend_from_slice(&it.payload);
}

/// Appends the central directory (records pointing at the given offsets) and the end
/// record; `count` overrides the end record's entry count.
fn directory(mut out: Vec<u8>, records: &[(&Item, u32)], count: Option<u16>) -> Vec<u8> {
    let start = out.len() as u32;
    for (it, offset) in records {
        u32le(&mut out, 0x0201_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, 20);
        u16le(&mut out, it.flags);
        u16le(&mut out, it.method);
        u32le(&mut out, 0);
        u32le(&mut out, it.crc);
        u32le(&mut out, it.payload.len() as u32);
        u32le(&mut out, it.size as u32);
        u16le(&mut out, it.name.len() as u16);
        u16le(&mut out, 0); // extra
        u16le(&mut out, 0); // comment
        u16le(&mut out, 0); // disk
        u16le(&mut out, 0); // internal attributes
        u32le(&mut out, 0); // external attributes
        u32le(&mut out, *offset);
        out.extend_from_slice(&it.name);
    }
    let size = out.len() as u32 - start;
    let n = count.unwrap_or(records.len() as u16);
    u32le(&mut out, 0x0605_4b50);
    u32le(&mut out, 0);
    u16le(&mut out, n);
    u16le(&mut out, n);
    u32le(&mut out, size);
    u32le(&mut out, start);
    u16le(&mut out, 0);
    out
}

/// A ZIP of `items` in order; `count` overrides the end record's entry count.
fn zip_with_count(items: &[Item], count: Option<u16>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut records = Vec::new();
    for it in items {
        records.push((it, out.len() as u32));
        local(&mut out, it);
    }
    directory(out, &records, count)
}

fn zip(items: &[Item]) -> Vec<u8> {
    zip_with_count(items, None)
}

fn mimetype_e() -> Item {
    stored("mimetype", b"application/vnd.etsi.asic-e+zip")
}

/// Opens from a slice and, through a `Cursor`, from a reader; both must agree.
fn open(bytes: &[u8]) -> Result<Container<'_>, ContainerError> {
    let from_reader = Container::from_reader(std::io::Cursor::new(bytes), &Limits::default());
    let from_slice = Container::from_slice(bytes, &Limits::default());
    match (&from_slice, &from_reader) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.entries(), b.entries());
            assert_eq!(a.kind(), b.kind());
            assert_eq!(a.warnings(), b.warnings());
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("slice and reader disagree: {a:?} / {b:?}"),
    }
    from_slice
}

fn sha256_of(c: &Container<'_>, name: &str) -> Result<Vec<u8>, ContainerError> {
    let mut h = Sha256::new();
    c.stream(name, &mut |chunk: &[u8]| -> Result<(), ContainerError> {
        h.update(chunk);
        Ok(())
    })?;
    Ok(h.finalize().to_vec())
}

// ---------------------------------------------------------------------------------------
// The DSS containers.

struct Expected {
    file: &'static str,
    kind: Kind,
    mimetype: Option<&'static str>,
    warnings: &'static [Warning],
    data: &'static [&'static str],
    signatures: &'static [(&'static str, Role)],
    /// `full-path`s of `META-INF/manifest.xml`, when there is one.
    odf: Option<&'static [&'static str]>,
}

const E: Option<&str> = Some("application/vnd.etsi.asic-e+zip");
const S: Option<&str> = Some("application/vnd.etsi.asic-s+zip");
const NOT_FIRST: &[Warning] = &[Warning::MimetypeNotFirst];
const ODF: (&str, Role) = ("META-INF/manifest.xml", Role::OdfManifest);
const CADES_E: &[(&str, Role)] = &[
    ("META-INF/ASiCManifest.xml", Role::AsicManifest),
    ("META-INF/signature001.p7s", Role::CadesSignature),
];
const CADES_A: &[(&str, Role)] = &[
    ("META-INF/ASiCManifest.xml", Role::AsicManifest),
    ("META-INF/signature001.p7s", Role::CadesSignature),
    (
        "META-INF/ASiCArchiveManifest.xml",
        Role::AsicArchiveManifest,
    ),
    ("META-INF/timestamp001.tst", Role::Timestamp),
];
const ONE_XADES: &[(&str, Role)] = &[ODF, ("META-INF/signatures001.xml", Role::XadesSignatures)];
const TWO_XADES: &[(&str, Role)] = &[
    ODF,
    ("META-INF/signatures001.xml", Role::XadesSignatures),
    ("META-INF/signatures002.xml", Role::XadesSignatures),
];

const DSS: &[Expected] = &[
    Expected {
        file: "asice/dss-Signature-ASiC_LT_modified_cert_values.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["aaa.pdf", "tobesigned.txt"],
        signatures: &[("META-INF/signatures-1.xml", Role::XadesSignatures)],
        odf: None,
    },
    Expected {
        file: "asice/dss-cades-brokenReference.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["test.text", "test2.text"],
        signatures: CADES_E,
        odf: None,
    },
    Expected {
        file: "asice/dss-cades-brokenReferenceAndAlteredManifest.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["test.text", "test2.text"],
        signatures: CADES_E,
        odf: None,
    },
    Expected {
        file: "asice/dss-cades-dss1421-broken.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: &[Warning::MimetypeNotFirst, Warning::MimetypeCompressed],
        data: &["TEST-DOC.txt"],
        signatures: CADES_A,
        odf: None,
    },
    Expected {
        file: "asice/dss-cades-dss1421.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: &[Warning::MimetypeNotFirst, Warning::MimetypeCompressed],
        data: &["TEST-DOC.txt"],
        signatures: CADES_A,
        odf: None,
    },
    Expected {
        file: "asice/dss-hello.bdoc",
        kind: Kind::AsicE,
        mimetype: Some("application/vnd.bdoc-1.0"),
        warnings: NOT_FIRST,
        data: &["Hello.pdf"],
        signatures: &[ODF, ("META-INF/signatures0.xml", Role::XadesSignatures)],
        odf: Some(&["/", "Hello.pdf"]),
    },
    Expected {
        file: "asice/dss-multifiles-ok.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["test.text", "test2.text"],
        signatures: TWO_XADES,
        odf: Some(&["/", "test.text", "test2.text"]),
    },
    Expected {
        file: "asice/dss-multifiles-wrong-file.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["cef-portal-esig.png"],
        signatures: TWO_XADES,
        odf: Some(&["/", "test.text", "test2.text"]),
    },
    Expected {
        file: "asice/dss-no-signed-file.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: &[Warning::MimetypeCompressed],
        data: &[],
        signatures: &[
            ODF,
            ("META-INF/signatures0.xml", Role::XadesSignatures),
            ("META-INF/signatures1.xml", Role::XadesSignatures),
        ],
        odf: Some(&["/"]),
    },
    Expected {
        file: "asice/dss-onefile-no-mimetype.asice",
        kind: Kind::AsicE,
        mimetype: None,
        warnings: &[Warning::MimetypeAbsent],
        data: &["test.text"],
        signatures: ONE_XADES,
        odf: Some(&["/", "test.text"]),
    },
    Expected {
        file: "asice/dss-onefile-ok.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["test.text"],
        signatures: ONE_XADES,
        odf: Some(&["/", "test.text"]),
    },
    Expected {
        file: "asice/dss-onefile-wrong-file.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: NOT_FIRST,
        data: &["cef-portal-esig.png"],
        signatures: ONE_XADES,
        odf: Some(&["/", "test.text"]),
    },
    Expected {
        file: "asice/dss-removed-doc.asice",
        kind: Kind::AsicE,
        mimetype: E,
        warnings: &[],
        data: &["tsa.crt", "root_ca.crl"],
        signatures: &[ODF, ("META-INF/signatures001.xml", Role::XadesSignatures)],
        odf: Some(&["/", "tsa.crt", "cacert.pem", "root_ca.crl"]),
    },
    Expected {
        file: "asics/dss-onefile-ok.asics",
        kind: Kind::AsicS,
        mimetype: S,
        warnings: NOT_FIRST,
        data: &["test.text"],
        signatures: &[("META-INF/signatures.xml", Role::XadesSignatures)],
        odf: None,
    },
    Expected {
        file: "asics/dss-onefile-wrong-file.asics",
        kind: Kind::AsicS,
        mimetype: S,
        warnings: NOT_FIRST,
        data: &["cef-portal-esig.png"],
        signatures: &[("META-INF/signatures.xml", Role::XadesSignatures)],
        odf: None,
    },
];

fn check_dss_file(dir: &Path, x: &Expected) {
    let path = dir.join(x.file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let c = open(&bytes).unwrap_or_else(|e| panic!("{}: {e}", x.file));
    assert_eq!(c.kind(), x.kind, "{}", x.file);
    assert_eq!(c.mimetype(), x.mimetype, "{}", x.file);
    assert_eq!(c.warnings(), x.warnings, "{}", x.file);
    let data: Vec<&str> = c.data_objects().map(|e| e.name.as_str()).collect();
    assert_eq!(data, x.data, "{}", x.file);
    let mut signatures: Vec<(&str, Role)> = c
        .signature_entries()
        .map(|e| (e.name.as_str(), e.role))
        .collect();
    let mut expected = x.signatures.to_vec();
    signatures.sort_by_key(|(n, _)| *n);
    expected.sort_by_key(|(n, _)| *n);
    assert_eq!(signatures, expected, "{}", x.file);
    let odf = c.odf_manifest().unwrap();
    let paths = odf.map(|m| {
        m.entries
            .iter()
            .map(|e| e.full_path.clone())
            .collect::<Vec<_>>()
    });
    assert_eq!(
        paths,
        x.odf.map(|p| p.iter().map(|s| s.to_string()).collect()),
        "{}",
        x.file
    );
    // Every entry reads to its end (size and CRC-32 checked), the same in memory, by
    // stream and through the io::Read adapter.
    for e in c.entries() {
        let small = c.read_small(&e.name).unwrap();
        assert_eq!(small.len() as u64, e.size, "{}: {}", x.file, e.name);
        assert_eq!(
            sha256_of(&c, &e.name).unwrap(),
            Sha256::digest(&small).to_vec()
        );
        let mut via_reader = Vec::new();
        c.reader(&e.name)
            .unwrap()
            .read_to_end(&mut via_reader)
            .unwrap();
        assert_eq!(via_reader, small, "{}: {}", x.file, e.name);
    }
    // The same from a file handle.
    let file = std::fs::File::open(&path).unwrap();
    let from_file = Container::from_reader(file, &Limits::default()).unwrap();
    assert_eq!(from_file.entries(), c.entries());
    assert_eq!(from_file.kind(), c.kind());
}

#[test]
fn every_dss_container_is_classified_and_listed() {
    let Some(dir) = imza_test_support::shared("docsig") else {
        return;
    };
    let mut files: Vec<String> = Vec::new();
    for sub in ["asice", "asics"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            files.push(format!("{sub}/{name}"));
        }
    }
    files.sort();
    let mut listed: Vec<String> = DSS.iter().map(|x| x.file.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "every vector has a row, every row a vector");
    for x in DSS {
        check_dss_file(&dir, x);
    }
}

/// Each `ASiCManifest` parses and its digests are checked against the entries, as DSS finds
/// them: `brokenReference` has one broken reference, `dss1421-broken` a changed archive
/// manifest digest, `brokenReferenceAndAlteredManifest` no XML at all.
#[test]
fn asic_manifests_parse_and_their_digests_are_as_dss_reports() {
    let Some(dir) = imza_test_support::shared("docsig") else {
        return;
    };
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static [(&'static str, bool)],
    );
    let rows: &[Row] = &[
        (
            "asice/dss-cades-brokenReference.asice",
            "META-INF/ASiCManifest.xml",
            "META-INF/signature001.p7s",
            &[("test.text", false), ("test2.text", true)],
        ),
        (
            "asice/dss-cades-dss1421.asice",
            "META-INF/ASiCManifest.xml",
            "META-INF/signature001.p7s",
            &[("TEST-DOC.txt", true)],
        ),
        (
            "asice/dss-cades-dss1421.asice",
            "META-INF/ASiCArchiveManifest.xml",
            "META-INF/timestamp001.tst",
            &[
                ("META-INF/signature001.p7s", true),
                ("TEST-DOC.txt", true),
                ("META-INF/ASiCManifest.xml", true),
            ],
        ),
        (
            "asice/dss-cades-dss1421-broken.asice",
            "META-INF/ASiCArchiveManifest.xml",
            "META-INF/timestamp001.tst",
            &[
                ("META-INF/signature001.p7s", false),
                ("TEST-DOC.txt", true),
                ("META-INF/ASiCManifest.xml", true),
            ],
        ),
    ];
    for (file, manifest, sig, refs) in rows {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let c = Container::from_slice(&bytes, &Limits::default()).unwrap();
        let m = c.asic_manifest(manifest).unwrap();
        assert_eq!(m.sig_reference.uri, *sig, "{file}");
        let found: Vec<(&str, bool)> = m
            .references
            .iter()
            .map(|r| {
                assert_eq!(r.hash, Some(HashAlgorithm::Sha256), "{file}");
                assert_eq!(r.digest_method, "http://www.w3.org/2001/04/xmlenc#sha256");
                let ok = sha256_of(&c, &r.uri).unwrap() == r.digest_value;
                (r.uri.as_str(), ok)
            })
            .collect();
        assert_eq!(found, *refs, "{file} {manifest}");
    }
    let bytes =
        std::fs::read(dir.join("asice/dss-cades-brokenReferenceAndAlteredManifest.asice")).unwrap();
    let c = Container::from_slice(&bytes, &Limits::default()).unwrap();
    let e = c.asic_manifest("META-INF/ASiCManifest.xml").unwrap_err();
    assert_eq!(e.code(), 1357, "{e}");
}

// ---------------------------------------------------------------------------------------
// Attacks, each with its code.

/// 1 GiB of zeros as raw deflate, about 1 MiB: one sync-flushed block for 1 MiB of zeros,
/// repeated (each block refers only to zeros), then an empty final block.
fn zeros_bomb() -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush,
    };
    let mut c = CompressorOxide::new(create_comp_flags_from_zip_params(6, -15, 0));
    let zeros = vec![0u8; 1 << 20];
    let mut block = vec![0u8; 64 << 10];
    let (_, consumed, written) = compress(&mut c, &zeros, &mut block, TDEFLFlush::Sync);
    assert_eq!(consumed, zeros.len());
    block.truncate(written);
    let mut out = Vec::with_capacity(block.len() * 1024 + 5);
    for _ in 0..1024 {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    out
}

fn lying(content: &[u8], declared: u64) -> Item {
    let mut it = deflated("doc.txt", content);
    it.size = declared;
    it
}

fn text(len: usize) -> Vec<u8> {
    // Words from a small generator: compresses about 3:1, like prose.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let word_len = 2 + (x % 9) as usize;
        for i in 0..word_len {
            out.push(b'a' + ((x >> (8 + i * 5)) % 26) as u8);
        }
        out.push(if x % 11 == 0 { b'\n' } else { b' ' });
    }
    out.truncate(len);
    out
}

#[test]
fn unsafe_and_duplicate_names_are_refused_when_opening() {
    let doc = b"content";
    let cases: &[(&str, Vec<Item>, u32)] = &[
        ("../evil", vec![stored("../evil", doc)], 1351),
        ("/abs", vec![stored("/abs", doc)], 1351),
        ("a/./b", vec![stored("a/./b", doc)], 1351),
        ("a\\b", vec![stored("a\\b", doc)], 1351),
        ("C:\\x", vec![stored("C:\\x", doc)], 1351),
        ("empty name", vec![stored("", doc)], 1351),
        ("NUL", vec![stored("a\0b", doc)], 1351),
        (
            "not UTF-8",
            vec![with_name(stored("x", doc), b"caf\xe9.txt")],
            1351,
        ),
        (
            "duplicate",
            vec![stored("doc.txt", doc), stored("doc.txt", b"other")],
            1352,
        ),
        (
            "case-only duplicate",
            vec![stored("Doc.txt", doc), stored("doc.TXT", b"other")],
            1352,
        ),
    ];
    for (what, items, code) in cases {
        let bytes = zip(items);
        let e = open(&bytes).unwrap_err();
        assert_eq!(e.code(), *code, "{what}: {e}");
        assert_eq!(imza::Error::from(e).code(), *code, "{what}");
    }
}

#[test]
fn structural_attacks_are_refused_with_their_codes() {
    let doc = b"the signed document";
    let mut encrypted = stored("doc.txt", doc);
    encrypted.flags = 1;
    let mut bzip2 = stored("doc.txt", doc);
    bzip2.method = 12;
    let mut renamed = stored("doc.txt", doc);
    renamed.local_name = Some(b"evil.exe".to_vec());
    // The local header says deflate, the directory says stored.
    let mut method_differs = zip(&[stored("doc.txt", doc)]);
    method_differs[8] = 8;
    // The local header gives another CRC-32.
    let mut crc_differs = zip(&[stored("doc.txt", doc)]);
    crc_differs[14] ^= 1;
    let many: Vec<Item> = (0..20_000).map(|i| stored(&format!("f{i}"), b"")).collect();
    // (what, container, code, a fragment of the message)
    let cases: &[(&str, Vec<u8>, u32, &str)] = &[
        (
            "not a ZIP",
            b"%PDF-1.7 not a zip".to_vec(),
            1350,
            "malformed ZIP",
        ),
        ("encrypted entry", zip(&[encrypted]), 1355, "encryption"),
        ("bzip2 entry", zip(&[bzip2]), 1355, "compression method 12"),
        (
            "local header renames the entry",
            zip(&[renamed]),
            1350,
            "names another file",
        ),
        (
            "local and directory methods differ",
            method_differs,
            1350,
            "another compression method",
        ),
        (
            "local and directory CRC-32 differ",
            crc_differs,
            1350,
            "another CRC-32 or size",
        ),
        (
            "20,000 entries",
            zip(&many),
            1353,
            "entries in the container",
        ),
        (
            "20,000 entries, end record says 3",
            zip_with_count(&many, Some(3)),
            1353,
            "entries in the container",
        ),
        (
            "overlapping entries",
            overlapping(),
            1350,
            "entries overlap",
        ),
    ];
    for (what, bytes, code, fragment) in cases {
        let e = open(bytes).map(|c| format!("{c:?}")).unwrap_err();
        assert_eq!(e.code(), *code, "{what}: {e}");
        assert!(e.to_string().contains(fragment), "{what}: {e}");
    }
}

/// The overlapping-entries construction: `b.txt`, local header and all, is the stored
/// content of `a.txt`, and the directory lists both; every header agrees with its record.
fn overlapping() -> Vec<u8> {
    let b = stored("b.txt", &text(1000));
    let mut inner = Vec::new();
    local(&mut inner, &b);
    let a = stored("a.txt", &inner);
    let mut out = Vec::new();
    local(&mut out, &a);
    directory(out, &[(&a, 0), (&b, 30 + 5)], None)
}

#[test]
fn a_deflate_bomb_stops_at_the_ratio_while_inflating() {
    let bomb = zeros_bomb();
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let mut item = Item {
        payload: bomb,
        method: 8,
        size: 1 << 30,
        crc: 0,
        ..stored("zeros.bin", b"")
    };
    item.name = b"zeros.bin".to_vec();
    let bytes = zip(&[mimetype_e(), item.clone()]);
    let c = open(&bytes).unwrap();
    let started = std::time::Instant::now();
    let mut seen = 0u64;
    let mut largest = 0usize;
    let e = c
        .stream(
            "zeros.bin",
            &mut |chunk: &[u8]| -> Result<(), ContainerError> {
                seen += chunk.len() as u64;
                largest = largest.max(chunk.len());
                Ok(())
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), 1353, "{e}");
    assert!(e.to_string().contains("compression ratio"), "{e}");
    // Stopped at 100 times the compressed size, in 64 KiB chunks, long before 1 GiB.
    let cap = 100 * item.payload.len() as u64 + 65_536;
    assert!(seen <= cap, "{seen} > {cap}");
    assert!(largest <= 65_536);
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    // Read into memory it is refused before inflating anything.
    let e = c.read_small("zeros.bin").unwrap_err();
    assert_eq!(e.code(), 1353, "{e}");
    // A header that understates the size stops as soon as the output passes it.
    item.size = 1 << 20;
    let bytes = zip(&[item]);
    let c = open(&bytes).unwrap();
    let e = sha256_of(&c, "zeros.bin").unwrap_err();
    assert_eq!(e.code(), 1358, "{e}");
}

#[test]
fn lying_sizes_and_wrong_crcs_are_refused_while_reading() {
    let content = text(100_000);
    let mut bad_crc_deflated = deflated("doc.txt", &content);
    bad_crc_deflated.crc ^= 1;
    let mut bad_crc_stored = stored("doc.txt", &content);
    bad_crc_stored.crc ^= 0x8000_0000;
    let mut stored_short = stored("doc.txt", &content);
    stored_short.size = 1000;
    let mut truncated = deflated("doc.txt", &content);
    truncated.payload.truncate(truncated.payload.len() / 2);
    let mut corrupt = deflated("doc.txt", &content);
    corrupt.payload[0] = 0xff;
    let mut trailing = deflated("doc.txt", &content);
    trailing.payload.extend_from_slice(b"junk");
    let cases: &[(&str, Item, u32)] = &[
        ("declared size too small", lying(&content, 1000), 1358),
        ("declared size too large", lying(&content, 200_000), 1358),
        ("stored, declared size too small", stored_short, 1358),
        ("CRC mismatch, deflated", bad_crc_deflated, 1354),
        ("CRC mismatch, stored", bad_crc_stored, 1354),
        ("truncated deflate stream", truncated, 1350),
        ("corrupt deflate stream", corrupt, 1350),
        ("data after the deflate stream", trailing, 1350),
    ];
    for (what, item, code) in cases {
        let bytes = zip(&[mimetype_e(), item.clone()]);
        let c = open(&bytes).unwrap();
        let e = sha256_of(&c, "doc.txt").unwrap_err();
        assert_eq!(e.code(), *code, "{what}: {e}");
        let e = c.read_small("doc.txt").unwrap_err();
        assert_eq!(e.code(), *code, "{what}: {e}");
        let io = c
            .reader("doc.txt")
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidData, "{what}");
        let inner = io
            .into_inner()
            .unwrap()
            .downcast::<ContainerError>()
            .unwrap();
        assert_eq!(inner.code(), *code, "{what}");
    }
}

#[test]
fn the_in_memory_limit_and_missing_entries_are_reported() {
    let content = text(10_000);
    let bytes = zip(&[mimetype_e(), deflated("doc.txt", &content)]);
    let mut limits = Limits::default();
    limits.max_in_memory = 4096;
    let c = Container::from_slice(&bytes, &limits).unwrap();
    assert_eq!(c.read_small("doc.txt").unwrap_err().code(), 1353);
    assert_eq!(
        sha256_of(&c, "doc.txt").unwrap(),
        Sha256::digest(&content).to_vec()
    );
    assert_eq!(c.read_small("nothere.txt").unwrap_err().code(), 1356);
    assert_eq!(c.asic_manifest("nothere.xml").unwrap_err().code(), 1356);
    limits = Limits::default();
    limits.max_total_size = 5000;
    let e = Container::from_slice(&bytes, &limits).unwrap_err();
    assert_eq!(e.code(), 1353, "{e}");
}

// ---------------------------------------------------------------------------------------
// Streaming, classification.

#[test]
fn large_entries_stream_in_chunks_to_the_right_digest() {
    const SIZE: usize = 64 << 20;
    let big_text = text(SIZE);
    let mut big_binary = vec![0u8; SIZE];
    let mut x: u32 = 1;
    for b in &mut big_binary {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *b = (x >> 24) as u8;
    }
    let bytes = zip(&[
        mimetype_e(),
        stored("binary.bin", &big_binary),
        deflated("text.txt", &big_text),
        stored("META-INF/signatures.xml", b"<x/>"),
    ]);
    let want_text = Sha256::digest(&big_text).to_vec();
    let want_binary = Sha256::digest(&big_binary).to_vec();
    drop((big_text, big_binary));
    for c in [
        Container::from_slice(&bytes, &Limits::default()).unwrap(),
        Container::from_reader(std::io::Cursor::new(&bytes), &Limits::default()).unwrap(),
    ] {
        assert_eq!(c.kind(), Kind::AsicE);
        for (name, want) in [("binary.bin", &want_binary), ("text.txt", &want_text)] {
            let mut h = Sha256::new();
            let mut largest = 0;
            let n = c
                .stream(name, &mut |chunk: &[u8]| -> Result<(), imza::Error> {
                    largest = chunk.len().max(largest);
                    h.update(chunk);
                    Ok(())
                })
                .unwrap();
            assert_eq!(n, SIZE as u64);
            assert!(largest <= 65_536);
            assert_eq!(&h.finalize().to_vec(), want, "{name}");
            let mut h = Sha256::new();
            std::io::copy(&mut c.reader(name).unwrap(), &mut h).unwrap();
            assert_eq!(&h.finalize().to_vec(), want, "{name} via io::Read");
        }
        // Not beyond the in-memory limit (64 MiB) ...
        assert_eq!(c.read_small("binary.bin").map(|v| v.len()).unwrap(), SIZE);
    }
    // ... and refused beyond it.
    let mut limits = Limits::default();
    limits.max_in_memory = SIZE - 1;
    let c = Container::from_slice(&bytes, &limits).unwrap();
    for name in ["binary.bin", "text.txt"] {
        let e = c.read_small(name).map(|v| v.len()).unwrap_err();
        assert_eq!(e.code(), 1353, "{e}");
    }
}

#[test]
fn a_sink_error_stops_the_stream_and_is_returned() {
    let bytes = zip(&[mimetype_e(), deflated("doc.txt", &text(300_000))]);
    let c = open(&bytes).unwrap();
    let mut calls = 0;
    let e = c
        .stream("doc.txt", &mut |_: &[u8]| -> Result<(), imza::Error> {
            calls += 1;
            Err(imza::Error::Read {
                reason: "host gone".into(),
            })
        })
        .unwrap_err();
    assert_eq!(calls, 1);
    assert_eq!(e.code(), 104);
}

#[test]
fn a_uyap_udf_is_recognised() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><template format_id="1.8"><content><![CDATA[Dilekçe]]></content></template>"#.as_bytes();
    let bytes = zip(&[
        deflated("content.xml", content),
        deflated("documentproperties.xml", b"<properties/>"),
        stored("sign.sgn", &[0x30, 0x80, 0x06, 0x09]),
    ]);
    let c = open(&bytes).unwrap();
    assert_eq!(c.kind(), Kind::Udf);
    assert_eq!(c.mimetype(), None);
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
    let data: Vec<&str> = c.data_objects().map(|e| e.name.as_str()).collect();
    assert_eq!(data, ["content.xml", "documentproperties.xml"]);
    let sig: Vec<_> = c
        .signature_entries()
        .map(|e| (e.name.as_str(), e.role))
        .collect();
    assert_eq!(sig, [("sign.sgn", Role::UdfSignature)]);
    assert_eq!(c.read_small("content.xml").unwrap(), content);
}

#[test]
fn containers_without_a_usable_mimetype_are_classified_by_their_names() {
    let doc = stored("doc.pdf", b"%PDF");
    let cases: &[(&str, Vec<Item>, Kind, &[Warning])] = &[
        (
            "plain zip",
            vec![doc.clone(), stored("b.txt", b"b")],
            Kind::Zip,
            &[],
        ),
        (
            "jar",
            vec![
                stored("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0"),
                doc.clone(),
            ],
            Kind::Zip,
            &[],
        ),
        (
            "ASiC-S by names",
            vec![doc.clone(), stored("META-INF/signature.p7s", b"0")],
            Kind::AsicS,
            &[Warning::MimetypeAbsent],
        ),
        (
            "ASiC-S with a time-stamp",
            vec![doc.clone(), stored("META-INF/timestamp.tst", b"0")],
            Kind::AsicS,
            &[Warning::MimetypeAbsent],
        ),
        (
            "ASiC-E by ASiCManifest",
            vec![
                doc.clone(),
                stored("META-INF/ASiCManifest.xml", b"<x/>"),
                stored("META-INF/signature001.p7s", b"0"),
            ],
            Kind::AsicE,
            &[Warning::MimetypeAbsent],
        ),
        (
            "ASiC-E by two data objects",
            vec![
                doc.clone(),
                stored("b.txt", b"b"),
                stored("META-INF/signatures.xml", b"<x/>"),
            ],
            Kind::AsicE,
            &[Warning::MimetypeAbsent],
        ),
        (
            "unknown mimetype, compressed, with an extra field",
            vec![
                Item {
                    extra: vec![0xfe, 0xca, 0, 0],
                    ..deflated("mimetype", b"application/zip")
                },
                doc.clone(),
                stored("META-INF/signatures.xml", b"<x/>"),
            ],
            Kind::AsicS,
            &[
                Warning::MimetypeCompressed,
                Warning::MimetypeExtraField,
                Warning::MimetypeUnknown(String::new()),
            ],
        ),
        (
            "ASiC-S mimetype first and stored",
            vec![
                stored("mimetype", b"application/vnd.etsi.asic-s+zip"),
                doc.clone(),
                stored("META-INF/", b""),
                stored("META-INF/signatures.xml", b"<x/>"),
            ],
            Kind::AsicS,
            &[],
        ),
    ];
    for (what, items, kind, warnings) in cases {
        let bytes = zip(items);
        let c = open(&bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(c.kind(), *kind, "{what}");
        // The unknown content is shown in the warning.
        let got: Vec<Warning> = c
            .warnings()
            .iter()
            .map(|w| match w {
                Warning::MimetypeUnknown(m) => {
                    assert_eq!(m, "application/zip");
                    Warning::MimetypeUnknown(String::new())
                }
                w => w.clone(),
            })
            .collect();
        assert_eq!(got, *warnings, "{what}");
    }
}

#[test]
fn odf_manifests_that_are_not_odf_are_malformed() {
    let cases: &[(&str, &[u8])] = &[
        ("not XML", b"bla"),
        ("wrong root", b"<manifest/>"),
        (
            "no full-path",
            br#"<m:manifest xmlns:m="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><m:file-entry/></m:manifest>"#,
        ),
        ("a DTD", b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"),
    ];
    for (what, xml) in cases {
        let bytes = zip(&[
            mimetype_e(),
            stored("doc.pdf", b"%PDF"),
            stored("META-INF/manifest.xml", xml),
        ]);
        let c = open(&bytes).unwrap();
        let e = c.odf_manifest().unwrap_err();
        assert_eq!(e.code(), 1357, "{what}: {e}");
    }
}

// ---------------------------------------------------------------------------------------
// Verification: the containers' signatures through the front door.

mod verification {
    use super::{deflated, mimetype_e, stored, zip};
    use imza::crypto::SigningKey;
    use imza::report::{Indication, SubIndication};
    use imza::{verify, Content, Report, TrustStore, UnixTime, VerifyOptions};

    fn pki(rel: &str) -> Vec<u8> {
        std::fs::read(
            imza_test_support::workspace_root()
                .join("test-vectors/pki")
                .join(rel),
        )
        .unwrap()
    }

    fn der(rel: &str) -> Vec<u8> {
        let c = imza::cert::parse_any(&pki(rel)).unwrap();
        der::Encode::to_der(&c[0]).unwrap()
    }

    fn key() -> SigningKey {
        SigningKey::from_pkcs8_pem(std::str::from_utf8(&pki("ecdsa-p256/signer.key")).unwrap())
            .unwrap()
    }

    fn trust() -> TrustStore {
        let mut t = TrustStore::new();
        t.add_pem_or_der(&pki("ecdsa-p256/root.pem")).unwrap();
        t
    }

    fn run(bytes: &[u8], trust: &TrustStore) -> Report {
        let mut opts = VerifyOptions::new(
            trust,
            UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap(),
        );
        opts.revocation = imza::RevocationPolicy::Skip;
        let r = verify(bytes, Content::Attached, &opts).unwrap();
        // The same answer from a seekable reader (what the CLI uses for large files).
        let s = imza::verify_container(std::io::Cursor::new(bytes), &opts).unwrap();
        assert_eq!(r.to_json().unwrap(), s.to_json().unwrap());
        r
    }

    fn sign(content: &[u8], format: imza::SignFormat, name: &str) -> Vec<u8> {
        let mut o =
            imza::SignOptions::new(UnixTime::parse_rfc3339("2027-03-01T00:00:00Z").unwrap());
        o.format = format;
        o.detached = true;
        o.content_name = Some(name.into());
        o.chain = vec![der("ecdsa-p256/intermediate.pem")];
        imza::sign(
            imza::cades::sign::ToSign::Bytes(content),
            &key(),
            &der("ecdsa-p256/signer.pem"),
            &o,
        )
        .unwrap()
    }

    fn outcome(r: &Report) -> (Indication, Option<SubIndication>) {
        (r.indication, r.sub_indication)
    }

    const HASH: (Indication, Option<SubIndication>) =
        (Indication::TOTAL_FAILED, Some(SubIndication::HASH_FAILURE));

    #[test]
    fn a_uyap_udf_verifies_its_sign_sgn_over_content_xml() {
        let content =
            "<?xml version=\"1.0\"?><template><content>Dilekçe</content></template>".as_bytes();
        let sgn = sign(content, imza::SignFormat::Cades, "content.xml");
        let udf = zip(&[deflated("content.xml", content), stored("sign.sgn", &sgn)]);
        let r = run(&udf, &trust());
        assert_eq!(
            r.indication,
            Indication::TOTAL_PASSED,
            "{:?}",
            r.signatures[0].errors
        );
        assert_eq!(r.signatures[0].scope[0].name, "content.xml");
        let other = zip(&[
            deflated("content.xml", b"<template/>"),
            stored("sign.sgn", &sgn),
        ]);
        assert_eq!(outcome(&run(&other, &trust())), HASH);
    }

    #[test]
    fn asic_e_with_xades_covers_its_files_and_reports_unsigned_ones() {
        let (a, b) = (b"first file".as_slice(), b"second file".as_slice());
        let digests = [
            (
                "a.txt",
                imza::crypto::digest(imza::crypto::HashAlgorithm::Sha256, a),
            ),
            (
                "dir/b b.txt",
                imza::crypto::digest(imza::crypto::HashAlgorithm::Sha256, b),
            ),
        ];
        let files: Vec<imza::xades::sign::File<'_>> = digests
            .iter()
            .map(|&(name, digest)| imza::xades::sign::File {
                name,
                digest,
                mime_type: "text/plain",
            })
            .collect();
        let params = imza::xades::sign::Params {
            signing_time: UnixTime::parse_rfc3339("2027-03-01T00:00:00Z").unwrap(),
            chain: &[der("ecdsa-p256/intermediate.pem")],
        };
        let sig = imza::xades::sign::sign(
            imza::xades::sign::Data::Detached(&files),
            &key(),
            &der("ecdsa-p256/signer.pem"),
            &params,
        )
        .unwrap();
        let build = |a: &[u8], extra: bool| {
            let mut items = vec![
                mimetype_e(),
                deflated("a.txt", a),
                deflated("dir/b b.txt", b),
                deflated("META-INF/signatures0.xml", &sig),
            ];
            if extra {
                items.push(deflated("unsigned.txt", b"slipped in"));
            }
            zip(&items)
        };
        let r = run(&build(a, false), &trust());
        let s = &r.signatures[0];
        assert_eq!(r.indication, Indication::TOTAL_PASSED, "{:?}", s.errors);
        let names: Vec<&str> = s.scope.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "dir/b b.txt"]);
        // An unsigned extra file: reported, the signature still holds for what it covers.
        let r = run(&build(a, true), &trust());
        assert!(
            r.signatures[0]
                .warnings
                .iter()
                .any(|w| w.contains("unsigned.txt")),
            "{:?}",
            r.signatures[0].warnings
        );
        // A covered file changed: HASH_FAILURE.
        assert_eq!(outcome(&run(&build(b"first filf", false), &trust())), HASH);
    }

    #[test]
    fn asic_s_with_cades_and_a_zip_without_signatures() {
        let data = b"the one document".as_slice();
        let p7s = sign(data, imza::SignFormat::Cades, "doc.txt");
        let asics = |d: &[u8]| {
            zip(&[
                stored("mimetype", b"application/vnd.etsi.asic-s+zip"),
                stored("doc.txt", d),
                stored("META-INF/signature.p7s", &p7s),
            ])
        };
        let r = run(&asics(data), &trust());
        assert_eq!(
            r.indication,
            Indication::TOTAL_PASSED,
            "{:?}",
            r.signatures[0].errors
        );
        assert_eq!(outcome(&run(&asics(b"the one documenT"), &trust())), HASH);
        // Detached content with a container: given twice.
        let empty = TrustStore::new();
        let opts = VerifyOptions::new(&empty, UnixTime::from_secs(0));
        let err = verify(&asics(data), Content::Detached(b"x"), &opts).unwrap_err();
        assert_eq!(err, imza::Error::ContentGivenTwice);
        // A ZIP that holds no signature is not a signature.
        let plain = zip(&[deflated("a.txt", b"a")]);
        assert_eq!(
            verify(&plain, Content::Attached, &opts).unwrap_err().code(),
            103
        );
    }

    #[test]
    fn dss_containers_give_their_recorded_outcomes() {
        let Some(dir) = imza_test_support::shared("docsig") else {
            return;
        };
        let no_chain = (
            Indication::INDETERMINATE,
            Some(SubIndication::NO_CERTIFICATE_CHAIN_FOUND),
        );
        let not_found = (
            Indication::INDETERMINATE,
            Some(SubIndication::SIGNED_DATA_NOT_FOUND),
        );
        let format = (
            Indication::TOTAL_FAILED,
            Some(SubIndication::FORMAT_FAILURE),
        );
        let cases = [
            // Valid crypto, no trust anchor (as DSS runs them).
            ("asice/dss-onefile-ok.asice", no_chain),
            ("asice/dss-multifiles-ok.asice", no_chain),
            ("asice/dss-onefile-no-mimetype.asice", no_chain),
            ("asice/dss-hello.bdoc", no_chain),
            ("asice/dss-cades-dss1421.asice", no_chain),
            ("asics/dss-onefile-ok.asics", no_chain),
            (
                "asice/dss-Signature-ASiC_LT_modified_cert_values.asice",
                no_chain,
            ),
            // Broken: a covered file changed or gone, a manifest altered, no signed file.
            ("asice/dss-cades-brokenReference.asice", HASH),
            (
                "asice/dss-cades-brokenReferenceAndAlteredManifest.asice",
                format,
            ),
            ("asice/dss-no-signed-file.asice", format),
            ("asice/dss-onefile-wrong-file.asice", not_found),
            ("asice/dss-multifiles-wrong-file.asice", not_found),
            ("asice/dss-removed-doc.asice", not_found),
            ("asics/dss-onefile-wrong-file.asics", not_found),
            // The archive time-stamp is broken; imza does not validate ASiCArchiveManifest
            // time-stamps yet, so the signature itself is judged (see the README).
            ("asice/dss-cades-dss1421-broken.asice", no_chain),
        ];
        for (name, expected) in cases {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let r = run(&bytes, &TrustStore::new());
            assert_eq!(outcome(&r), expected, "{name}: {}", r.to_json().unwrap());
        }
    }
}
