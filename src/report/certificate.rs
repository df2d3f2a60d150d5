//! The report of one certificate's validation for a purpose at a time: what `imza cert
//! verify --json` prints and the C ABI's `imza_cert_validate` returns, made here so that
//! every face gives the same document.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Serialize;

use super::{Indication, SubIndication};
use crate::cert::{CertificateSummary, Purpose};
use crate::path::{self, PathError, ValidPath};
use crate::revocation::{Checker, Evidence, Mode};
use crate::time::UnixTime;
use crate::trust::TrustStore;

/// The checks a valid path passed (RFC 5280 §6.1 and the purpose), as the report lists
/// them.
const CHECKS: &[&str] = &[
    "signatures",
    "validity_periods",
    "basic_constraints",
    "path_length",
    "key_usage",
    "extended_key_usage",
    "name_constraints",
    "critical_extensions",
    "certificate_policies",
    "trust_anchor_constraints",
];

/// How the revocation status was looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RevocationChecking {
    /// Not checked, because the caller said so.
    NotCheckedByRequest,
    /// With the OCSP responses and CRLs the caller supplied.
    Offline,
    /// Supplied data first, then the responders and distribution points the certificates
    /// name.
    Online,
}

/// One certificate of a validated path, as the report names it (the strings of
/// [`CertificateSummary`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PathCertificate {
    /// Subject distinguished name (RFC 4514 string).
    pub subject: String,
    /// Issuer distinguished name (RFC 4514 string).
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// Start of validity (RFC 3339, UTC).
    pub not_before: String,
    /// End of validity (RFC 3339, UTC).
    pub not_after: String,
    /// SHA-256 over the DER certificate, lowercase hex.
    pub sha256_fingerprint: String,
    /// Whether this is the trust anchor the path ended in.
    pub trust_anchor: bool,
}

/// The validation of one certificate: the ETSI EN 319 102-1 indication, the path that was
/// found (leaf first, anchor last) and the revocation evidence. Made by
/// [`validate_certificate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertificateReport {
    /// The validation time.
    pub at: UnixTime,
    /// What the certificate was validated for.
    pub purpose: Purpose,
    /// TOTAL_PASSED, TOTAL_FAILED or INDETERMINATE.
    pub indication: Indication,
    /// Why not TOTAL_PASSED (EN 319 102-1 §5.2.6).
    pub sub_indication: Option<SubIndication>,
    /// The failure, in words.
    pub reason: Option<String>,
    /// The validated path, leaf first, anchor last; empty when none was found valid.
    pub path: Vec<PathCertificate>,
    /// The checks a valid path passed; empty when none was found valid.
    pub checks: Vec<&'static str>,
    /// The certificate policies the leaf asserts, dotted OIDs.
    pub leaf_policies: Vec<String>,
    /// The certificate policies valid for the whole path (RFC 5280 §6.1.5 (g), in the
    /// trust anchor's domain, after mappings), dotted OIDs; `2.5.29.32.0` (anyPolicy)
    /// when every policy holds.
    pub valid_policies: Vec<String>,
    /// How the revocation status was looked for.
    pub revocation: RevocationChecking,
    /// The status found for each checked certificate, leaf first, with every OCSP
    /// response and CRL that gave one and whether they conflicted.
    pub revocation_evidence: Vec<Evidence>,
}

