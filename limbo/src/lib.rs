//! The x509-limbo conformance harness for imza's certificate path validator.
//!
//! [x509-limbo](https://github.com/C2SP/x509-limbo) is a suite of path-validation test
//! cases, each a trust store, untrusted intermediates, a leaf, a time and an expected
//! answer. This crate reads a `limbo.json` (or the whole suite with BetterTLS,
//! `limbo-full.json.bz2`), runs every case through
//! [`imza::path::validate`], and reports:
//!
//! - the limbo result format (`{version, harness, results: [{id, actual_result, context}]}`);
//! - the counts: passed, skipped (with the reason for each skip), known differences from
//!   the exceptions file, wrong rejects and wrong accepts.
//!
//! A wrong accept (a case that must be rejected and was accepted) is a security bug: the
//! exceptions file cannot hold one ([`exceptions::load`] refuses it), and the binary exits
//! with status 1 when one occurs.
//!
//! How a testcase maps onto imza: `trusted_certs` become a [`TrustStore`] (unconstrained
//! anchors), `untrusted_intermediates` the pool, SERVER is [`Purpose::ServerAuth`] and
//! CLIENT [`Purpose::Authentication`], `max_chain_depth` is
//! [`imza::path::Budget::max_intermediates`] (both count intermediates that are not
//! self-issued), `crls` go to [`imza::revocation::Checker`] offline (every certificate below
//! the anchor needs a status), `key_usage` / `extended_key_usage` must be allowed by the
//! leaf, and a missing `validation_time` is [`FALLBACK_TIME`].
//!
//! What is the harness's, not imza's: limbo's SERVER cases are TLS server validations. The
//! host-name check and the CA/Browser Forum Baseline Requirements for TLS server
//! certificates and CRLs are TLS business and do not belong in imza's core (which validates
//! signing, login, TSA and OCSP certificates), so they are implemented here, in [`peer`]
//! and [`tls_profile`]. Everything else (RFC 5280 path validation, revocation) is imza's
//! answer.
#![forbid(unsafe_code)]

pub mod exceptions;
pub mod peer;
pub mod tls_profile;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use imza::crl::Crl;
use imza::path::{self, Options, ParsedCert, Purpose, ValidPath};
use imza::revocation::Checker;
use imza::time::UnixTime;
use imza::trust::{AnchorConstraints, TrustStore};
use serde::{Deserialize, Serialize};

pub use exceptions::Exception;

/// The harness name written into the result file.
pub const HARNESS: &str = concat!("imza-limbo ", env!("CARGO_PKG_VERSION"));

/// The validation time used when a testcase gives none (`validation_time: null`). Limbo
/// means "now" there; a fixed time keeps the run reproducible. Every certificate in such
/// cases is generated valid from 1970 to 2969, except where expiry is the point.
pub const FALLBACK_TIME: &str = "2025-01-01T00:00:00Z";

/// Limbo features imza deliberately does not implement, each with the reason. A testcase
/// tagged with one is skipped (`SKIPPED`), never guessed.
pub const SKIPPED_FEATURES: &[(&str, &str)] = &[
    (
        "pedantic-public-suffix-wildcard",
        "no Public Suffix List: host-name matching refuses `*` and `*.tld` wildcards but does \
         not ship the PSL to refuse `*.co.uk` or `*.s3.amazonaws.com`",
    ),
    (
        "rfc5280-incompatible-with-webpki",
        "non-critical nameConstraints are enforced, not refused: imza takes the CA/B Forum \
         side (the Baseline Requirements allow them non-critical, and \
         webpki::nc::permitted-dns-match-noncritical expects acceptance); refusing a \
         constraint that imza enforces anyway would protect nothing",
    ),
    (
        "pedantic-rfc5280",
        "authorityKeyIdentifier on a trust anchor: an anchor is a trusted name and key \
         (RFC 5280 §6.1.1 (d)), so a cross-signed root without authorityKeyIdentifier is \
         accepted, as cve::cve-2024-0567 requires of the same shape",
    ),
];

/// A limbo file (schema version 1).
#[derive(Clone, Debug, Deserialize)]
pub struct Limbo {
    /// Schema version; must be 1.
    pub version: u32,
    /// The testcases.
    pub testcases: Vec<Testcase>,
}

