//! Certificate path building and validation (RFC 5280 §6) at a caller-given time.
//!
//! [`validate`] searches every candidate path from the leaf through the untrusted
//! intermediates to an anchor of the [`TrustStore`] (several intermediates with one name,
//! cross certificates, key rollover), depth-first, with a [`Budget`] on signature checks,
//! candidate paths and depth. Each complete candidate is checked; the first that passes is
//! returned. When all fail, the most specific failure is reported ([`PathError::rank`]).
//!
//! Names are compared as RFC 5280 §7.1 says, after RFC 4518 string preparation
//! ([`crate::cert::name`], which states the one step left out), for chaining, self-issued
//! tests and directoryName constraints.
//!
//! Trust anchors. RFC 5280 §6.1.1 (d) takes an anchor as a name and a key; RFC 5937 lets an
//! implementation also apply the constraints in the anchor's certificate. imza does what
//! OpenSSL does: the anchor certificate must be within its validity period, carry no
//! unknown critical extension, and its basicConstraints (cA), keyUsage (keyCertSign),
//! pathLenConstraint and nameConstraints apply (a v1 anchor, which has no extensions, is
//! taken as a CA). x509-limbo expects exactly this (`rfc5280::validity::expired-root`,
//! `rfc5280::unknown-critical-extension-root`, `rfc5280::root-missing-basic-constraints`,
//! `rfc5280::root-inconsistent-ca-extensions`); rustls-webpki, which uses only the name,
//! key and name constraints, lists those cases as known differences. How the anchor itself
//! was issued (its serial number, its authorityKeyIdentifier) is not checked.
//!
//! x509-limbo runs against this validator through the `imza-limbo` harness (`limbo/`),
//! whose `exceptions.json` gives the reason for every deliberate difference.

mod names;
mod policy;

pub use policy::ValidPolicies;

use alloc::string::String;
use alloc::vec::Vec;

use const_oid::db::{rfc5280 as o5280, rfc5912};
use const_oid::ObjectIdentifier;
use x509_cert::ext::pkix::KeyUsages;

pub use crate::cert::{ParsedCert, Purpose};

pub use crate::error::{Constraint, PathError};

use crate::crypto::{self, Message};
use crate::error::Error;
use crate::time::UnixTime;
use crate::trust::{TrustAnchor, TrustStore};

/// Limits on the work one validation may do; exhausting one of the first three is
/// [`PathError::BudgetExceeded`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Signature verifications while building. Every certificate added to a path costs at
    /// least one, so this also bounds the path length and the search.
    pub signature_checks: usize,
    /// Complete candidate paths evaluated.
    pub candidate_paths: usize,
    /// Name-constraint comparisons (names × subtrees) over the whole validation: a CA with
    /// thousands of subtrees over a leaf with thousands of names is quadratic work
    /// (the OpenSSL "many-constraints" attack, x509-limbo `pathological::nc-dos-*`).
    /// 250 000 is rustls-webpki's figure.
    pub name_constraint_checks: usize,
    /// Edges of the certificate policy graph (RFC 9618) over one candidate path: CAs that
    /// assert and map many policies grow it quadratically per level.
    pub policy_edges: usize,
    /// Most intermediates in one path that are not self-issued: RFC 5280 §6.1.4 (l) counts
    /// max_path_length that way (a self-issued certificate, as in a key rollover, is the
    /// same CA). Exceeding it is not an error: such paths are not built.
    pub max_intermediates: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            signature_checks: 100,
            candidate_paths: 32,
            name_constraint_checks: 250_000,
            policy_edges: 10_000,
            max_intermediates: 8,
        }
    }
}

