//! Path validation on the generated test PKI (test-vectors/pki, made by
//! test-vectors/generate-pki.sh): every case the generator makes, with the typed reason.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use imza::path::{self, Constraint, Options, PathError, Purpose};
use imza::report::{Indication, SubIndication};
use imza::time::UnixTime;
use imza::trust::{AnchorConstraints, TrustStore};

fn pki(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors/pki")
        .join(rel)
}

fn certs(rel: &str) -> Vec<Vec<u8>> {
    imza::cert::parse_any(&std::fs::read(pki(rel)).unwrap())
        .unwrap()
        .iter()
        .map(|c| der::Encode::to_der(c).unwrap())
        .collect()
}

fn at(s: &str) -> UnixTime {
    UnixTime::parse_rfc3339(s).unwrap()
}

const T2027: &str = "2027-01-01T00:00:00Z";

fn run(
    leaf: &str,
    intermediates: &[&str],
    trust: &str,
    purpose: Purpose,
    time: &str,
) -> Result<path::ValidPath, PathError> {
    let leaf = certs(leaf).remove(0);
    let pool: Vec<Vec<u8>> = intermediates.iter().flat_map(|i| certs(i)).collect();
    let refs: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&std::fs::read(pki(trust)).unwrap())
        .unwrap();
    path::validate(&leaf, &refs, &store, &Options::new(at(time), purpose))
}

fn p256(leaf: &str, purpose: Purpose, time: &str) -> Result<path::ValidPath, PathError> {
    run(
        &format!("ecdsa-p256/{leaf}.pem"),
        &["ecdsa-p256/intermediate.pem"],
        "ecdsa-p256/root.pem",
        purpose,
        time,
    )
}

fn constraint(r: Result<path::ValidPath, PathError>) -> Constraint {
    match r {
        Err(PathError::ChainConstraints { constraint, .. }) => constraint,
        other => panic!("expected a chain constraint failure, got {other:?}"),
    }
}

#[test]
fn valid_paths_for_each_algorithm_and_purpose() {
    for (leaf, purpose) in [
        ("signer", Purpose::DocumentSigning),
        ("login", Purpose::Authentication),
        ("tsa", Purpose::Timestamping),
        ("ocsp-responder", Purpose::OcspSigning),
        ("unknown-noncritical-ext", Purpose::DocumentSigning),
        ("revoked", Purpose::DocumentSigning), // path validation alone does not see revocation
    ] {
        let p = p256(leaf, purpose, T2027).unwrap_or_else(|e| panic!("{leaf}: {e}"));
        assert_eq!(p.chain().count(), 3, "{leaf}: leaf, intermediate, root");
    }
    for dir in ["ecdsa-p384", "ecdsa-p521", "rsa"] {
        run(
            &format!("{dir}/signer.pem"),
            &[&format!("{dir}/intermediate.pem")],
            &format!("{dir}/root.pem"),
            Purpose::DocumentSigning,
            T2027,
        )
        .unwrap_or_else(|e| panic!("{dir}: {e}"));
    }
    // RSA-PSS signature on the leaf.
    run(
        "rsa/signer-pss.pem",
        &["rsa/intermediate.pem"],
        "rsa/root.pem",
        Purpose::DocumentSigning,
        T2027,
    )
    .unwrap();
    // The signer's policy is reported.
    let p = p256("signer", Purpose::DocumentSigning, T2027).unwrap();
    assert_eq!(p.leaf_policies[0].to_string(), "1.3.6.1.4.1.99999.1.1");
}

