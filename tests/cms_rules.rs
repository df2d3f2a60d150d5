//! RFC 5652 / RFC 6211 rules on a `SignerInfo` that a verifier must enforce, each test named
//! after its rule: CMSAlgorithmProtection names the algorithms used, content other than
//! id-data needs signed attributes, the signature covers the DER form of the signed
//! attributes, and BER-chunked content is not copied by parsing.
//!
//! The signatures are imza's own CAdES-B-B signatures (test PKI, `test-vectors/pki/`) and
//! OpenSSL fixtures (`test-vectors/cms/`, made by `test-vectors/generate-cms.sh`), changed
//! with the RustCrypto `cms` types and, where a BER encoding is needed that `der` cannot
//! write, assembled here from DER pieces. Whatever a change invalidates is re-signed with
//! the test signer's key, so that only the rule under test can make the signature fail.
//!
//! OpenSSL 3.0 (the version in Debian 12, used by the fixture generator) does not write the
//! CMSAlgorithmProtection attribute (3.2 and later do); signatures from BouncyCastle that
//! carry it (the DSS vectors) are checked by `tests/cades_dss.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use imza::cades::sign::{sign, SignOptions, ToSign};
use imza::cades::{verify, Content, VerifyOptions};
use imza::cms::attr::{CmsAlgorithmProtection, CMS_ALGORITHM_PROTECTION};
use imza::cms::verify::{check_signer, ContentRef, Failure, ProtectedAlgorithm};
use imza::crypto::{EcdsaEncoding, HashAlgorithm, Policy, SignatureAlgorithm, Signer, SigningKey};
use imza::path::ParsedCert;
use imza::report::{Indication, Report, SubIndication};
use imza::time::UnixTime;
use imza::trust::TrustStore;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

fn tv(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(p)
}

const T: UnixTime = UnixTime::from_secs(1_798_761_600); // 2027-01-01
const CONTENT: &[u8] = b"An agency decision, signed.";

fn store() -> TrustStore {
    let mut s = TrustStore::new();
    s.add_pem_or_der(&std::fs::read(tv("pki/ecdsa-p256/root.pem")).unwrap())
        .unwrap();
    s
}

/// Validation at `T` with the test PKI's CRLs, so that revocation is known.
fn opts(s: &TrustStore) -> VerifyOptions<'_> {
    let mut o = VerifyOptions::new(s, T);
    o.crls = ["pki/ecdsa-p256/intermediate.crl", "pki/ecdsa-p256/root.crl"]
        .iter()
        .map(|p| std::fs::read(tv(p)).unwrap())
        .collect();
    o
}

/// The test signer, signing ECDSA P-256 with SHA-256 in the DER signature encoding CMS uses.
fn key() -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(tv("pki/ecdsa-p256/signer.key")).unwrap())
        .unwrap()
        .with_algorithm(SignatureAlgorithm::Ecdsa {
            hash: HashAlgorithm::Sha256,
            encoding: EcdsaEncoding::Der,
        })
        .unwrap()
}

/// imza's attached CAdES-B-B signature over `CONTENT`, decoded.
fn signed_data() -> SignedData {
    let key = key();
    let cert = std::fs::read(tv("pki/ecdsa-p256/signer.der")).unwrap();
    let chain = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.der")).unwrap()];
    let o = SignOptions::new(UnixTime::from_secs(1_794_000_000));
    let der = sign(ToSign::Bytes(CONTENT), &key, &cert, &chain, &o).unwrap();
    ContentInfo::from_der(&der)
        .unwrap()
        .content
        .decode_as()
        .unwrap()
}

fn content_info(sd: &SignedData) -> Vec<u8> {
    ContentInfo {
        content_type: const_oid::db::rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(sd).unwrap(),
    }
    .to_der()
    .unwrap()
}

/// Adds `extra` to the first signer's signed attributes and signs them again.
fn with_signed_attribute(mut sd: SignedData, extra: Attribute) -> Vec<u8> {
    let mut infos: Vec<_> = sd.signer_infos.0.into_vec();
    let si = &mut infos[0];
    let mut attrs = si.signed_attrs.take().unwrap();
    attrs.insert(extra).unwrap();
    let sig = key().sign(&attrs.to_der().unwrap()).unwrap();
    si.signature = OctetString::new(sig).unwrap();
    si.signed_attrs = Some(attrs);
    sd.signer_infos = cms::signed_data::SignerInfos(SetOfVec::try_from(infos).unwrap());
    content_info(&sd)
}

fn alg(oid: &str) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: const_oid::ObjectIdentifier::new_unwrap(oid),
        parameters: None,
    }
}