/// A peer (end-entity) name: `{kind: DNS | IP | RFC822, value}`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct PeerName {
    /// `DNS`, `IP` or `RFC822`.
    pub kind: String,
    /// The name.
    pub value: String,
}

/// One limbo testcase (the fields the harness reads).
#[derive(Clone, Debug, Deserialize)]
pub struct Testcase {
    /// Unique id, `family::name`.
    pub id: String,
    /// Optional-behaviour tags.
    #[serde(default)]
    pub features: Vec<String>,
    /// `SERVER` or `CLIENT`.
    pub validation_kind: String,
    /// PEM trust anchors.
    pub trusted_certs: Vec<String>,
    /// PEM untrusted intermediates.
    pub untrusted_intermediates: Vec<String>,
    /// PEM leaf.
    pub peer_certificate: String,
    /// RFC 3339 validation time, or none ("now").
    #[serde(default)]
    pub validation_time: Option<String>,
    /// Acceptable signature algorithms (empty: any).
    #[serde(default)]
    pub signature_algorithms: Vec<String>,
    /// Key usages the leaf must allow.
    #[serde(default)]
    pub key_usage: Vec<String>,
    /// Extended key usages the leaf must allow.
    #[serde(default)]
    pub extended_key_usage: Vec<String>,
    /// `SUCCESS` or `FAILURE`.
    pub expected_result: String,
    /// SERVER: the host name or address the leaf must be valid for.
    #[serde(default)]
    pub expected_peer_name: Option<PeerName>,
    /// CLIENT: names the leaf must carry.
    #[serde(default)]
    pub expected_peer_names: Vec<PeerName>,
    /// Most intermediates in the path.
    #[serde(default)]
    pub max_chain_depth: Option<u64>,
    /// PEM CRLs.
    #[serde(default)]
    pub crls: Vec<String>,
}

/// What imza answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Actual {
    /// Accepted.
    Success,
    /// Rejected.
    Failure,
    /// Not run.
    Skipped,
}

/// How the answer compares with limbo's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Same answer.
    Passed,
    /// Not run, for this reason.
    Skipped(&'static str),
    /// A reasoned difference from the exceptions file.
    Excepted(String),
    /// Rejected what must be accepted.
    WrongReject,
    /// Accepted what must be rejected: a security bug.
    WrongAccept,
}

/// One testcase's outcome.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// Testcase id.
    pub id: String,
    /// What imza answered.
    pub actual: Actual,
    /// Why (the error for a rejection, the path for an acceptance, the skip reason).
    pub context: String,
    /// Against the expectation.
    pub verdict: Verdict,
}

/// The result of a whole run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// One entry per testcase, in file order.
    pub results: Vec<CaseResult>,
    /// Exceptions whose case now passes: remove them from the file.
    pub stale_exceptions: Vec<String>,
    /// Exceptions for cases this limbo file does not hold (a partial copy).
    pub absent_exceptions: Vec<String>,
}

/// Most bytes read from a limbo file, unpacked: the whole suite is 41 MB.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Reads a limbo file, `.json` or bzip2-compressed `.json.bz2`.
pub fn load(path: &std::path::Path) -> Result<Limbo, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader: Box<dyn std::io::Read> = if path.extension().is_some_and(|e| e == "bz2") {
        Box::new(bzip2::read::MultiBzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(file)
    };
    let mut text = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{}: more than {MAX_FILE_BYTES} bytes unpacked",
            path.display()
        ));
    }
    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs every testcase.
pub fn run(limbo: &Limbo, exceptions: &BTreeMap<String, Exception>) -> Result<Report, String> {
    if limbo.version != 1 {
        return Err(format!(
            "limbo schema version {} (this harness reads version 1)",
            limbo.version
        ));
    }
    let mut report = Report::default();
    for tc in &limbo.testcases {
        report.results.push(run_one(tc, exceptions.get(&tc.id)));
    }
    for id in exceptions.keys() {
        match report.results.iter().find(|r| &r.id == id) {
            None => report.absent_exceptions.push(id.clone()),
            Some(r) if !matches!(r.verdict, Verdict::Excepted(_)) => {
                report.stale_exceptions.push(id.clone());
            }
            Some(_) => {}
        }
    }
    Ok(report)
}

