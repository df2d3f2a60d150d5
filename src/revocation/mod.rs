//! Revocation checking of a validated path: offline (only data the caller supplies or a
//! signature embeds) or online (fetched through a [`Transport`] when the supplied data
//! gives no status), with a cache so one run does not fetch the same thing twice.
//!
//! Every applicable OCSP response and CRL is consulted, in no particular order: a
//! revocation at or before the validation time wins over any "good", so that no order of
//! the inputs (and no older or newer "good") can hide it; [`Evidence`] lists every item and
//! says when they conflicted. A certificate revoked after the validation time is valid at
//! that time. A signed "revoked" counts however old; a "good" must speak for the validation
//! time (freshness), must not be dated after the current time, and, when issued after the
//! certificate expired, must come from a CRL with ExpiredCertsOnCRL or an OCSP response with
//! archiveCutoff.

pub mod crl;
mod freshness;
pub mod ocsp;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use const_oid::AssociatedOid;
use der::Decode;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use crate::crypto::HashAlgorithm;
use crate::path::{subject_of, ParsedCert, PathError, ValidPath};
use crate::time::UnixTime;
use crate::transport::{Method, Request, Transport};
use crl::Crl;
use ocsp::Status;

/// Where revocation data may come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// Only data supplied by the caller (or embedded in a signature).
    Offline,
    /// Supplied data first, then the OCSP responders and CRL distribution points the
    /// certificates name, through the transport.
    Online,
}

/// Where a status came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Source {
    /// An OCSP response.
    Ocsp {
        /// The responder (subject name).
        responder: String,
        /// Whether a delegated responder signed.
        delegated: bool,
        /// thisUpdate.
        this_update: UnixTime,
        /// Fetched from this URL (online) or supplied (None).
        url: Option<String>,
    },
    /// A CRL.
    Crl {
        /// thisUpdate.
        this_update: UnixTime,
        /// Fetched from this URL (online) or supplied (None).
        url: Option<String>,
    },
}

/// One OCSP response or CRL that gave a status for a certificate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// What it says about the certificate at the validation time.
    pub status: Status,
    /// Where it came from.
    pub source: Source,
}

/// The revocation status found for one certificate of the path.
///
/// Every usable OCSP response and CRL is consulted, whatever order they came in: a
/// revocation at or before the validation time wins over any number of "good" answers
/// (the earliest revocation time is kept), so that the verdict never depends on the
/// order of the inputs. `conflict` says when the answers disagreed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    /// The certificate.
    pub subject: String,
    /// Its status at the validation time.
    pub status: Status,
    /// The item that decided it: the earliest revocation, or else the newest "good".
    pub source: Source,
    /// Every item that gave a status, in a fixed order (by thisUpdate).
    pub items: Vec<Item>,
    /// Whether some items said "good" and others "revoked".
    pub conflict: bool,
}

/// What the supplied and fetched data said about one certificate.
#[derive(Default)]
struct Found {
    items: Vec<Item>,
    problems: Vec<String>,
}

impl Found {
    fn ocsp(
        &mut self,
        r: Result<ocsp::Answer, ocsp::OcspError>,
        cert: &ParsedCert,
        url: Option<&str>,
    ) {
        match r {
            Ok(a) if matches!(a.status, Status::Good) && !a.speaks_for_expired(cert) => {
                self.problems.push(alloc::format!(
                    "an OCSP response of {} is later than the certificate's expiry and has no archiveCutoff: its \"good\" proves nothing",
                    a.this_update
                ));
            }
            Ok(a) if matches!(a.status, Status::Unknown) => {
                self.problems
                    .push("the OCSP responder does not know the certificate".into());
            }
            Ok(a) => self.items.push(Item {
                status: a.status,
                source: Source::Ocsp {
                    responder: a.responder,
                    delegated: a.delegated,
                    this_update: a.this_update,
                    url: url.map(String::from),
                },
            }),
            Err(ocsp::OcspError::NoMatchingResponse) => {}
            Err(e) => self.problems.push(match url {
                Some(u) => alloc::format!("{u}: {e}"),
                None => alloc::format!("{e}"),
            }),
        }
    }