/// How to validate.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// The validation time.
    pub time: UnixTime,
    /// The purpose.
    pub purpose: Purpose,
    /// The user-initial-policy-set (RFC 5280 §6.1.1 (c)). When non-empty, one of these
    /// policies must be valid for the whole path (policy processing with mappings, as
    /// RFC 5280 §6.1 and RFC 9618; initial-explicit-policy on).
    pub required_policies: Vec<ObjectIdentifier>,
    /// initial-explicit-policy (RFC 5280 §6.1.1 (f)) even with no required policy: some
    /// policy must be valid for the path.
    pub explicit_policy: bool,
    /// initial-policy-mapping-inhibit (RFC 5280 §6.1.1 (e)).
    pub inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit (RFC 5280 §6.1.1 (g)).
    pub inhibit_any_policy: bool,
    /// Acceptable algorithms and key sizes.
    pub crypto_policy: crypto::Policy,
    /// Work limits.
    pub budget: Budget,
}

impl Options {
    /// Validation at `time` for `purpose`, default policy and budget.
    pub fn new(time: UnixTime, purpose: Purpose) -> Self {
        Self {
            time,
            purpose,
            required_policies: Vec::new(),
            explicit_policy: false,
            inhibit_policy_mapping: false,
            inhibit_any_policy: false,
            crypto_policy: crypto::Policy::STRICT,
            budget: Budget::default(),
        }
    }
}

/// A validated path: the leaf first, then intermediates, then the anchor.
#[derive(Clone, Debug)]
pub struct ValidPath {
    /// Leaf and intermediates, leaf first.
    pub certs: Vec<ParsedCert>,
    /// The anchor the path ends in.
    pub anchor: TrustAnchor,
    /// Policy OIDs the leaf asserts.
    pub leaf_policies: Vec<ObjectIdentifier>,
    /// The policies valid for the whole path, in the trust anchor's domain (RFC 5280
    /// §6.1.5 (g), the user-constrained policy set).
    pub policies: ValidPolicies,
}

impl ValidPath {
    /// Every certificate, leaf first, anchor last (the anchor once, even when it is the leaf).
    pub fn chain(&self) -> impl Iterator<Item = &ParsedCert> {
        let anchor_is_leaf = self.certs.len() == 1
            && self
                .certs
                .first()
                .is_some_and(|c| c.der == self.anchor.cert.der);
        self.certs
            .iter()
            .chain((!anchor_is_leaf).then_some(&self.anchor.cert))
    }
}

/// The subject name as a string, for messages.
pub(crate) fn subject_of(c: &ParsedCert) -> String {
    alloc::format!("{}", c.cert.tbs_certificate.subject)
}

/// Validates `leaf` (DER) for `opts.purpose` at `opts.time`, building a path through
/// `intermediates` (DER, untrusted, any order) to an anchor in `store`.
pub fn validate(
    leaf: &[u8],
    intermediates: &[&[u8]],
    store: &TrustStore,
    opts: &Options,
) -> Result<ValidPath, PathError> {
    let leaf = ParsedCert::from_der(leaf).map_err(PathError::Malformed)?;
    // An unparsable intermediate is skipped: the pool may hold unrelated junk.
    let pool: Vec<ParsedCert> = intermediates
        .iter()
        .filter_map(|d| ParsedCert::from_der(d).ok())
        .collect();
    validate_parsed(leaf, &pool, store, opts)
}

/// [`validate`] for certificates already parsed.
pub fn validate_parsed(
    leaf: ParsedCert,
    pool: &[ParsedCert],
    store: &TrustStore,
    opts: &Options,
) -> Result<ValidPath, PathError> {
    let mut search = Search {
        pool,
        store,
        opts,
        signatures_left: opts.budget.signature_checks,
        paths_left: opts.budget.candidate_paths,
        name_checks_left: opts.budget.name_constraint_checks,
        best: None,
    };
    let mut chain = alloc::vec![&leaf];
    if let Some(found) = search.extend(&mut chain)? {
        return Ok(found);
    }
    Err(search.best.unwrap_or_else(|| PathError::NoChainFound {
        subject: subject_of(&leaf),
    }))
}

