//! ASiC-E made by `imza::sign_container` and `imza::sign` (`SignFormat::Asice`) is read back
//! by the container reader with no deviation (mimetype first, stored, no extra field, at
//! byte 38), lists every file in `META-INF/manifest.xml`, and verifies through
//! `imza::verify` for every key type; a changed file, a dropped file and unsafe names are
//! caught. pyasice checks the same output in `interop/xml/peers-verify-imza.sh`; levels T
//! and LT are in `cli/tests/cms_interop.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Read;

use imza::asic::{AsiceWriter, Container, Kind, Limits, Role};
use imza::crypto::{HashAlgorithm, SigningKey};
use imza::report::{Indication, Level, SubIndication};
use imza::{
    sign, sign_container, verify, Content, SignFormat, SignOptions, TrustStore, UnixTime,
    VerifyOptions,
};

fn pki(rel: &str) -> Vec<u8> {
    std::fs::read(
        imza_test_support::workspace_root()
            .join("test-vectors/pki")
            .join(rel),
    )
    .unwrap()
}

fn der(pem_rel: &str) -> Vec<u8> {
    let certs = imza::cert::parse_any(&pki(pem_rel)).unwrap();
    der::Encode::to_der(&certs[0]).unwrap()
}

struct Who {
    key: SigningKey,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
    trust: TrustStore,
}

fn who(dir: &str) -> Who {
    let key = SigningKey::from_pkcs8_pem(
        std::str::from_utf8(&pki(&format!("{dir}/signer.key"))).unwrap(),
    )
    .unwrap();
    let mut trust = TrustStore::new();
    trust
        .add_pem_or_der(&pki(&format!("{dir}/root.pem")))
        .unwrap();
    Who {
        key,
        cert: der(&format!("{dir}/signer.pem")),
        chain: vec![der(&format!("{dir}/intermediate.pem"))],
        trust,
    }
}

const TIME: &str = "2027-03-01T10:00:00Z";

fn opts(w: &Who) -> SignOptions<'static> {
    let mut o = SignOptions::new(UnixTime::parse_rfc3339(TIME).unwrap());
    o.chain = w.chain.clone();
    o
}

fn report(w: &Who, zip: &[u8]) -> imza::report::Report {
    let mut v = VerifyOptions::new(
        &w.trust,
        UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap(),
    );
    v.revocation = imza::RevocationPolicy::Skip;
    verify(zip, Content::Attached, &v).unwrap()
}

/// Three files: one with a non-ASCII name in a folder, one empty, one of 300 KB (several
/// deflate chunks).
fn files() -> Vec<(&'static str, Vec<u8>)> {
    let big: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    vec![
        ("contract.pdf", b"%PDF-1.7 not really".to_vec()),
        ("ekler/dilekçe şablonu.txt", Vec::new()),
        ("data.bin", big),
    ]
}

