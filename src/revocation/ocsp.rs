//! OCSP (RFC 6960): request building and response verification, sans-IO.
//!
//! [`request`] builds the DER a client POSTs (`application/ocsp-request`);
//! [`check_response`] parses what came back and answers "what was this certificate's status
//! at the validation time", after checking that the response is signed by an authorised
//! responder (RFC 6960 §4.2.2.2): the issuing CA itself, or a certificate the CA issued
//! for OCSP signing (id-kp-OCSPSigning).

use alloc::string::String;
use alloc::vec::Vec;

use const_oid::db::rfc6960;
use der::asn1::{Null, OctetString};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::KeyUsages;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    ResponderId, TbsRequest, Version,
};

use super::freshness::{freshness, not_in_future, Stale};
use crate::crypto::{digest, HashAlgorithm};
use crate::error::Error;
use crate::path::{subject_of, ParsedCert};
use crate::signed::SignedParts;
use crate::time::UnixTime;

/// Largest OCSP response parsed.
pub const MAX_RESPONSE_LEN: usize = 256 * 1024;
/// Most SingleResponses in one response.
const MAX_SINGLE_RESPONSES: usize = 1000;
/// Most certificates carried in one response.
const MAX_RESPONSE_CERTS: usize = 16;

/// Builds an OCSP request for `cert` issued by `issuer`, with a CertID over `hash`
/// (SHA-1 for compatibility with most responders, or SHA-256) and an optional nonce
/// (RFC 8954: 1 to 32 bytes).
pub fn request(
    cert: &ParsedCert,
    issuer: &ParsedCert,
    hash: HashAlgorithm,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    let enc = |e| Error::malformed("OCSP request", e);
    let mut extensions = None;
    if let Some(n) = nonce {
        if n.is_empty() || n.len() > 32 {
            return Err(Error::Malformed {
                what: "OCSP nonce",
                detail: alloc::format!("{} bytes; RFC 8954 allows 1 to 32", n.len()),
            });
        }
        let value = OctetString::new(n).map_err(enc)?.to_der().map_err(enc)?;
        extensions = Some(alloc::vec![x509_cert::ext::Extension {
            extn_id: rfc6960::ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(value).map_err(enc)?,
        }]);
    }
    OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: alloc::vec![Request {
                req_cert: cert_id(cert, issuer, hash)?,
                single_request_extensions: None,
            }],
            request_extensions: extensions,
        },
        optional_signature: None,
    }
    .to_der()
    .map_err(enc)
}

/// The CertID of `cert` (RFC 6960 §4.1.1): hashes of the issuer's name and key, and the
/// serial number.
pub fn cert_id(
    cert: &ParsedCert,
    issuer: &ParsedCert,
    hash: HashAlgorithm,
) -> Result<CertId, Error> {
    let enc = |e| Error::malformed("OCSP CertID", e);
    // NULL parameters, as OpenSSL and most responders write them for every hash.
    let params = Some(der::Any::encode_from(&Null).map_err(enc)?);
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: hash.oid(),
            parameters: params,
        },
        issuer_name_hash: OctetString::new(digest(hash, &issuer.subject).as_ref()).map_err(enc)?,
        issuer_key_hash: OctetString::new(digest(hash, key_bits(issuer)?).as_ref()).map_err(enc)?,
        serial_number: cert.cert.tbs_certificate.serial_number.clone(),
    })
}

/// The value of the issuer's `subjectPublicKey` BIT STRING (what CertID and ResponderID
/// key hashes cover).
fn key_bits(c: &ParsedCert) -> Result<&[u8], Error> {
    c.cert
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::Malformed {
            what: "SubjectPublicKeyInfo",
            detail: "subjectPublicKey has unused bits".into(),
        })
}

pub use super::freshness::{Options, Status};

/// A verified answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    /// The status at the validation time.
    pub status: Status,
    /// thisUpdate.
    pub this_update: UnixTime,
    /// nextUpdate, when given.
    pub next_update: Option<UnixTime>,
    /// producedAt.
    pub produced_at: UnixTime,
    /// archiveCutoff (RFC 6960 §4.4.4): the responder keeps status for certificates that
    /// expired at or after it.
    pub archive_cutoff: Option<UnixTime>,
    /// Who signed: the CA itself or its delegated responder (subject name).
    pub responder: String,
    /// Whether the responder was a delegated responder certificate.
    pub delegated: bool,
}

