//! One test per rule of "How a signature is judged" (README): the rules the validation
//! engine must hold so that TOTAL_PASSED means what ETSI EN 319 102-1 means. Each test
//! fails on the engine before issue 12 and passes after it.
//!
//! The fixtures are made here, at test time, by real OpenSSL over a copy of the test PKI's
//! P-256 intermediate CA database (`openssl ca`, `openssl ocsp`, `openssl ts`), with
//! `faketime` where OpenSSL only knows "now" (revocation dates, OCSP thisUpdate, TSA
//! genTime). Needs `openssl` and `faketime`: under `CI` a missing one fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cloned_ref_to_slice_refs
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use imza::cades::sign::{
    add_signature_timestamp, add_validation_data, sign, signature_timestamp_digest, SignOptions,
    ToSign,
};
use imza::cades::{Content, RevocationPolicy, ValidationPolicy, VerifyOptions};
use imza::crypto::{HashAlgorithm, SigningKey};
use imza::ocsp::Status;
use imza::path::{self, ParsedCert, PathError, Purpose};
use imza::report::{Indication, Level, Report, SubIndication, TimestampKind};
use imza::revocation::Checker;
use imza::time::UnixTime;
use imza::trust::TrustStore;

// ==== times ==================================================================================

fn t(s: &str) -> UnixTime {
    UnixTime::parse_rfc3339(s).unwrap()
}

/// `2026-03-01T00:00:00Z` → `20260301000000Z` (openssl ca dates).
fn asn1(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    format!("{d}Z")
}

/// `2026-03-01T00:00:00Z` → `2026-03-01 00:00:00` (faketime's absolute start time).
fn fake(s: &str) -> String {
    s.replace('T', " ").trim_end_matches('Z').to_owned()
}

// ==== tools ==================================================================================

/// Whether openssl and faketime run; under CI their absence fails the test, outside CI it
/// prints a SKIPPED line to the real stderr (`imza_test_support`, which takes the test's name
/// from its thread; `_test` stays so that the call sites read as before).
fn have_tools(_test: &str) -> bool {
    imza_test_support::have_tool("openssl", &["version"])
        && imza_test_support::have_tool("faketime", &["--version"])
}