    fn crl(
        &mut self,
        r: Result<Status, crl::CrlError>,
        crl: &Crl,
        cert: &ParsedCert,
        url: Option<&str>,
    ) {
        match r {
            Ok(Status::Good) if !crl.speaks_for_expired(cert) => {
                self.problems.push(alloc::format!(
                    "a CRL of {} is later than the certificate's expiry and has no ExpiredCertsOnCRL: not being listed proves nothing",
                    crl.this_update
                ));
            }
            Ok(status) => self.items.push(Item {
                status,
                source: Source::Crl {
                    this_update: crl.this_update,
                    url: url.map(String::from),
                },
            }),
            Err(e) => self.problems.push(match url {
                Some(u) => alloc::format!("{u}: {e}"),
                None => alloc::format!("{e}"),
            }),
        }
    }

    /// The status all items together give: any revocation (the earliest) over "good".
    fn decide(&mut self, subject: &str) -> Option<Evidence> {
        self.items
            .sort_by_cached_key(|i| (this_update(&i.source), alloc::format!("{i:?}")));
        self.items.dedup();
        let revoked = self
            .items
            .iter()
            .filter_map(|i| match i.status {
                Status::Revoked { time, .. } => Some((time, i)),
                _ => None,
            })
            .min_by_key(|(t, _)| *t)
            .map(|(_, i)| i);
        let good = self.items.iter().rev().find(|i| i.status == Status::Good);
        let decided = revoked.or(good)?;
        Some(Evidence {
            subject: subject.into(),
            status: decided.status,
            source: decided.source.clone(),
            conflict: revoked.is_some() && good.is_some(),
            items: self.items.clone(),
        })
    }
}

fn this_update(s: &Source) -> UnixTime {
    match s {
        Source::Ocsp { this_update, .. } | Source::Crl { this_update, .. } => *this_update,
    }
}

/// A store for fetched responses, keyed by URL (and request for OCSP).
pub trait Cache {
    /// A cached body.
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Stores a body.
    fn put(&mut self, key: &str, body: Vec<u8>);
}

/// An in-memory [`Cache`] with a size bound.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: BTreeMap<String, Vec<u8>>,
}

/// Most entries the in-memory cache keeps.
const MAX_CACHE_ENTRIES: usize = 1024;

impl Cache for MemoryCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.entries.get(key).cloned()
    }
    fn put(&mut self, key: &str, body: Vec<u8>) {
        if self.entries.len() >= MAX_CACHE_ENTRIES {
            self.entries.clear();
        }
        self.entries.insert(key.into(), body);
    }
}

/// Revocation checking settings and supplied data.
#[non_exhaustive]
pub struct Checker<'a> {
    /// Offline or online.
    pub mode: Mode,
    /// Freshness, nonce and crypto policy for OCSP and CRLs (its `time` is overwritten
    /// with the validation time).
    pub ocsp: ocsp::Options,
    /// DER OCSP responses supplied by the caller.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// CRLs supplied by the caller.
    pub crls: Vec<Crl>,
    /// Check the intermediates too, not only the leaf.
    pub check_intermediates: bool,
    /// Per-request timeout online.
    pub timeout: Duration,
    transport: Option<&'a dyn Transport>,
    cache: alloc::boxed::Box<dyn Cache + 'a>,
    /// Responses fetched online and used, DER, for embedding (CAdES B-LT).
    fetched: Vec<Fetched>,
    /// Every status decided so far, revoked ones included.
    used: Vec<Evidence>,
}

/// A revocation response fetched online that gave a status.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fetched {
    /// A DER `OCSPResponse`.
    Ocsp(Vec<u8>),
    /// A DER CRL.
    Crl(Vec<u8>),
}

impl core::fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Checker")
            .field("mode", &self.mode)
            .field("ocsp_responses", &self.ocsp_responses.len())
            .field("crls", &self.crls.len())
            .field("check_intermediates", &self.check_intermediates)
            .finish_non_exhaustive()
    }
}

/// Largest CRL fetched online.
const MAX_FETCHED_CRL: usize = 64 * 1024 * 1024;

