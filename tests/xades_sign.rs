//! XAdES made through `imza::sign` with `SignFormat::Xades` verifies through `imza::verify`
//! with the test PKI, for every key type and for XML documents whose shape the enveloping
//! must respect (a self-closing root, a BOM, a default namespace, the `ds` prefix already
//! bound to something else, text after the root); a detached signature names its file as
//! a URI. Peers (xmlsec1, signxml, xadesjs) check the same output in
//! `interop/xml/verify.sh`; levels T and LT are in `cli/tests/cms_interop.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use imza::crypto::{HashAlgorithm, SignatureAlgorithm, SigningKey};
use imza::report::{Indication, Level};
use imza::{sign, verify, Content, SignFormat, SignOptions, TrustStore, UnixTime, VerifyOptions};

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

fn who(dir: &str, key: &str, cert: &str) -> Who {
    let key =
        SigningKey::from_pkcs8_pem(std::str::from_utf8(&pki(&format!("{dir}/{key}"))).unwrap())
            .unwrap();
    let mut trust = TrustStore::new();
    trust
        .add_pem_or_der(&pki(&format!("{dir}/root.pem")))
        .unwrap();
    Who {
        key,
        cert: der(&format!("{dir}/{cert}")),
        chain: vec![der(&format!("{dir}/intermediate.pem"))],
        trust,
    }
}

fn signers() -> Vec<(&'static str, Who)> {
    let pss = {
        let mut w = who("rsa", "signer-pss.key", "signer-pss.pem");
        w.key = w
            .key
            .with_algorithm(SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha256,
                salt_len: 32,
            })
            .unwrap();
        w
    };
    vec![
        ("P-256", who("ecdsa-p256", "signer.key", "signer.pem")),
        ("RSA", who("rsa", "signer.key", "signer.pem")),
        ("RSA-PSS", pss),
    ]
}

const TIME: &str = "2027-03-01T10:00:00Z";

fn opts(w: &Who, format: SignFormat) -> SignOptions<'static> {
    let mut o = SignOptions::new(UnixTime::parse_rfc3339(TIME).unwrap());
    o.format = format;
    o.chain = w.chain.clone();
    o
}

fn check(w: &Who, signed: &[u8], content: Content<'_>, what: &str) -> imza::report::Report {
    let mut v = VerifyOptions::new(
        &w.trust,
        UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap(),
    );
    v.revocation = imza::RevocationPolicy::Skip;
    let r = verify(signed, content, &v).unwrap_or_else(|e| panic!("{what}: {e}"));
    let s = &r.signatures[0];
    assert_eq!(
        r.indication,
        Indication::TOTAL_PASSED,
        "{what}: {:?}",
        s.errors
    );
    assert_eq!(s.level, Level::XadesB, "{what}");
    assert_eq!(
        s.claimed_signing_time,
        Some(UnixTime::parse_rfc3339(TIME).unwrap()),
        "{what}"
    );
    r
}