struct Search<'a> {
    pool: &'a [ParsedCert],
    store: &'a TrustStore,
    opts: &'a Options,
    signatures_left: usize,
    paths_left: usize,
    name_checks_left: usize,
    best: Option<PathError>,
}

enum Issued {
    Yes,
    No,
    Refused(PathError),
}

impl<'a> Search<'a> {
    fn record(&mut self, e: PathError) {
        if self.best.as_ref().is_none_or(|b| e.rank() > b.rank()) {
            self.best = Some(e);
        }
    }

    /// Did `issuer` sign `child`? Counts against the signature budget.
    fn issued(&mut self, issuer: &ParsedCert, child: &ParsedCert) -> Result<Issued, PathError> {
        if !child.names_issuer(issuer) {
            return Ok(Issued::No);
        }
        if self.signatures_left == 0 {
            return Err(PathError::BudgetExceeded {
                what: "signature checks",
            });
        }
        self.signatures_left -= 1;
        let alg = match &child.signature_algorithm {
            Ok(a) => *a,
            Err(e) => {
                return Ok(Issued::Refused(PathError::CryptoConstraints {
                    subject: subject_of(child),
                    reason: alloc::format!("{e}"),
                }))
            }
        };
        match crypto::verify_with(
            None,
            &self.opts.crypto_policy,
            alg,
            &issuer.spki,
            Message::Data(&child.tbs),
            &child.signature,
        ) {
            Ok(()) => Ok(Issued::Yes),
            Err(e @ (Error::PolicyViolation { .. } | Error::UnsupportedAlgorithm { .. })) => {
                Ok(Issued::Refused(PathError::CryptoConstraints {
                    subject: subject_of(child),
                    reason: alloc::format!("{e}"),
                }))
            }
            Err(_) => Ok(Issued::No),
        }
    }

    /// Depth-first: try anchors for the top of `chain`, then intermediates.
    fn extend(&mut self, chain: &mut Vec<&'a ParsedCert>) -> Result<Option<ValidPath>, PathError> {
        let Some(&top) = chain.last() else {
            return Ok(None);
        };
        // The leaf itself may be a trust anchor (a directly trusted certificate).
        if chain.len() == 1 {
            if let Some(anchor) = self.store.anchors().iter().find(|a| a.cert.der == top.der) {
                if let Some(found) = self.evaluate(chain, anchor)? {
                    return Ok(Some(found));
                }
            }
        }
        for anchor in self.store.anchors() {
            match self.issued(&anchor.cert, top)? {
                Issued::Yes => {
                    if let Some(found) = self.evaluate(chain, anchor)? {
                        return Ok(Some(found));
                    }
                }
                Issued::Refused(e) => self.record(e),
                Issued::No => {}
            }
        }
        // RFC 5280 §6.1.4 (l): self-issued intermediates do not count against the length.
        let counted = chain.iter().skip(1).filter(|c| !c.is_self_issued()).count();
        for candidate in self.pool {
            if !candidate.is_self_issued() && counted >= self.opts.budget.max_intermediates {
                continue;
            }
            // No certificate twice in a path (loops), and no anchor again as an intermediate.
            if chain.iter().any(|c| c.der == candidate.der)
                || chain
                    .iter()
                    .any(|c| c.subject_key == candidate.subject_key && c.spki == candidate.spki)
            {
                continue;
            }
            // A CA whose EKU excludes the purpose cannot be on a valid path: route around
            // it before spending signature checks (check_path judges it again).
            if !ca_eku_allows(candidate, self.opts.purpose) {
                if top.names_issuer(candidate) {
                    self.record(PathError::ChainConstraints {
                        subject: subject_of(candidate),
                        constraint: Constraint::ExtendedKeyUsage,
                    });
                }
                continue;
            }
            match self.issued(candidate, top)? {
                Issued::Yes => {
                    chain.push(candidate);
                    let found = self.extend(chain)?;
                    chain.pop();
                    if found.is_some() {
                        return Ok(found);
                    }
                }
                Issued::Refused(e) => self.record(e),
                Issued::No => {}
            }
        }
        Ok(None)
    }

