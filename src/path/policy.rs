//! Certificate policy processing (RFC 5280 §6.1.2 - §6.1.5), as the policy graph of
//! RFC 9618.
//!
//! RFC 5280 keeps a tree of policy nodes that can grow exponentially with the path length
//! when CAs assert and map many policies (CVE-2023-0464 in OpenSSL). RFC 9618 replaces it
//! with a graph of at most one node per policy per depth, whose edges record every parent,
//! and shows the outputs are the same. This module follows that graph and still counts its
//! edges against [`super::Budget::policy_edges`].
//!
//! Inputs are the user-initial-policy-set ([`super::Options::required_policies`]; empty
//! means anyPolicy) and the three initial flags of [`super::Options`]. A non-empty
//! required set turns initial-explicit-policy on: "required" means the path must end with
//! one of those policies valid. The trust anchor is input, not part of the path (RFC 5280
//! §6.1.1): its own policy extensions are not processed, as in OpenSSL.
//!
//! The output is the user-constrained policy set, in the trust anchor's policy domain
//! (before any mapping): the policies RFC 5280 §6.1.5 (g) keeps ("valid_policy_node_set"
//! intersected with the user's set). [`ValidPolicies::Any`] stands for anyPolicy.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use const_oid::db::rfc5280::ANY_POLICY;
use const_oid::ObjectIdentifier;

use super::{subject_of, Constraint, ParsedCert, PathError};

/// The policies valid for a path, in the trust anchor's domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidPolicies {
    /// anyPolicy is valid: every policy the caller could ask for holds.
    Any,
    /// These policies (possibly none: the path is valid, but for no policy).
    Some(Vec<ObjectIdentifier>),
}

impl ValidPolicies {
    /// Whether `policy` is valid for the path.
    pub fn contains(&self, policy: &ObjectIdentifier) -> bool {
        match self {
            Self::Any => true,
            Self::Some(v) => v.contains(policy),
        }
    }
}

/// The initial inputs of RFC 5280 §6.1.1 (c), (e), (f), (g).
#[derive(Clone, Copy, Debug)]
pub(super) struct Inputs<'a> {
    pub user_policies: &'a [ObjectIdentifier],
    pub explicit: bool,
    pub mapping_inhibit: bool,
    pub any_policy_inhibit: bool,
    pub max_edges: usize,
}

/// One node: a policy valid at its depth, the policies its children may carry, and its
/// parents (indices into the level above).
struct Node {
    policy: ObjectIdentifier,
    expected: Vec<ObjectIdentifier>,
    parents: Vec<usize>,
}

fn node_index(level: &[Node], policy: &ObjectIdentifier) -> Option<usize> {
    level.iter().position(|n| n.policy == *policy)
}

