//! Path-validation rules found through x509-limbo, each on certificates built here with
//! exactly the property under test (Ed25519 keys from fixed seeds, fixed dates), so the
//! tests need no fixture files.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::str::FromStr;
use core::time::Duration;

use const_oid::AssociatedOid;
use der::asn1::{BitString, Ia5String, OctetString, UtcTime};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::ext::pkix::constraints::name::{GeneralSubtree, GeneralSubtrees};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, KeyUsage, KeyUsages, NameConstraints, SubjectAltName,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use super::*;
use crate::crypto::{Signer, SigningKey};
use crate::trust::AnchorConstraints;

/// 2027-01-01T00:00:00Z, inside every certificate built here.
const AT: UnixTime = UnixTime::from_secs(1_798_761_600);

fn key(seed: u8) -> SigningKey {
    // PKCS#8 PrivateKeyInfo for Ed25519 (RFC 8410 §7): fixed prefix, then the 32-byte seed.
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&[seed; 32]);
    SigningKey::from_pkcs8_der(&der).unwrap()
}

fn ext<T: Encode + AssociatedOid>(critical: bool, value: &T) -> Extension {
    Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der().unwrap()).unwrap(),
    }
}

fn ca_exts() -> Vec<Extension> {
    vec![
        ext(
            true,
            &BasicConstraints {
                ca: true,
                path_len_constraint: None,
            },
        ),
        ext(true, &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)),
    ]
}

fn san_dns(names: &[&str]) -> Extension {
    ext(
        false,
        &SubjectAltName(
            names
                .iter()
                .map(|n| GeneralName::DnsName(Ia5String::new(n).unwrap()))
                .collect(),
        ),
    )
}

fn dns_subtrees(names: &[&str]) -> GeneralSubtrees {
    names
        .iter()
        .map(|n| GeneralSubtree {
            base: GeneralName::DnsName(Ia5String::new(n).unwrap()),
            minimum: 0,
            maximum: None,
        })
        .collect()
}

/// A certificate for `subject` with `subject_key`, issued by `issuer` with `issuer_key`.
fn cert(
    subject: &str,
    subject_key: &SigningKey,
    issuer: &str,
    issuer_key: &SigningKey,
    extensions: Vec<Extension>,
) -> Vec<u8> {
    let alg = AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new_unwrap("1.3.101.112"),
        parameters: None,
    };
    let time =
        |secs| Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(secs)).unwrap());
    let name = |s: &str| {
        if s.is_empty() {
            Name::default()
        } else {
            Name::from_str(s).unwrap()
        }
    };
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&[0x01, subject.len() as u8]).unwrap(),
        signature: alg.clone(),
        issuer: name(issuer),
        validity: Validity {
            not_before: time(1_577_836_800), // 2020-01-01
            not_after: time(2_208_988_800),  // 2040-01-01
        },
        subject: name(subject),
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(subject_key.public_key_spki())
            .unwrap(),
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: (!extensions.is_empty()).then_some(extensions),
    };
    let signature = issuer_key.sign(&tbs.to_der().unwrap()).unwrap();
    Certificate {
        tbs_certificate: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(&signature).unwrap(),
    }
    .to_der()
    .unwrap()
}

fn store(anchor: &[u8]) -> TrustStore {
    let mut s = TrustStore::new();
    s.add_der(anchor, AnchorConstraints::default()).unwrap();
    s
}

fn opts() -> Options {
    Options::new(AT, Purpose::Any)
}