    /// Checks one complete candidate path; records its failure and returns `None`, or
    /// returns the valid path.
    fn evaluate(
        &mut self,
        chain: &[&ParsedCert],
        anchor: &TrustAnchor,
    ) -> Result<Option<ValidPath>, PathError> {
        if self.paths_left == 0 {
            return Err(PathError::BudgetExceeded {
                what: "candidate paths",
            });
        }
        self.paths_left -= 1;
        match check_path(chain, anchor, self.opts, &mut self.name_checks_left) {
            Ok(policies) => Ok(Some(ValidPath {
                policies,
                certs: chain.iter().map(|c| (*c).clone()).collect(),
                anchor: anchor.clone(),
                leaf_policies: chain
                    .first()
                    .map(|c| c.policies.clone())
                    .unwrap_or_default(),
            })),
            // An exhausted budget ends the whole search, as for signature checks.
            Err(e @ PathError::BudgetExceeded { .. }) => Err(e),
            Err(e) => {
                self.record(e);
                Ok(None)
            }
        }
    }
}

/// RFC 5280 §6.1 checks on a complete path (signatures were checked while building).
fn check_path(
    chain: &[&ParsedCert],
    anchor: &TrustAnchor,
    opts: &Options,
    name_checks_left: &mut usize,
) -> Result<ValidPolicies, PathError> {
    let t = opts.time;
    let leaf_is_anchor =
        chain.len() == 1 && chain.first().is_some_and(|c| c.der == anchor.cert.der);
    let anchor_cert = &anchor.cert;
    if !anchor.constraints.allows(opts.purpose, t) {
        return Err(PathError::ChainConstraints {
            subject: subject_of(anchor_cert),
            constraint: Constraint::AnchorConstraints,
        });
    }
    // Validity and unknown critical extensions: every certificate, the anchor included (as
    // OpenSSL and DSS do: an expired root vouches for nothing new).
    for c in chain
        .iter()
        .copied()
        .chain((!leaf_is_anchor).then_some(anchor_cert))
    {
        if t < c.not_before {
            return Err(PathError::NotYetValid {
                subject: subject_of(c),
                not_before: c.not_before,
            });
        }
        if t > c.not_after {
            return Err(PathError::Expired {
                subject: subject_of(c),
                not_after: c.not_after,
            });
        }
        if let Some(oid) = c.unknown_critical.first() {
            return Err(PathError::UnknownCriticalExtension {
                subject: subject_of(c),
                oid: *oid,
            });
        }
    }
    // Issuers: the intermediates, then the anchor (its constraints count when it carries
    // them, as OpenSSL applies them).
    let issuers: Vec<&ParsedCert> = chain
        .iter()
        .skip(1)
        .copied()
        .chain((!leaf_is_anchor).then_some(anchor_cert))
        .collect();
    for (i, issuer) in issuers.iter().enumerate() {
        let is_anchor = i + 1 == issuers.len();
        let constraint = |constraint| PathError::ChainConstraints {
            subject: subject_of(issuer),
            constraint,
        };
        // An anchor that is a v1 certificate (no extensions) is accepted as a CA, as
        // RFC 5280 §6.1 takes anchors as name + key.
        let v1_anchor = is_anchor && issuer.cert.tbs_certificate.extensions.is_none();
        if !issuer.is_ca() && !v1_anchor {
            return Err(constraint(Constraint::NotACa));
        }
        if !issuer.key_usage_allows(KeyUsages::KeyCertSign) {
            return Err(constraint(Constraint::NoKeyCertSign));
        }
        if !ca_eku_allows(issuer, opts.purpose) {
            return Err(constraint(Constraint::ExtendedKeyUsage));
        }
        // Certificates below this issuer, leaf excluded, that are not self-issued.
        let below = chain
            .iter()
            .take(i + 1)
            .skip(1)
            .filter(|c| !c.is_self_issued())
            .count();
        if let Some(limit) = issuer
            .basic_constraints
            .as_ref()
            .and_then(|b| b.path_len_constraint)
        {
            if below > usize::from(limit) {
                return Err(constraint(Constraint::PathLength {
                    limit,
                    found: below,
                }));
            }
        }
        if let Some(nc) = &issuer.name_constraints {
            // Applies to every certificate below, except self-issued intermediates.
            for (j, c) in chain.iter().take(i + 1).enumerate() {
                if j > 0 && c.is_self_issued() {
                    continue;
                }
                let cost = names::cost(nc, c);
                *name_checks_left =
                    name_checks_left
                        .checked_sub(cost)
                        .ok_or(PathError::BudgetExceeded {
                            what: "name-constraint comparisons",
                        })?;
                names::check(nc, c, j == 0)
                    .map_err(|name| constraint(Constraint::NameConstraint { name }))?;
            }
        }
    }
    let leaf = chain.first().copied().unwrap_or(anchor_cert);
    // RFC 5280 §4.2.1.10: nameConstraints "MUST be used only in a CA certificate". In a
    // certificate that cannot issue it constrains nothing, so a CA that put it there meant
    // something imza cannot honour: refuse rather than ignore it (as pyca/cryptography).
    if leaf.name_constraints.is_some() && !leaf.is_ca() {
        return Err(PathError::ChainConstraints {
            subject: subject_of(leaf),
            constraint: Constraint::NameConstraintsInEndEntity,
        });
    }
    check_purpose(leaf, opts.purpose)?;
    if leaf_is_anchor {
        // No path below the anchor to process (RFC 5280 §6.1 takes the anchor as input):
        // the policies are what the trusted certificate itself asserts.
        let asserted = |p: &ObjectIdentifier| {
            leaf.policies
                .iter()
                .any(|l| l == p || *l == o5280::ANY_POLICY)
        };
        if opts.required_policies.is_empty() {
            return Ok(ValidPolicies::Any);
        }
        let valid: Vec<ObjectIdentifier> = opts
            .required_policies
            .iter()
            .copied()
            .filter(|p| asserted(p))
            .collect();
        if valid.is_empty() {
            return Err(PathError::ChainConstraints {
                subject: subject_of(leaf),
                constraint: Constraint::Policy,
            });
        }
        return Ok(ValidPolicies::Some(valid));
    }
    // Top intermediate first, leaf last.
    let path: Vec<&ParsedCert> = chain.iter().rev().copied().collect();
    policy::process(
        &path,
        policy::Inputs {
            user_policies: &opts.required_policies,
            explicit: opts.explicit_policy || !opts.required_policies.is_empty(),
            mapping_inhibit: opts.inhibit_policy_mapping,
            any_policy_inhibit: opts.inhibit_any_policy,
            max_edges: opts.budget.policy_edges,
        },
    )
}