/// Runs policy processing over `path`, top intermediate first, leaf last (the anchor
/// excluded). Returns the valid policy set, or why the path fails.
pub(super) fn process(
    path: &[&ParsedCert],
    inputs: Inputs<'_>,
) -> Result<ValidPolicies, PathError> {
    let n = path.len();
    let fail = |c: &ParsedCert, reason: &'static str| PathError::ChainConstraints {
        subject: subject_of(c),
        constraint: Constraint::PolicyProcessing { reason },
    };
    let mut explicit_policy = if inputs.explicit { 0 } else { n + 1 };
    let mut inhibit_any = if inputs.any_policy_inhibit { 0 } else { n + 1 };
    let mut policy_mapping = if inputs.mapping_inhibit { 0 } else { n + 1 };
    let mut edges_left = inputs.max_edges;

    // levels[0] is the trust anchor's anyPolicy node; `None` once the graph is NULL.
    let mut levels: Option<Vec<Vec<Node>>> = Some(alloc::vec![alloc::vec![Node {
        policy: ANY_POLICY,
        expected: alloc::vec![ANY_POLICY],
        parents: Vec::new(),
    }]]);

    for (idx, cert) in path.iter().enumerate() {
        let i = idx + 1;
        let is_leaf = i == n;
        if let Some((_, false)) = cert.policy_constraints {
            // RFC 5280 §4.2.1.11: "Conforming CAs MUST mark this extension as critical"
            // (x509-limbo rfc5280::pc::ica-noncritical-pc).
            return Err(fail(
                cert,
                "policyConstraints is not critical (RFC 5280 §4.2.1.11)",
            ));
        }
        // (d), (e): the level for this certificate.
        if let Some(graph) = levels.as_mut() {
            if cert.policies.is_empty() {
                levels = None;
            } else {
                let above = graph.last().map(Vec::as_slice).unwrap_or_default();
                let mut level: Vec<Node> = Vec::new();
                for p in cert.policies.iter().filter(|p| **p != ANY_POLICY) {
                    if node_index(&level, p).is_some() {
                        continue; // a policy listed twice
                    }
                    // (d)(1)(i): parents that expect p; (ii) else the anyPolicy node.
                    let mut parents: Vec<usize> = above
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| a.expected.contains(p))
                        .map(|(k, _)| k)
                        .collect();
                    if parents.is_empty() {
                        if let Some(k) = node_index(above, &ANY_POLICY) {
                            parents.push(k);
                        }
                    }
                    if !parents.is_empty() {
                        edges_left = spend(edges_left, parents.len())?;
                        level.push(Node {
                            policy: *p,
                            expected: alloc::vec![*p],
                            parents,
                        });
                    }
                }
                // (d)(2): anyPolicy asserted and not inhibited (a self-issued intermediate
                // passes anyPolicy on even when inhibited).
                let asserts_any = cert.policies.contains(&ANY_POLICY);
                if asserts_any && (inhibit_any > 0 || (!is_leaf && cert.is_self_issued())) {
                    let mut wanted: Vec<ObjectIdentifier> = Vec::new();
                    for a in above {
                        for e in &a.expected {
                            if !wanted.contains(e) && node_index(&level, e).is_none() {
                                wanted.push(*e);
                            }
                        }
                    }
                    for e in wanted {
                        let parents: Vec<usize> = above
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| a.expected.contains(&e))
                            .map(|(k, _)| k)
                            .collect();
                        edges_left = spend(edges_left, parents.len())?;
                        level.push(Node {
                            policy: e,
                            expected: alloc::vec![e],
                            parents,
                        });
                    }
                }
                if level.is_empty() {
                    levels = None;
                } else {
                    graph.push(level);
                }
            }
        }
        // (f)
        if explicit_policy == 0 && levels.is_none() {
            return Err(PathError::ChainConstraints {
                subject: subject_of(cert),
                constraint: Constraint::Policy,
            });
        }
        if !is_leaf {
            // §6.1.4 (a), (b): policy mappings.
            if let Some(mappings) = &cert.policy_mappings {
                if mappings
                    .iter()
                    .any(|(from, to)| *from == ANY_POLICY || *to == ANY_POLICY)
                {
                    return Err(fail(
                        cert,
                        "policyMappings maps anyPolicy (RFC 5280 §6.1.4 (a))",
                    ));
                }
                if let Some(level) = levels.as_mut().and_then(|g| g.last_mut()) {
                    let mut from_policies: Vec<ObjectIdentifier> = Vec::new();
                    for (from, _) in mappings {
                        if !from_policies.contains(from) {
                            from_policies.push(*from);
                        }
                    }
                    for from in from_policies {
                        let targets: Vec<ObjectIdentifier> = mappings
                            .iter()
                            .filter(|(f, _)| *f == from)
                            .map(|(_, t)| *t)
                            .collect();
                        if policy_mapping > 0 {
                            if let Some(node) = level.iter_mut().find(|n| n.policy == from) {
                                node.expected = targets;
                            } else if let Some(any) = level.iter().find(|n| n.policy == ANY_POLICY)
                            {
                                // A node for `from` under the anyPolicy node's parents.
                                let parents = any.parents.clone();
                                edges_left = spend(edges_left, parents.len())?;
                                level.push(Node {
                                    policy: from,
                                    expected: targets,
                                    parents,
                                });
                            }
                        } else {
                            // (b)(2): mapping inhibited: the mapped policy ends here.
                            level.retain(|n| n.policy != from);
                        }
                    }
                    if level.is_empty() {
                        levels = None;
                    }
                }
            }
            // (h): counters, except for a self-issued intermediate.
            if !cert.is_self_issued() {
                explicit_policy = explicit_policy.saturating_sub(1);
                policy_mapping = policy_mapping.saturating_sub(1);
                inhibit_any = inhibit_any.saturating_sub(1);
            }
            // (i), (j)
            if let Some((pc, _)) = &cert.policy_constraints {
                if let Some(r) = pc.require_explicit_policy {
                    explicit_policy = explicit_policy.min(usize::try_from(r).unwrap_or(usize::MAX));
                }
                if let Some(m) = pc.inhibit_policy_mapping {
                    policy_mapping = policy_mapping.min(usize::try_from(m).unwrap_or(usize::MAX));
                }
            }
            if let Some(skip) = cert.inhibit_any_policy {
                inhibit_any = inhibit_any.min(usize::try_from(skip).unwrap_or(usize::MAX));
            }
        } else {
            // §6.1.5 (a), (b)
            explicit_policy = explicit_policy.saturating_sub(1);
            if let Some((pc, _)) = &cert.policy_constraints {
                if pc.require_explicit_policy == Some(0) {
                    explicit_policy = 0;
                }
            }
        }
    }

    // §6.1.5 (g): the authorities' policies (the trust anchor's domain), then the user's.
    let authority = match &levels {
        None => ValidPolicies::Some(Vec::new()),
        Some(graph) => authority_policies(graph),
    };
    let user_any = inputs.user_policies.is_empty() || inputs.user_policies.contains(&ANY_POLICY);
    let valid = match (authority, user_any) {
        (a, true) => a,
        (ValidPolicies::Any, false) => ValidPolicies::Some(inputs.user_policies.to_vec()),
        (ValidPolicies::Some(a), false) => ValidPolicies::Some(
            a.into_iter()
                .filter(|p| inputs.user_policies.contains(p))
                .collect(),
        ),
    };
    let empty = matches!(&valid, ValidPolicies::Some(v) if v.is_empty());
    if explicit_policy == 0 && empty {
        let leaf = path.last().copied();
        return Err(match leaf {
            Some(c) => PathError::ChainConstraints {
                subject: subject_of(c),
                constraint: Constraint::Policy,
            },
            None => PathError::NoChainFound {
                subject: alloc::string::String::new(),
            },
        });
    }
    Ok(valid)
}