#[test]
fn validity_periods_at_the_given_time() {
    let e = p256("expired", Purpose::Any, T2027).unwrap_err();
    assert!(matches!(e, PathError::Expired { .. }), "{e}");
    assert_eq!(e.sub_indication(), SubIndication::OUT_OF_BOUNDS_NO_POE);
    assert_eq!(e.indication(), Indication::INDETERMINATE);
    // Valid at a past time when it was valid.
    p256("expired", Purpose::Any, "2021-01-01T00:00:00Z").unwrap();

    let e = p256("not-yet-valid", Purpose::Any, T2027).unwrap_err();
    assert!(matches!(e, PathError::NotYetValid { .. }), "{e}");
    assert_eq!(e.sub_indication(), SubIndication::NOT_YET_VALID);
    p256("not-yet-valid", Purpose::Any, "2045-06-01T00:00:00Z").unwrap();

    // The whole chain is checked: nothing is valid after the root expires (2050).
    let e = p256("signer", Purpose::Any, "2051-01-01T00:00:00Z").unwrap_err();
    assert!(matches!(e, PathError::Expired { .. }), "{e}");
}

#[test]
fn purposes_key_usage_and_eku() {
    assert_eq!(
        constraint(p256("wrong-ku", Purpose::DocumentSigning, T2027)),
        Constraint::KeyUsage
    );
    assert_eq!(
        constraint(p256("wrong-ku", Purpose::Authentication, T2027)),
        Constraint::KeyUsage
    );
    assert_eq!(
        constraint(p256("wrong-eku", Purpose::DocumentSigning, T2027)),
        Constraint::ExtendedKeyUsage
    );
    assert_eq!(
        constraint(p256("wrong-eku", Purpose::Authentication, T2027)),
        Constraint::ExtendedKeyUsage
    );
    // Time-stamping wants the sole, critical timeStamping EKU; OCSP signing its own EKU.
    for leaf in ["signer", "login", "ocsp-responder"] {
        assert_eq!(
            constraint(p256(leaf, Purpose::Timestamping, T2027)),
            Constraint::ExtendedKeyUsage,
            "{leaf}"
        );
    }
    for leaf in ["signer", "login", "tsa"] {
        assert_eq!(
            constraint(p256(leaf, Purpose::OcspSigning, T2027)),
            Constraint::ExtendedKeyUsage,
            "{leaf}"
        );
    }
    assert_eq!(
        constraint(p256("login", Purpose::DocumentSigning, T2027)),
        Constraint::ExtendedKeyUsage
    );
}