fn run(dir: &Path, faketime: Option<&str>, args: &[&str]) -> Vec<u8> {
    let mut c = match faketime {
        Some(at) => {
            let mut c = Command::new("faketime");
            c.arg(fake(at)).arg("openssl");
            c
        }
        None => Command::new("openssl"),
    };
    let out = c.args(args).current_dir(dir).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn tv(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(rel)
}

// ==== a CA of our own, copied from the test PKI ==============================================

/// A copy of `pki/ecdsa-p256/intermediate` (its `openssl ca` database, certificate and key)
/// in a temp directory, so that certificates, revocations, CRLs, OCSP responses and
/// time-stamps can be made at any date without touching the checked-in PKI.
struct Ca {
    dir: PathBuf,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl Ca {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "imza-rules-{}-{}-{name}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("intermediate");
        std::fs::create_dir_all(db.join("newcerts")).unwrap();
        let src = tv("pki/ecdsa-p256");
        for f in [
            "openssl.cnf",
            "index.txt",
            "index.txt.attr",
            "serial",
            "crlnumber",
        ] {
            std::fs::copy(src.join("intermediate").join(f), db.join(f)).unwrap();
        }
        for f in ["intermediate.pem", "intermediate.key", "tsa.pem", "tsa.key"] {
            std::fs::copy(src.join(f), dir.join(f)).unwrap();
        }
        // ExpiredCertsOnCRL for the CRLs that keep expired certificates.
        let cnf = std::fs::read_to_string(db.join("openssl.cnf")).unwrap();
        std::fs::write(
            db.join("openssl.cnf"),
            format!(
                "{cnf}\n[ crl_ext_expired ]\nauthorityKeyIdentifier = keyid:always\n\
                 2.5.29.60 = ASN1:GENERALIZEDTIME:20200101000000Z\n"
            ),
        )
        .unwrap();
        // The TSA configuration, as test-vectors/tsa/tsa-server.py fills it in, with SHA-1
        // accepted in requests (for the weak-imprint rule).
        std::fs::write(dir.join("tsaserial"), "01\n").unwrap();
        let tsa = std::fs::read_to_string(tv("tsa/tsa.cnf"))
            .unwrap()
            .replace("@SERIAL@", &dir.join("tsaserial").display().to_string())
            .replace("@POLICY@", "1.3.6.1.4.1.99999.1.3")
            .replace("@DIGEST@", "sha256")
            .replace("digests = sha256", "digests = sha1, sha256");
        std::fs::write(dir.join("tsa.cnf"), tsa).unwrap();
        Self { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.join("intermediate")
    }

    /// A signing certificate valid from `start` to `end`; returns its name (files
    /// `NAME.pem`, `NAME.der`, `NAME.key` in the CA directory).
    fn issue(&self, name: &str, start: &str, end: &str) -> Signer {
        let d = &self.dir;
        run(
            d,
            None,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{name}.key"),
            ],
        );
        run(
            d,
            None,
            &[
                "req",
                "-new",
                "-key",
                &format!("{name}.key"),
                "-subj",
                &format!("/C=AZ/O=Imza Test/CN={name}"),
                "-out",
                &format!("{name}.csr"),
            ],
        );
        run(
            &self.db(),
            None,
            &[
                "ca",
                "-batch",
                "-config",
                "openssl.cnf",
                "-extensions",
                "leaf_signer",
                "-notext",
                "-startdate",
                &asn1(start),
                "-enddate",
                &asn1(end),
                "-in",
                &format!("../{name}.csr"),
                "-out",
                &format!("../{name}.pem"),
            ],
        );
        run(
            d,
            None,
            &[
                "x509",
                "-in",
                &format!("{name}.pem"),
                "-outform",
                "DER",
                "-out",
                &format!("{name}.der"),
            ],
        );
        Signer {
            cert: std::fs::read(d.join(format!("{name}.der"))).unwrap(),
            key: SigningKey::from_pkcs8_pem(
                &std::fs::read_to_string(d.join(format!("{name}.key"))).unwrap(),
            )
            .unwrap(),
            pem: d.join(format!("{name}.pem")),
        }
    }

    /// Revokes `s` (keyCompromise) with the revocation date `at`.
    fn revoke(&self, s: &Signer, at: &str) {
        let pem = s.pem.display().to_string();
        run(
            &self.db(),
            Some(at),
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-revoke",
                &pem,
                "-crl_reason",
                "keyCompromise",
            ],
        );
    }

    /// A DER CRL with the given thisUpdate / nextUpdate and the current database.
    fn crl(&self, this: &str, next: &str) -> Vec<u8> {
        self.crl_with(this, next, "crl_ext")
    }

    fn crl_with(&self, this: &str, next: &str, ext: &str) -> Vec<u8> {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let out = format!("../crl-{n}.pem");
        run(
            &self.db(),
            None,
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-gencrl",
                "-crlexts",
                ext,
                "-crl_lastupdate",
                &asn1(this),
                "-crl_nextupdate",
                &asn1(next),
                "-out",
                &out,
            ],
        );
        run(&self.db(), None, &["crl", "-in", &out, "-outform", "DER"])
    }

    /// An OCSP response about `s` from the CA itself, as the database says now, made at
    /// `at` (thisUpdate and producedAt), valid for ten years.
    fn ocsp(&self, s: &Signer, at: &str) -> Vec<u8> {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let (req, resp) = (format!("../req-{n}.der"), format!("../resp-{n}.der"));
        let pem = s.pem.display().to_string();
        let db = self.db();
        run(
            &db,
            None,
            &[
                "ocsp",
                "-issuer",
                "../intermediate.pem",
                "-cert",
                &pem,
                "-no_nonce",
                "-reqout",
                &req,
            ],
        );
        run(
            &db,
            Some(at),
            &[
                "ocsp",
                "-index",
                "index.txt",
                "-rsigner",
                "../intermediate.pem",
                "-rkey",
                "../intermediate.key",
                "-CA",
                "../intermediate.pem",
                "-reqin",
                &req,
                "-respout",
                &resp,
                "-ndays",
                "3650",
            ],
        );
        std::fs::read(db.join(resp)).unwrap()
    }

    /// A signature time-stamp token over `cms`'s signature value, made at `at`, with the
    /// message imprint hashed by `hash` ("sha256" or "sha1").
    fn timestamp(&self, cms: &[u8], at: &str, hash: &str) -> Vec<u8> {
        let h = if hash == "sha1" {
            HashAlgorithm::Sha1
        } else {
            HashAlgorithm::Sha256
        };
        let digest = signature_timestamp_digest(cms, h).unwrap();
        self.token(&digest, at, hash)
    }

    /// A time-stamp token over `digest` (made with `hash`), made at `at`.
    fn token(&self, digest: &imza::crypto::DigestValue, at: &str, hash: &str) -> Vec<u8> {
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let (q, tok) = (format!("q-{n}.tsq"), format!("tok-{n}.der"));
        run(
            &self.dir,
            None,
            &[
                "ts",
                "-query",
                "-digest",
                &hex,
                &format!("-{hash}"),
                "-cert",
                "-no_nonce",
                "-out",
                &q,
            ],
        );
        run(
            &self.dir,
            Some(at),
            &[
                "ts",
                "-reply",
                "-config",
                "tsa.cnf",
                "-section",
                "tsa_config1",
                "-queryfile",
                &q,
                "-inkey",
                "tsa.key",
                "-signer",
                "tsa.pem",
                "-chain",
                "intermediate.pem",
                "-token_out",
                "-out",
                &tok,
            ],
        );
        std::fs::read(self.dir.join(tok)).unwrap()
    }
}

impl Drop for Ca {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Signer {
    cert: Vec<u8>,
    key: SigningKey,
    pem: PathBuf,
}

impl Signer {
    /// An attached CAdES-B-B signature.
    fn sign(&self, signing_time: &str) -> Vec<u8> {
        let chain = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.der")).unwrap()];
        sign(
            ToSign::Bytes(b"a decision of the agency"),
            &self.key,
            &self.cert,
            &chain,
            &SignOptions::new(t(signing_time)),
        )
        .unwrap()
    }