/// The EKU a CA certificate must allow, when it carries extKeyUsage, to issue (directly or
/// through CAs below it) certificates for `purpose`: EKU chaining, as Windows, NSS, Go
/// and Chrome apply it. RFC 5280 §4.2.1.12 defines the extension for end entities only, so
/// chaining is the platforms' rule, not the RFC's; it stops a CA restricted to, say,
/// e-mail protection from issuing login or TLS certificates (BetterTLS path building
/// `tc5`, `tc12`, `tc38`, `tc44`, `tc71`, `tc77`).
///
/// Not chained: document signing, as DSS does not: the signing EKUs are many and
/// unregistered (Adobe, Microsoft, RFC 9336), a leaf without EKU is a valid signer, and
/// national CAs that issue signing certificates commonly carry only clientAuth and
/// emailProtection. OCSP signing: a delegated responder is authorised by being issued
/// directly by the CA it answers for (RFC 6960 §4.2.2.2), and such CAs commonly carry
/// serverAuth/clientAuth EKUs only (imza's OCSP checks the responder that way, not
/// through this function's chaining).
fn chained_eku(purpose: Purpose) -> Option<ObjectIdentifier> {
    match purpose {
        Purpose::ServerAuth => Some(o5280::ID_KP_SERVER_AUTH),
        Purpose::Authentication => Some(o5280::ID_KP_CLIENT_AUTH),
        Purpose::Timestamping => Some(o5280::ID_KP_TIME_STAMPING),
        Purpose::DocumentSigning | Purpose::OcspSigning | Purpose::Any => None,
    }
}

