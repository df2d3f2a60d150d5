//! The validation engine every signature format shares (ETSI EN 319 102-1): the pool of
//! certificates and revocation data a signature brings and the caller supplies, and the
//! judgement of a signer's chain in time (validity, revocation against the proof of
//! existence, algorithms by the policy at the time they are relied on).
//!
//! A format (CAdES, XAdES ...) gathers the certificates, CRLs and OCSP responses its
//! signature carries, builds an [`Engine`] with them, and asks it about each signer; the
//! format itself decides only what was signed and whether the value verifies. So a rule
//! fixed here (the order of revocation data, future-dated data, a time-stamp before the
//! certificate) holds for every format at once.

use alloc::string::String;
use alloc::vec::Vec;

use crate::path::{self, ParsedCert, PathError, Purpose, ValidPath};
use crate::report::{Indication, SignatureReport, SubIndication};
use crate::revocation::crl::Crl;
use crate::revocation::{Checker, Evidence, Source};
use crate::time::UnixTime;
use crate::transport::Transport;
use crate::trust::TrustStore;

mod policy;
pub(crate) mod timestamp;

pub use policy::ValidationPolicy;

/// What to do about revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationPolicy {
    /// Do not check, because the caller says so: the report records "revocation not
    /// checked, by request" and the verdict may pass.
    Skip,
    /// Check with the data that is there (embedded, supplied, fetched when online); when
    /// none is found, warn instead of failing. What `openssl cms -verify` users expect; a
    /// revocation found still fails.
    IfAvailable,
    /// A status must be found for every certificate of the signing chain: without one the
    /// result is INDETERMINATE / TRY_LATER (EN 319 102-1, as DSS, libdigidocpp and pyHanko
    /// do). The default.
    Require,
}

/// Validation settings.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifyOptions<'a> {
    /// Trust anchors.
    pub trust: &'a TrustStore,
    /// The validation time ("now", or a past or future time to validate at).
    pub time: UnixTime,
    /// The current time by the caller's clock (the core reads no clock): revocation data
    /// and time-stamps dated after it are refused. [`VerifyOptions::new`] sets it to
    /// `time`; set the real clock when validating at another time.
    pub now: UnixTime,
    /// Extra certificates (DER) to build chains with, besides those in the signature.
    pub extra_certs: Vec<Vec<u8>>,
    /// Extra DER OCSP responses and CRLs, besides those in the signature.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// Extra DER CRLs.
    pub crls: Vec<Vec<u8>>,
    /// Revocation handling.
    pub revocation: RevocationPolicy,
    /// Fetch OCSP/CRL through this transport (online); `None` is offline.
    pub transport: Option<&'a dyn Transport>,
    /// Algorithm acceptance.
    pub policy: ValidationPolicy,
    /// A time the signature is proven to have existed by, from outside it: a PDF document
    /// time-stamp over the revision it signs (set by PAdES validation only; the engine uses
    /// it as a signature time-stamp's time, the earlier counting).
    pub(crate) document_poe: Option<UnixTime>,
}

impl<'a> VerifyOptions<'a> {
    /// Offline validation at `time` against `trust`; a revocation status is required
    /// ([`RevocationPolicy::Require`]).
    pub fn new(trust: &'a TrustStore, time: UnixTime) -> Self {
        Self {
            trust,
            time,
            now: time,
            extra_certs: Vec::new(),
            ocsp_responses: Vec::new(),
            crls: Vec::new(),
            revocation: RevocationPolicy::Require,
            transport: None,
            policy: ValidationPolicy::default(),
            document_poe: None,
        }
    }
}

/// What computing a signature needs: SHA-1 and small RSA are computed so that the policy
/// can judge them by date instead of calling them broken.
pub(crate) const COMPUTE: crate::crypto::Policy = crate::crypto::Policy {
    allow_sha1: true,
    min_rsa_bits: 1024,
};

/// Most certificates one signature may bring into the pool.
pub(crate) const MAX_CERTIFICATES: usize = crate::cms::MAX_CERTIFICATES;

/// Everything one validation shares across signers.
pub(crate) struct Engine<'s, 'o> {
    pub(crate) opts: &'s VerifyOptions<'o>,
    /// Certificates from the signature and the caller.
    pub(crate) pool: Vec<ParsedCert>,
    /// Why some embedded certificates could not be used.
    pub(crate) unusable: Vec<String>,
    pub(crate) ocsp: Vec<Vec<u8>>,
    pub(crate) crls: Vec<Crl>,
}