fn spend(left: usize, cost: usize) -> Result<usize, PathError> {
    left.checked_sub(cost).ok_or(PathError::BudgetExceeded {
        what: "certificate policy graph edges",
    })
}

/// For each node, the trust-anchor-domain policies it stands for: a node whose parent is an
/// anyPolicy node stands for its own policy (RFC 5280's valid_policy_node_set), a node
/// under another node for what that node stands for. The set of the last level's nodes is
/// the answer; an anyPolicy node there stands for every policy.
fn authority_policies(graph: &[Vec<Node>]) -> ValidPolicies {
    let mut above: Vec<Option<BTreeSet<ObjectIdentifier>>> = alloc::vec![None]; // None: any
    for level in graph.iter().skip(1) {
        let mut here = Vec::with_capacity(level.len());
        for node in level {
            if node.policy == ANY_POLICY {
                here.push(None);
                continue;
            }
            let mut set = BTreeSet::new();
            for &p in &node.parents {
                match above.get(p) {
                    Some(None) => {
                        set.insert(node.policy);
                    }
                    Some(Some(s)) => set.extend(s.iter().copied()),
                    None => {}
                }
            }
            here.push(Some(set));
        }
        above = here;
    }
    if graph.len() == 1 || above.iter().any(Option::is_none) {
        return ValidPolicies::Any;
    }
    let mut all = BTreeSet::new();
    for s in above.into_iter().flatten() {
        all.extend(s);
    }
    ValidPolicies::Some(all.into_iter().collect())
}