#[test]
fn unknown_critical_extension() {
    let e = p256("unknown-critical-ext", Purpose::Any, T2027).unwrap_err();
    match &e {
        PathError::UnknownCriticalExtension { oid, .. } => {
            assert_eq!(oid.to_string(), "1.3.6.1.4.1.99999.9.9")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.sub_indication(),
        SubIndication::CERTIFICATE_CHAIN_GENERAL_FAILURE
    );
}

#[test]
fn ca_constraints_path_length_and_names() {
    // pathLen 0 on an intermediate, with another intermediate below it.
    let e = run(
        "pathlen/leaf-too-deep.pem",
        &["pathlen/chain-too-deep.pem"],
        "pathlen/root.pem",
        Purpose::Any,
        T2027,
    );
    assert!(matches!(
        constraint(e),
        Constraint::PathLength { limit: 0, found: 1 }
    ));
    run(
        "pathlen/leaf-ok.pem",
        &["pathlen/intermediate-pathlen0.pem"],
        "pathlen/root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap();
    // pathLen 0 on the trust anchor itself (enforced, as OpenSSL does).
    let e = run(
        "pathlen/leaf.pem",
        &["pathlen/chain-root-pathlen0.pem"],
        "pathlen/root-pathlen0.pem",
        Purpose::Any,
        T2027,
    );
    assert!(matches!(
        constraint(e),
        Constraint::PathLength { limit: 0, .. }
    ));

    for leaf in ["dn-outside", "email-outside", "email-bare-domain"] {
        let e = run(
            &format!("nameconstraints/{leaf}.pem"),
            &["nameconstraints/intermediate.pem"],
            "nameconstraints/root.pem",
            Purpose::Any,
            T2027,
        );
        assert!(
            matches!(constraint(e), Constraint::NameConstraint { .. }),
            "{leaf}"
        );
    }
    run(
        "nameconstraints/inside.pem",
        &["nameconstraints/intermediate.pem"],
        "nameconstraints/root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap();

    for (leaf, int) in [
        ("leaf-ca-false", "intermediate-ca-false"),
        ("leaf-no-bc", "intermediate-no-bc"),
    ] {
        let e = run(
            &format!("not-a-ca/{leaf}.pem"),
            &[&format!("not-a-ca/{int}.pem")],
            "not-a-ca/root.pem",
            Purpose::Any,
            T2027,
        );
        assert_eq!(constraint(e), Constraint::NotACa, "{leaf}");
    }
    let e = run(
        "ca-without-keycertsign/leaf.pem",
        &["ca-without-keycertsign/intermediate.pem"],
        "ca-without-keycertsign/root.pem",
        Purpose::Any,
        T2027,
    );
    assert_eq!(constraint(e), Constraint::NoKeyCertSign);
}

#[test]
fn path_building_across_candidates() {
    // Two intermediates with the same name, the decoy first, with and without AKI.
    for leaf in ["leaf", "leaf-no-aki"] {
        run(
            &format!("same-name/{leaf}.pem"),
            &["same-name/candidates.pem"],
            "same-name/root.pem",
            Purpose::Any,
            T2027,
        )
        .unwrap_or_else(|e| panic!("{leaf}: {e}"));
    }
    // Key rollover: trusted new root directly, or the old root through the cross cert.
    run(
        "cross/leaf.pem",
        &["cross/intermediate.pem"],
        "cross/new-root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap();
    let p = run(
        "cross/leaf.pem",
        &["cross/intermediate.pem", "cross/new-root-cross.pem"],
        "cross/old-root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap();
    assert_eq!(p.chain().count(), 4);
    let e = run(
        "cross/leaf.pem",
        &["cross/intermediate.pem"],
        "cross/old-root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap_err();
    assert_eq!(
        e.sub_indication(),
        SubIndication::NO_CERTIFICATE_CHAIN_FOUND
    );
    // Another hierarchy's root: no chain.
    let e = run(
        "ecdsa-p521/signer.pem",
        &["ecdsa-p521/intermediate.pem"],
        "ecdsa-p384/root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap_err();
    assert!(matches!(e, PathError::NoChainFound { .. }), "{e}");
}

#[test]
fn most_specific_failure_wins() {
    // Several candidates fail differently: a wrong intermediate (no chain) and the right
    // one whose leaf is expired. The expiry is reported, not "no chain".
    let e = run(
        "ecdsa-p256/expired.pem",
        &["same-name/candidates.pem", "ecdsa-p256/intermediate.pem"],
        "ecdsa-p256/root.pem",
        Purpose::Any,
        T2027,
    )
    .unwrap_err();
    assert!(matches!(e, PathError::Expired { .. }), "{e}");
}

#[test]
fn work_budget_is_its_own_error() {
    let leaf = certs("ecdsa-p256/signer.pem").remove(0);
    let int = certs("ecdsa-p256/intermediate.pem").remove(0);
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&std::fs::read(pki("ecdsa-p256/root.pem")).unwrap())
        .unwrap();
    let mut opts = Options::new(at(T2027), Purpose::Any);
    opts.budget.signature_checks = 1;
    let e = path::validate(&leaf, &[&int], &store, &opts).unwrap_err();
    assert!(matches!(e, PathError::BudgetExceeded { .. }), "{e}");
}

#[test]
fn anchor_constraints_limit_purpose_and_time() {
    let leaf = certs("ecdsa-p256/signer.pem").remove(0);
    let int = certs("ecdsa-p256/intermediate.pem").remove(0);
    let root = certs("ecdsa-p256/root.pem").remove(0);
    let mut store = TrustStore::new();
    store
        .add_der(
            &root,
            AnchorConstraints::for_purposes(vec![Purpose::Authentication]),
        )
        .unwrap();
    let e = path::validate(
        &leaf,
        &[&int],
        &store,
        &Options::new(at(T2027), Purpose::DocumentSigning),
    )
    .unwrap_err();
    assert!(matches!(
        e,
        PathError::ChainConstraints {
            constraint: Constraint::AnchorConstraints,
            ..
        }
    ));
    let mut store = TrustStore::new();
    store
        .add_der(
            &root,
            AnchorConstraints::between(None, Some(at("2026-01-01T00:00:00Z"))),
        )
        .unwrap();
    assert!(path::validate(
        &leaf,
        &[&int],
        &store,
        &Options::new(at(T2027), Purpose::Any)
    )
    .is_err());
    assert!(path::validate(
        &leaf,
        &[&int],
        &store,
        &Options::new(at("2025-06-01T00:00:00Z"), Purpose::Any)
    )
    .is_ok());
}

#[test]
fn required_policies() {
    let leaf = certs("ecdsa-p256/signer.pem").remove(0);
    let int = certs("ecdsa-p256/intermediate.pem").remove(0);
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&std::fs::read(pki("ecdsa-p256/root.pem")).unwrap())
        .unwrap();
    let mut opts = Options::new(at(T2027), Purpose::Any);
    opts.required_policies = vec!["1.2.3.4".parse().unwrap()];
    let e = path::validate(&leaf, &[&int], &store, &opts).unwrap_err();
    assert!(
        matches!(
            e,
            PathError::ChainConstraints {
                constraint: Constraint::Policy,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn garbage_leaf_is_malformed() {
    let store = TrustStore::new();
    let e = path::validate(
        b"\x30\x03\x02\x01\x01",
        &[],
        &store,
        &Options::new(at(T2027), Purpose::Any),
    )
    .unwrap_err();
    assert_eq!(e.sub_indication(), SubIndication::FORMAT_FAILURE);
}

/// Runs openssl in `dir`; the weak-crypto fixtures are made at test time so the checked-in
/// PKI stays free of them.
fn openssl(dir: &Path, args: &[&str]) {
    let st = std::process::Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(st.success(), "openssl {args:?}");
}

#[test]
fn weak_algorithms_are_crypto_constraints_failures() {
    let dir = std::env::temp_dir().join(format!("imza-weak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = pki("rsa/root.pem");
    let root_key = pki("rsa/root.key");
    let (root, root_key) = (root.to_str().unwrap(), root_key.to_str().unwrap());
    // A leaf signed by the RSA root with SHA-1, and a leaf with an RSA-1024 key signed with SHA-256.
    openssl(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "a.key",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-new",
            "-key",
            "a.key",
            "-subj",
            "/CN=SHA-1 leaf",
            "-out",
            "a.csr",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "a.csr",
            "-CA",
            root,
            "-CAkey",
            root_key,
            "-sha1",
            "-days",
            "30",
            "-set_serial",
            "1",
            "-out",
            "sha1.pem",
        ],
    );
    openssl(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
            "-out",
            "b.key",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-new",
            "-key",
            "b.key",
            "-subj",
            "/CN=RSA-1024 leaf",
            "-out",
            "b.csr",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "b.csr",
            "-CA",
            root,
            "-CAkey",
            root_key,
            "-sha256",
            "-days",
            "30",
            "-set_serial",
            "2",
            "-out",
            "rsa1024.pem",
        ],
    );

    let mut store = TrustStore::new();
    store.add_pem_or_der(&std::fs::read(root).unwrap()).unwrap();
    let now = UnixTime::from_secs(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    let sha1 = imza::cert::parse_any(&std::fs::read(dir.join("sha1.pem")).unwrap()).unwrap();
    let sha1 = der::Encode::to_der(&sha1[0]).unwrap();
    let e = path::validate(&sha1, &[], &store, &Options::new(now, Purpose::Any)).unwrap_err();
    assert!(matches!(e, PathError::CryptoConstraints { .. }), "{e}");
    assert_eq!(
        e.sub_indication(),
        SubIndication::CRYPTO_CONSTRAINTS_FAILURE
    );
    // The legacy policy lets the SHA-1 signature through.
    let mut legacy = Options::new(now, Purpose::Any);
    legacy.crypto_policy = imza::crypto::Policy::LEGACY;
    path::validate(&sha1, &[], &store, &legacy).unwrap();

    // An RSA-1024 leaf verifies fine as a signed certificate; it is the leaf's own key
    // that is weak, which the signature layers refuse when they use it. Its chain is valid.
    let weak = imza::cert::parse_any(&std::fs::read(dir.join("rsa1024.pem")).unwrap()).unwrap();
    let weak = der::Encode::to_der(&weak[0]).unwrap();
    path::validate(&weak, &[], &store, &Options::new(now, Purpose::Any)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- path2: EKU chaining, RFC 4518 names, policy processing. Each case's OpenSSL answer is
// in test-vectors/pki/check-with-openssl.sh (section path2), run by scripts/test.sh.

fn path2(leaf: &str, pool: &[&str], opts: &Options) -> Result<path::ValidPath, PathError> {
    let leaf = certs(&format!("path2/{leaf}.pem")).remove(0);
    let pool: Vec<Vec<u8>> = pool
        .iter()
        .flat_map(|i| certs(&format!("path2/{i}.pem")))
        .collect();
    let refs: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();
    let mut store = TrustStore::new();
    store
        .add_pem_or_der(&std::fs::read(pki("path2/root.pem")).unwrap())
        .unwrap();
    path::validate(&leaf, &refs, &store, opts)
}

fn opts2(purpose: Purpose) -> Options {
    Options::new(at(T2027), purpose)
}

fn policies(required: &[&str]) -> Options {
    let mut o = opts2(Purpose::DocumentSigning);
    o.required_policies = required.iter().map(|p| p.parse().unwrap()).collect();
    o
}

fn valid(p: &[&str]) -> path::ValidPolicies {
    path::ValidPolicies::Some(p.iter().map(|p| p.parse().unwrap()).collect())
}

const P11: &str = "1.3.6.1.4.1.99999.1.1";
const P21: &str = "1.3.6.1.4.1.99999.2.1";
const P22: &str = "1.3.6.1.4.1.99999.2.2";

#[test]
fn path2_eku_chains_through_cas() {
    // OpenSSL: error 26 at depth 1 (the CA's purpose).
    let e = path2(
        "login-under-email",
        &["ica-email"],
        &opts2(Purpose::Authentication),
    );
    let e = e.unwrap_err();
    assert!(e.to_string().contains("Email-only CA"), "{e}");
    assert_eq!(constraint(Err(e)), Constraint::ExtendedKeyUsage);
    path2(
        "login-under-client",
        &["ica-client"],
        &opts2(Purpose::Authentication),
    )
    .unwrap();
    // Document signing does not chain EKU (as DSS): the e-mail-only CA's leaf may sign, but
    // login-under-email's own EKU is clientAuth, which signing does not accept.
    assert_eq!(
        constraint(path2(
            "login-under-email",
            &["ica-email"],
            &opts2(Purpose::DocumentSigning)
        )),
        Constraint::ExtendedKeyUsage
    );
    path2("login-under-email", &["ica-email"], &opts2(Purpose::Any)).unwrap();
}

#[test]
fn path2_building_routes_around_a_restricted_ca() {
    // shared-pool.pem: the emailProtection-only certificate of the CA key first, the one
    // without EKU second. OpenSSL stops at the first (error 26); imza finds the second.
    let p = path2(
        "login-shared",
        &["shared-pool"],
        &opts2(Purpose::Authentication),
    )
    .unwrap();
    assert!(p.certs[1].ext_key_usage.is_none(), "the unrestricted copy");
    assert_eq!(
        constraint(path2(
            "login-shared",
            &["ica-shared-email"],
            &opts2(Purpose::Authentication)
        )),
        Constraint::ExtendedKeyUsage
    );
}

#[test]
fn path2_reencoded_issuer_name_chains() {
    // ica-name says PrintableString "Imza Test Name CA"; the leaf's issuer field says
    // UTF8String "imza test  NAME ca" (and O=imza  TEST). OpenSSL: OK.
    let p = path2(
        "name-reencoded",
        &["ica-name"],
        &opts2(Purpose::DocumentSigning),
    )
    .unwrap();
    assert_ne!(p.certs[0].issuer, p.certs[1].subject, "different DER");
}

#[test]
fn path2_reencoded_name_is_still_excluded() {
    // Excluded dirName C=AZ,O=Imza Test; subject O=IMZA  TEST in a PrintableString.
    // OpenSSL: error 48.
    match constraint(path2(
        "nc-excluded-reencoded",
        &["ica-nc-excl"],
        &opts2(Purpose::DocumentSigning),
    )) {
        Constraint::NameConstraint { .. } => {}
        other => panic!("expected a name constraint, got {other:?}"),
    }
    path2(
        "nc-elsewhere",
        &["ica-nc-excl"],
        &opts2(Purpose::DocumentSigning),
    )
    .unwrap();
}

#[test]
fn path2_policy_mapping() {
    // ica-map asserts 2.1 and maps 2.1 -> 2.2; the leaf asserts 2.2.
    let p = path2("pol-mapped", &["ica-map"], &policies(&[P21])).unwrap();
    assert_eq!(p.policies, valid(&[P21]));
    // 2.2 is the leaf's domain, not the anchor's. OpenSSL: error 43.
    assert_eq!(
        constraint(path2("pol-mapped", &["ica-map"], &policies(&[P22]))),
        Constraint::Policy
    );
    // initial-policy-mapping-inhibit. OpenSSL -inhibit_map: error 43.
    let mut o = policies(&[P21]);
    o.inhibit_policy_mapping = true;
    assert_eq!(
        constraint(path2("pol-mapped", &["ica-map"], &o)),
        Constraint::Policy
    );
    // No requirement: valid, and the report says for which policy.
    let p = path2("pol-mapped", &["ica-map"], &opts2(Purpose::DocumentSigning)).unwrap();
    assert_eq!(p.policies, valid(&[P21]));
}

#[test]
fn path2_inhibit_policy_mapping() {
    // ica-inhibit-map (inhibitPolicyMapping 0) -> ica-map-2 (maps 2.1 -> 2.2) -> leaf (2.2).
    let pool = ["chain-map-inhibited"];
    assert_eq!(
        constraint(path2("pol-map-inhibited", &pool, &policies(&[P21]))),
        Constraint::Policy
    );
    let p = path2("pol-map-inhibited", &pool, &opts2(Purpose::DocumentSigning)).unwrap();
    assert_eq!(p.policies, valid(&[]), "valid for no policy");
}

#[test]
fn path2_require_explicit_policy() {
    // ica-require-explicit: requireExplicitPolicy 0. OpenSSL (-policy anyPolicy): 43 / OK.
    let pool = ["ica-require-explicit"];
    assert_eq!(
        constraint(path2(
            "explicit-nopol",
            &pool,
            &opts2(Purpose::DocumentSigning)
        )),
        Constraint::Policy
    );
    let p = path2("explicit-pol", &pool, &opts2(Purpose::DocumentSigning)).unwrap();
    assert_eq!(p.policies, valid(&[P11]));
}

#[test]
fn path2_inhibit_any_policy() {
    // ica-inhibit-any (anyPolicy, inhibitAnyPolicy 0) -> ica-any-2 (anyPolicy only) -> leaf.
    let pool = ["chain-any-inhibited"];
    assert_eq!(
        constraint(path2("pol-any-inhibited", &pool, &policies(&[P11]))),
        Constraint::Policy
    );
    let p = path2("pol-any-inhibited", &pool, &opts2(Purpose::DocumentSigning)).unwrap();
    assert_eq!(p.policies, valid(&[]));
    let mut o = opts2(Purpose::DocumentSigning);
    o.explicit_policy = true;
    assert_eq!(
        constraint(path2("pol-any-inhibited", &pool, &o)),
        Constraint::Policy
    );
    // Without the inhibiting CA in the way the same leaf is valid for its policy.
    let p = path2("explicit-pol", &["ica-require-explicit"], &policies(&[P11])).unwrap();
    assert_eq!(p.policies, valid(&[P11]));
}