fn make(w: &Who, files: &[(&'static str, Vec<u8>)]) -> Vec<u8> {
    let mut readers: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
    let mut list: Vec<(&str, &mut dyn Read)> = files
        .iter()
        .zip(readers.iter_mut())
        .map(|((n, _), r)| (*n, r as &mut dyn Read))
        .collect();
    sign_container(&mut list, Vec::new(), &w.key, &w.cert, &opts(w)).unwrap()
}

#[test]
fn made_containers_verify_for_every_key_type() {
    for dir in ["ecdsa-p256", "ecdsa-p384", "rsa"] {
        let w = who(dir);
        let zip = make(&w, &files());
        let r = report(&w, &zip);
        let s = &r.signatures[0];
        assert_eq!(
            r.indication,
            Indication::TOTAL_PASSED,
            "{dir}: {:?}",
            s.errors
        );
        assert_eq!(r.signatures.len(), 1);
        assert_eq!(s.level, Level::XadesB, "{dir}");
        // Only the requested skip: no unsigned file, no manifest finding.
        assert_eq!(s.warnings, ["revocation not checked, by request"], "{dir}");
        let names: Vec<&str> = s.scope.iter().map(|x| x.name.as_str()).collect();
        for (n, _) in files() {
            assert!(
                names.iter().any(|x| x.contains(n)),
                "{dir}: {n} not in the scope {names:?}"
            );
        }
    }
}

#[test]
fn the_layout_is_what_en_319_162_asks() {
    let w = who("ecdsa-p256");
    let zip = make(&w, &files());
    // mimetype: the first local header, stored, no extra field, its text at byte 38.
    assert_eq!(&zip[0..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([zip[8], zip[9]]), 0, "stored");
    assert_eq!(u16::from_le_bytes([zip[6], zip[7]]) & 8, 0, "no descriptor");
    assert_eq!(u16::from_le_bytes([zip[28], zip[29]]), 0, "no extra field");
    assert_eq!(&zip[30..38], b"mimetype");
    assert_eq!(&zip[38..69], b"application/vnd.etsi.asic-e+zip");

    let c = Container::from_slice(&zip, &Limits::default()).unwrap();
    assert_eq!(c.kind(), Kind::AsicE);
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
    let data: Vec<&str> = c.data_objects().map(|e| e.name.as_str()).collect();
    assert_eq!(
        data,
        ["contract.pdf", "ekler/dilekçe şablonu.txt", "data.bin"]
    );
    let sigs: Vec<&str> = c
        .entries_with(Role::XadesSignatures)
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(sigs, ["META-INF/signatures0.xml"]);
    assert_eq!(c.entries_with(Role::OdfManifest).count(), 1);
    let m = c.odf_manifest().unwrap().unwrap();
    let listed: Vec<(String, Option<String>)> = m
        .entries
        .iter()
        .map(|e| (e.full_path.clone(), e.media_type.clone()))
        .collect();
    assert!(listed.contains(&("contract.pdf".into(), Some("application/pdf".into()))));
    assert!(listed.contains(&(
        "ekler/dilekçe şablonu.txt".into(),
        Some("text/plain".into())
    )));
    assert!(listed.contains(&("data.bin".into(), Some("application/octet-stream".into()))));
    // The bytes read back are the bytes signed.
    for (name, bytes) in files() {
        let mut got = Vec::new();
        c.stream(name, &mut |chunk: &[u8]| -> Result<(), imza::Error> {
            got.extend_from_slice(chunk);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, bytes, "{name}");
    }
}

#[test]
fn a_changed_or_dropped_file_fails() {
    let w = who("ecdsa-p256");
    let zip = make(&w, &files());
    let c = Container::from_slice(&zip, &Limits::default()).unwrap();
    let signature = c.read_small("META-INF/signatures0.xml").unwrap();

    // The same signature document over a container whose data.bin differs by one byte.
    let mut changed = files();
    changed[2].1[1000] ^= 1;
    let mut other = AsiceWriter::new(
        Vec::new(),
        HashAlgorithm::Sha256,
        UnixTime::parse_rfc3339(TIME).unwrap(),
    )
    .unwrap();
    for (n, b) in &changed {
        other
            .add_bytes(n, imza::asic::write::mime_type_of(n), b)
            .unwrap();
    }
    let forged = other.finish(&signature).unwrap();
    let r = report(&w, &forged);
    assert_eq!(r.indication, Indication::TOTAL_FAILED);
    assert_eq!(
        r.signatures[0].sub_indication,
        Some(SubIndication::HASH_FAILURE)
    );

    // ... and over one without data.bin.
    let mut fewer = AsiceWriter::new(
        Vec::new(),
        HashAlgorithm::Sha256,
        UnixTime::parse_rfc3339(TIME).unwrap(),
    )
    .unwrap();
    for (n, b) in &files()[..2] {
        fewer
            .add_bytes(n, imza::asic::write::mime_type_of(n), b)
            .unwrap();
    }
    let dropped = fewer.finish(&signature).unwrap();
    let r = report(&w, &dropped);
    assert_ne!(r.indication, Indication::TOTAL_PASSED);
}

#[test]
fn unsafe_or_reserved_names_are_refused() {
    let w = who("ecdsa-p256");
    for bad in [
        "../x.txt",
        "/etc/x",
        "a/./b",
        "",
        "a\\b",
        "mimetype",
        "META-INF/signatures1.xml",
        "meta-inf/x",
        "folder/",
        "C:x",
    ] {
        let mut r: &[u8] = b"x";
        let mut list: [(&str, &mut dyn Read); 1] = [(bad, &mut r)];
        let e = sign_container(&mut list, Vec::new(), &w.key, &w.cert, &opts(&w)).unwrap_err();
        assert!(matches!(e, imza::Error::Container(_)), "{bad:?}: {e:?}");
        assert_eq!(e.code() / 10, 135, "{bad:?}: {e}");
    }
    let (mut a, mut b): (&[u8], &[u8]) = (b"1", b"2");
    let mut list: [(&str, &mut dyn Read); 2] = [("Same.txt", &mut a), ("same.TXT", &mut b)];
    let e = sign_container(&mut list, Vec::new(), &w.key, &w.cert, &opts(&w)).unwrap_err();
    assert!(e.to_string().contains("same.TXT"), "{e}");
    let mut none: [(&str, &mut dyn Read); 0] = [];
    assert!(sign_container(&mut none, Vec::new(), &w.key, &w.cert, &opts(&w)).is_err());
}

#[test]
fn the_front_door_makes_a_one_file_container() {
    let w = who("ecdsa-p256");
    let mut o = opts(&w);
    o.format = SignFormat::Asice;
    o.content_name = Some("letter.txt".into());
    let zip = sign(
        imza::cades::sign::ToSign::Bytes(b"Dear agency"),
        &w.key,
        &w.cert,
        &o,
    )
    .unwrap();
    let r = report(&w, &zip);
    assert_eq!(r.indication, Indication::TOTAL_PASSED);
    assert!(r.signatures[0].scope[0].name.contains("letter.txt"));

    // A digest is not enough: the container holds the content.
    let d = imza::crypto::digest(HashAlgorithm::Sha256, b"Dear agency");
    let e = sign(imza::cades::sign::ToSign::Digest(&d), &w.key, &w.cert, &o).unwrap_err();
    assert!(matches!(e, imza::Error::InvalidOptions { .. }), "{e:?}");
    o.content_name = None;
    let e = sign(imza::cades::sign::ToSign::Bytes(b"x"), &w.key, &w.cert, &o).unwrap_err();
    assert!(matches!(e, imza::Error::InvalidOptions { .. }), "{e:?}");
}

#[test]
fn info_zip_and_python_read_what_is_made() {
    let w = who("rsa");
    let zip = make(&w, &files());
    let dir = tempfile_dir();
    let path = dir.join("made.asice");
    std::fs::write(&path, &zip).unwrap();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    match std::process::Command::new("unzip")
        .arg("-tq")
        .arg(&path)
        .output()
    {
        Ok(o) => assert!(
            o.status.success(),
            "unzip -t: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) if !ci => eprintln!("skipped unzip -t: {e}"),
        Err(e) => panic!("unzip is needed under CI=true: {e}"),
    }
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nassert z.namelist()[0] == 'mimetype'\nprint(len(z.namelist()))";
    match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
    {
        Ok(o) => {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "6");
        }
        Err(e) if !ci => eprintln!("skipped python zipfile: {e}"),
        Err(e) => panic!("python3 is needed under CI=true: {e}"),
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("imza-asic-sign-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