impl<'s, 'o> Engine<'s, 'o> {
    /// An engine with no data but the caller's (extra certificates, CRLs, OCSP responses).
    pub(crate) fn new(opts: &'s VerifyOptions<'o>) -> Self {
        let mut e = Self {
            opts,
            pool: Vec::new(),
            unusable: Vec::new(),
            ocsp: opts.ocsp_responses.clone(),
            crls: Vec::new(),
        };
        for c in &opts.extra_certs {
            e.add_certificate(c);
        }
        for c in &opts.crls {
            e.add_crl(c);
        }
        e
    }

    /// Adds a DER certificate to the pool (once; an unusable one is remembered with why).
    pub(crate) fn add_certificate(&mut self, der: &[u8]) {
        if self.pool.len() < MAX_CERTIFICATES && !self.pool.iter().any(|c| c.der == der) {
            match ParsedCert::from_der(der) {
                Ok(c) => self.pool.push(c),
                Err(e) => self
                    .unusable
                    .push(alloc::format!("an embedded certificate is unusable: {e}")),
            }
        }
    }

    /// Adds a DER CRL; one that does not parse is left out (it can say nothing).
    pub(crate) fn add_crl(&mut self, der: &[u8]) {
        if let Ok(c) = Crl::parse(der) {
            self.crls.push(c);
        }
    }

    /// Adds a DER `OCSPResponse`.
    pub(crate) fn add_ocsp(&mut self, der: Vec<u8>) {
        self.ocsp.push(der);
    }

    pub(crate) fn checker(&self) -> Checker<'o> {
        let mut c = match self.opts.transport {
            Some(t) => Checker::online(t),
            None => Checker::offline(),
        };
        c.ocsp_responses = self.ocsp.clone();
        c.crls = self.crls.clone();
        c
    }

    /// The signer's chain, judged as EN 319 102-1 §5.6.2.4 compares times: at the
    /// validation time first; when the certificate expired or was revoked since, the
    /// revocation time is compared with the proof of existence `poe` before expiry and
    /// issuance are: a revocation at or before `poe` is REVOKED_NO_POE whatever else
    /// holds, and only a signature proven to predate both the revocation and the expiry
    /// is validated at `poe`.
    pub(crate) fn judge_signer_chain(
        &self,
        cert: &ParsedCert,
        purpose: Purpose,
        poe: Option<UnixTime>,
        warnings: &mut Vec<String>,
    ) -> Result<(ValidPath, Vec<Evidence>), ChainVerdict> {
        let now = At::all(self.opts.time);
        let first = match self.chain_in(&self.pool, cert, purpose, now, warnings) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let earlier = poe.filter(|p| *p < self.opts.time);
        match (&first.error, earlier) {
            // Revoked after the proof of existence: valid at that time, if the rest is.
            (PathError::Revoked { time, .. }, Some(p)) if p < *time => {}
            (PathError::Revoked { .. }, _) => return Err(first.revoked_no_poe()),
            (PathError::Expired { .. } | PathError::RevocationUnknown { .. }, Some(_)) => {}
            (PathError::Expired { .. }, None) => {
                return Err(self.expired_no_poe(cert, purpose, first))
            }
            _ => return Err(first.into()),
        }
        let Some(p) = earlier else {
            return Err(first.into());
        };
        match self.chain_in(&self.pool, cert, purpose, At::all(p), warnings) {
            Ok(v) => Ok(v),
            Err(second) if matches!(second.error, PathError::Revoked { .. }) => {
                Err(second.revoked_no_poe())
            }
            // Not revoked at the proof of existence, but no usable status for it.
            Err(second) if matches!(second.error, PathError::RevocationUnknown { .. }) => {
                Err(second.into())
            }
            Err(_) => Err(first.into()),
        }
    }

    /// An expired signing certificate without a proof of existence before the expiry:
    /// OUT_OF_BOUNDS_NOT_REVOKED when revocation data issued after the expiry (or kept for
    /// expired certificates) shows it was not revoked, OUT_OF_BOUNDS_NO_POE otherwise.
    fn expired_no_poe(&self, cert: &ParsedCert, purpose: Purpose, first: Failed) -> ChainVerdict {
        let mut scratch = Vec::new();
        let at = At {
            validity: cert.not_after,
            status: self.opts.time,
            crypto: self.opts.time,
        };
        let mut v: ChainVerdict = first.into();
        match self.chain_in(&self.pool, cert, purpose, at, &mut scratch) {
            // Only status issued after the expiry says the certificate was never revoked.
            Ok((_, evidence))
                if evidence
                    .first()
                    .is_some_and(|e| issued(&e.source) >= cert.not_after) =>
            {
                v.sub_indication = SubIndication::OUT_OF_BOUNDS_NOT_REVOKED;
                v.evidence = evidence;
            }
            Err(f) if matches!(f.error, PathError::Revoked { .. }) => return f.revoked_no_poe(),
            _ => {}
        }
        v
    }

    /// Validates `cert`'s chain through `pool` for `purpose`: validity at `at.validity`,
    /// revocation status per the policy at `at.status`, and every certificate, OCSP and
    /// CRL signature by the policy at `at.crypto`.
    pub(crate) fn chain_in(
        &self,
        pool: &[ParsedCert],
        cert: &ParsedCert,
        purpose: Purpose,
        at: At,
        warnings: &mut Vec<String>,
    ) -> Result<(ValidPath, Vec<Evidence>), Failed> {
        let mut popts = path::Options::new(at.validity, purpose);
        popts.crypto_policy = self.opts.policy.path_policy(at.crypto);
        let path = path::validate_parsed(cert.clone(), pool, self.opts.trust, &popts)
            .map_err(Failed::from)?;
        if self.opts.revocation == RevocationPolicy::Skip {
            warnings.push("revocation not checked, by request".into());
            return Ok((path, Vec::new()));
        }
        let mut checker = self.checker();
        checker.ocsp.now = Some(self.opts.now);
        checker.ocsp.crypto_policy = popts.crypto_policy;
        let mut evidence = Vec::new();
        for r in checker.check_each(&path, at.status) {
            match r {
                Ok(ev) => evidence.push(ev),
                Err(PathError::RevocationUnknown { subject, reason })
                    if self.opts.revocation == RevocationPolicy::IfAvailable =>
                {
                    warnings.push(alloc::format!(
                        "revocation status of {subject} not checked: {reason}"
                    ));
                }
                Err(error) => {
                    return Err(Failed {
                        error,
                        evidence: checker.evidence().to_vec(),
                    })
                }
            }
        }
        Ok((path, evidence))
    }
}