/// A CA certificate without extKeyUsage, or with the purpose's EKU or
/// anyExtendedKeyUsage, may issue for `purpose` ([`chained_eku`]).
fn ca_eku_allows(ca: &ParsedCert, purpose: Purpose) -> bool {
    match (chained_eku(purpose), &ca.ext_key_usage) {
        (Some(wanted), Some((ekus, _))) => ekus
            .iter()
            .any(|e| *e == wanted || *e == rfc5912::ANY_EXTENDED_KEY_USAGE),
        _ => true,
    }
}

/// EKU purposes that allow document signing when a signer certificate carries an EKU.
const DOCUMENT_SIGNING_EKUS: &[ObjectIdentifier] = &[
    o5280::ID_KP_EMAIL_PROTECTION,
    // id-kp-documentSigning (RFC 9336).
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36"),
    // Adobe Authentic Documents Trust.
    ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.5"),
    // Microsoft Document Signing.
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.12"),
];

fn check_purpose(leaf: &ParsedCert, purpose: Purpose) -> Result<(), PathError> {
    let fail = |constraint| PathError::ChainConstraints {
        subject: subject_of(leaf),
        constraint,
    };
    let ku = |bits: &[KeyUsages]| {
        leaf.key_usage
            .as_ref()
            .is_none_or(|k| bits.iter().any(|b| k.0.contains(*b)))
    };
    let eku_any_of = |oids: &[ObjectIdentifier]| match &leaf.ext_key_usage {
        None => true,
        Some((ekus, _)) => ekus
            .iter()
            .any(|e| oids.contains(e) || *e == rfc5912::ANY_EXTENDED_KEY_USAGE),
    };
    let (ku_ok, eku_ok) = match purpose {
        Purpose::Any => (true, true),
        Purpose::DocumentSigning => (
            ku(&[KeyUsages::NonRepudiation, KeyUsages::DigitalSignature]),
            eku_any_of(DOCUMENT_SIGNING_EKUS),
        ),
        Purpose::Authentication => (
            ku(&[KeyUsages::DigitalSignature]),
            eku_any_of(&[o5280::ID_KP_CLIENT_AUTH]),
        ),
        Purpose::ServerAuth => (
            ku(&[
                KeyUsages::DigitalSignature,
                KeyUsages::KeyEncipherment,
                KeyUsages::KeyAgreement,
            ]),
            eku_any_of(&[o5280::ID_KP_SERVER_AUTH]),
        ),
        Purpose::Timestamping => (
            ku(&[KeyUsages::DigitalSignature, KeyUsages::NonRepudiation]),
            matches!(&leaf.ext_key_usage, Some((ekus, true))
                if ekus.as_slice() == [o5280::ID_KP_TIME_STAMPING]),
        ),
        Purpose::OcspSigning => (
            ku(&[KeyUsages::DigitalSignature, KeyUsages::NonRepudiation]),
            leaf.ext_key_usage
                .as_ref()
                .is_some_and(|(ekus, _)| ekus.contains(&o5280::ID_KP_OCSP_SIGNING)),
        ),
    };
    if !ku_ok {
        return Err(fail(Constraint::KeyUsage));
    }
    if !eku_ok {
        return Err(fail(Constraint::ExtendedKeyUsage));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests;
