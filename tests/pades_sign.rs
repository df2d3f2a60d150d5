//! PAdES made by `imza::sign` (`SignFormat::Pades`) and `imza::sign_pdf`: an incremental
//! update after the untouched original, read back by imza's PDF reader (a new revision, a
//! signature field whose ByteRange covers it exactly) and verified through `imza::verify`
//! for every key type, over a classic cross-reference table, a cross-reference stream with
//! object streams, and a form. A second signature turns the first one's later changes into
//! "form filling"; changed bytes anywhere in the covered range fail. Levels T, LT and LTA
//! (with the openssl TSA, OCSP and CRL servers) are in `cli/tests/cms_interop.rs`; pyHanko
//! checks the same output in `interop/pdf/pyhanko-validates-imza.sh`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use imza::crypto::SigningKey;
use imza::pdf::xref::XrefLimits;
use imza::pdf::Document;
use imza::report::{Indication, Level, SubIndication};
use imza::{
    sign, sign_pdf, verify, Content, RevocationPolicy, SignFormat, SignLevel, SignOptions,
    TrustStore, UnixTime, VerifyOptions,
};

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(imza_test_support::workspace_root().join(rel)).unwrap()
}

fn der(pem_rel: &str) -> Vec<u8> {
    let certs = imza::cert::parse_any(&file(pem_rel)).unwrap();
    der::Encode::to_der(&certs[0]).unwrap()
}

struct Who {
    key: SigningKey,
    cert: Vec<u8>,
    chain: Vec<Vec<u8>>,
    trust: TrustStore,
}

fn who(dir: &str) -> Who {
    let pki = |f: &str| format!("test-vectors/pki/{dir}/{f}");
    let key = SigningKey::from_pkcs8_pem(std::str::from_utf8(&file(&pki("signer.key"))).unwrap())
        .unwrap();
    let mut trust = TrustStore::new();
    trust.add_pem_or_der(&file(&pki("root.pem"))).unwrap();
    Who {
        key,
        cert: der(&pki("signer.pem")),
        chain: vec![der(&pki("intermediate.pem"))],
        trust,
    }
}

fn time() -> UnixTime {
    UnixTime::parse_rfc3339("2027-01-01T00:00:00Z").unwrap()
}

fn pades(w: &Who) -> SignOptions<'static> {
    let mut o = SignOptions::new(time());
    o.format = SignFormat::Pades;
    o.chain = w.chain.clone();
    o
}

fn check(pdf: &[u8], w: &Who) -> imza::Report {
    let mut opts = VerifyOptions::new(&w.trust, time());
    opts.revocation = RevocationPolicy::Skip;
    verify(pdf, Content::Attached, &opts).unwrap()
}

#[test]
fn every_key_type_signs_every_kind_of_pdf() {
    for key in ["ecdsa-p256", "ecdsa-p384", "rsa"] {
        let w = who(key);
        for name in ["hello.pdf", "hello-xrefstream.pdf", "form.pdf"] {
            let original = file(&format!("test-vectors/pdf/{name}"));
            let signed = sign(imza::ToSign::Bytes(&original), &w.key, &w.cert, &pades(&w)).unwrap();
            let ctx = format!("{key} {name}");
            assert!(signed.starts_with(&original), "{ctx}: original untouched");

            // One more revision, ending at the end of the file, with one signed field
            // whose ByteRange leaves out exactly its /Contents.
            let before = Document::open(&original[..], XrefLimits::default()).unwrap();
            let mut doc = Document::open(&signed[..], XrefLimits::default()).unwrap();
            assert_eq!(doc.revisions().len(), before.revisions().len() + 1, "{ctx}");
            assert_eq!(doc.revisions().last().unwrap().end, signed.len() as u64);
            let last = doc.revisions().len() - 1;
            let fields = doc.signature_fields(last).unwrap();
            assert_eq!(fields.len(), 1, "{ctx}");
            assert_eq!(fields[0].name, "Signature1", "{ctx}");
            let v = fields[0].value.as_ref().unwrap();
            let c = v.contents_span.clone().unwrap();
            assert_eq!(
                v.byte_range.as_deref().unwrap(),
                &[
                    0,
                    c.start as i64,
                    c.end as i64,
                    (signed.len() as u64 - c.end) as i64
                ],
                "{ctx}"
            );
            assert_eq!(v.dict.name(b"SubFilter"), Some(&b"ETSI.CAdES.detached"[..]));

            let report = check(&signed, &w);
            assert_eq!(
                report.indication,
                Indication::TOTAL_PASSED,
                "{ctx}: {report:?}"
            );
            let s = &report.signatures[0];
            assert_eq!(s.level, Level::PadesB, "{ctx}");
            let pdf = s.pdf.as_ref().unwrap();
            assert_eq!(pdf.coverage, "entire file", "{ctx}");
            assert_eq!(pdf.modification.as_deref(), Some("none"), "{ctx}");
        }
    }
}