fn issued(s: &Source) -> UnixTime {
    match s {
        Source::Ocsp { this_update, .. } | Source::Crl { this_update, .. } => *this_update,
        #[allow(unreachable_patterns)]
        _ => UnixTime::from_secs(0),
    }
}

/// The times a chain is judged at: validity, revocation status, and algorithms (the time
/// they are relied on).
#[derive(Clone, Copy, Debug)]
pub(crate) struct At {
    pub(crate) validity: UnixTime,
    pub(crate) status: UnixTime,
    pub(crate) crypto: UnixTime,
}

impl At {
    pub(crate) fn all(t: UnixTime) -> Self {
        Self {
            validity: t,
            status: t,
            crypto: t,
        }
    }
}

/// A chain that did not validate, with the revocation data that was used.
#[derive(Debug)]
pub(crate) struct Failed {
    pub(crate) error: PathError,
    pub(crate) evidence: Vec<Evidence>,
}

impl From<PathError> for Failed {
    fn from(error: PathError) -> Self {
        Self {
            error,
            evidence: Vec::new(),
        }
    }
}

impl Failed {
    /// Revoked, and no proof that the signature existed before the revocation.
    pub(crate) fn revoked_no_poe(self) -> ChainVerdict {
        ChainVerdict {
            indication: Indication::INDETERMINATE,
            sub_indication: SubIndication::REVOKED_NO_POE,
            message: alloc::format!("{}", self.error),
            evidence: self.evidence,
        }
    }
}

/// What a failed signer chain makes of the signature.
#[derive(Debug)]
pub(crate) struct ChainVerdict {
    pub(crate) indication: Indication,
    pub(crate) sub_indication: SubIndication,
    pub(crate) message: String,
    pub(crate) evidence: Vec<Evidence>,
}

impl From<Failed> for ChainVerdict {
    fn from(f: Failed) -> Self {
        let mut message = alloc::format!("{}", f.error);
        if matches!(f.error, PathError::RevocationUnknown { .. }) {
            message.push_str(
                " (supply an OCSP response or a CRL, validate online, or skip revocation checking explicitly)",
            );
        }
        Self {
            indication: f.error.indication(),
            sub_indication: f.error.sub_indication(),
            message,
            evidence: f.evidence,
        }
    }
}

/// Records a failure in `rep`.
pub(crate) fn fail(rep: &mut SignatureReport, ind: Indication, sub: SubIndication, msg: String) {
    rep.indication = ind;
    rep.sub_indication = Some(sub);
    rep.errors.push(msg);
}