pub use crate::error::OcspError;

fn status_name(s: OcspResponseStatus) -> &'static str {
    match s {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}

/// Parses and verifies an OCSP response about `cert`, issued by `issuer`, and gives its
/// status at `opts.time`.
pub fn check_response(
    der: &[u8],
    cert: &ParsedCert,
    issuer: &ParsedCert,
    opts: &Options,
) -> Result<Answer, OcspError> {
    let bad = |e: der::Error| OcspError::Malformed(Error::malformed("OCSP response", e));
    if der.len() > MAX_RESPONSE_LEN {
        return Err(OcspError::Malformed(Error::LimitExceeded {
            what: "OCSP response length",
            limit: MAX_RESPONSE_LEN,
        }));
    }
    let resp = OcspResponse::from_der(der).map_err(bad)?;
    if resp.response_status != OcspResponseStatus::Successful {
        return Err(OcspError::NotSuccessful(status_name(resp.response_status)));
    }
    let bytes = resp
        .response_bytes
        .ok_or(OcspError::NotSuccessful("successful, without a response"))?;
    if bytes.response_type != rfc6960::ID_PKIX_OCSP_BASIC {
        return Err(OcspError::UnsupportedResponseType(alloc::format!(
            "{}",
            bytes.response_type
        )));
    }
    let basic_der = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(basic_der).map_err(bad)?;
    let signed =
        SignedParts::split(basic_der, "BasicOCSPResponse").map_err(OcspError::Malformed)?;
    let data = &basic.tbs_response_data;
    if data.responses.len() > MAX_SINGLE_RESPONSES {
        return Err(OcspError::Malformed(Error::LimitExceeded {
            what: "OCSP SingleResponses",
            limit: MAX_SINGLE_RESPONSES,
        }));
    }
    let certs = basic.certs.as_deref().unwrap_or(&[]);
    if certs.len() > MAX_RESPONSE_CERTS {
        return Err(OcspError::Malformed(Error::LimitExceeded {
            what: "certificates in an OCSP response",
            limit: MAX_RESPONSE_CERTS,
        }));
    }

    // Who signed, and are they allowed to?
    let (signer, delegated) = authorised_signer(&data.responder_id, certs, issuer, opts)?;
    signed
        .verify(&signer.spki, &opts.crypto_policy)
        .map_err(OcspError::BadSignature)?;

    if let Some(expected) = &opts.nonce {
        let echoed = data
            .response_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == rfc6960::ID_PKIX_OCSP_NONCE)
            .map(|e| {
                // The value is an OCTET STRING holding the nonce (RFC 8954); some
                // responders put the raw bytes: accept both encodings of the same nonce.
                let v = e.extn_value.as_bytes();
                OctetString::from_der(v).map_or_else(|_| v.to_vec(), |o| o.as_bytes().to_vec())
            });
        let matches = echoed.as_deref().is_some_and(|n| {
            n.len() == expected.len()
                && subtle::ConstantTimeEq::ct_eq(n, expected.as_slice()).into()
        });
        if !matches {
            return Err(OcspError::NonceMismatch);
        }
    }

    // The SingleResponse for this certificate, under whatever hash the responder used.
    let single = data
        .responses
        .iter()
        .find(|s| cert_id_matches(&s.cert_id, cert, issuer))
        .ok_or(OcspError::NoMatchingResponse)?;
    let this_update = UnixTime::from_secs(single.this_update.0.to_unix_duration().as_secs());
    let next_update = single
        .next_update
        .map(|n| UnixTime::from_secs(n.0.to_unix_duration().as_secs()));
    let produced_at = UnixTime::from_secs(data.produced_at.0.to_unix_duration().as_secs());
    not_in_future("producedAt", produced_at, opts)?;
    let archive_cutoff = data
        .response_extensions
        .iter()
        .flatten()
        .chain(single.single_extensions.iter().flatten())
        .find(|e| e.extn_id == rfc6960::ID_PKIX_OCSP_ARCHIVE_CUTOFF)
        .and_then(|e| der::asn1::GeneralizedTime::from_der(e.extn_value.as_bytes()).ok())
        .map(|t| UnixTime::from_secs(t.to_unix_duration().as_secs()));
    let status = match &single.cert_status {
        CertStatus::Good(_) => Status::Good,
        CertStatus::Unknown(_) => Status::Unknown,
        CertStatus::Revoked(info) => {
            let time = UnixTime::from_secs(info.revocation_time.0.to_unix_duration().as_secs());
            if time <= opts.time {
                Status::Revoked {
                    time,
                    reason: info.revocation_reason.map(|r| r as u8),
                }
            } else {
                // Revoked after the validation time: valid at that time.
                Status::Good
            }
        }
    };
    // A revocation is permanent: a signed "revoked" proves it however old the response
    // is. Only "good" and "unknown" must speak for the validation time.
    if matches!(status, Status::Revoked { .. }) {
        not_in_future("thisUpdate", this_update, opts)?;
    } else {
        freshness(this_update, next_update, opts)?;
    }
    Ok(Answer {
        status,
        this_update,
        next_update,
        produced_at,
        archive_cutoff,
        responder: subject_of(&signer),
        delegated,
    })
}