/// Runs one testcase and compares the answer with the expectation and the exception.
pub fn run_one(tc: &Testcase, exception: Option<&Exception>) -> CaseResult {
    if let Some(reason) = skip_reason(tc) {
        return CaseResult {
            id: tc.id.clone(),
            actual: Actual::Skipped,
            context: reason.to_string(),
            verdict: Verdict::Skipped(reason),
        };
    }
    let (actual, context) = match evaluate(tc) {
        Ok(path) => (Actual::Success, describe_path(&path)),
        Err(e) => (Actual::Failure, e),
    };
    let expected_success = tc.expected_result == "SUCCESS";
    let verdict = match (expected_success, actual) {
        (true, Actual::Success) | (false, Actual::Failure) => Verdict::Passed,
        // A wrong reject can be excepted; an accept only in a lint family (exceptions::load).
        (true, _) => match exception {
            Some(ex) if ex.actual == "FAILURE" => Verdict::Excepted(ex.reason.clone()),
            _ => Verdict::WrongReject,
        },
        // exceptions::load admits an accepted-case exception only in a lint family.
        (false, _) => match exception {
            Some(ex) if ex.actual == "SUCCESS" => Verdict::Excepted(ex.reason.clone()),
            _ => Verdict::WrongAccept,
        },
    };
    CaseResult {
        id: tc.id.clone(),
        actual,
        context,
        verdict,
    }
}

/// Why a testcase is not run, if it is not.
pub fn skip_reason(tc: &Testcase) -> Option<&'static str> {
    for f in &tc.features {
        if let Some((_, reason)) = SKIPPED_FEATURES.iter().find(|(name, _)| name == f) {
            return Some(reason);
        }
    }
    if !tc.signature_algorithms.is_empty() {
        return Some(
            "signature_algorithms constraint: imza's crypto policy is a fixed value, not a \
             per-validation algorithm list",
        );
    }
    None
}

fn describe_path(p: &ValidPath) -> String {
    let mut s = String::from("accepted:");
    for c in p.chain() {
        let _ = write!(s, " [{}]", c.cert.tbs_certificate.subject);
    }
    s
}

/// Decodes one PEM certificate to its exact DER bytes.
fn pem_to_der(pem: &str, what: &str) -> Result<Vec<u8>, String> {
    let (label, der) =
        der::pem::decode_vec(pem.trim().as_bytes()).map_err(|e| format!("{what}: PEM: {e}"))?;
    if label != "CERTIFICATE" {
        return Err(format!("{what}: PEM label {label:?}, expected CERTIFICATE"));
    }
    Ok(der)
}

/// Runs imza on one testcase; `Ok` is acceptance, `Err` a rejection with its reason.
pub fn evaluate(tc: &Testcase) -> Result<ValidPath, String> {
    let time = tc.validation_time.as_deref().unwrap_or(FALLBACK_TIME);
    let time = UnixTime::parse_rfc3339(time).map_err(|e| format!("validation_time: {e}"))?;
    let purpose = match tc.validation_kind.as_str() {
        "SERVER" => Purpose::ServerAuth,
        "CLIENT" => Purpose::Authentication,
        other => return Err(format!("unknown validation_kind {other}")),
    };

    let mut store = TrustStore::new();
    let mut anchor_errors = Vec::new();
    for (i, pem) in tc.trusted_certs.iter().enumerate() {
        let added = pem_to_der(pem, "trusted cert").and_then(|der| {
            store
                .add_der(&der, AnchorConstraints::default())
                .map_err(|e| e.to_string())
        });
        if let Err(e) = added {
            anchor_errors.push(format!("trusted cert {i}: {e}"));
        }
    }
    if store.is_empty() {
        return Err(format!(
            "no usable trust anchor ({})",
            anchor_errors.join("; ")
        ));
    }
    let leaf = pem_to_der(&tc.peer_certificate, "peer certificate")?;
    let intermediates = tc
        .untrusted_intermediates
        .iter()
        .map(|p| pem_to_der(p, "intermediate"))
        .collect::<Result<Vec<_>, _>>()?;
    let intermediates: Vec<&[u8]> = intermediates.iter().map(Vec::as_slice).collect();

    let mut opts = Options::new(time, purpose);
    if let Some(depth) = tc.max_chain_depth {
        // limbo's max_chain_depth counts "logical" intermediates: self-issued ones are not
        // counted (pathlen::max-chain-depth-1-self-issued), which is what
        // Budget::max_intermediates counts (RFC 5280 §6.1.4 (l)).
        opts.budget.max_intermediates = usize::try_from(depth).unwrap_or(usize::MAX);
    }
    let path = path::validate(&leaf, &intermediates, &store, &opts).map_err(|e| {
        format!(
            "rejected: {e} ({:?} / {:?})",
            e.indication(),
            e.sub_indication()
        )
    })?;
    let leaf = path
        .certs
        .first()
        .ok_or_else(|| "validated path has no leaf".to_string())?;
    if !tc.crls.is_empty() {
        // limbo's CRL cases: every certificate below the anchor needs a status from the
        // supplied CRLs (imza::revocation, offline; an unknown status is a rejection).
        let mut checker = Checker::offline();
        for (i, pem) in tc.crls.iter().enumerate() {
            checker.crls.push(
                Crl::parse(pem.trim().as_bytes()).map_err(|e| format!("rejected: CRL {i}: {e}"))?,
            );
            if purpose == Purpose::ServerAuth {
                let (_, der) = der::pem::decode_vec(pem.trim().as_bytes())
                    .map_err(|e| format!("CRL {i}: PEM: {e}"))?;
                tls_profile::check_crl(&der)?;
            }
        }
        checker
            .check(&path, time)
            .map_err(|e| format!("rejected: {e} ({:?})", e.sub_indication()))?;
    }
    check_key_usage(leaf, &tc.key_usage)?;
    check_ext_key_usage(leaf, &tc.extended_key_usage)?;
    match purpose {
        Purpose::ServerAuth => {
            // The name first: when both fail, the name is what the case is about more often.
            if let Some(name) = &tc.expected_peer_name {
                peer::check(leaf, name)?;
            }
            tls_profile::check_server(&path)?;
        }
        _ => {
            for name in &tc.expected_peer_names {
                peer::check(leaf, name)?;
            }
        }
    }
    Ok(path)
}

