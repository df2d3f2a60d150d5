//! Trust anchors: the certificates a caller trusts, each with optional constraints.
//!
//! Anchors come as bytes (PEM or DER); reading files and folders is the caller's job (the
//! CLI does it), so the core stays free of I/O. The constraint fields are what an ETSI
//! TS 119 612 trusted list gives a service (its purposes and the period it was granted),
//! so a trusted-list loader can feed this store later without changing it.

use alloc::vec::Vec;

use crate::cert::{ParsedCert, Purpose};
use crate::error::Error;
use crate::time::UnixTime;

/// Most anchors one store holds.
pub const MAX_ANCHORS: usize = 10_000;

/// Constraints on what an anchor may vouch for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnchorConstraints {
    /// Purposes this anchor is trusted for; `None` means every purpose.
    pub purposes: Option<Vec<Purpose>>,
    /// Trusted from this time on (a trusted list's service status start).
    pub valid_from: Option<UnixTime>,
    /// Trusted until this time.
    pub valid_until: Option<UnixTime>,
}

impl AnchorConstraints {
    /// Trusted only for these purposes.
    pub fn for_purposes(purposes: Vec<Purpose>) -> Self {
        Self {
            purposes: Some(purposes),
            ..Self::default()
        }
    }

    /// Trusted only between these times.
    pub fn between(valid_from: Option<UnixTime>, valid_until: Option<UnixTime>) -> Self {
        Self {
            valid_from,
            valid_until,
            ..Self::default()
        }
    }

    /// Whether the anchor may vouch for `purpose` at `time`.
    pub fn allows(&self, purpose: Purpose, time: UnixTime) -> bool {
        let purpose_ok = self
            .purposes
            .as_ref()
            .is_none_or(|ps| purpose == Purpose::Any || ps.contains(&purpose));
        let from_ok = self.valid_from.is_none_or(|f| time >= f);
        let until_ok = self.valid_until.is_none_or(|u| time <= u);
        purpose_ok && from_ok && until_ok
    }
}

/// A trusted certificate and its constraints.
#[derive(Clone, Debug)]
pub struct TrustAnchor {
    /// The certificate.
    pub cert: ParsedCert,
    /// What it may vouch for.
    pub constraints: AnchorConstraints,
}

/// A set of trust anchors.
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one DER certificate with constraints.
    pub fn add_der(&mut self, der: &[u8], constraints: AnchorConstraints) -> Result<(), Error> {
        if self.anchors.len() >= MAX_ANCHORS {
            return Err(Error::LimitExceeded {
                what: "trust anchors",
                limit: MAX_ANCHORS,
            });
        }
        let cert = ParsedCert::from_der(der)?;
        if !self.anchors.iter().any(|a| a.cert.der == cert.der) {
            self.anchors.push(TrustAnchor { cert, constraints });
        }
        Ok(())
    }

    /// Adds every certificate in a PEM bundle or one DER certificate, unconstrained.
    /// Returns how many certificates the input held.
    pub fn add_pem_or_der(&mut self, input: &[u8]) -> Result<usize, Error> {
        let certs = crate::cert::parse_any(input)?;
        for c in &certs {
            let der = der::Encode::to_der(c).map_err(|e| Error::malformed("certificate", e))?;
            self.add_der(&der, AnchorConstraints::default())?;
        }
        Ok(certs.len())
    }

    /// The anchors.
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}
