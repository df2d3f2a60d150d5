//! Each attack on a CAdES signature gives the right indication: imza's own B-B signatures
//! (test PKI) and OpenSSL fixtures (test-vectors/cms/, made by test-vectors/generate-cms.sh),
//! tampered in the ways attackers do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use imza::cades::sign::{add_signature_timestamp, sign, SignOptions, ToSign};
use imza::cades::{verify, Content, VerifyOptions};
use imza::crypto::SigningKey;
use imza::report::{Indication, Level, Report, SubIndication, TimestampKind};
use imza::time::UnixTime;
use imza::trust::TrustStore;

fn tv(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(p)
}

// After the OpenSSL fixtures' time-stamps (test-vectors/cms was generated on 2026-11-21):
// a time-stamp dated after the validation time proves nothing.
const T: UnixTime = UnixTime::from_secs(1_798_761_600); // 2027-01-01

fn store() -> TrustStore {
    let mut s = TrustStore::new();
    s.add_pem_or_der(&std::fs::read(tv("pki/ecdsa-p256/root.pem")).unwrap())
        .unwrap();
    s
}

/// Validation options with the test PKI's CRLs, so that revocation (required by default)
/// is known.
fn opts(s: &TrustStore, t: UnixTime) -> VerifyOptions<'_> {
    let mut o = VerifyOptions::new(s, t);
    o.crls = ["pki/ecdsa-p256/intermediate.crl", "pki/ecdsa-p256/root.crl"]
        .iter()
        .map(|p| std::fs::read(tv(p)).unwrap())
        .collect();
    o
}

fn signed(detached: bool) -> (Vec<u8>, Vec<u8>) {
    let key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/signer.key")).unwrap(),
    )
    .unwrap();
    let cert = std::fs::read(tv("pki/ecdsa-p256/signer.der")).unwrap();
    let chain = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.der")).unwrap()];
    let content = b"An agency decision, signed.".to_vec();
    let mut o = SignOptions::new(UnixTime::from_secs(1_794_000_000));
    o.detached = detached;
    (
        sign(ToSign::Bytes(&content), &key, &cert, &chain, &o).unwrap(),
        content,
    )
}

fn check(r: &Report, ind: Indication, sub: Option<SubIndication>) {
    let s = &r.signatures[0];
    assert_eq!(
        (s.indication, s.sub_indication),
        (ind, sub),
        "{:?} {:?}",
        s.errors,
        s.warnings
    );
    assert_eq!((r.indication, r.sub_indication), (ind, sub));
}

/// Replaces the first occurrence of `from` in `der` (same length) with `to`.
fn patch(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let i = der
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern present");
    let mut out = der.to_vec();
    out[i..i + to.len()].copy_from_slice(to);
    out
}

#[test]
fn untampered_signature_passes() {
    let (sig, content) = signed(true);
    let s = store();
    let r = verify(&sig, Content::Detached(&content), &opts(&s, T)).unwrap();
    check(&r, Indication::TOTAL_PASSED, None);
    assert_eq!(r.signatures[0].level, Level::B);
    assert!(r.signatures[0].intact);
    let (sig, _) = signed(false);
    check(
        &verify(&sig, Content::Attached, &opts(&s, T)).unwrap(),
        Indication::TOTAL_PASSED,
        None,
    );
}

#[test]
fn tampered_content_is_a_hash_failure() {
    let (sig, content) = signed(false);
    let tampered = patch(&sig, b"agency", b"AGENCY");
    let s = store();
    let r = verify(&tampered, Content::Attached, &opts(&s, T)).unwrap();
    check(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::HASH_FAILURE),
    );
    assert!(!r.signatures[0].intact);
    let (sig, _) = signed(true);
    let mut other = content.clone();
    other[0] ^= 1;
    check(
        &verify(&sig, Content::Detached(&other), &opts(&s, T)).unwrap(),
        Indication::TOTAL_FAILED,
        Some(SubIndication::HASH_FAILURE),
    );
}