impl CertificateReport {
    fn new(opts: &path::Options, result: &Result<ValidPath, PathError>) -> Self {
        let mut r = Self {
            at: opts.time,
            purpose: opts.purpose,
            indication: Indication::TOTAL_PASSED,
            sub_indication: None,
            reason: None,
            path: Vec::new(),
            checks: Vec::new(),
            leaf_policies: Vec::new(),
            valid_policies: Vec::new(),
            revocation: RevocationChecking::NotCheckedByRequest,
            revocation_evidence: Vec::new(),
        };
        match result {
            Ok(valid) => {
                let anchor = &valid.anchor.cert.der;
                r.path = valid
                    .chain()
                    .filter_map(|c| {
                        let s = CertificateSummary::new(&c.cert).ok()?;
                        Some(PathCertificate {
                            subject: s.subject,
                            issuer: s.issuer,
                            serial: s.serial,
                            not_before: s.not_before,
                            not_after: s.not_after,
                            sha256_fingerprint: s.sha256_fingerprint,
                            trust_anchor: &c.der == anchor,
                        })
                    })
                    .collect();
                r.checks = CHECKS.to_vec();
                r.leaf_policies = valid
                    .leaf_policies
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                r.valid_policies = match &valid.policies {
                    path::ValidPolicies::Any => {
                        alloc::vec![const_oid::db::rfc5280::ANY_POLICY.to_string()]
                    }
                    path::ValidPolicies::Some(v) => v.iter().map(ToString::to_string).collect(),
                };
            }
            Err(e) => {
                r.indication = e.indication();
                r.sub_indication = Some(e.sub_indication());
                r.reason = Some(e.to_string());
            }
        }
        r
    }
}

/// Validates the certificate `leaf` (DER) for `opts.purpose` at `opts.time` (RFC 5280 §6),
/// building a path through `intermediates` (DER; unparsable ones are skipped) to an anchor
/// in `trust`; then, when the path is valid and a `revocation` checker is given, the
/// revocation status of the path through it (its supplied OCSP responses and CRLs, and its
/// transport when online). Without a checker the report says
/// [`RevocationChecking::NotCheckedByRequest`].
///
/// A certificate that is not valid is a report (TOTAL_FAILED or INDETERMINATE with the
/// reason), not an `Err`: the `Err` is for a `leaf` that is not a certificate at all
/// ([`PathError::Malformed`]).
///
/// ```
/// use imza::path::{Options, Purpose};
/// use imza::report::{validate_certificate, RevocationChecking};
/// use imza::revocation::Checker;
/// use imza::{crl::Crl, Indication, SubIndication, TrustStore, UnixTime};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pki = |f: &str| std::fs::read(format!("test-vectors/pki/ecdsa-p256/{f}"));
/// let mut trust = TrustStore::new();
/// trust.add_pem_or_der(&pki("root.pem")?)?;
/// let intermediate = imza::cert::parse_any(&pki("intermediate.pem")?)?;
/// let intermediate = der::Encode::to_der(&intermediate[0])?;
/// let opts = Options::new(UnixTime::parse_rfc3339("2027-06-01T00:00:00Z")?, Purpose::Any);
///
/// // Offline, with the CRLs of the test PKI.
/// let mut checker = Checker::offline();
/// checker.crls = vec![Crl::parse(&pki("root.crl")?)?, Crl::parse(&pki("intermediate.crl")?)?];
/// let leaf = pki("revoked.der")?;
/// let report = validate_certificate(&leaf, &[&intermediate], &trust, &opts, Some(&mut checker))?;
/// assert_eq!(report.indication, Indication::TOTAL_FAILED);
/// assert_eq!(report.sub_indication, Some(SubIndication::REVOKED));
/// assert_eq!(report.revocation, RevocationChecking::Offline);
/// # Ok(())
/// # }
/// ```
pub fn validate_certificate(
    leaf: &[u8],
    intermediates: &[&[u8]],
    trust: &TrustStore,
    opts: &path::Options,
    revocation: Option<&mut Checker<'_>>,
) -> Result<CertificateReport, PathError> {
    let result = path::validate(leaf, intermediates, trust, opts);
    if let Err(e @ PathError::Malformed(_)) = result {
        return Err(e);
    }
    let Some(checker) = revocation else {
        return Ok(CertificateReport::new(opts, &result));
    };
    let result = match result {
        Ok(valid) => checker.check(&valid, opts.time).map(|_| valid),
        Err(e) => Err(e),
    };
    let mut report = CertificateReport::new(opts, &result);
    report.revocation = match checker.mode {
        Mode::Offline => RevocationChecking::Offline,
        Mode::Online => RevocationChecking::Online,
    };
    report.revocation_evidence = checker.evidence().to_vec();
    Ok(report)
}