    fn parsed(&self) -> ParsedCert {
        ParsedCert::from_der(&self.cert).unwrap()
    }
}

fn store() -> TrustStore {
    let mut s = TrustStore::new();
    s.add_pem_or_der(&std::fs::read(tv("pki/ecdsa-p256/root.pem")).unwrap())
        .unwrap();
    s
}

fn root_crl() -> Vec<u8> {
    std::fs::read(tv("pki/ecdsa-p256/root.crl")).unwrap()
}

/// Options validating at `at`, which is also the current time.
fn opts<'a>(s: &'a TrustStore, at: &str, ocsp: &[Vec<u8>], crls: &[Vec<u8>]) -> VerifyOptions<'a> {
    let mut o = VerifyOptions::new(s, t(at));
    o.ocsp_responses = ocsp.to_vec();
    o.crls = crls.to_vec();
    o.crls.push(root_crl());
    o
}

/// `imza::cades::verify`, which also keeps each attached signature, with the options'
/// OCSP responses and CRLs embedded, its validation time and the verdict, in
/// `$IMZA_KEEP_FIXTURES/<test>-<n>.{p7m,at,verdict}` when that is set: so that another
/// build (an older imza) can be run over the same inputs.
fn verify(sig: &[u8], content: Content<'_>, o: &VerifyOptions<'_>) -> Result<Report, imza::Error> {
    let r = imza::cades::verify(sig, content, o);
    if let (Some(dir), Content::Attached, Ok(report)) =
        (std::env::var_os("IMZA_KEEP_FIXTURES"), content, &r)
    {
        let test = std::thread::current()
            .name()
            .unwrap_or("test")
            .replace("::", "-");
        let name = format!("{test}-{}", SEQ.fetch_add(1, Ordering::SeqCst));
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        // (Signatures re-ordered into BER are not kept: the builder takes DER.)
        let Ok(embedded) = add_validation_data(sig, &[], &o.ocsp_responses, &o.crls) else {
            return r;
        };
        std::fs::write(dir.join(format!("{name}.p7m")), embedded).unwrap();
        std::fs::write(dir.join(format!("{name}.at")), o.time.to_string()).unwrap();
        let (i, sub) = verdict(report);
        std::fs::write(
            dir.join(format!("{name}.verdict")),
            format!("{i:?}/{sub:?}"),
        )
        .unwrap();
    }
    r
}

fn verdict(r: &Report) -> (Indication, Option<SubIndication>) {
    let s = &r.signatures[0];
    (s.indication, s.sub_indication)
}

fn expect(r: &Report, ind: Indication, sub: Option<SubIndication>) {
    let s = &r.signatures[0];
    assert_eq!(
        (s.indication, s.sub_indication),
        (ind, sub),
        "errors {:?} warnings {:?} timestamps {:?}",
        s.errors,
        s.warnings,
        s.timestamps
    );
}

/// The chain of `s` through the test PKI, validated at `at` (for [`Checker`] tests).
fn valid_path(s: &Signer, at: &str) -> path::ValidPath {
    let inter = std::fs::read(tv("pki/ecdsa-p256/intermediate.der")).unwrap();
    path::validate(
        &s.cert,
        &[&inter],
        &store(),
        &path::Options::new(t(at), Purpose::DocumentSigning),
    )
    .unwrap()
}

// ==== rule 1: a revocation wins, whatever the order =========================================

/// A certificate revoked on 2026-09-01, with a "good" OCSP response and CRL from before the
/// revocation and a CRL from after it.
struct Conflict {
    _ca: Ca,
    signer: Signer,
    ocsp_good: Vec<u8>,
    crl_good: Vec<u8>,
    crl_revoked: Vec<u8>,
}

fn conflict() -> Conflict {
    let ca = Ca::new("conflict");
    let signer = ca.issue("conflict", "2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z");
    let ocsp_good = ca.ocsp(&signer, "2026-08-01T00:00:00Z");
    let crl_good = ca.crl("2026-08-01T00:00:00Z", "2036-08-01T00:00:00Z");
    ca.revoke(&signer, "2026-09-01T00:00:00Z");
    let crl_revoked = ca.crl("2026-10-01T00:00:00Z", "2036-10-01T00:00:00Z");
    Conflict {
        _ca: ca,
        signer,
        ocsp_good,
        crl_good,
        crl_revoked,
    }
}

#[test]
fn rule1_a_revocation_wins_over_good_in_every_order() {
    if !have_tools("rule1_a_revocation_wins_over_good_in_every_order") {
        return;
    }
    let c = conflict();
    let at = "2027-01-01T00:00:00Z";
    let path = valid_path(&c.signer, at);
    let crls = [&c.crl_good, &c.crl_revoked];
    for order in imza_test_support::permutations(&crls) {
        let mut checker = Checker::offline();
        checker.ocsp_responses = vec![c.ocsp_good.clone()];
        checker.crls = order
            .iter()
            .map(|d| imza::crl::Crl::parse(d).unwrap())
            .collect();
        checker
            .crls
            .push(imza::crl::Crl::parse(&root_crl()).unwrap());
        let err = checker.check(&path, t(at)).unwrap_err();
        assert!(
            matches!(&err, PathError::Revoked { time, .. } if *time == t("2026-09-01T00:00:00Z")),
            "{err}"
        );
        let leaf = &checker.evidence()[0];
        assert!(leaf.conflict, "the report says the data conflicted");
        assert_eq!(
            leaf.items.len(),
            3,
            "every item is listed: {:?}",
            leaf.items
        );
        assert!(matches!(leaf.status, Status::Revoked { .. }));
    }
}