impl Answer {
    /// Whether this answer speaks for `cert` although it may have expired before the
    /// response: issued before its notAfter, or with an archiveCutoff at or before it.
    pub fn speaks_for_expired(&self, cert: &ParsedCert) -> bool {
        self.this_update <= cert.not_after
            || self.archive_cutoff.is_some_and(|t| t <= cert.not_after)
    }
}

/// RFC 6960 §4.2.2.2: the CA itself, or a certificate in the response that the CA issued
/// with id-kp-OCSPSigning, valid at the validation time.
fn authorised_signer(
    id: &ResponderId,
    certs: &[x509_cert::Certificate],
    issuer: &ParsedCert,
    opts: &Options,
) -> Result<(ParsedCert, bool), OcspError> {
    if responder_id_matches(id, issuer) {
        return Ok((issuer.clone(), false));
    }
    let mut named = None;
    for c in certs {
        let Ok(der) = c.to_der() else { continue };
        let Ok(p) = ParsedCert::from_der(&der) else {
            continue;
        };
        if !responder_id_matches(id, &p) {
            continue;
        }
        named = Some(subject_of(&p));
        let issued_by_ca = p.names_issuer(issuer)
            && SignedParts::split(&p.der, "certificate")
                .and_then(|s| s.verify(&issuer.spki, &opts.crypto_policy))
                .is_ok();
        let ocsp_eku = p
            .ext_key_usage
            .as_ref()
            .is_some_and(|(ekus, _)| ekus.contains(&const_oid::db::rfc5280::ID_KP_OCSP_SIGNING));
        let ku_ok = p.key_usage_allows(KeyUsages::DigitalSignature)
            || p.key_usage_allows(KeyUsages::NonRepudiation);
        let valid_now = p.not_before <= opts.time && opts.time <= p.not_after;
        if issued_by_ca && ocsp_eku && ku_ok && valid_now && p.unknown_critical.is_empty() {
            return Ok((p, true));
        }
    }
    Err(OcspError::UnauthorizedResponder(named.unwrap_or_else(
        || match id {
            ResponderId::ByName(n) => alloc::format!("{n}"),
            ResponderId::ByKey(_) => "an unknown key".into(),
        },
    )))
}

fn responder_id_matches(id: &ResponderId, c: &ParsedCert) -> bool {
    match id {
        ResponderId::ByName(n) => crate::cert::NameKey::of(n) == c.subject_key,
        ResponderId::ByKey(k) => {
            key_bits(c).is_ok_and(|bits| digest(HashAlgorithm::Sha1, bits).as_ref() == k.as_bytes())
        }
    }
}

fn cert_id_matches(id: &CertId, cert: &ParsedCert, issuer: &ParsedCert) -> bool {
    let Ok(hash) = HashAlgorithm::from_oid(&id.hash_algorithm.oid) else {
        return false;
    };
    let Ok(bits) = key_bits(issuer) else {
        return false;
    };
    id.serial_number == cert.cert.tbs_certificate.serial_number
        && id.issuer_name_hash.as_bytes() == digest(hash, &issuer.subject).as_ref()
        && id.issuer_key_hash.as_bytes() == digest(hash, bits).as_ref()
}

impl From<Stale> for OcspError {
    fn from(e: Stale) -> Self {
        match e {
            Stale::NotFresh(s) => Self::NotFresh(s),
            Stale::IssuedInFuture(s) => Self::IssuedInFuture(s),
        }
    }
}