/// The leaf's keyUsage, when present, must allow every usage the testcase names.
fn check_key_usage(leaf: &ParsedCert, wanted: &[String]) -> Result<(), String> {
    use x509_cert::ext::pkix::KeyUsages as K;
    for w in wanted {
        let bit = match w.as_str() {
            "digitalSignature" => K::DigitalSignature,
            "contentCommitment" => K::NonRepudiation,
            "keyEncipherment" => K::KeyEncipherment,
            "dataEncipherment" => K::DataEncipherment,
            "keyAgreement" => K::KeyAgreement,
            "keyCertSign" => K::KeyCertSign,
            "cRLSign" => K::CRLSign,
            "encipherOnly" => K::EncipherOnly,
            "decipherOnly" => K::DecipherOnly,
            other => return Err(format!("unknown key usage {other} in testcase")),
        };
        if !leaf.key_usage_allows(bit) {
            return Err(format!("leaf keyUsage does not allow {w}"));
        }
    }
    Ok(())
}

/// The leaf's extendedKeyUsage, when present, must allow every purpose the testcase names.
fn check_ext_key_usage(leaf: &ParsedCert, wanted: &[String]) -> Result<(), String> {
    use const_oid::db::{rfc5280 as o, rfc5912};
    for w in wanted {
        let oid = match w.as_str() {
            "anyExtendedKeyUsage" => rfc5912::ANY_EXTENDED_KEY_USAGE,
            "serverAuth" => o::ID_KP_SERVER_AUTH,
            "clientAuth" => o::ID_KP_CLIENT_AUTH,
            "codeSigning" => o::ID_KP_CODE_SIGNING,
            "emailProtection" => o::ID_KP_EMAIL_PROTECTION,
            "timeStamping" => o::ID_KP_TIME_STAMPING,
            "OCSPSigning" => o::ID_KP_OCSP_SIGNING,
            other => other
                .parse()
                .map_err(|_| format!("unknown extended key usage {other} in testcase"))?,
        };
        if leaf.eku_contains(&oid) == Some(false) {
            return Err(format!("leaf extendedKeyUsage does not allow {w}"));
        }
    }
    Ok(())
}

