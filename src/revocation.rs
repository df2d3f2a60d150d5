//! Revocation checking of a validated path: OCSP first, then CRLs; offline (only data the
//! caller supplies or a signature embeds) or online (fetched through a [`Transport`]),
//! with a cache so one run does not fetch the same thing twice.
//!
//! A certificate revoked after the validation time is valid at that time: the OCSP and CRL
//! checks compare the revocation time with it.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use const_oid::AssociatedOid;
use der::Decode;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use crate::crl::Crl;
use crate::crypto::HashAlgorithm;
use crate::ocsp::{self, Status};
use crate::path::{subject_of, ParsedCert, PathError, ValidPath};
use crate::time::UnixTime;
use crate::transport::{Method, Request, Transport};

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

/// The revocation status found for one certificate of the path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    /// The certificate.
    pub subject: String,
    /// Its status at the validation time.
    pub status: Status,
    /// Where it came from.
    pub source: Source,
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
        let subject = subject_of(cert);
        let mut problems: Vec<String> = Vec::new();
        let verdict = |status: Status, source: Source, problems: &mut Vec<String>| match status {
            Status::Revoked { time, reason } => Some(Err(PathError::Revoked {
                subject: subject.clone(),
                time,
                reason,
            })),
            Status::Good => Some(Ok(Evidence {
                subject: subject.clone(),
                status,
                source,
            })),
            Status::Unknown => {
                problems.push("the OCSP responder does not know the certificate".into());
                None
            }
        };
        for resp in &self.ocsp_responses {
            match ocsp::check_response(resp, cert, issuer, &self.ocsp) {
                Ok(a) => {
                    let source = Source::Ocsp {
                        responder: a.responder,
                        delegated: a.delegated,
                        this_update: a.this_update,
                        url: None,
                    };
                    if let Some(v) = verdict(a.status, source, &mut problems) {
                        return v;
                    }
                }
                Err(ocsp::OcspError::NoMatchingResponse) => {}
                Err(e) => problems.push(alloc::format!("{e}")),
            }
        }
        for crl in &self.crls {
            if !crl.issued_by(issuer) {
                continue;
            }
            match crl.check(cert, issuer, &self.ocsp) {
                Ok(status) => {
                    let source = Source::Crl {
                        this_update: crl.this_update,
                        url: None,
                    };
                    if let Some(v) = verdict(status, source, &mut problems) {
                        return v;
                    }
                }
                Err(e) => problems.push(alloc::format!("{e}")),
            }
        }
        if let (Mode::Online, Some(transport)) = (self.mode, self.transport) {
            for url in urls(cert, AuthorityInfoAccessSyntax::OID) {
                match self.fetch_ocsp(transport, &url, cert, issuer) {
                    Ok(a) => {
                        let source = Source::Ocsp {
                            responder: a.responder,
                            delegated: a.delegated,
                            this_update: a.this_update,
                            url: Some(url.clone()),
                        };
                        if let Some(v) = verdict(a.status, source, &mut problems) {
                            return v;
                        }
                    }
                    Err(e) => problems.push(alloc::format!("{url}: {e}")),
                }
            }
            for url in urls(cert, CrlDistributionPoints::OID) {
                match self.fetch_crl(transport, &url) {
                    Ok(crl) => match crl.check(cert, issuer, &self.ocsp) {
                        Ok(status) => {
                            let source = Source::Crl {
                                this_update: crl.this_update,
                                url: Some(url.clone()),
                            };
                            if let Some(v) = verdict(status, source, &mut problems) {
                                return v;
                            }
                        }
                        Err(e) => problems.push(alloc::format!("{url}: {e}")),
                    },
                    Err(e) => problems.push(alloc::format!("{url}: {e}")),
                }
            }
        }
        let reason = if problems.is_empty() {
            match self.mode {
                Mode::Offline => "no OCSP response or CRL supplied (offline)".into(),
                Mode::Online => "the certificate names no OCSP responder or CRL".into(),
            }
        } else {
            problems.join("; ")
        };
        Err(PathError::RevocationUnknown { subject, reason })
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