#[test]
fn a_second_signature_is_form_filling_for_the_first() {
    let w = who("ecdsa-p256");
    let original = file("test-vectors/pdf/form.pdf");
    let once = sign(imza::ToSign::Bytes(&original), &w.key, &w.cert, &pades(&w)).unwrap();
    let twice = sign(imza::ToSign::Bytes(&once), &w.key, &w.cert, &pades(&w)).unwrap();
    assert!(twice.starts_with(&once));
    let report = check(&twice, &w);
    assert_eq!(report.indication, Indication::TOTAL_PASSED, "{report:?}");
    assert_eq!(report.signatures.len(), 2);
    let first = report.signatures[0].pdf.as_ref().unwrap();
    assert_eq!(first.field, "Signature1");
    assert_eq!(first.coverage, "entire revision");
    assert_eq!(first.modification.as_deref(), Some("form filling"));
    let second = report.signatures[1].pdf.as_ref().unwrap();
    assert_eq!(second.field, "Signature2");
    assert_eq!(second.modification.as_deref(), Some("none"));
}

#[test]
fn a_changed_byte_anywhere_in_the_range_fails() {
    let w = who("ecdsa-p256");
    let original = file("test-vectors/pdf/hello.pdf");
    let signed = sign(imza::ToSign::Bytes(&original), &w.key, &w.cert, &pades(&w)).unwrap();
    let mut doc = Document::open(&signed[..], XrefLimits::default()).unwrap();
    let last = doc.revisions().len() - 1;
    let c = doc.signature_fields(last).unwrap()[0]
        .value
        .as_ref()
        .unwrap()
        .contents_span
        .clone()
        .unwrap();
    let text = signed.windows(10).position(|x| x == b"Hello imza").unwrap();
    // In the page text, in the update before /Contents (the field), and after it.
    let field = signed.windows(10).position(|x| x == b"Signature1").unwrap();
    let after = usize::try_from(c.end).unwrap() + 3;
    for at in [text, field, after] {
        let mut bad = signed.clone();
        bad[at] ^= 0x01;
        // Refused as a file (a typed error) or as a signature: never passed.
        let mut opts = VerifyOptions::new(&w.trust, time());
        opts.revocation = RevocationPolicy::Skip;
        if let Ok(report) = verify(&bad, Content::Attached, &opts) {
            assert_ne!(
                report.indication,
                Indication::TOTAL_PASSED,
                "byte {at} changed: {report:?}"
            );
        }
    }
    let mut bad = signed.clone();
    bad[text] = b'J';
    let report = check(&bad, &w);
    assert_eq!(report.indication, Indication::TOTAL_FAILED);
    assert_eq!(
        report.signatures[0].sub_indication,
        Some(SubIndication::HASH_FAILURE)
    );
}

#[test]
fn sign_pdf_streams_to_the_same_result_as_sign() {
    let w = who("rsa");
    let original = file("test-vectors/pdf/hello-xrefstream.pdf");
    let in_memory = sign(imza::ToSign::Bytes(&original), &w.key, &w.cert, &pades(&w)).unwrap();
    let streamed = sign_pdf(
        std::io::Cursor::new(&original),
        Vec::new(),
        &w.key,
        &w.cert,
        &pades(&w),
    )
    .unwrap();
    // RSA PKCS#1 v1.5 is deterministic and the time is the caller's: the same bytes.
    assert_eq!(streamed, in_memory);
    assert_eq!(check(&streamed, &w).indication, Indication::TOTAL_PASSED);
}

#[test]
fn what_cannot_be_signed_is_refused_before_signing() {
    let w = who("ecdsa-p256");
    // A digest instead of the PDF.
    let d = imza::crypto::digest(imza::crypto::HashAlgorithm::Sha256, b"x");
    let e = sign(imza::ToSign::Digest(&d), &w.key, &w.cert, &pades(&w)).unwrap_err();
    assert!(matches!(e, imza::Error::InvalidOptions { .. }), "{e:?}");
    // Not a PDF, and a truncated one: the reader's typed errors.
    for bad in [
        &b"not a pdf"[..],
        &file("test-vectors/pdf/hello.pdf")[..300],
    ] {
        let e = sign(imza::ToSign::Bytes(bad), &w.key, &w.cert, &pades(&w)).unwrap_err();
        assert!((1400..1450).contains(&e.code()), "{e:?}");
    }
    // An encrypted file is not signed (its strings would need encrypting).
    let mut enc = file("test-vectors/pdf/hello.pdf");
    let at = enc.windows(7).position(|x| x == b"/Root 1").unwrap();
    enc.splice(at..at, b"/Encrypt 9 0 R ".iter().copied());
    let e = sign(imza::ToSign::Bytes(&enc), &w.key, &w.cert, &pades(&w)).unwrap_err();
    assert_eq!(e.code(), 1402, "{e:?}");
    // LTA is PAdES only.
    let mut o = pades(&w);
    o.format = SignFormat::Cades;
    o.level = SignLevel::Lta;
    o.tsa_url = Some("http://127.0.0.1:9/".into());
    let t = Refuse;
    o.transport = Some(&t);
    let e = sign(imza::ToSign::Bytes(b"x"), &w.key, &w.cert, &o).unwrap_err();
    assert!(matches!(e, imza::Error::InvalidOptions { .. }), "{e:?}");
}

/// A network that must not be used (the options are refused first).
struct Refuse;

impl imza::transport::Transport for Refuse {
    fn send(
        &self,
        _: &imza::transport::Request<'_>,
    ) -> Result<imza::transport::Response, imza::Error> {
        panic!("the network was used")
    }
}