#[test]
fn rule1_every_order_of_supplied_and_embedded_revocation_data_gives_the_same_verdict() {
    if !have_tools(
        "rule1_every_order_of_supplied_and_embedded_revocation_data_gives_the_same_verdict",
    ) {
        return;
    }
    let c = conflict();
    let s = store();
    let at = "2027-01-01T00:00:00Z";
    let sig = c.signer.sign("2026-11-01T00:00:00Z");
    let crls = vec![c.crl_good.clone(), c.crl_revoked.clone()];
    let want = (
        Indication::INDETERMINATE,
        Some(SubIndication::REVOKED_NO_POE),
    );

    // Supplied by the caller, in every order (OCSP before or after the CRLs makes no
    // difference by construction: they are separate lists, also permuted below).
    for order in imza_test_support::permutations(&crls) {
        let r = verify(
            &sig,
            Content::Attached,
            &opts(&s, at, &[c.ocsp_good.clone()], &order),
        )
        .unwrap();
        assert_eq!(verdict(&r), want, "{:?}", r.signatures[0].errors);
        assert!(r.signatures[0].revocation.iter().any(|e| e.conflict));
    }

    // Embedded in the SignedData, in every order of the RevocationInfoChoices SET.
    let embedded = add_validation_data(&sig, &[], &[c.ocsp_good.clone()], &crls).unwrap();
    let items: Vec<Vec<u8>> = vec![
        c.crl_good.clone(),
        c.crl_revoked.clone(),
        ocsp_choice(&c.ocsp_good),
    ];
    for order in imza_test_support::permutations(&items) {
        let reordered = reorder(&embedded, &items, &order);
        let r = verify(&reordered, Content::Attached, &opts(&s, at, &[], &[])).unwrap();
        assert_eq!(verdict(&r), want, "{:?}", r.signatures[0].errors);
    }
}

/// `[1] { id-ri-ocsp-response, OCSPResponse }` as a RevocationInfoChoice (RFC 5940).
fn ocsp_choice(resp: &[u8]) -> Vec<u8> {
    let mut inner = vec![0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x10, 0x02];
    inner.extend_from_slice(resp);
    tlv(0xa1, &inner)
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let n = content.len();
    let len = u16::try_from(n).unwrap().to_be_bytes();
    let mut out = vec![tag];
    match n {
        0..0x80 => out.push(len[1]),
        0x80..0x100 => out.extend([0x81, len[1]]),
        _ => out.extend([0x82, len[0], len[1]]),
    }
    out.extend_from_slice(content);
    out
}

/// `der` with the contiguous run of `items` (in whatever order they are there) rewritten
/// in `order`: the same bytes, another SET order.
fn reorder(der: &[u8], items: &[Vec<u8>], order: &[Vec<u8>]) -> Vec<u8> {
    let find = |x: &[u8]| {
        der.windows(x.len())
            .position(|w| w == x)
            .expect("embedded item")
    };
    let start = items.iter().map(|i| find(i)).min().unwrap();
    let len: usize = items.iter().map(Vec::len).sum();
    let mut region: Vec<u8> = Vec::new();
    for o in order {
        region.extend_from_slice(o);
    }
    let mut out = der.to_vec();
    let mut spans: Vec<(usize, usize)> = items.iter().map(|i| (find(i), i.len())).collect();
    spans.sort_unstable();
    let mut at = start;
    for (p, l) in spans {
        assert_eq!(p, at, "the items are not contiguous");
        at += l;
    }
    assert_eq!(at - start, len);
    out[start..start + len].copy_from_slice(&region);
    out
}

// ==== rule 2: revocation data dated in the future ===========================================

#[test]
fn rule2_revocation_data_dated_after_the_current_time_is_refused() {
    if !have_tools("rule2_revocation_data_dated_after_the_current_time_is_refused") {
        return;
    }
    let ca = Ca::new("future");
    let signer = ca.issue("future", "2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z");
    let now = "2027-01-01T00:00:00Z";
    // thisUpdate 30 days ahead of now (CRL), 10 years ahead (OCSP).
    let crl = ca.crl("2027-01-31T00:00:00Z", "2037-01-31T00:00:00Z");
    let ocsp = ca.ocsp(&signer, "2037-01-01T00:00:00Z");
    let s = store();
    let sig = signer.sign("2026-12-01T00:00:00Z");
    for (ocsps, crls, what) in [
        (vec![], vec![crl.clone()], "CRL"),
        (vec![ocsp.clone()], vec![], "OCSP"),
    ] {
        let r = verify(&sig, Content::Attached, &opts(&s, now, &ocsps, &crls)).unwrap();
        expect(
            &r,
            Indication::INDETERMINATE,
            Some(SubIndication::TRY_LATER),
        );
        let errors = r.signatures[0].errors.join("; ");
        assert!(errors.contains("dated in the future"), "{what}: {errors}");
    }
    // Validating at a later time does not help: the current time decides.
    let mut o = opts(&s, "2034-01-01T00:00:00Z", &[ocsp], &[crl]);
    o.now = t(now);
    let r = verify(&sig, Content::Attached, &o).unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::TRY_LATER),
    );
    // Stale: nextUpdate before the current time.
    let stale = ca.crl("2026-08-01T00:00:00Z", "2026-09-01T00:00:00Z");
    let r = verify(&sig, Content::Attached, &opts(&s, now, &[], &[stale])).unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::TRY_LATER),
    );
    assert!(r.signatures[0].errors.join("; ").contains("not fresh"));
}

