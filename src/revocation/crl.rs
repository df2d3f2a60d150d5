//! Certificate revocation lists (RFC 5280 §5): parse, verify against the issuer, look up a
//! serial number.
//!
//! Supported: complete CRLs signed by the certificate's issuer, with the issuing
//! distribution point's "only user / only CA certificates" scopes. Not supported, and
//! refused with a clear error rather than misread: delta CRLs (deltaCRLIndicator), indirect
//! CRLs, CRLs limited to some reasons (onlySomeReasons), and unknown critical extensions.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use const_oid::db::rfc5280 as o5280;
use der::Decode;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::{CrlReason, KeyUsages};

use super::freshness::{freshness, not_in_future, Options, Stale, Status};
use crate::crypto::Policy;
use crate::error::Error;
use crate::path::ParsedCert;
use crate::signed::SignedParts;
use crate::time::UnixTime;

/// id-ce-expiredCertsOnCRL.
const EXPIRED_CERTS_ON_CRL: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.60");

/// Largest CRL parsed. National CAs publish CRLs of several MB.
pub const MAX_CRL_LEN: usize = 64 * 1024 * 1024;

/// A parsed CRL.
#[derive(Clone, Debug)]
pub struct Crl {
    signed: SignedParts,
    /// The issuer in comparable form (RFC 5280 §7.1).
    issuer_key: crate::cert::NameKey,
    /// thisUpdate.
    pub this_update: UnixTime,
    /// nextUpdate.
    pub next_update: Option<UnixTime>,
    /// Serial number (DER value bytes) → revocation time and reason.
    revoked: BTreeMap<Vec<u8>, (UnixTime, Option<u8>)>,
    /// ExpiredCertsOnCRL (X.509 (10/2012) §9.6.2.9, OID 2.5.29.60): certificates that
    /// expired at or after this time stay listed when revoked, so the CRL speaks for them.
    pub expired_certs_on_crl: Option<UnixTime>,
    only_user: bool,
    only_ca: bool,
}

pub use crate::error::CrlError;

impl Crl {
    /// Parses a DER CRL (or PEM `X509 CRL`).
    pub fn parse(input: &[u8]) -> Result<Self, CrlError> {
        if input.len() > MAX_CRL_LEN {
            return Err(CrlError::Malformed(Error::LimitExceeded {
                what: "CRL length",
                limit: MAX_CRL_LEN,
            }));
        }
        let pem;
        let der = if input.starts_with(b"-----BEGIN") {
            let (label, d) = der::pem::decode_vec(input).map_err(|e| {
                CrlError::Malformed(Error::Malformed {
                    what: "PEM CRL",
                    detail: alloc::format!("{e}"),
                })
            })?;
            if label != "X509 CRL" {
                return Err(CrlError::Malformed(Error::Malformed {
                    what: "PEM CRL",
                    detail: alloc::format!("label {label:?}, expected \"X509 CRL\""),
                }));
            }
            pem = d;
            pem.as_slice()
        } else {
            input
        };
        let bad = |e| CrlError::Malformed(Error::malformed("CRL", e));
        let list = CertificateList::from_der(der).map_err(bad)?;
        let signed = SignedParts::split(der, "CRL").map_err(CrlError::Malformed)?;
        let tbs = &list.tbs_cert_list;
        if list.signature_algorithm != tbs.signature {
            return Err(CrlError::Malformed(Error::Malformed {
                what: "CRL",
                detail: "signatureAlgorithm differs from tbsCertList.signature".into(),
            }));
        }
        let mut only_user = false;
        let mut only_ca = false;
        let mut expired_certs_on_crl = None;
        for ext in tbs.crl_extensions.iter().flatten() {
            let id = ext.extn_id;
            if id == EXPIRED_CERTS_ON_CRL {
                let t =
                    der::asn1::GeneralizedTime::from_der(ext.extn_value.as_bytes()).map_err(bad)?;
                expired_certs_on_crl = Some(UnixTime::from_secs(t.to_unix_duration().as_secs()));
            } else if id == o5280::ID_CE_DELTA_CRL_INDICATOR {
                return Err(CrlError::Unsupported("a delta CRL".into()));
            } else if id == o5280::ID_CE_ISSUING_DISTRIBUTION_POINT {
                let idp =
                    IssuingDistributionPoint::from_der(ext.extn_value.as_bytes()).map_err(bad)?;
                if idp.indirect_crl {
                    return Err(CrlError::Unsupported("an indirect CRL".into()));
                }
                if idp.only_some_reasons.is_some() {
                    return Err(CrlError::Unsupported(
                        "a CRL limited to some reasons".into(),
                    ));
                }
                if idp.only_contains_attribute_certs {
                    return Err(CrlError::Unsupported("an attribute-certificate CRL".into()));
                }
                only_user = idp.only_contains_user_certs;
                only_ca = idp.only_contains_ca_certs;
            } else if ext.critical
                && id != o5280::ID_CE_CRL_NUMBER
                && id != o5280::ID_CE_AUTHORITY_KEY_IDENTIFIER
            {
                return Err(CrlError::Unsupported(alloc::format!(
                    "critical CRL extension {}",
                    crate::crypto::alg::oid_name(&id)
                )));
            }
        }
        let mut revoked = BTreeMap::new();
        for entry in tbs.revoked_certificates.iter().flatten() {
            let mut reason = None;
            for ext in entry.crl_entry_extensions.iter().flatten() {
                if ext.extn_id == o5280::ID_CE_CRL_REASONS {
                    reason = CrlReason::from_der(ext.extn_value.as_bytes())
                        .ok()
                        .map(|r| r as u8);
                } else if ext.extn_id == o5280::ID_CE_CERTIFICATE_ISSUER {
                    return Err(CrlError::Unsupported("an indirect CRL entry".into()));
                } else if ext.critical {
                    return Err(CrlError::Unsupported(alloc::format!(
                        "critical CRL entry extension {}",
                        crate::crypto::alg::oid_name(&ext.extn_id)
                    )));
                }
            }
            // removeFromCRL only appears in delta CRLs, which are refused above.
            revoked.insert(
                entry.serial_number.as_bytes().to_vec(),
                (UnixTime::from_x509(&entry.revocation_date), reason),
            );
        }
        Ok(Self {
            issuer_key: crate::cert::NameKey::of(&tbs.issuer),
            this_update: UnixTime::from_x509(&tbs.this_update),
            next_update: tbs.next_update.as_ref().map(UnixTime::from_x509),
            revoked,
            expired_certs_on_crl,
            only_user,
            only_ca,
            signed,
        })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.revoked.len()
    }