#[test]
fn enveloped_into_documents_of_every_shape() {
    let documents: &[(&str, &str)] = &[
        ("plain", "<doc><a>text</a></doc>"),
        (
            "declaration and comment",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><doc>x</doc>\n<!-- after -->\n",
        ),
        ("self-closing root", "<doc attr=\"1\"/>"),
        (
            "default namespace",
            "<doc xmlns=\"urn:example\"><a xmlns:p=\"urn:p\" p:x=\"1\">é &amp; &lt;</a></doc>",
        ),
        (
            "ds bound elsewhere",
            "<ds:doc xmlns:ds=\"urn:not-xmldsig\"><ds:a>1</ds:a></ds:doc>",
        ),
        ("BOM", "\u{feff}<doc>bom</doc>"),
    ];
    for (name, w) in signers() {
        for (shape, doc) in documents {
            let what = format!("{name}, {shape}");
            let signed = sign(
                imza::cades::sign::ToSign::Bytes(doc.as_bytes()),
                &w.key,
                &w.cert,
                &opts(&w, SignFormat::Xades),
            )
            .unwrap_or_else(|e| panic!("{what}: {e}"));
            let r = check(&w, &signed, Content::Attached, &what);
            assert!(
                r.signatures[0].scope[0]
                    .name
                    .starts_with("the whole XML document"),
                "{what}"
            );
            // The document itself is unchanged around the signature.
            let text = String::from_utf8(signed.clone()).unwrap();
            let start = text.find("<ds:Signature ").unwrap();
            let end = text.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
            let without = format!("{}{}", &text[..start], &text[end..]);
            let original = doc.trim_start_matches('\u{feff}');
            if shape.contains("self-closing") {
                assert_eq!(without, "<doc attr=\"1\"></doc>", "{what}");
            } else {
                assert_eq!(without, original, "{what}");
            }
            // An attribute added to the root: HASH_FAILURE.
            let root = text
                .match_indices('<')
                .map(|(i, _)| i)
                .find(|&i| !text[i + 1..].starts_with(['?', '!']))
                .unwrap();
            let close = root + text[root..].find('>').unwrap();
            let tampered = format!("{} tampered=\"1\"{}", &text[..close], &text[close..]);
            let mut v = VerifyOptions::new(
                &w.trust,
                UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap(),
            );
            v.revocation = imza::RevocationPolicy::Skip;
            let r = verify(tampered.as_bytes(), Content::Attached, &v).unwrap();
            assert_eq!(r.indication, Indication::TOTAL_FAILED, "{what} tampered");
        }
    }
}

#[test]
fn detached_names_the_file_as_a_uri() {
    let content = b"any bytes \x00\xff at all";
    for (name, w) in signers() {
        for file in [
            "report.pdf",
            "a file with spaces & symbols.txt",
            "papka/fayl-ğüşıöç.txt",
        ] {
            let what = format!("{name}, {file}");
            let mut o = opts(&w, SignFormat::Xades);
            o.detached = true;
            o.content_name = Some(file.into());
            let signed = sign(
                imza::cades::sign::ToSign::Bytes(content),
                &w.key,
                &w.cert,
                &o,
            )
            .unwrap_or_else(|e| panic!("{what}: {e}"));
            let r = check(&w, &signed, Content::Detached(content), &what);
            let scope = &r.signatures[0].scope[0];
            assert_eq!(scope.length, Some(content.len() as u64), "{what}");
            assert!(
                !scope.name.contains(' '),
                "{what}: a URI, percent-encoded: {}",
                scope.name
            );
            // Other content: HASH_FAILURE; none: not found.
            let mut v = VerifyOptions::new(
                &w.trust,
                UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap(),
            );
            v.revocation = imza::RevocationPolicy::Skip;
            let r = verify(&signed, Content::Detached(b"other"), &v).unwrap();
            assert_eq!(r.indication, Indication::TOTAL_FAILED, "{what}");
            let r = verify(&signed, Content::Attached, &v).unwrap();
            assert_eq!(r.indication, Indication::INDETERMINATE, "{what}");
        }
    }
    // Detached XAdES without a name is refused before anything is signed.
    let w = who("ecdsa-p256", "signer.key", "signer.pem");
    let mut o = opts(&w, SignFormat::Xades);
    o.detached = true;
    let err = sign(
        imza::cades::sign::ToSign::Bytes(content),
        &w.key,
        &w.cert,
        &o,
    )
    .unwrap_err();
    assert_eq!(err.code(), 105, "{err}");
    // Enveloped XAdES over something that is not XML: the XML reader's error.
    let err = sign(
        imza::cades::sign::ToSign::Bytes(b"not xml"),
        &w.key,
        &w.cert,
        &opts(&w, SignFormat::Xades),
    )
    .unwrap_err();
    assert!((1300..1350).contains(&err.code()), "{err}");
}