/// RFC 5280 §6.1.4 (l): a self-issued intermediate (key rollover) does not count against
/// the path length. x509-limbo pathlen::max-chain-depth-1-self-issued.
#[test]
fn self_issued_intermediates_do_not_count_against_max_intermediates() {
    let (kr, k1, k2, kl) = (key(1), key(2), key(3), key(4));
    let root = cert("CN=Root", &kr, "CN=Root", &kr, ca_exts());
    let ica = cert("CN=ICA", &k1, "CN=Root", &kr, ca_exts());
    // Same name, new key, signed by the old key: self-issued.
    let rollover = cert("CN=ICA", &k2, "CN=ICA", &k1, ca_exts());
    let leaf = cert("CN=leaf", &kl, "CN=ICA", &k2, vec![]);
    let store = store(&root);
    let mut o = opts();
    o.budget.max_intermediates = 1;
    let path = validate(&leaf, &[&ica, &rollover], &store, &o).unwrap();
    assert_eq!(path.certs.len(), 3);
    o.budget.max_intermediates = 0;
    assert!(matches!(
        validate(&leaf, &[&ica, &rollover], &store, &o),
        Err(PathError::NoChainFound { .. })
    ));
    // Two distinct CAs are two: refused with max_intermediates 1.
    let ica2 = cert("CN=ICA2", &k2, "CN=ICA", &k1, ca_exts());
    let leaf2 = cert("CN=leaf", &kl, "CN=ICA2", &k2, vec![]);
    o.budget.max_intermediates = 1;
    assert!(validate(&leaf2, &[&ica, &ica2], &store, &o).is_err());
    o.budget.max_intermediates = 2;
    assert!(validate(&leaf2, &[&ica, &ica2], &store, &o).is_ok());
}

/// Budget item (STYLE 4): thousands of subtrees against thousands of names is quadratic
/// work. x509-limbo pathological::nc-dos-{1,2,3}.
#[test]
fn name_constraint_work_is_budgeted() {
    let (kr, kl) = (key(5), key(6));
    let names: Vec<String> = (0..600).map(|i| alloc::format!("t{i}.test")).collect();
    let names: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut exts = ca_exts();
    exts.push(ext(
        true,
        &NameConstraints {
            permitted_subtrees: Some(dns_subtrees(&names)),
            excluded_subtrees: None,
        },
    ));
    let root = cert("CN=Root", &kr, "CN=Root", &kr, exts);
    let leaf = cert("CN=leaf", &kl, "CN=Root", &kr, vec![san_dns(&names)]);
    let store = store(&root);
    let mut o = opts();
    assert_eq!(
        validate(&leaf, &[], &store, &o).unwrap_err(),
        PathError::BudgetExceeded {
            what: "name-constraint comparisons"
        }
    );
    // The same work within a larger budget is an ordinary, valid path.
    o.budget.name_constraint_checks = 1_000_000;
    assert!(validate(&leaf, &[], &store, &o).is_ok());
}

/// RFC 5280 §4.2.1.10: nameConstraints only in CA certificates. x509-limbo
/// rfc5280::nc::not-allowed-in-ee-{critical,noncritical}.
#[test]
fn name_constraints_in_an_end_entity_are_refused() {
    let (kr, kl) = (key(7), key(8));
    let root = cert("CN=Root", &kr, "CN=Root", &kr, ca_exts());
    let nc = NameConstraints {
        permitted_subtrees: Some(dns_subtrees(&["example.com"])),
        excluded_subtrees: None,
    };
    for critical in [true, false] {
        let leaf = cert(
            "CN=leaf",
            &kl,
            "CN=Root",
            &kr,
            vec![san_dns(&["example.com"]), ext(critical, &nc)],
        );
        assert!(matches!(
            validate(&leaf, &[], &store(&root), &opts()),
            Err(PathError::ChainConstraints {
                constraint: Constraint::NameConstraintsInEndEntity,
                ..
            })
        ));
    }
}

/// RFC 5280 §4.2.1.10: a nameConstraints extension with no subtrees constrains nothing
/// and is malformed (GeneralSubtrees is SIZE (1..MAX)). x509-limbo
/// webpki::nc::intermediate-permitted-excluded-subtrees-both-{null,empty-sequences}.
#[test]
fn empty_name_constraints_are_malformed() {
    let k = key(9);
    for nc in [
        NameConstraints {
            permitted_subtrees: None,
            excluded_subtrees: None,
        },
        NameConstraints {
            permitted_subtrees: Some(Vec::new()),
            excluded_subtrees: Some(Vec::new()),
        },
        NameConstraints {
            permitted_subtrees: Some(dns_subtrees(&["example.com"])),
            excluded_subtrees: Some(Vec::new()),
        },
    ] {
        let mut exts = ca_exts();
        exts.push(ext(true, &nc));
        let der = cert("CN=CA", &k, "CN=CA", &k, exts);
        let err = ParsedCert::from_der(&der).unwrap_err().to_string();
        assert!(err.contains("nameConstraints"), "{err}");
    }
}