    /// Whether the CRL lists no certificate.
    pub fn is_empty(&self) -> bool {
        self.revoked.is_empty()
    }

    /// Whether this CRL still lists `cert` if it is revoked, although it expired before the
    /// CRL was issued: only with ExpiredCertsOnCRL at or before its notAfter. Without it, a
    /// CA may drop expired certificates, and their absence proves nothing.
    pub fn speaks_for_expired(&self, cert: &ParsedCert) -> bool {
        self.this_update <= cert.not_after
            || self
                .expired_certs_on_crl
                .is_some_and(|t| t <= cert.not_after)
    }

    /// Whether this CRL is issued by `issuer` (by name); cheap, before [`Crl::check`].
    pub fn issued_by(&self, issuer: &ParsedCert) -> bool {
        self.issuer_key == issuer.subject_key
    }

    /// Verifies the CRL for `cert` (issued by `issuer`) and returns its status at
    /// `opts.time`, with the same freshness rules as OCSP.
    pub fn check(
        &self,
        cert: &ParsedCert,
        issuer: &ParsedCert,
        opts: &Options,
    ) -> Result<Status, CrlError> {
        if !self.issued_by(issuer) || !cert.names_issuer(issuer) {
            return Err(CrlError::WrongIssuer);
        }
        if !issuer.key_usage_allows(KeyUsages::CRLSign) {
            return Err(CrlError::IssuerCannotSignCrls);
        }
        self.verify_signature(issuer, &opts.crypto_policy)?;
        if (self.only_user && cert.is_ca()) || (self.only_ca && !cert.is_ca()) {
            return Err(CrlError::OutOfScope);
        }
        let status = match self.revoked.get(cert.serial()) {
            Some(&(time, reason)) if time <= opts.time => Status::Revoked { time, reason },
            _ => Status::Good,
        };
        // A listing is permanent proof of the revocation, however old the CRL; only "not
        // listed" must speak for the validation time. Dated in the future is refused either
        // way.
        let fresh = if status == Status::Good {
            freshness(self.this_update, self.next_update, opts)
        } else {
            not_in_future("thisUpdate", self.this_update, opts)
        };
        fresh.map_err(|e| match e {
            Stale::NotFresh(s) => CrlError::NotFresh(s),
            Stale::IssuedInFuture(s) => CrlError::IssuedInFuture(s),
        })?;
        Ok(status)
    }

    fn verify_signature(&self, issuer: &ParsedCert, policy: &Policy) -> Result<(), CrlError> {
        self.signed
            .verify(&issuer.spki, policy)
            .map_err(CrlError::BadSignature)
    }
}