impl<'a> Checker<'a> {
    /// Offline checking with the supplied data only.
    pub fn offline() -> Self {
        Self {
            mode: Mode::Offline,
            ocsp: ocsp::Options::new(UnixTime::from_secs(0)),
            ocsp_responses: Vec::new(),
            crls: Vec::new(),
            check_intermediates: true,
            timeout: Duration::from_secs(10),
            transport: None,
            cache: alloc::boxed::Box::new(MemoryCache::default()),
            fetched: Vec::new(),
            used: Vec::new(),
        }
    }

    /// Uses `cache` for fetched responses (shared across checks, or persistent), instead
    /// of a fresh in-memory one.
    pub fn with_cache(mut self, cache: alloc::boxed::Box<dyn Cache + 'a>) -> Self {
        self.cache = cache;
        self
    }

    /// Online checking through `transport`.
    pub fn online(transport: &'a dyn Transport) -> Self {
        Self {
            mode: Mode::Online,
            transport: Some(transport),
            ..Self::offline()
        }
    }

    /// Checks every certificate of `path` (the leaf, and the intermediates when
    /// `check_intermediates`) at `time`. `Err(PathError::Revoked)` for a revoked one,
    /// `Err(PathError::RevocationUnknown)` when no usable status was found.
    pub fn check(&mut self, path: &ValidPath, time: UnixTime) -> Result<Vec<Evidence>, PathError> {
        self.check_each(path, time).into_iter().collect()
    }

    /// Like [`Checker::check`], with one result per certificate, so that a caller that
    /// tolerates a missing status keeps the statuses that were found.
    pub fn check_each(
        &mut self,
        path: &ValidPath,
        time: UnixTime,
    ) -> Vec<Result<Evidence, PathError>> {
        self.ocsp.time = time;
        let chain: Vec<&ParsedCert> = path.chain().collect();
        let mut out = Vec::new();
        for (i, cert) in chain.iter().enumerate() {
            let Some(issuer) = chain.get(i + 1) else {
                break; // the anchor: trusted, not checked
            };
            if i > 0 && !self.check_intermediates {
                break;
            }
            out.push(self.check_one(cert, issuer));
        }
        out
    }

    fn check_one(&mut self, cert: &ParsedCert, issuer: &ParsedCert) -> Result<Evidence, PathError> {
        let mut found = Found::default();
        for resp in &self.ocsp_responses {
            found.ocsp(
                ocsp::check_response(resp, cert, issuer, &self.ocsp),
                cert,
                None,
            );
        }
        for crl in &self.crls {
            if crl.issued_by(issuer) {
                found.crl(crl.check(cert, issuer, &self.ocsp), crl, cert, None);
            }
        }
        // Online, only when what was supplied gives no status: a fetched answer is fresher,
        // but fetching for every certificate that already has one costs a round trip each.
        if let (true, Mode::Online, Some(transport)) =
            (found.items.is_empty(), self.mode, self.transport)
        {
            for url in urls(cert, AuthorityInfoAccessSyntax::OID) {
                match self.fetch_ocsp(transport, &url, cert, issuer) {
                    Ok(a) => found.ocsp(Ok(a), cert, Some(&url)),
                    Err(e) => found.problems.push(alloc::format!("{url}: {e}")),
                }
            }
            if found.items.is_empty() {
                for url in urls(cert, CrlDistributionPoints::OID) {
                    match self.fetch_crl(transport, &url) {
                        Ok(crl) => {
                            let r = crl.check(cert, issuer, &self.ocsp);
                            found.crl(r, &crl, cert, Some(&url));
                        }
                        Err(e) => found.problems.push(alloc::format!("{url}: {e}")),
                    }
                }
            }
        }
        let subject = subject_of(cert);
        let Some(evidence) = found.decide(&subject) else {
            let reason = if found.problems.is_empty() {
                match self.mode {
                    Mode::Offline => "no OCSP response or CRL supplied (offline)".into(),
                    Mode::Online => "the certificate names no OCSP responder or CRL".into(),
                }
            } else {
                found.problems.join("; ")
            };
            return Err(PathError::RevocationUnknown { subject, reason });
        };
        self.used.push(evidence.clone());
        match evidence.status {
            Status::Revoked { time, reason } => Err(PathError::Revoked {
                subject,
                time,
                reason,
            }),
            _ => Ok(evidence),
        }
    }