/// RFC 5280 §4.1.2.4: the issuer name is never empty. x509-limbo rfc5280::ca-empty-subject
/// (a CA with an empty subject, so its certificates have an empty issuer).
#[test]
fn empty_issuer_is_malformed() {
    let (kr, kl) = (key(10), key(11));
    let root = cert("", &kr, "", &kr, ca_exts());
    assert!(ParsedCert::from_der(&root).is_err());
    let leaf = cert("CN=leaf", &kl, "", &kr, vec![]);
    assert!(matches!(
        validate(&leaf, &[], &TrustStore::new(), &opts()),
        Err(PathError::Malformed(_))
    ));
}

/// CVE-2025-61727: an excluded `bar.example.com` must refuse a leaf for `*.example.com`,
/// which a TLS client would accept for bar.example.com; a permitted `foo.example.com` does
/// not cover `*.example.com`. x509-limbo cve::cve-2025-61727*,
/// rfc5280::nc::nc-forbids-dnsname-wildcard-san.
#[test]
fn wildcard_names_cannot_escape_name_constraints() {
    let (kr, kl) = (key(12), key(13));
    let leaf = cert(
        "CN=leaf",
        &kl,
        "CN=Root",
        &kr,
        vec![san_dns(&["*.example.com"])],
    );
    for (permitted, excluded, ok) in [
        (
            Some(&["example.com"][..]),
            Some(&["bar.example.com"][..]),
            false,
        ),
        (Some(&["foo.example.com"][..]), None, false),
        (Some(&["example.com"][..]), None, true),
        (None, Some(&["a.bar.example.com"][..]), true),
    ] {
        let mut exts = ca_exts();
        exts.push(ext(
            true,
            &NameConstraints {
                permitted_subtrees: permitted.map(dns_subtrees),
                excluded_subtrees: excluded.map(dns_subtrees),
            },
        ));
        let root = cert("CN=Root", &kr, "CN=Root", &kr, exts);
        let got = validate(&leaf, &[], &store(&root), &opts());
        assert_eq!(got.is_ok(), ok, "{permitted:?} / {excluded:?}: {got:?}");
    }
}

/// Policy processing is polynomial (RFC 9618's graph), and its work is still budgeted: two
/// CAs that each map 40 policies onto all 40 make 40 + 2 × 1,600 edges.
#[test]
fn policy_graph_work_is_budgeted() {
    use x509_cert::ext::pkix::certpolicy::PolicyInformation;
    use x509_cert::ext::pkix::{CertificatePolicies, PolicyMapping, PolicyMappings};
    let oids: Vec<ObjectIdentifier> = (0..40u32)
        .map(|i| {
            ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.7")
                .push_arc(i)
                .unwrap()
        })
        .collect();
    let cp = || {
        ext(
            false,
            &CertificatePolicies(
                oids.iter()
                    .map(|o| PolicyInformation {
                        policy_identifier: *o,
                        policy_qualifiers: None,
                    })
                    .collect(),
            ),
        )
    };
    let every_to_every = PolicyMappings(
        oids.iter()
            .flat_map(|a| {
                oids.iter().map(|b| PolicyMapping {
                    issuer_domain_policy: *a,
                    subject_domain_policy: *b,
                })
            })
            .collect(),
    );
    let (kr, k1, k2, kl) = (key(40), key(41), key(42), key(43));
    let mut ca = ca_exts();
    ca.push(cp());
    ca.push(ext(true, &every_to_every));
    let root = cert("CN=Root", &kr, "CN=Root", &kr, ca_exts());
    let i1 = cert("CN=I1", &k1, "CN=Root", &kr, ca.clone());
    let i2 = cert("CN=I2", &k2, "CN=I1", &k1, ca);
    let leaf = cert("CN=leaf", &kl, "CN=I2", &k2, vec![cp()]);
    let store = store(&root);
    let mut o = opts();
    o.budget.policy_edges = 3_000;
    assert_eq!(
        validate(&leaf, &[&i1, &i2], &store, &o).unwrap_err(),
        PathError::BudgetExceeded {
            what: "certificate policy graph edges"
        }
    );
    let p = validate(&leaf, &[&i1, &i2], &store, &opts()).unwrap();
    assert_eq!(p.policies, ValidPolicies::Some(oids.clone()));
}