#[test]
fn tampered_signed_attribute_is_a_signature_failure() {
    let (sig, content) = signed(true);
    // Move the signing-time (the only UTCTime in the signed attributes) back ten years.
    let oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
    ];
    let from = sig.windows(oid.len()).position(|w| w == oid).unwrap();
    let at = from
        + sig[from..]
            .windows(2)
            .position(|w| w == [0x17, 0x0d])
            .unwrap()
        + 2;
    let mut tampered = sig.clone();
    tampered[at] = if sig[at] == b'1' { b'2' } else { b'1' };
    let s = store();
    let r = verify(&tampered, Content::Detached(&content), &opts(&s, T)).unwrap();
    check(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::SIG_CRYPTO_FAILURE),
    );
}

#[test]
fn missing_message_digest_is_a_format_failure() {
    let (sig, content) = signed(true);
    // id-messageDigest 1.2.840.113549.1.9.4 renamed to 1.2.840.113549.1.9.99 (an unknown type).
    let md = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
    ];
    let mut other = md;
    other[10] = 0x63;
    let tampered = patch(&sig, &md, &other);
    let s = store();
    let r = verify(&tampered, Content::Detached(&content), &opts(&s, T)).unwrap();
    check(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::FORMAT_FAILURE),
    );
    assert!(r.signatures[0].errors[0].contains("message-digest"));
}

#[test]
fn duplicated_signed_attribute_is_a_format_failure() {
    let (sig, content) = signed(true);
    // Rename signing-time (…09 05) to content-type (…09 03): two content-type attributes.
    let st = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
    ];
    let mut ct = st;
    ct[10] = 0x03;
    let tampered = patch(&sig, &st, &ct);
    let s = store();
    let r = verify(&tampered, Content::Detached(&content), &opts(&s, T)).unwrap();
    check(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::FORMAT_FAILURE),
    );
    assert!(r.signatures[0].errors[0].contains("more than once"));
}

#[test]
fn swapped_signer_certificate_is_not_the_signing_certificate() {
    // OpenSSL -cades signature whose embedded certificate was replaced by another
    // certificate for the same key: the signature value verifies, ESS does not match.
    let sig = std::fs::read(tv("cms/ossl-ec-cades-swapped-cert-detached.p7s")).unwrap();
    let content = std::fs::read(tv("cms/content.txt")).unwrap();
    let s = store();
    let r = verify(&sig, Content::Detached(&content), &opts(&s, T)).unwrap();
    check(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::NO_SIGNING_CERTIFICATE_FOUND),
    );
    assert!(!r.signatures[0].intact);
}

fn timestamp_token_of(sig: &[u8]) -> Vec<u8> {
    let sd = imza::cms::parse(sig).unwrap();
    let u = sd.signers[0].unsigned_attrs.as_ref().unwrap();
    u.get(&imza::cms::attr::SIGNATURE_TIMESTAMP).unwrap().values[0].to_vec()
}

#[test]
fn timestamp_copied_from_another_signature_proves_nothing() {
    let bt = std::fs::read(tv("cms/ossl-ec-cades-t-detached.p7s")).unwrap();
    let content = std::fs::read(tv("cms/content.txt")).unwrap();
    let s = store();
    // The original B-T verifies with its time-stamp as proof of existence.
    let r = verify(&bt, Content::Detached(&content), &opts(&s, T)).unwrap();
    check(&r, Indication::TOTAL_PASSED, None);
    let ts = &r.signatures[0].timestamps[0];
    assert_eq!(
        (ts.kind, ts.imprint_intact),
        (TimestampKind::Signature, Some(true))
    );
    assert_eq!(Some(r.signatures[0].best_signature_time), ts.gen_time);

    // Its token moved onto imza's signature: the imprint covers another signature value.
    let (mine, my_content) = signed(true);
    let forged = add_signature_timestamp(&mine, &timestamp_token_of(&bt)).unwrap();
    let r = verify(&forged, Content::Detached(&my_content), &opts(&s, T)).unwrap();
    let sig = &r.signatures[0];
    let ts = &sig.timestamps[0];
    assert_eq!(ts.imprint_intact, Some(false));
    assert_eq!(
        (ts.indication, ts.sub_indication),
        (Indication::TOTAL_FAILED, Some(SubIndication::HASH_FAILURE))
    );
    assert_eq!(
        sig.best_signature_time, T,
        "a copied time-stamp must not become a proof of existence"
    );

    // So it cannot rescue the signature once the signer's certificate has expired.
    let later = UnixTime::from_secs(2_082_758_400); // 2036-01-01
    let r = verify(&forged, Content::Detached(&my_content), &opts(&s, later)).unwrap();
    check(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::OUT_OF_BOUNDS_NO_POE),
    );
}