    fn fetch_ocsp(
        &mut self,
        transport: &dyn Transport,
        url: &str,
        cert: &ParsedCert,
        issuer: &ParsedCert,
    ) -> Result<ocsp::Answer, String> {
        let req = ocsp::request(
            cert,
            issuer,
            HashAlgorithm::Sha1,
            self.ocsp.nonce.as_deref(),
        )
        .map_err(|e| alloc::format!("{e}"))?;
        let key = alloc::format!(
            "ocsp {url} {:?}",
            crate::crypto::digest(HashAlgorithm::Sha256, &req)
        );
        let body = match self.cache.get(&key) {
            Some(b) => b,
            None => {
                let resp = transport
                    .send(&Request {
                        method: Method::Post,
                        url,
                        headers: &[("Content-Type", "application/ocsp-request")],
                        body: &req,
                        timeout: self.timeout,
                        max_response_len: ocsp::MAX_RESPONSE_LEN,
                    })
                    .map_err(|e| alloc::format!("{e}"))?;
                if resp.status != 200 {
                    return Err(alloc::format!("HTTP status {}", resp.status));
                }
                self.cache.put(&key, resp.body.clone());
                resp.body
            }
        };
        let answer = ocsp::check_response(&body, cert, issuer, &self.ocsp)
            .map_err(|e| alloc::format!("{e}"))?;
        if !self
            .fetched
            .iter()
            .any(|f| *f == Fetched::Ocsp(body.clone()))
        {
            self.fetched.push(Fetched::Ocsp(body));
        }
        Ok(answer)
    }

    /// Every status this checker decided, revoked certificates included (for a report
    /// that lists what was used also when the answer is an error).
    pub fn evidence(&self) -> &[Evidence] {
        &self.used
    }

    /// The OCSP responses and CRLs fetched online that gave a status, for embedding.
    pub fn fetched(&self) -> &[Fetched] {
        &self.fetched
    }

    fn fetch_crl(&mut self, transport: &dyn Transport, url: &str) -> Result<Crl, String> {
        let key = alloc::format!("crl {url}");
        let body = match self.cache.get(&key) {
            Some(b) => b,
            None => {
                let resp = transport
                    .send(&Request {
                        method: Method::Get,
                        url,
                        headers: &[],
                        body: &[],
                        timeout: self.timeout,
                        max_response_len: MAX_FETCHED_CRL,
                    })
                    .map_err(|e| alloc::format!("{e}"))?;
                if resp.status != 200 {
                    return Err(alloc::format!("HTTP status {}", resp.status));
                }
                self.cache.put(&key, resp.body.clone());
                resp.body
            }
        };
        let crl = Crl::parse(&body).map_err(|e| alloc::format!("{e}"))?;
        if !self
            .fetched
            .iter()
            .any(|f| *f == Fetched::Crl(body.clone()))
        {
            self.fetched.push(Fetched::Crl(body));
        }
        Ok(crl)
    }
}

/// HTTP URLs from a certificate's AIA (OCSP entries) or CRL distribution points.
fn urls(cert: &ParsedCert, which: const_oid::ObjectIdentifier) -> Vec<String> {
    let mut out = Vec::new();
    for ext in cert.cert.tbs_certificate.extensions.iter().flatten() {
        if ext.extn_id != which {
            continue;
        }
        let v = ext.extn_value.as_bytes();
        if which == AuthorityInfoAccessSyntax::OID {
            if let Ok(aia) = AuthorityInfoAccessSyntax::from_der(v) {
                for ad in aia.0 {
                    if ad.access_method == const_oid::db::rfc5280::ID_AD_OCSP {
                        if let GeneralName::UniformResourceIdentifier(u) = ad.access_location {
                            out.push(String::from(u.as_str()));
                        }
                    }
                }
            }
        } else if let Ok(dps) = CrlDistributionPoints::from_der(v) {
            for dp in dps.0 {
                if let Some(DistributionPointName::FullName(names)) = dp.distribution_point {
                    for n in names {
                        if let GeneralName::UniformResourceIdentifier(u) = n {
                            out.push(String::from(u.as_str()));
                        }
                    }
                }
            }
        }
    }
    // Only plain HTTP(S): LDAP and file URLs are not fetched.
    out.retain(|u| u.starts_with("http://") || u.starts_with("https://"));
    out.truncate(4);
    out
}