// ==== rule 3: a time-stamp older than the certificate =======================================

#[test]
fn rule3_a_time_stamp_before_the_signing_certificate_is_not_yet_valid() {
    if !have_tools("rule3_a_time_stamp_before_the_signing_certificate_is_not_yet_valid") {
        return;
    }
    let ca = Ca::new("before-cert");
    let signer = ca.issue("later-cert", "2027-06-01T00:00:00Z", "2030-01-01T00:00:00Z");
    let crl = ca.crl("2027-07-01T00:00:00Z", "2037-07-01T00:00:00Z");
    let sig = signer.sign("2027-06-02T00:00:00Z");
    let tst = ca.timestamp(&sig, "2026-12-01T00:00:00Z", "sha256");
    let bt = add_signature_timestamp(&sig, &tst).unwrap();
    let s = store();
    let r = verify(
        &bt,
        Content::Attached,
        &opts(&s, "2028-01-01T00:00:00Z", &[], &[crl]),
    )
    .unwrap();
    expect(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::NOT_YET_VALID),
    );
    assert_eq!(
        r.signatures[0].timestamps[0].indication,
        Indication::TOTAL_PASSED
    );
}

// ==== rule 4: revoked before the proof of existence ==========================================

#[test]
fn rule4_revoked_before_the_proof_of_existence_is_revoked_no_poe_even_when_expired() {
    if !have_tools(
        "rule4_revoked_before_the_proof_of_existence_is_revoked_no_poe_even_when_expired",
    ) {
        return;
    }
    let ca = Ca::new("revoked-before-poe");
    let s = store();
    // Expired on 2026-06-30, revoked on 2026-03-01, time-stamped on 2026-05-01.
    let early = ca.issue(
        "revoked-early",
        "2026-01-01T00:00:00Z",
        "2026-06-30T00:00:00Z",
    );
    ca.revoke(&early, "2026-03-01T00:00:00Z");
    // Revoked on 2026-06-01, after its time-stamp of 2026-05-01: the signature stands.
    let late = ca.issue(
        "revoked-late",
        "2026-01-01T00:00:00Z",
        "2026-06-30T00:00:00Z",
    );
    ca.revoke(&late, "2026-06-01T00:00:00Z");
    let crl = ca.crl("2026-06-15T00:00:00Z", "2036-06-15T00:00:00Z");
    for (signer, want) in [
        (
            &early,
            (
                Indication::INDETERMINATE,
                Some(SubIndication::REVOKED_NO_POE),
            ),
        ),
        (&late, (Indication::TOTAL_PASSED, None)),
    ] {
        let sig = signer.sign("2026-04-30T00:00:00Z");
        let tst = ca.timestamp(&sig, "2026-05-01T00:00:00Z", "sha256");
        let bt = add_signature_timestamp(&sig, &tst).unwrap();
        let r = verify(
            &bt,
            Content::Attached,
            &opts(&s, "2027-01-01T00:00:00Z", &[], &[crl.clone()]),
        )
        .unwrap();
        expect(&r, want.0, want.1);
    }
}

// ==== rule 5: content given twice ============================================================

#[test]
fn rule5_content_given_twice_is_refused() {
    let key = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(tv("pki/ecdsa-p256/signer.key")).unwrap(),
    )
    .unwrap();
    let cert = std::fs::read(tv("pki/ecdsa-p256/signer.der")).unwrap();
    let sig = sign(
        ToSign::Bytes(b"embedded"),
        &key,
        &cert,
        &[],
        &SignOptions::new(t("2026-11-01T00:00:00Z")),
    )
    .unwrap();
    let s = store();
    let o = VerifyOptions::new(&s, t("2027-01-01T00:00:00Z"));
    assert_eq!(
        verify(&sig, Content::Detached(b"embedded"), &o).unwrap_err(),
        imza::Error::ContentGivenTwice
    );
    let d = [imza::crypto::digest(HashAlgorithm::Sha256, b"embedded")];
    assert_eq!(
        verify(&sig, Content::DetachedDigests(&d), &o).unwrap_err(),
        imza::Error::ContentGivenTwice
    );
    let streamed = imza::cades::verify_reader(&sig, &b"embedded"[..], &o, &mut |_| {});
    assert!(matches!(streamed, Err(imza::Error::ContentGivenTwice)));
}

// ==== rule 6: the policy judges every digest and signature ===================================

#[test]
fn rule6_a_time_stamp_with_a_weak_imprint_is_no_proof_of_existence() {
    if !have_tools("rule6_a_time_stamp_with_a_weak_imprint_is_no_proof_of_existence") {
        return;
    }
    let ca = Ca::new("weak-ts");
    let signer = ca.issue("weak-ts", "2025-01-01T00:00:00Z", "2026-06-30T00:00:00Z");
    let crl = ca.crl("2026-04-01T00:00:00Z", "2036-04-01T00:00:00Z");
    let sig = signer.sign("2026-02-28T00:00:00Z");
    let s = store();
    let at = "2027-01-01T00:00:00Z";
    for (hash, want) in [
        (
            "sha1",
            (
                Indication::INDETERMINATE,
                Some(SubIndication::OUT_OF_BOUNDS_NO_POE),
            ),
        ),
        ("sha256", (Indication::TOTAL_PASSED, None)),
    ] {
        let tst = ca.timestamp(&sig, "2026-03-01T00:00:00Z", hash);
        let bt = add_signature_timestamp(&sig, &tst).unwrap();
        let r = verify(&bt, Content::Attached, &opts(&s, at, &[], &[crl.clone()])).unwrap();
        expect(&r, want.0, want.1);
        if hash == "sha1" {
            let ts = &r.signatures[0].timestamps[0];
            assert_eq!(
                ts.sub_indication,
                Some(SubIndication::CRYPTO_CONSTRAINTS_FAILURE_NO_POE),
                "{:?}",
                ts.errors
            );
        }
    }
}