#[test]
fn expired_signer_without_timestamp_is_out_of_bounds_not_a_failure() {
    let (sig, content) = signed(true);
    let s = store();
    let later = UnixTime::from_secs(2_082_758_400);
    let r = verify(&sig, Content::Detached(&content), &opts(&s, later)).unwrap();
    check(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::OUT_OF_BOUNDS_NO_POE),
    );
    assert!(
        r.signatures[0].intact,
        "crypto is intact; only the time is unproven"
    );
}

#[test]
fn revoked_signer_without_proof_of_time_is_revoked_no_poe() {
    // pki/ecdsa-p256/revoked.pem was revoked on 2026-06-01; the intermediate's CRL says so.
    let key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/revoked.key")).unwrap(),
    )
    .unwrap();
    let cert = std::fs::read(tv("pki/ecdsa-p256/revoked.der")).unwrap();
    let chain = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.der")).unwrap()];
    let sig = sign(
        ToSign::Bytes(b"x"),
        &key,
        &cert,
        &chain,
        &SignOptions::new(T),
    )
    .unwrap();
    let s = store();
    let mut o = opts(&s, T);
    o.crls = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.crl")).unwrap()];
    let r = verify(&sig, Content::Attached, &o).unwrap();
    check(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::REVOKED_NO_POE),
    );
}

#[test]
fn garbage_is_an_error_not_a_report() {
    let s = store();
    for junk in [
        &b""[..],
        b"\x30\x80",
        b"\x30\x03\x06\x01\x00",
        b"-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n",
    ] {
        assert!(verify(junk, Content::Attached, &opts(&s, T)).is_err());
    }
}

#[test]
fn counter_signatures_are_validated_and_reported() {
    use imza::cades::sign::add_counter_signature;
    let (sig, content) = signed(true);
    let key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/login.key")).unwrap(),
    )
    .unwrap();
    let cert = std::fs::read(tv("pki/ecdsa-p256/login.der")).unwrap();
    let countersigned = add_counter_signature(&sig, &key, &cert, T).unwrap();
    let s = store();
    let r = verify(&countersigned, Content::Detached(&content), &opts(&s, T)).unwrap();
    let main = &r.signatures[0];
    assert_eq!(main.indication, Indication::TOTAL_PASSED);
    assert_eq!(main.counter_signatures.len(), 1);
    let c = &main.counter_signatures[0];
    assert_eq!(c.id, "S-1-C-1");
    assert!(c.intact, "{:?}", c.errors);
    assert!(
        c.signer.as_ref().unwrap().subject.contains("Login"),
        "{:?}",
        c.signer
    );

    // Tampering with the counter-signed value breaks the counter-signature's digest, and the
    // main signature with it.
    let value = imza::cms::parse(&sig).unwrap().signers[0]
        .signature
        .to_vec();
    let mut other = value.clone();
    let last = other.len() - 1;
    other[last] ^= 1;
    let tampered = patch(&countersigned, &value, &other);
    let r = verify(&tampered, Content::Detached(&content), &opts(&s, T)).unwrap();
    assert_eq!(
        r.signatures[0].sub_indication,
        Some(SubIndication::SIG_CRYPTO_FAILURE)
    );
}
