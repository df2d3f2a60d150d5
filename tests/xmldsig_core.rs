//! XMLDSig core over the DSS XAdES files and the signature-wrapping corpus
//! (`../shared/test-vectors/docsig`, outcomes in its PROVENANCE.md).
//!
//! These are the core's answers: the signature value over SignedInfo, and what each
//! reference resolved to and whether its digest held. The ETSI indications DSS records
//! come from the XAdES layer above, which maps a refused reference to FORMAT_FAILURE or
//! SIGNED_DATA_NOT_FOUND.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use der::Encode;
use imza::crypto::{digest, Policy};
use imza::xml::{self, Limits};
use imza::xmldsig::{signatures, Signature, Target};
use imza::Error;

/// What verifying every reference and the value gave, one line per signature:
/// `value=ok|bad refs=<target>:<intact> ...` or `error=<code>`.
fn core(path: &std::path::Path, detached: Option<&[u8]>) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let doc = match xml::parse(&bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => return vec![format!("error={}", Error::from(e).code())],
    };
    signatures(&doc)
        .into_iter()
        .map(|node| {
            let sig = match Signature::read(node) {
                Ok(s) => s,
                Err(e) => return format!("error={}", e.code()),
            };
            let cert = imza::cert::parse_der(&sig.certificates[0]).unwrap();
            let spki = cert
                .tbs_certificate
                .subject_public_key_info
                .to_der()
                .unwrap();
            let value = match sig.verify_value(&spki, &Policy::LEGACY) {
                Ok(()) => "ok",
                Err(Error::BadSignature) => "bad",
                Err(e) => panic!("{}: {e}", path.display()),
            };
            let refs =
                sig.check_references(&doc, &mut |_uri, alg| Ok(detached.map(|d| digest(alg, d))));
            match refs {
                Err(e) => format!("value={value} error={}", e.code()),
                Ok(refs) => {
                    let list: Vec<String> = refs
                        .iter()
                        .map(|r| {
                            let t = match &r.target {
                                Target::Document => "doc".to_owned(),
                                Target::Element(n) => format!("#{}", n.tag_name().name()),
                                Target::External(u) => (*u).to_owned(),
                            };
                            format!("{t}:{}", if r.intact { "ok" } else { "bad" })
                        })
                        .collect();
                    format!("value={value} refs={}", list.join(","))
                }
            }
        })
        .collect()
}

#[test]
fn dss_xades_files() {
    let Some(dir) = imza_test_support::shared("docsig/xades") else {
        return;
    };
    let f = |n: &str| dir.join(n);
    // Intact: the value and both references (the document, SignedProperties).
    assert_eq!(
        core(&f("dss-signed.xml"), None),
        ["value=ok refs=doc:ok,#SignedProperties:ok"]
    );
    assert_eq!(
        core(&f("dss1770.xml"), None),
        ["value=ok refs=doc:ok,#KeyInfo:ok,#SignedProperties:ok"]
    );
    // A reference removed or SignedProperties' reference removed: SignedInfo changed.
    assert_eq!(
        core(&f("dss-signed-altered-refRemoved.xml"), None),
        ["value=bad refs=#SignedProperties:ok"]
    );
    assert_eq!(
        core(&f("dss-signed-altered-signedPropsRemoved.xml"), None),
        ["value=bad refs=doc:ok"]
    );
    // A URI removed: the reference names nothing (1306).
    assert_eq!(
        core(&f("dss1770refUriRemoved.xml"), None),
        ["value=bad error=1306"]
    );
    // Detached: the right content, another content, none.
    let content = std::fs::read(f("dss2011-xades-detached.content-sample.xml")).unwrap();
    assert_eq!(
        core(&f("dss2011-xades-detached.xml"), Some(&content)),
        ["value=ok refs=sample.xml:ok,#SignedProperties:ok"]
    );
    assert_eq!(
        core(&f("dss2011-xades-detached.xml"), Some(b"<other/>")),
        ["value=ok refs=sample.xml:bad,#SignedProperties:ok"]
    );
    assert_eq!(
        core(&f("dss2011-xades-detached.xml"), None),
        ["value=ok error=1306"]
    );
}

#[test]
fn signature_wrapping_files() {
    let Some(dir) = imza_test_support::shared("docsig/attacks/xsw") else {
        return;
    };
    let f = |n: &str| core(&dir.join(n), None);
    // The original: intact, and what was signed is the element with the TSL's ID.
    assert_eq!(
        f("dss-xsw-original.xml"),
        ["value=ok refs=#TrustServiceStatusList:ok,#SignedProperties:ok"]
    );
    // Fake content at the root, the signed element moved away from the signature: its
    // reference still claims the enveloped-signature transform, whose target must contain
    // the signature; refused as a structure error (1305). DSS reports these valid with a
    // PARTIAL scope; imza refuses them (see the README).
    for name in [
        "XSW-enveloped-fake-content.xml",
        "XSW-enveloped-fake-content-misplaced.xml",
    ] {
        assert_eq!(f(name), ["value=ok error=1305"], "{name}");
    }
    // The same ID twice: refused (1303) before any reference is resolved.
    assert_eq!(
        f("XSW-enveloped-fake-content-two-same-id.xml"),
        ["value=ok error=1303"]
    );
    // An XPath transform selecting a fake SignedProperties, base64-transformed objects:
    // not implemented, refused as unsupported (1304).
    for name in [
        "XSW-enveloped-fake-signedProperties.xml",
        "XSW-enveloping-fake-object.xml",
        "disable-checks.xml",
    ] {
        assert_eq!(f(name), ["error=1304"], "{name}");
    }
    // A Manifest as the only data reference: intact at the core; the XAdES layer must
    // find no signed data object in it (DSS: SIGNED_DATA_NOT_FOUND).
    assert_eq!(
        f("XSW-enveloping-fake-manifest.xml"),
        ["value=ok refs=#Manifest:ok,#SignedProperties:ok"]
    );
}