#[test]
fn rule6_revocation_data_signatures_are_judged_by_the_validation_policy() {
    if !have_tools("rule6_revocation_data_signatures_are_judged_by_the_validation_policy") {
        return;
    }
    let ca = Ca::new("sha1-crl");
    let signer = ca.issue("sha1-crl", "2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z");
    // A CRL signed with ECDSA-SHA1.
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let out = format!("../crl-sha1-{n}.pem");
    run(
        &ca.db(),
        None,
        &[
            "ca",
            "-config",
            "openssl.cnf",
            "-gencrl",
            "-md",
            "sha1",
            "-crl_lastupdate",
            "20260801000000Z",
            "-crl_nextupdate",
            "20360801000000Z",
            "-out",
            &out,
        ],
    );
    let crl = run(&ca.db(), None, &["crl", "-in", &out, "-outform", "DER"]);
    let sig = signer.sign("2026-11-01T00:00:00Z");
    let s = store();
    let at = "2027-01-01T00:00:00Z";
    let r = verify(&sig, Content::Attached, &opts(&s, at, &[], &[crl.clone()])).unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::TRY_LATER),
    );
    // A policy that still accepts SHA-1 until 2030 accepts that CRL: the policy, not a
    // fixed list, judges revocation data.
    let mut o = opts(&s, at, &[], &[crl]);
    let mut policy = ValidationPolicy::default();
    for (h, end) in &mut policy.digests {
        if *h == HashAlgorithm::Sha1 {
            *end = Some(t("2030-01-01T00:00:00Z"));
        }
    }
    o.policy = policy;
    let r = verify(&sig, Content::Attached, &o).unwrap();
    expect(&r, Indication::TOTAL_PASSED, None);
}

// ==== rule 7: TOTAL_PASSED needs a revocation status =========================================

#[test]
fn rule7_without_revocation_status_the_result_is_try_later_unless_skipped_by_request() {
    if !have_tools(
        "rule7_without_revocation_status_the_result_is_try_later_unless_skipped_by_request",
    ) {
        return;
    }
    let ca = Ca::new("no-status");
    let signer = ca.issue("no-status", "2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z");
    let sig = signer.sign("2026-11-01T00:00:00Z");
    let s = store();
    let o = VerifyOptions::new(&s, t("2027-01-01T00:00:00Z"));
    let r = verify(&sig, Content::Attached, &o).unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::TRY_LATER),
    );
    let mut o = VerifyOptions::new(&s, t("2027-01-01T00:00:00Z"));
    o.revocation = RevocationPolicy::Skip;
    let r = verify(&sig, Content::Attached, &o).unwrap();
    expect(&r, Indication::TOTAL_PASSED, None);
    assert!(r.signatures[0]
        .warnings
        .contains(&"revocation not checked, by request".to_owned()));
}

#[test]
fn rule7_an_expired_certificate_needs_status_that_speaks_after_its_expiry() {
    if !have_tools("rule7_an_expired_certificate_needs_status_that_speaks_after_its_expiry") {
        return;
    }
    let ca = Ca::new("expired-status");
    let signer = ca.issue(
        "expired-status",
        "2025-01-01T00:00:00Z",
        "2026-06-30T00:00:00Z",
    );
    let sig = signer.sign("2026-03-01T00:00:00Z");
    let s = store();
    let at = "2027-01-01T00:00:00Z";
    // Issued after the expiry, without ExpiredCertsOnCRL: not being listed proves nothing.
    let plain = ca.crl("2026-10-01T00:00:00Z", "2036-10-01T00:00:00Z");
    // Issued after the expiry, keeping expired certificates: not revoked.
    let keeping = ca.crl_with(
        "2026-10-01T00:00:00Z",
        "2036-10-01T00:00:00Z",
        "crl_ext_expired",
    );
    assert!(imza::crl::Crl::parse(&keeping)
        .unwrap()
        .expired_certs_on_crl
        .is_some());

    // No proof of existence: expired either way, but only one says "not revoked".
    let r = verify(
        &sig,
        Content::Attached,
        &opts(&s, at, &[], &[plain.clone()]),
    )
    .unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::OUT_OF_BOUNDS_NO_POE),
    );
    let r = verify(
        &sig,
        Content::Attached,
        &opts(&s, at, &[], &[keeping.clone()]),
    )
    .unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::OUT_OF_BOUNDS_NOT_REVOKED),
    );

    // A time-stamp before the expiry: the plain CRL still proves nothing, the keeping one does.
    let tst = ca.timestamp(&sig, "2026-03-02T00:00:00Z", "sha256");
    let bt = add_signature_timestamp(&sig, &tst).unwrap();
    let r = verify(&bt, Content::Attached, &opts(&s, at, &[], &[plain])).unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::TRY_LATER),
    );
    let r = verify(&bt, Content::Attached, &opts(&s, at, &[], &[keeping])).unwrap();
    expect(&r, Indication::TOTAL_PASSED, None);
    let _ = signer.parsed();
}

