//! The push-based front door (`DocumentVerifier`): content in pieces of any size gives the
//! verdict the whole content gives, and content given twice is refused.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use imza::{Content, DocumentVerifier, Error, Indication, SubIndication, TrustStore, UnixTime};

const ROOT: &[u8] = include_bytes!("../test-vectors/pki/ecdsa-p256/root.pem");
const DETACHED: &[u8] = include_bytes!("../test-vectors/cms/ossl-ec-cades-detached.p7s");
const CONTENT: &[u8] = include_bytes!("../test-vectors/cms/content.txt");
const ATTACHED: &[u8] = include_bytes!("../test-vectors/sample/contract.p7m");

fn options(trust: &TrustStore) -> imza::VerifyOptions<'_> {
    let at = UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap();
    let mut o = imza::VerifyOptions::new(trust, at);
    o.revocation = imza::RevocationPolicy::Skip;
    o
}

fn trust() -> TrustStore {
    let mut t = TrustStore::new();
    t.add_pem_or_der(ROOT).unwrap();
    t
}

#[test]
fn pieces_of_any_size_give_the_whole_content_verdict() {
    let trust = trust();
    let opts = options(&trust);
    let whole = imza::verify(DETACHED, Content::Detached(CONTENT), &opts).unwrap();
    assert_eq!(whole.indication, Indication::TOTAL_PASSED);
    for size in [1, 7, 4096, CONTENT.len()] {
        let mut v = DocumentVerifier::new(DETACHED).unwrap();
        assert!(v.needs_content());
        for c in CONTENT.chunks(size) {
            v.update(c).unwrap();
        }
        let r = v.verify(&opts).unwrap();
        assert_eq!(r.indication, whole.indication, "chunks of {size}");
        assert_eq!(r.signatures[0].scope, whole.signatures[0].scope);
        assert_eq!(r.signatures[0].scope[0].length, Some(CONTENT.len() as u64));
        // Verifying again judges the same content; more content is refused.
        assert_eq!(
            v.verify(&opts).unwrap().indication,
            Indication::TOTAL_PASSED
        );
        assert_eq!(v.update(b"x").unwrap_err().code(), 105);
    }
}

#[test]
fn changed_or_missing_content_fails() {
    let trust = trust();
    let opts = options(&trust);
    let mut v = DocumentVerifier::new(DETACHED).unwrap();
    v.update(&CONTENT[..CONTENT.len() - 1]).unwrap();
    let r = v.verify(&opts).unwrap();
    assert_eq!(r.indication, Indication::TOTAL_FAILED);
    assert_eq!(r.sub_indication, Some(SubIndication::HASH_FAILURE));
    // Empty content is content (and not this one); no content at all is what `verify`
    // says of a detached signature without its content.
    let mut empty = DocumentVerifier::new(DETACHED).unwrap();
    empty.update(b"").unwrap();
    let r = empty.verify(&opts).unwrap();
    assert_eq!(r.sub_indication, Some(SubIndication::HASH_FAILURE));
    let mut none = DocumentVerifier::new(DETACHED).unwrap();
    let without = imza::verify(DETACHED, Content::Attached, &opts).unwrap();
    let r = none.verify(&opts).unwrap();
    assert_eq!(
        (r.indication, r.sub_indication),
        (without.indication, without.sub_indication)
    );
    assert_eq!(r.sub_indication, Some(SubIndication::SIGNED_DATA_NOT_FOUND));
}

#[test]
fn an_attached_signature_takes_no_content() {
    let trust = trust();
    let opts = options(&trust);
    let mut v = DocumentVerifier::new(ATTACHED).unwrap();
    assert!(!v.needs_content());
    assert!(matches!(v.update(b"x"), Err(Error::ContentGivenTwice)));
    let r = v.verify(&opts).unwrap();
    assert_eq!(r.indication, Indication::TOTAL_PASSED);
    assert_eq!(r.signatures[0].scope[0].name, "attached content");
    assert_eq!(
        r.signatures[0].scope[0].content_type.as_deref(),
        Some("id-data")
    );
}

#[test]
fn what_is_not_a_signature_is_refused_as_verify_refuses_it() {
    for input in [&b"<xml/>"[..], b"PK\x03\x04", b"%PDF-1.7", b"hello"] {
        let e = DocumentVerifier::new(input).unwrap_err();
        let f = imza::verify(input, Content::Attached, &options(&trust())).unwrap_err();
        assert_eq!(e.code(), f.code());
    }
    // A truncated PDF (no cross-reference section) is the PDF reader's "malformed".
    let f = imza::verify(b"%PDF-1.7", Content::Attached, &options(&trust())).unwrap_err();
    assert_eq!(f.code(), 1400, "{f}");
}

#[test]
fn digests_hashed_by_the_host_stand_for_the_content() {
    use imza::crypto::{digest, HashAlgorithm};
    let trust = trust();
    let opts = options(&trust);
    let mut v = DocumentVerifier::new(DETACHED).unwrap();
    let algs = v.required_digests();
    assert_eq!(algs, [HashAlgorithm::Sha256]);
    let good = digest(HashAlgorithm::Sha256, CONTENT);
    v.set_digests(
        &[(HashAlgorithm::Sha256, good.as_ref())],
        CONTENT.len() as u64,
    )
    .unwrap();
    assert_eq!(v.update(b"x").unwrap_err().code(), 105);
    let r = v.verify(&opts).unwrap();
    assert_eq!(r.indication, Indication::TOTAL_PASSED);
    assert_eq!(r.signatures[0].scope[0].length, Some(CONTENT.len() as u64));

    // Another content's digest fails; a missing or short digest is refused.
    let mut v = DocumentVerifier::new(DETACHED).unwrap();
    let other = digest(HashAlgorithm::Sha256, b"other");
    v.set_digests(&[(HashAlgorithm::Sha256, other.as_ref())], 5)
        .unwrap();
    assert_eq!(
        v.verify(&opts).unwrap().sub_indication,
        Some(SubIndication::HASH_FAILURE)
    );
    let mut v = DocumentVerifier::new(DETACHED).unwrap();
    assert_eq!(v.set_digests(&[], 0).unwrap_err().code(), 105);
    assert_eq!(
        v.set_digests(&[(HashAlgorithm::Sha256, &good.as_ref()[..31])], 0)
            .unwrap_err()
            .code(),
        105
    );
    let mut a = DocumentVerifier::new(ATTACHED).unwrap();
    assert!(a.required_digests().is_empty());
    assert!(matches!(
        a.set_digests(&[(HashAlgorithm::Sha256, good.as_ref())], 1),
        Err(Error::ContentGivenTwice)
    ));
}