const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA384: &str = "2.16.840.1.101.3.4.2.2";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const HMAC_SHA256: &str = "1.2.840.113549.2.9";

fn protection(digest: &str, signature: Option<&str>, mac: Option<&str>) -> Attribute {
    let value = CmsAlgorithmProtection {
        digest_algorithm: alg(digest),
        signature_algorithm: signature.map(alg),
        mac_algorithm: mac.map(alg),
    };
    let mut values = SetOfVec::new();
    values.insert(Any::encode_from(&value).unwrap()).unwrap();
    Attribute {
        oid: CMS_ALGORITHM_PROTECTION,
        values,
    }
}

fn verdict(r: &Report) -> (Indication, Option<SubIndication>) {
    (r.signatures[0].indication, r.signatures[0].sub_indication)
}

/// The cryptographic check alone, for the typed failure.
fn crypto_check(cms: &[u8]) -> Result<(), Failure> {
    let sd = imza::cms::parse(cms).unwrap();
    let pool: Vec<ParsedCert> = sd
        .certificates
        .iter()
        .map(|c| ParsedCert::from_der(c).unwrap())
        .collect();
    let content = sd.content.as_ref().unwrap();
    check_signer(
        Some(sd.content_type),
        &sd.signers[0],
        &pool,
        ContentRef::Bytes(content),
        &Policy::default(),
    )
    .outcome
}

#[test]
fn cms_algorithm_protection_must_name_the_digest_and_signature_algorithms_used() {
    let s = store();
    // Naming what the SignerInfo uses (sha256, ecdsa-with-SHA256): the signature passes.
    let good = with_signed_attribute(signed_data(), protection(SHA256, Some(ECDSA_SHA256), None));
    let r = verify(&good, Content::Attached, &opts(&s)).unwrap();
    assert_eq!(
        verdict(&r),
        (Indication::TOTAL_PASSED, None),
        "{:?}",
        r.signatures[0].errors
    );
    assert_eq!(crypto_check(&good), Ok(()));

    // Naming anything else: the algorithms were changed after signing. The signature value
    // itself verifies (the attributes were re-signed), so only the rule can fail it.
    let cases = [
        (
            "another digest",
            protection(SHA384, Some(ECDSA_SHA256), None),
            ProtectedAlgorithm::Digest,
        ),
        (
            "another signature algorithm",
            protection(SHA256, Some(ECDSA_SHA384), None),
            ProtectedAlgorithm::Signature,
        ),
        (
            "no signature algorithm",
            protection(SHA256, None, None),
            ProtectedAlgorithm::Signature,
        ),
        (
            "a MAC algorithm",
            protection(SHA256, Some(ECDSA_SHA256), Some(HMAC_SHA256)),
            ProtectedAlgorithm::Mac,
        ),
    ];
    for (what, attribute, field) in cases {
        let bad = with_signed_attribute(signed_data(), attribute);
        match crypto_check(&bad) {
            Err(Failure::AlgorithmProtection(m)) => {
                assert_eq!(m.field, field, "{what}");
                assert!(
                    Failure::AlgorithmProtection(m.clone())
                        .to_string()
                        .contains("CMSAlgorithmProtection"),
                    "{what}"
                );
                assert_eq!(
                    Failure::AlgorithmProtection(m).indication(),
                    (Indication::TOTAL_FAILED, SubIndication::SIG_CRYPTO_FAILURE)
                );
            }
            other => panic!("{what}: {other:?}"),
        }
        let r = verify(&bad, Content::Attached, &opts(&s)).unwrap();
        assert!(!r.signatures[0].intact, "{what}");
        assert_ne!(
            r.signatures[0].indication,
            Indication::TOTAL_PASSED,
            "{what}"
        );
    }
}

#[test]
fn cms_algorithm_protection_accepts_null_digest_parameters() {
    // RFC 5754 §2: SHA-2 parameters may be absent or NULL; both name the same algorithm.
    let mut value = CmsAlgorithmProtection {
        digest_algorithm: alg(SHA256),
        signature_algorithm: Some(alg(ECDSA_SHA256)),
        mac_algorithm: None,
    };
    value.digest_algorithm.parameters = Some(Any::from(der::asn1::Null));
    let mut values = SetOfVec::new();
    values.insert(Any::encode_from(&value).unwrap()).unwrap();
    let cms = with_signed_attribute(
        signed_data(),
        Attribute {
            oid: CMS_ALGORITHM_PROTECTION,
            values,
        },
    );
    assert_eq!(crypto_check(&cms), Ok(()));
}