// ==== rule 8: the smaller defects ============================================================

#[test]
fn rule8_a_signature_time_stamp_after_the_validation_time_fails_and_the_level_is_b() {
    if !have_tools(
        "rule8_a_signature_time_stamp_after_the_validation_time_fails_and_the_level_is_b",
    ) {
        return;
    }
    let ca = Ca::new("ts-after");
    let signer = ca.issue("ts-after", "2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z");
    let crl = ca.crl("2026-08-01T00:00:00Z", "2036-08-01T00:00:00Z");
    let sig = signer.sign("2026-11-01T00:00:00Z");
    let tst = ca.timestamp(&sig, "2027-06-01T00:00:00Z", "sha256");
    let bt = add_signature_timestamp(&sig, &tst).unwrap();
    let s = store();
    let r = verify(
        &bt,
        Content::Attached,
        &opts(&s, "2027-01-01T00:00:00Z", &[], &[crl]),
    )
    .unwrap();
    let one = &r.signatures[0];
    let ts = &one.timestamps[0];
    assert_eq!(ts.kind, TimestampKind::Signature);
    assert_eq!(
        (ts.indication, ts.sub_indication),
        (Indication::TOTAL_FAILED, Some(SubIndication::NOT_YET_VALID)),
        "{:?}",
        ts.errors
    );
    // The signature itself is fine, but its only time-stamp proves nothing: B, not B-T.
    expect(&r, Indication::TOTAL_PASSED, None);
    assert_eq!(one.level, Level::B);
    assert_eq!(one.best_signature_time, t("2027-01-01T00:00:00Z"));
}

#[test]
fn rule5_a_time_stamp_token_is_validated_over_its_message_imprint() {
    let token = std::fs::read(tv("cms/ts-token.der")).unwrap();
    let content = std::fs::read(tv("cms/content.txt")).unwrap();
    let s = store();
    let crls: Vec<Vec<u8>> = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.crl")).unwrap()];
    let o = opts(&s, "2027-01-01T00:00:00Z", &[], &crls);
    // Over the content its imprint covers: a valid time-stamp of it, by a TSA.
    let r = verify(&token, Content::Detached(&content), &o).unwrap();
    expect(&r, Indication::TOTAL_PASSED, None);
    assert!(r.signatures[0]
        .signer
        .as_ref()
        .unwrap()
        .subject
        .contains("TSA"));
    // Over other content: the imprint does not match.
    let r = verify(&token, Content::Detached(b"other content"), &o).unwrap();
    expect(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::HASH_FAILURE),
    );
    // Streamed, the same.
    let r = imza::cades::verify_reader(&token, &content[..], &o, &mut |_| {}).unwrap();
    expect(&r, Indication::TOTAL_PASSED, None);
    // Without the content, nothing is proven.
    let r = verify(&token, Content::Attached, &o).unwrap();
    expect(
        &r,
        Indication::INDETERMINATE,
        Some(SubIndication::SIGNED_DATA_NOT_FOUND),
    );
}

#[test]
fn rule8_legacy_time_stamps_are_reported_as_not_checked() {
    if !have_tools("rule8_legacy_time_stamps_are_reported_as_not_checked") {
        return;
    }
    let ca = Ca::new("legacy-ts");
    let signer = ca.issue("legacy-ts", "2025-01-01T00:00:00Z", "2035-01-01T00:00:00Z");
    let crl = ca.crl("2026-08-01T00:00:00Z", "2036-08-01T00:00:00Z");
    let sig = signer.sign("2026-11-01T00:00:00Z");
    let tst = ca.timestamp(&sig, "2026-11-02T00:00:00Z", "sha256");
    let bt = add_signature_timestamp(&sig, &tst).unwrap();
    // The same token under the archive-time-stamp (v2) attribute, id-aa-ets-archiveTimestampV2
    // (…9.16.2.48) in place of id-aa-signatureTimeStampToken (…9.16.2.14): unsigned
    // attributes are not covered by the signature, so only the attribute type changes.
    let sig_ts_oid = [
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0e,
    ];
    let i = bt
        .windows(sig_ts_oid.len())
        .rposition(|w| w == sig_ts_oid)
        .unwrap();
    let mut archived = bt.clone();
    archived[i + sig_ts_oid.len() - 1] = 0x30;
    let s = store();
    let r = verify(
        &archived,
        Content::Attached,
        &opts(&s, "2027-01-01T00:00:00Z", &[], &[crl]),
    )
    .unwrap();
    let one = &r.signatures[0];
    let ts = &one.timestamps[0];
    assert_eq!(ts.kind, TimestampKind::ArchiveV2);
    assert!(!ts.checked);
    assert_eq!(ts.indication, Indication::INDETERMINATE);
    assert!(
        one.warnings.iter().any(|w| w.contains("was not checked")),
        "{:?}",
        one.warnings
    );
    // The signature stands on its own, without a proof of existence from that token.
    expect(&r, Indication::TOTAL_PASSED, None);
    assert_eq!(one.best_signature_time, t("2027-01-01T00:00:00Z"));
}