impl Report {
    /// Results with this verdict kind.
    fn count(&self, f: impl Fn(&Verdict) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.verdict)).count()
    }

    /// Cases run and answered as limbo expects.
    pub fn passed(&self) -> usize {
        self.count(|v| *v == Verdict::Passed)
    }

    /// Cases not run.
    pub fn skipped(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Skipped(_)))
    }

    /// Reasoned differences (listed in the exceptions file).
    pub fn excepted(&self) -> usize {
        self.count(|v| matches!(v, Verdict::Excepted(_)))
    }

    /// Wrong answers not covered by an exception.
    pub fn unexcepted_wrong(&self) -> Vec<&CaseResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::WrongAccept | Verdict::WrongReject))
            .collect()
    }

    /// Accepted what must be rejected.
    pub fn wrong_accepts(&self) -> Vec<&CaseResult> {
        self.results
            .iter()
            .filter(|r| r.verdict == Verdict::WrongAccept)
            .collect()
    }

    /// Rejected what must be accepted, not excepted.
    pub fn wrong_rejects(&self) -> Vec<&CaseResult> {
        self.results
            .iter()
            .filter(|r| r.verdict == Verdict::WrongReject)
            .collect()
    }

    /// Skipped share of all cases.
    pub fn skip_rate(&self) -> f64 {
        if self.results.is_empty() {
            return 0.0;
        }
        // Counts are far below 2^52: the conversions are exact.
        #[allow(clippy::cast_precision_loss)]
        let rate = self.skipped() as f64 / self.results.len() as f64;
        rate
    }

    /// The limbo result format.
    pub fn to_limbo_json(&self) -> serde_json::Value {
        let results: Vec<serde_json::Value> = self
            .results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "actual_result": r.actual,
                    "context": r.context,
                })
            })
            .collect();
        serde_json::json!({ "version": 1, "harness": HARNESS, "results": results })
    }

    /// A human-readable summary: counts, skip reasons, known differences, wrong answers.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let total = self.results.len();
        let _ = writeln!(s, "x509-limbo: {total} testcases");
        let _ = writeln!(s, "  passed:            {}", self.passed());
        let _ = writeln!(
            s,
            "  wrong answers:     {} ({} wrong accept, {} wrong reject not in exceptions.json)",
            self.wrong_accepts().len() + self.wrong_rejects().len(),
            self.wrong_accepts().len(),
            self.wrong_rejects().len()
        );
        let _ = writeln!(
            s,
            "  known differences: {} (listed in exceptions.json)",
            self.excepted()
        );
        let _ = writeln!(
            s,
            "  skipped:           {} ({:.1}% of all cases)",
            self.skipped(),
            self.skip_rate() * 100.0
        );
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.results {
            if let Verdict::Skipped(reason) = r.verdict {
                *reasons.entry(reason).or_default() += 1;
            }
        }
        for (reason, n) in reasons {
            let _ = writeln!(s, "    {n:>3} × {reason}");
        }
        let excepted: Vec<_> = self
            .results
            .iter()
            .filter_map(|r| match &r.verdict {
                Verdict::Excepted(why) => Some((r, why)),
                _ => None,
            })
            .collect();
        if !excepted.is_empty() {
            let _ = writeln!(s, "\nKNOWN DIFFERENCES ({}):", excepted.len());
            for (r, why) in excepted {
                let _ = writeln!(s, "  - {}: {why}\n      imza: {}", r.id, r.context);
            }
        }
        let wa = self.wrong_accepts();
        if !wa.is_empty() {
            let _ = writeln!(
                s,
                "\nWRONG ACCEPTS ({}): must be rejected, imza accepted (security bugs):",
                wa.len()
            );
            for r in wa {
                let _ = writeln!(s, "  - {}: {}", r.id, r.context);
            }
        }
        let wr = self.wrong_rejects();
        if !wr.is_empty() {
            let _ = writeln!(
                s,
                "\nWRONG REJECTS ({}): must be accepted, imza rejected:",
                wr.len()
            );
            for r in wr {
                let _ = writeln!(s, "  - {}: {}", r.id, r.context);
            }
        }
        if !self.stale_exceptions.is_empty() {
            let _ = writeln!(
                s,
                "\nSTALE EXCEPTIONS ({}): the case now passes; remove it from exceptions.json:",
                self.stale_exceptions.len()
            );
            for id in &self.stale_exceptions {
                let _ = writeln!(s, "  - {id}");
            }
        }
        if !self.absent_exceptions.is_empty() {
            let _ = writeln!(
                s,
                "\n{} exception(s) name cases this file does not hold (a partial copy?)",
                self.absent_exceptions.len()
            );
        }
        s
    }
}