/// Replaces the first occurrence of `from` in `der` with `to` (same length).
fn patch(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let i = der
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern not found");
    let mut out = der.to_vec();
    out[i..i + to.len()].copy_from_slice(to);
    out
}

#[test]
fn econtent_type_other_than_data_requires_signed_attributes() {
    let s = store();
    // OpenSSL `-noattr -nodetach`: no signed attributes, eContentType id-data: valid.
    let sig = std::fs::read(tv("cms/ossl-ec-noattr-attached.p7m")).unwrap();
    let r = verify(&sig, Content::Attached, &opts(&s)).unwrap();
    assert_eq!(verdict(&r), (Indication::TOTAL_PASSED, None));

    // The same with eContentType id-digestedData (1.2.840.113549.1.7.5). The signature is over
    // the content alone, so it still verifies; nothing signed says what the content is,
    // which is why RFC 5652 §5.3 requires signed attributes for any type but id-data.
    const ID_DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    const DIGESTED: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x05,
    ];
    let other = patch(&sig, ID_DATA, DIGESTED);
    assert_eq!(
        imza::cms::parse(&other).unwrap().content_type.to_string(),
        "1.2.840.113549.1.7.5"
    );
    let r = verify(&other, Content::Attached, &opts(&s)).unwrap();
    assert_eq!(
        verdict(&r),
        (
            Indication::TOTAL_FAILED,
            Some(SubIndication::FORMAT_FAILURE)
        )
    );
    let errors = r.signatures[0].errors.join("\n");
    assert!(errors.contains("RFC 5652 §5.3"), "{errors}");
}

// ==== signed attributes in BER ===============================================================

/// A DER TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let [_, _, b2, b3] = u32::try_from(content.len()).unwrap().to_be_bytes();
    let mut out = vec![tag];
    match content.len() {
        0..0x80 => out.push(b3),
        0x80..0x100 => out.extend_from_slice(&[0x81, b3]),
        _ => out.extend_from_slice(&[0x82, b2, b3]),
    }
    out.extend_from_slice(content);
    out
}

/// A TLV whose length is written in three octets whatever its size: valid BER, not DER.
fn long_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let [_, b1, b2, b3] = u32::try_from(content.len()).unwrap().to_be_bytes();
    let mut out = vec![tag, 0x83, b1, b2, b3];
    out.extend_from_slice(content);
    out
}

/// The signer's attributes (DER), re-encoded with a long-form length on the set and on the
/// message-digest value, as a non-DER signer writes them.
fn ber_attributes(sd: &SignedData) -> (Vec<u8>, Vec<u8>) {
    let attrs = sd
        .signer_infos
        .0
        .get(0)
        .unwrap()
        .signed_attrs
        .clone()
        .unwrap();
    let der = attrs.to_der().unwrap();
    let mut body = Vec::new();
    for a in attrs.iter() {
        if a.oid == imza::cms::attr::MESSAGE_DIGEST {
            let md = a.values.get(0).unwrap().value();
            let value = long_tlv(0x31, &long_tlv(0x04, md));
            let mut inner = a.oid.to_der().unwrap();
            inner.extend_from_slice(&value);
            body.extend_from_slice(&tlv(0x30, &inner));
        } else {
            body.extend_from_slice(&a.to_der().unwrap());
        }
    }
    // [0] IMPLICIT, as sent in the SignerInfo.
    (long_tlv(0xa0, &body), der)
}

/// A ContentInfo with `signed_attrs` (BER, tag [0]) and `signature` spliced into the first
/// signer; the layers around them use indefinite lengths, so nothing else needs re-encoding.
fn ber_content_info(sd: &SignedData, signed_attrs: &[u8], signature: &[u8]) -> Vec<u8> {
    let si = sd.signer_infos.0.get(0).unwrap();
    let mut signer = vec![0x30, 0x80];
    signer.extend_from_slice(&si.version.to_der().unwrap());
    signer.extend_from_slice(&si.sid.to_der().unwrap());
    signer.extend_from_slice(&si.digest_alg.to_der().unwrap());
    signer.extend_from_slice(signed_attrs);
    signer.extend_from_slice(&si.signature_algorithm.to_der().unwrap());
    signer.extend_from_slice(&tlv(0x04, signature));
    signer.extend_from_slice(&[0, 0]);

    let mut signed = vec![0x30, 0x80];
    signed.extend_from_slice(&sd.version.to_der().unwrap());
    signed.extend_from_slice(&sd.digest_algorithms.to_der().unwrap());
    signed.extend_from_slice(&sd.encap_content_info.to_der().unwrap());
    let mut certs = sd.certificates.as_ref().unwrap().to_der().unwrap();
    certs[0] = 0xa0; // [0] IMPLICIT CertificateSet
    signed.extend_from_slice(&certs);
    signed.extend_from_slice(&[0x31, 0x80]);
    signed.extend_from_slice(&signer);
    signed.extend_from_slice(&[0, 0, 0, 0]);

    let mut ci = vec![0x30, 0x80];
    ci.extend_from_slice(&const_oid::db::rfc5911::ID_SIGNED_DATA.to_der().unwrap());
    ci.extend_from_slice(&[0xa0, 0x80]);
    ci.extend_from_slice(&signed);
    ci.extend_from_slice(&[0, 0, 0, 0]);
    ci
}