#[test]
fn rule1_a_revocation_in_stale_data_still_wins_over_a_fresh_good() {
    if !have_tools("rule1_a_revocation_in_stale_data_still_wins_over_a_fresh_good") {
        return;
    }
    let ca = Ca::new("stale-revocation");
    let signer = ca.issue(
        "stale-revoked",
        "2025-01-01T00:00:00Z",
        "2035-01-01T00:00:00Z",
    );
    let good = ca.crl("2026-08-01T00:00:00Z", "2036-08-01T00:00:00Z");
    ca.revoke(&signer, "2026-09-01T00:00:00Z");
    // Listed, but past its nextUpdate at the validation time: the listing is still proof.
    let stale = ca.crl("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z");
    let sig = signer.sign("2026-08-15T00:00:00Z");
    let s = store();
    for order in imza_test_support::permutations(&[good, stale]) {
        let r = verify(
            &sig,
            Content::Attached,
            &opts(&s, "2027-01-01T00:00:00Z", &[], &order),
        )
        .unwrap();
        expect(
            &r,
            Indication::INDETERMINATE,
            Some(SubIndication::REVOKED_NO_POE),
        );
    }
}

// ==== rule 9: a PDF document time-stamp is a proof of existence ================================

/// PAdES B-B signed by `signer` over test-vectors/pdf/hello.pdf, claiming `at`.
fn pades_signed(signer: &Signer, at: &str) -> Vec<u8> {
    let pdf = std::fs::read(tv("pdf/hello.pdf")).unwrap();
    let mut o = imza::SignOptions::new(t(at));
    o.format = imza::SignFormat::Pades;
    o.chain = vec![std::fs::read(tv("pki/ecdsa-p256/intermediate.der")).unwrap()];
    imza::sign(ToSign::Bytes(&pdf), &signer.key, &signer.cert, &o).unwrap()
}

/// `pdf` with an ETSI.RFC3161 document time-stamp made at `at` appended.
fn doc_stamped(ca: &Ca, pdf: &[u8], at: &str) -> Vec<u8> {
    let mut src: &[u8] = pdf;
    let update =
        imza::pades::sign::document_timestamp(
            &mut src,
            &[],
            &mut |d| Ok(ca.token(d, at, "sha256")),
        )
        .unwrap();
    [pdf, &update[..]].concat()
}

#[test]
fn rule9_a_pdf_document_time_stamp_is_a_proof_of_existence() {
    if !have_tools("rule9_a_pdf_document_time_stamp_is_a_proof_of_existence") {
        return;
    }
    let ca = Ca::new("pdf-doc-ts");
    let s = store();
    // As rule 4: expired on 2026-06-30; revoked on 2026-03-01 (early) or 2026-06-01 (late);
    // here the proof of existence of 2026-05-01 is a document time-stamp after the signature.
    let early = ca.issue("pdf-early", "2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z");
    ca.revoke(&early, "2026-03-01T00:00:00Z");
    let late = ca.issue("pdf-late", "2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z");
    ca.revoke(&late, "2026-06-01T00:00:00Z");
    let crl = ca.crl("2026-06-15T00:00:00Z", "2036-06-15T00:00:00Z");
    let at = "2027-01-01T00:00:00Z";
    for (signer, want) in [
        (
            &early,
            (
                Indication::INDETERMINATE,
                Some(SubIndication::REVOKED_NO_POE),
            ),
        ),
        (&late, (Indication::TOTAL_PASSED, None)),
    ] {
        let signed = pades_signed(signer, "2026-04-30T00:00:00Z");
        // Alone, the B-B signature of an expired, revoked certificate proves nothing.
        let r = imza::verify(
            &signed,
            imza::Content::Attached,
            &opts(&s, at, &[], &[crl.clone()]),
        )
        .unwrap();
        assert_ne!(r.signatures[0].indication, Indication::TOTAL_PASSED);
        let stamped = doc_stamped(&ca, &signed, "2026-05-01T00:00:00Z");
        let r = imza::verify(
            &stamped,
            imza::Content::Attached,
            &opts(&s, at, &[], &[crl.clone()]),
        )
        .unwrap();
        assert_eq!(
            r.signatures.len(),
            2,
            "the signature and the document time-stamp"
        );
        expect(&r, want.0, want.1);
        let (sig, ts) = (&r.signatures[0], &r.signatures[1]);
        assert_eq!(ts.indication, Indication::TOTAL_PASSED, "{:?}", ts.errors);
        assert_eq!(sig.best_signature_time, t("2026-05-01T00:00:00Z"));
        assert_eq!(sig.level, Level::PadesT, "B-T by a document time-stamp");
    }

    // A document time-stamp from before the signing certificate existed: not yet valid.
    let later = ca.issue("pdf-later", "2027-06-01T00:00:00Z", "2030-01-01T00:00:00Z");
    let crl = ca.crl("2027-07-01T00:00:00Z", "2037-07-01T00:00:00Z");
    let stamped = doc_stamped(
        &ca,
        &pades_signed(&later, "2027-06-02T00:00:00Z"),
        "2026-12-01T00:00:00Z",
    );
    let r = imza::verify(
        &stamped,
        imza::Content::Attached,
        &opts(&s, "2028-01-01T00:00:00Z", &[], &[crl]),
    )
    .unwrap();
    expect(
        &r,
        Indication::TOTAL_FAILED,
        Some(SubIndication::NOT_YET_VALID),
    );
}