#[test]
fn signed_attributes_signed_in_ber_as_sent_fail_because_rfc_5652_signs_their_der_form() {
    let s = store();
    let sd = signed_data();
    let (ber, der) = ber_attributes(&sd);
    assert_ne!(ber[1..], der[1..]);

    // Signed as sent (the SET OF tag in place of [0], the BER lengths kept): what OpenSSL
    // and BouncyCastle refuse, because they verify over the DER form.
    let mut as_sent = ber.clone();
    as_sent[0] = 0x31;
    let cms = ber_content_info(&sd, &ber, &key().sign(&as_sent).unwrap());
    let r = verify(&cms, Content::Attached, &opts(&s)).unwrap();
    assert_eq!(
        verdict(&r),
        (
            Indication::TOTAL_FAILED,
            Some(SubIndication::FORMAT_FAILURE)
        ),
        "{:?}",
        r.signatures[0].errors
    );
    let errors = r.signatures[0].errors.join("\n");
    for says in ["not DER-encoded", "length", "as sent", "RFC 5652 §5.4"] {
        assert!(errors.contains(says), "{says:?} missing from: {errors}");
    }

    // Sent in BER but signed over the DER form, as RFC 5652 requires: valid, with a warning
    // that names what was not DER.
    let cms = ber_content_info(&sd, &ber, &key().sign(&der).unwrap());
    let r = verify(&cms, Content::Attached, &opts(&s)).unwrap();
    assert_eq!(
        verdict(&r),
        (Indication::TOTAL_PASSED, None),
        "{:?}",
        r.signatures[0].errors
    );
    let warnings = r.signatures[0].warnings.join("\n");
    assert!(
        warnings.contains("non-DER encoding") && warnings.contains("length octets"),
        "{warnings}"
    );
}

// ==== BER-chunked content ====================================================================

#[test]
fn ber_chunked_attached_content_is_hashed_in_place_not_copied() {
    // `openssl cms -sign -stream`: the eContent is a constructed OCTET STRING of segments.
    let sig = std::fs::read(tv("cms/ossl-ec-stream-attached.p7m")).unwrap();
    let sd = imza::cms::parse(&sig).unwrap();
    let content = sd.content.as_ref().unwrap();
    let expected = std::fs::read(tv("cms/content.txt")).unwrap();
    // Every segment is a slice of the input itself.
    let input = sig.as_ptr_range();
    for seg in content.segments() {
        let r = seg.as_ptr_range();
        assert!(input.start <= r.start && r.end <= input.end);
    }
    assert_eq!(content.len(), expected.len());
    assert_eq!(
        content.digest(HashAlgorithm::Sha256).as_ref(),
        imza::crypto::digest(HashAlgorithm::Sha256, &expected).as_ref()
    );
    assert_eq!(&content[..], &expected[..]);
}

#[test]
fn typed_signing_certificate_v2_encodes_what_imza_signs() {
    // The typed RFC 5035 structure gives the same bytes as the attribute imza's signer
    // writes today (`cades::sign`), so the signer can switch to it without a change.
    let cert_der = std::fs::read(tv("pki/ecdsa-p256/signer.der")).unwrap();
    let cert = x509_cert::Certificate::from_der(&cert_der).unwrap();
    let typed = imza::cms::attr::ess::SigningCertificateV2::naming(&cert, &cert_der).unwrap();
    let sd = signed_data();
    let attrs = sd
        .signer_infos
        .0
        .get(0)
        .unwrap()
        .signed_attrs
        .clone()
        .unwrap();
    let written = attrs
        .iter()
        .find(|a| a.oid == imza::cms::attr::SIGNING_CERTIFICATE_V2)
        .unwrap()
        .values
        .get(0)
        .unwrap()
        .to_der()
        .unwrap();
    assert_eq!(typed.to_der().unwrap(), written);
    assert_eq!(
        imza::cms::attr::ess::SigningCertificateV2::from_der(&written).unwrap(),
        typed
    );
}
